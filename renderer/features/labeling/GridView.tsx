import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { entryImageUrl, type EntryView } from '../../api';
import { useCommand } from '../../commands';
import { EmptyState, Spinner } from '../../ui';
import type { EntryList } from './entryList';
import type { LabelingT } from './i18n';
import { selectOnly, toggleOne, withIds, withRange, type Selection } from './selection';
import { useVersion } from './useLabelingData';

export interface GridViewProps {
  list: EntryList;
  selection: Selection;
  onSelectionChange: (next: Selection | ((previous: Selection) => Selection)) => void;
  onOpen: (index: number) => void;
  colorOf: (label: string) => string;
  isFiltered: boolean;
  t: LabelingT;
  /** Index to bring into view when the grid appears (the image just labeled). */
  revealIndex: number | null;
}

const GAP = 12;
const PADDING = 16;
const MIN_CELL = 172;
const META_HEIGHT = 54;
/** Pointer travel (px) before a press in the grid becomes a marquee. */
const MARQUEE_THRESHOLD = 5;

interface Layout {
  columns: number;
  cellWidth: number;
  cellHeight: number;
  rowHeight: number;
}

function layoutFor(width: number): Layout {
  const inner = Math.max(MIN_CELL, width - 2 * PADDING);
  const columns = Math.max(1, Math.floor((inner + GAP) / (MIN_CELL + GAP)));
  const cellWidth = (inner - GAP * (columns - 1)) / columns;
  const cellHeight = Math.round(cellWidth * 0.75) + META_HEIGHT;
  return { columns, cellWidth, cellHeight, rowHeight: cellHeight + GAP };
}

interface Marquee {
  pointerId: number;
  start: { x: number; y: number };
  current: { x: number; y: number };
  isActive: boolean;
  base: Selection;
  isAdditive: boolean;
  hitIndex: number | null;
  shiftKey: boolean;
  toggleKey: boolean;
}

/** Indexes of the cells a content-space rectangle touches. */
function cellsInRect(layout: Layout, total: number, a: { x: number; y: number }, b: { x: number; y: number }): number[] {
  const left = Math.min(a.x, b.x) - PADDING;
  const right = Math.max(a.x, b.x) - PADDING;
  const top = Math.min(a.y, b.y) - PADDING;
  const bottom = Math.max(a.y, b.y) - PADDING;
  const stepX = layout.cellWidth + GAP;
  const indexes: number[] = [];
  const firstRow = Math.max(0, Math.floor(top / layout.rowHeight));
  const lastRow = Math.floor(bottom / layout.rowHeight);
  for (let row = firstRow; row <= lastRow; row++) {
    const rowTop = row * layout.rowHeight;
    if (rowTop > bottom || rowTop + layout.cellHeight < top) continue;
    for (let column = 0; column < layout.columns; column++) {
      const cellLeft = column * stepX;
      if (cellLeft > right || cellLeft + layout.cellWidth < left) continue;
      const index = row * layout.columns + column;
      if (index < total) indexes.push(index);
    }
  }
  return indexes;
}

/** The filtered images as a virtualised grid of thumbnails, with click, range, toggle and marquee selection. */
export function GridView({ list, selection, onSelectionChange, onOpen, colorOf, isFiltered, t, revealIndex }: GridViewProps) {
  useVersion(list);
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [marquee, setMarquee] = useState<Marquee | null>(null);
  const marqueeRef = useRef<Marquee | null>(null);
  marqueeRef.current = marquee;
  const total = list.total ?? 0;
  const layout = layoutFor(width);
  const rows = Math.ceil(total / layout.columns);

  // The scroller exists only once there is something to show: measure it when it appears.
  const hasGrid = list.total !== null && total > 0;
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setWidth(element.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasGrid]);

  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => layout.rowHeight,
    overscan: 3,
    paddingStart: PADDING,
    paddingEnd: PADDING,
  });
  useEffect(() => virtualizer.measure(), [virtualizer, layout.rowHeight]);

  const items = virtualizer.getVirtualItems();
  const firstRow = items[0]?.index ?? 0;
  const lastRow = items.at(-1)?.index ?? 0;
  useEffect(() => {
    list.ensure(firstRow * layout.columns, (lastRow + 1) * layout.columns);
  }, [list, firstRow, lastRow, layout.columns]);

  // Coming back from single-image mode: show the image that was open.
  const revealed = useRef(false);
  useEffect(() => {
    if (revealed.current || revealIndex === null || width === 0 || rows === 0) return;
    revealed.current = true;
    virtualizer.scrollToIndex(Math.floor(revealIndex / layout.columns), { align: 'center' });
  }, [revealIndex, width, rows, layout.columns, virtualizer]);

  const moveCursor = (delta: number, extend: boolean) => {
    if (total === 0) return;
    const from = selection.cursor ?? (delta > 0 ? -1 : total);
    const index = Math.min(total - 1, Math.max(0, from + delta));
    virtualizer.scrollToIndex(Math.floor(index / layout.columns));
    if (extend && selection.anchor !== null) {
      const anchor = selection.anchor;
      void list.idsBetween(anchor, index).then((ids) => onSelectionChange((previous) => withRange({ ...previous, anchor }, ids, index, false)));
      return;
    }
    void list.ensureLoaded(index, index + 1).then(() => {
      const entry = list.at(index);
      if (entry) onSelectionChange(selectOnly(entry.EntryId, index));
    });
  };

  useCommand('grid:cursor-next', () => moveCursor(1, false));
  useCommand('grid:cursor-previous', () => moveCursor(-1, false));
  useCommand('grid:cursor-down', () => moveCursor(layout.columns, false));
  useCommand('grid:cursor-up', () => moveCursor(-layout.columns, false));
  useCommand('grid:extend-next', () => moveCursor(1, true));
  useCommand('grid:extend-previous', () => moveCursor(-1, true));
  useCommand(
    'grid:open',
    () => onOpen(selection.cursor ?? 0),
    () => total > 0,
  );

  const contentPoint = (event: { clientX: number; clientY: number }) => {
    const rect = content.current!.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (event.button !== 0 || !content.current) return;
    const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    const hitIndex = cell ? Number(cell.dataset.index) : null;
    const point = contentPoint(event);
    const toggleKey = event.ctrlKey || event.metaKey;
    setMarquee({
      pointerId: event.pointerId,
      start: point,
      current: point,
      isActive: false,
      base: selection,
      isAdditive: toggleKey || event.shiftKey,
      hitIndex,
      shiftKey: event.shiftKey,
      toggleKey,
    });
  };

  const onPointerMove = (event: ReactPointerEvent<HTMLDivElement>) => {
    const current = marqueeRef.current;
    if (!current || current.pointerId !== event.pointerId) return;
    const point = contentPoint(event);
    const isActive = current.isActive || Math.hypot(point.x - current.start.x, point.y - current.start.y) > MARQUEE_THRESHOLD;
    if (isActive && !current.isActive) event.currentTarget.setPointerCapture(event.pointerId);
    // Near the top or bottom edge the grid scrolls, so a marquee can reach beyond the screen.
    const bounds = event.currentTarget.getBoundingClientRect();
    if (isActive && event.clientY > bounds.bottom - 28) event.currentTarget.scrollTop += 24;
    if (isActive && event.clientY < bounds.top + 28) event.currentTarget.scrollTop -= 24;
    setMarquee({ ...current, current: point, isActive });
  };

  const onPointerUp = (event: ReactPointerEvent<HTMLDivElement>) => {
    const current = marqueeRef.current;
    setMarquee(null);
    if (!current || current.pointerId !== event.pointerId) return;
    if (current.isActive) {
      const indexes = cellsInRect(layout, total, current.start, contentPoint(event));
      if (indexes.length === 0) {
        if (!current.isAdditive) onSelectionChange({ ...current.base, ids: new Set() });
        return;
      }
      const first = indexes[0]!;
      const last = indexes.at(-1)!;
      void list.ensureLoaded(first, last + 1).then(() => {
        const ids = indexes.flatMap((index) => list.at(index)?.EntryId ?? []);
        onSelectionChange({ ...withIds(current.base, ids, current.isAdditive), anchor: first, cursor: last });
      });
      return;
    }
    const index = current.hitIndex;
    if (index === null) {
      if (!current.isAdditive) onSelectionChange((previous) => ({ ...previous, ids: new Set() }));
      return;
    }
    const entry = list.at(index);
    if (!entry) return;
    if (current.shiftKey && selection.anchor !== null) {
      const anchor = selection.anchor;
      // The range may run through entries never shown: their ids are fetched.
      void list.idsBetween(anchor, index).then((ids) => onSelectionChange((previous) => withRange({ ...previous, anchor }, ids, index, current.toggleKey)));
      return;
    }
    if (current.toggleKey) onSelectionChange(toggleOne(selection, entry.EntryId, index));
    else onSelectionChange(selectOnly(entry.EntryId, index));
  };

  const marqueeRect =
    marquee?.isActive === true
      ? {
          left: Math.min(marquee.start.x, marquee.current.x),
          top: Math.min(marquee.start.y, marquee.current.y),
          width: Math.abs(marquee.current.x - marquee.start.x),
          height: Math.abs(marquee.current.y - marquee.start.y),
        }
      : null;
  const previewIds =
    marquee?.isActive === true
      ? new Set([
          ...(marquee.isAdditive ? marquee.base.ids : []),
          ...cellsInRect(layout, total, marquee.start, marquee.current).flatMap((index) => list.at(index)?.EntryId ?? []),
        ])
      : null;
  const shownSelection = previewIds ?? selection.ids;

  if (list.total === null) {
    return (
      <div className="lab-grid lab-grid--state">
        {list.error ? <p className="lab-muted">{t('grid.loadFailed')}</p> : <Spinner size={22} label={t('grid.loading')} />}
      </div>
    );
  }
  if (total === 0) {
    return (
      <div className="lab-grid lab-grid--state">
        <EmptyState icon="image" title={isFiltered ? t('grid.noMatchTitle') : t('grid.emptyTitle')} compact>
          <p>{isFiltered ? t('grid.noMatchBody') : t('grid.emptyBody')}</p>
        </EmptyState>
      </div>
    );
  }

  return (
    <div
      ref={scroller}
      className={`lab-grid ${marquee?.isActive ? 'is-selecting' : ''}`}
      role="listbox"
      aria-multiselectable="true"
      aria-label={t('grid.label')}
      tabIndex={-1}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => setMarquee(null)}
      onDoubleClick={(event) => {
        const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
        if (cell) onOpen(Number(cell.dataset.index));
      }}
    >
      <div ref={content} className="lab-grid__content" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((row) => (
          <div key={row.key} className="lab-grid__row" style={{ transform: `translateY(${row.start}px)`, height: layout.cellHeight, gap: GAP }}>
            {Array.from({ length: layout.columns }, (_, column) => {
              const index = row.index * layout.columns + column;
              if (index >= total) return null;
              const entry = list.at(index);
              return (
                <GridCell
                  key={entry ? entry.EntryId : `i${index}`}
                  index={index}
                  entry={entry}
                  width={layout.cellWidth}
                  isSelected={entry ? shownSelection.has(entry.EntryId) : false}
                  isCursor={selection.cursor === index}
                  colorOf={colorOf}
                  boxesText={entry ? t('grid.boxes', { count: entry.Boxes.length }) : ''}
                  unlabeledText={t('grid.unlabeled')}
                />
              );
            })}
          </div>
        ))}
        {marqueeRect ? <div className="lab-grid__marquee" style={marqueeRect} /> : null}
      </div>
    </div>
  );
}

interface GridCellProps {
  index: number;
  entry: EntryView | undefined;
  width: number;
  isSelected: boolean;
  isCursor: boolean;
  colorOf: (label: string) => string;
  boxesText: string;
  unlabeledText: string;
}

const GridCell = memo(function GridCell({ index, entry, width, isSelected, isCursor, colorOf, boxesText, unlabeledText }: GridCellProps) {
  if (!entry) {
    return (
      <div className="lab-cell lab-cell--loading" style={{ width }} data-index={index} aria-hidden="true">
        <div className="lab-cell__thumb skeleton" />
        <div className="lab-cell__meta">
          <span className="skeleton" style={{ width: '60%', height: 10 }} />
        </div>
      </div>
    );
  }
  const { Width: w, Height: h } = entry;
  return (
    <div
      className={`lab-cell ${isSelected ? 'is-selected' : ''} ${isCursor ? 'is-cursor' : ''}`}
      style={{ width }}
      data-index={index}
      role="option"
      aria-selected={isSelected}
      aria-label={entry.FileName}
      title={entry.FileName}
    >
      <div className="lab-cell__thumb">
        <img src={entryImageUrl(entry.EntryId, 'thumb')} alt="" loading="lazy" draggable={false} />
        {w && h && entry.Boxes.length > 0 ? (
          <svg className="lab-cell__boxes" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
            {entry.Boxes.map((box, i) => (
              <rect
                key={i}
                x={box.Left}
                y={box.Top}
                width={box.Width}
                height={box.Height}
                fill="none"
                stroke={colorOf(box.Label)}
                strokeWidth={2}
                vectorEffect="non-scaling-stroke"
              />
            ))}
          </svg>
        ) : null}
        <span className="lab-cell__check" aria-hidden="true">
          <svg viewBox="0 0 20 20" width="14" height="14">
            <path d="M4 10.5l4 4 8-9" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </span>
        {entry.Boxes.length > 0 ? <span className="lab-cell__badge">{boxesText}</span> : null}
      </div>
      <div className="lab-cell__meta">
        <span className="lab-cell__name">{entry.FileName}</span>
        <span className="lab-cell__labels">
          {entry.Labels.length === 0 && entry.Boxes.length === 0 ? <span className="lab-cell__unlabeled">{unlabeledText}</span> : null}
          {entry.Labels.map((label) => (
            <span key={label} className="lab-chip" style={{ ['--chip' as string]: colorOf(label) }}>
              {label}
            </span>
          ))}
        </span>
      </div>
    </div>
  );
});
