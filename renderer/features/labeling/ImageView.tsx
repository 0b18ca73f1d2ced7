import { useEffect, useMemo } from 'react';
import { entryImageUrl, type EntryView } from '../../api';
import { useCommand, type CommandId } from '../../commands';
import { Button, Icon, Spinner } from '../../ui';
import { BoxCanvas, type BoxCanvasText } from './canvas/BoxCanvas';
import { toBoxPx } from './boxes';
import type { LabelingT } from './i18n';
import { runBoxCommand, type BoxTool } from './tools/box';

export interface ImageViewProps {
  tool: BoxTool;
  entry: EntryView | undefined;
  index: number;
  total: number;
  labels: readonly string[];
  previousEntry: EntryView | undefined;
  nextEntry: EntryView | undefined;
  autoAdvance: boolean;
  onAutoAdvanceChange: (value: boolean) => void;
  onNavigate: (index: number) => void;
  onClose: () => void;
  onManageLabels: () => void;
  colorOf: (label: string) => string;
  t: LabelingT;
}

const BOX_COMMANDS: CommandId[] = [
  'box:delete',
  'box:deselect',
  'box:next',
  'box:previous',
  'box:nudge-left',
  'box:nudge-right',
  'box:nudge-up',
  'box:nudge-down',
  'box:nudge-left-10',
  'box:nudge-right-10',
  'box:nudge-up-10',
  'box:nudge-down-10',
  'box:set-label-1',
  'box:set-label-2',
  'box:set-label-3',
  'box:set-label-4',
  'box:set-label-5',
  'box:set-label-6',
  'box:set-label-7',
  'box:set-label-8',
  'box:set-label-9',
];

/** One image at a time: the box editor, with next and previous. */
export function ImageView(props: ImageViewProps) {
  const { tool, entry, index, total, labels, previousEntry, nextEntry, autoAdvance, onAutoAdvanceChange, onNavigate, onClose, onManageLabels, colorOf, t } =
    props;
  const size = entry?.Width && entry.Height ? { width: entry.Width, height: entry.Height } : null;

  // The tool shows this entry's boxes: a new entry resets it; the same one takes saved changes.
  useEffect(() => {
    tool.load(entry?.EntryId ?? 'none', size, entry ? entry.Boxes.map(toBoxPx) : []);
  }, [tool, entry?.EntryId, entry?.Boxes, size?.width, size?.height]);

  // The next pictures load while this one is labelled.
  useEffect(() => {
    for (const neighbour of [nextEntry, previousEntry]) {
      if (neighbour) new Image().src = entryImageUrl(neighbour.EntryId, 'display');
    }
  }, [nextEntry?.EntryId, previousEntry?.EntryId]);

  useCommand('image:next', () => onNavigate(index + 1), () => index + 1 < total);
  useCommand('image:previous', () => onNavigate(index - 1), () => index > 0);
  useCommand('image:close', onClose);
  useCommand('image:auto-advance', () => onAutoAdvanceChange(!autoAdvance));
  const previous = useMemo(
    () =>
      previousEntry?.Width && previousEntry.Height
        ? { image: { width: previousEntry.Width, height: previousEntry.Height }, boxes: previousEntry.Boxes.map(toBoxPx) }
        : undefined,
    [previousEntry],
  );
  useCommand(
    'box:repeat-previous',
    () => runBoxCommand(tool, 'box:repeat-previous', { labels, previous }),
    () => previous !== undefined && previous.boxes.length > 0 && size !== null,
  );
  for (const id of BOX_COMMANDS) {
    // The list is constant, so the hooks run in the same order every render.
    useCommand(
      id,
      () => runBoxCommand(tool, id, { labels }),
      () => {
        if (id === 'box:next' || id === 'box:previous') return tool.boxes.length > 0;
        if (id === 'box:deselect') return tool.selected !== null || tool.stateId !== 'box.idle';
        return tool.selected !== null;
      },
    );
  }

  const text: BoxCanvasText = useMemo(
    () => ({
      canvas: t('image.canvas'),
      zoomIn: t('image.zoomIn'),
      zoomOut: t('image.zoomOut'),
      fit: t('image.fit'),
      zoomLevel: (percent: number) => t('image.zoomLevel', { percent }),
      loading: t('image.loading'),
      imageFailed: t('image.imageFailed'),
    }),
    [t],
  );

  return (
    <div className="lab-image">
      <div className="lab-image__bar">
        <div className="lab-image__nav">
          <Button size="sm" icon="chevronLeft" onClick={() => onNavigate(index - 1)} disabled={index <= 0} aria-label={t('image.previous')} title={t('image.previous')} />
          <span className="lab-image__position tabular">{t('image.position', { index: index + 1, total })}</span>
          <Button size="sm" icon="chevronRight" onClick={() => onNavigate(index + 1)} disabled={index + 1 >= total} aria-label={t('image.next')} title={t('image.next')} />
        </div>
        <div className="lab-image__name" title={entry?.SourceRef}>
          {entry ? (
            <>
              <span className="lab-image__file">{entry.FileName}</span>
              {size ? <span className="lab-muted tabular">{t('image.size', { width: size.width, height: size.height })}</span> : null}
            </>
          ) : null}
        </div>
        <label className="lab-switch">
          <input type="checkbox" role="switch" checked={autoAdvance} onChange={(event) => onAutoAdvanceChange(event.target.checked)} />
          <span className="lab-switch__track" aria-hidden="true" />
          <span>{t('image.autoAdvance')}</span>
        </label>
        <Button size="sm" variant="ghost" onClick={onClose}>
          <span className="lab-inline-icon">
            <Icon name="grid" size={16} />
            {t('image.backToGrid')}
          </span>
        </Button>
      </div>
      {entry ? (
        <BoxCanvas
          tool={tool}
          imageKey={entry.EntryId}
          imageUrl={entryImageUrl(entry.EntryId, 'display')}
          imageSize={size}
          colorOf={colorOf}
          text={text}
          isActive
          overlay={
            !size ? (
              <div className="lab-canvas__notice" role="note">
                {t('image.noSize')}
              </div>
            ) : labels.length === 0 ? (
              <div className="lab-canvas__notice lab-canvas__notice--action" role="note">
                <p className="lab-canvas__notice-title">{t('image.needsLabelTitle')}</p>
                <p>{t('image.needsLabelBody')}</p>
                <Button size="sm" variant="primary" icon="plus" onClick={onManageLabels}>
                  {t('labels.add')}
                </Button>
              </div>
            ) : null
          }
        />
      ) : total === 0 ? (
        <div className="lab-canvas-frame lab-canvas-frame--empty">
          <div className="lab-canvas__notice lab-canvas__notice--static" role="note">
            <p className="lab-canvas__notice-title">{t('image.noImagesTitle')}</p>
            <p>{t('image.noImagesBody')}</p>
            <Button size="sm" onClick={onClose}>
              {t('image.backToGrid')}
            </Button>
          </div>
        </div>
      ) : (
        <div className="lab-canvas-frame lab-canvas-frame--empty">
          <Spinner size={22} label={t('image.loading')} />
        </div>
      )}
    </div>
  );
}
