import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { EntryView } from '../../api';
import { LoadFailed } from '../../lib/LoadFailed';
import { useElementWidth } from '../../lib/useElementWidth';
import { EntryCard, EntryCardSkeleton } from './EntryCard';
import type { EntryPages } from './entryPages';

/** Cards are at least this wide; the columns share what is left over. */
const MIN_CARD_WIDTH = 150;
const GAP = 12;
const PADDING = 14;
/** The card's text area under the picture (file name, labels, badges); EntryCard's CSS matches it. */
export const CARD_INFO_HEIGHT = 88;

export interface GalleryProps {
  pages: EntryPages | undefined;
  /** Re-renders the grid when pages arrive. */
  version: number;
  label: string;
  onShowErrors: (entry: EntryView) => void;
  /** Shown instead of the grid when nothing matches. */
  empty: ReactNode;
  /** Where a card leads (the image open for labeling), by entry and 0-based place in the list. */
  hrefOf?: (entry: EntryView, index: number) => string;
  /** Ticked cards, by entry id; with `onToggle` each card has a checkbox. */
  selected?: ReadonlySet<number>;
  onToggle?: (entry: EntryView) => void;
}

/**
 * Rows of thumbnail cards, as many columns as fit. Only the rows in view (and a few around them)
 * are in the DOM, and only their pages are fetched, so 100,000 entries scroll like 100. The page
 * is the one scroll container (issue 15: a gallery scrolling inside a scrolling page moved a
 * 220 px slot under the wheel), so the rows are placed against the window.
 */
export function Gallery({ pages, version, label, onShowErrors, empty, hrefOf, selected, onToggle }: GalleryProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const width = useElementWidth(scroller);
  const inner = Math.max(0, width - PADDING * 2);
  const columns = Math.max(1, Math.floor((inner + GAP) / (MIN_CARD_WIDTH + GAP)));
  const cardWidth = Math.max(0, (inner - GAP * (columns - 1)) / columns);
  const thumbHeight = Math.round(cardWidth * 0.75);
  const rowHeight = thumbHeight + CARD_INFO_HEIGHT + GAP;
  const total = pages?.total ?? 0;
  const rowCount = Math.ceil(total / columns);

  const offset = usePageOffset(scroller);
  const virtualizer = useWindowVirtualizer({
    count: rowCount,
    estimateSize: () => rowHeight,
    overscan: 2,
    paddingStart: PADDING,
    paddingEnd: PADDING,
    scrollMargin: offset,
  });

  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, rowHeight]);

  // A new filter starts at the top of the gallery.
  const offsetRef = useRef(offset);
  offsetRef.current = offset;
  useEffect(() => {
    if (window.scrollY > offsetRef.current) window.scrollTo({ top: offsetRef.current });
  }, [pages]);

  const rows = virtualizer.getVirtualItems();
  const firstRow = rows[0]?.index ?? 0;
  const lastRow = rows.at(-1)?.index ?? 0;
  useEffect(() => {
    pages?.want(firstRow * columns, (lastRow + 1) * columns - 1);
  }, [pages, firstRow, lastRow, columns, version]);

  const isLoading = !pages || pages.total === undefined;
  return (
    <div className="gallery">
      {pages?.error ? (
        <div className="gallery__error">
          <LoadFailed error={pages.error} onRetry={() => pages.retry()} />
        </div>
      ) : null}
      <div ref={scroller} className="gallery__scroller" role="list" aria-label={label} aria-busy={isLoading || undefined} tabIndex={0}>
        {!isLoading && total === 0 ? <div className="gallery__empty">{empty}</div> : null}
        {isLoading && !pages?.error ? (
          <div className="gallery__row gallery__row--static" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gap: GAP, padding: PADDING }}>
            {Array.from({ length: columns * 2 }, (_, index) => (
              <EntryCardSkeleton key={index} thumbHeight={thumbHeight} />
            ))}
          </div>
        ) : null}
        <div className="gallery__space" style={{ height: virtualizer.getTotalSize() }}>
          {rows.map((row) => {
            const start = row.index * columns;
            const cells = Math.min(columns, total - start);
            return (
              <div
                key={row.key}
                className="gallery__row"
                style={{
                  transform: `translateY(${row.start - offset}px)`,
                  height: rowHeight - GAP,
                  left: PADDING,
                  right: PADDING,
                  gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
                  gap: GAP,
                }}
              >
                {Array.from({ length: cells }, (_, offset) => {
                  const index = start + offset;
                  const entry = pages?.entryAt(index);
                  return entry ? (
                    <EntryCard
                      key={entry.EntryId}
                      entry={entry}
                      position={index + 1}
                      setSize={total}
                      thumbHeight={thumbHeight}
                      onShowErrors={onShowErrors}
                      href={hrefOf?.(entry, index)}
                      isSelected={selected?.has(entry.EntryId) ?? false}
                      onToggle={onToggle}
                    />
                  ) : (
                    <EntryCardSkeleton key={`pending-${index}`} thumbHeight={thumbHeight} />
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Where `element` starts on the page, kept current as what is above it grows and shrinks. */
function usePageOffset(element: RefObject<HTMLElement | null>): number {
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    const measure = () => {
      const top = element.current ? Math.round(element.current.getBoundingClientRect().top + window.scrollY) : 0;
      setOffset((previous) => (previous === top ? previous : top));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, [element]);
  return offset;
}
