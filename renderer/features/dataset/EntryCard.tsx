import { memo, useState } from 'react';
import { Link } from 'react-router-dom';
import { entryImageUrl, type EntryView } from '../../api';
import { Icon } from '../../ui';
import { useDatasetT } from './i18n';

export interface EntryCardProps {
  entry: EntryView;
  /** 1-based place in the filtered list, for screen readers (the DOM holds only a window of it). */
  position: number;
  setSize: number;
  thumbHeight: number;
  onShowErrors: (entry: EntryView) => void;
  /** Where the card leads: the image open for labeling. */
  href?: string;
  isSelected?: boolean;
  /** Shows the card's checkbox; called with the entry when it is ticked or cleared. */
  onToggle?: (entry: EntryView) => void;
}

const CHIPS_SHOWN = 2;

export function isWarningCode(code: string): boolean {
  return code.startsWith('WARNING_');
}

/**
 * The labels a card shows: the image-level ones, then each box label once with its count. A
 * detection image has only boxes, and used to read "Unlabeled" (issue 15).
 */
export function cardLabels(entry: Pick<EntryView, 'Labels' | 'Boxes'>): { name: string; boxes: number }[] {
  const shown = entry.Labels.map((name) => ({ name, boxes: 0 }));
  for (const box of entry.Boxes) {
    const found = shown.find((label) => label.name === box.Label);
    if (found) found.boxes += 1;
    else shown.push({ name: box.Label, boxes: 1 });
  }
  return shown;
}

/**
 * One image: its thumbnail with its boxes drawn, file name, labels, box count, and badges for
 * errors and duplicates. The file name is a link that covers the card, so a click or Enter opens
 * the image for labeling.
 */
export const EntryCard = memo(function EntryCard({ entry, position, setSize, thumbHeight, onShowErrors, href, isSelected = false, onToggle }: EntryCardProps) {
  const { t } = useDatasetT();
  const [hasNoPicture, setNoPicture] = useState(false);
  const errorCount = entry.Errors.filter((error) => !isWarningCode(error.Code)).length;
  const warningCount = entry.Errors.length - errorCount;
  const labels = cardLabels(entry);
  const shown = labels.slice(0, CHIPS_SHOWN);
  const hidden = labels.slice(CHIPS_SHOWN);
  const chipText = (label: { name: string; boxes: number }) => (label.boxes > 1 ? `${label.name} ×${label.boxes}` : label.name);

  return (
    <div className={`entry-card ${isSelected ? 'is-selected' : ''}`} role="listitem" aria-label={entry.FileName} aria-posinset={position} aria-setsize={setSize}>
      <div className="entry-card__thumb" style={{ height: thumbHeight }}>
        {onToggle ? (
          <input
            type="checkbox"
            className="entry-card__select"
            checked={isSelected}
            aria-label={t('datasets.gallery.select', { name: entry.FileName })}
            onChange={() => onToggle(entry)}
          />
        ) : null}
        {hasNoPicture ? (
          <span className="entry-card__no-picture" title={t('datasets.gallery.noPicture')}>
            <Icon name="imageOff" size={26} />
          </span>
        ) : (
          <img
            src={entryImageUrl(entry.EntryId, 'thumb')}
            alt=""
            loading="lazy"
            decoding="async"
            draggable={false}
            onError={() => setNoPicture(true)}
          />
        )}
        {!hasNoPicture && entry.Boxes.length > 0 && entry.Width && entry.Height ? (
          // The same scaling as the picture's object-fit: contain, so the boxes land on it.
          <svg className="entry-card__boxes-drawn" viewBox={`0 0 ${entry.Width} ${entry.Height}`} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
            {entry.Boxes.map((box, index) => (
              <rect key={index} x={box.Left} y={box.Top} width={box.Width} height={box.Height} vectorEffect="non-scaling-stroke" />
            ))}
          </svg>
        ) : null}
        {entry.DuplicateCount > 0 ? (
          <span className="entry-badge entry-badge--duplicate entry-card__corner" title={t('datasets.gallery.duplicateTitle', { count: entry.DuplicateCount })}>
            <Icon name="copy" size={12} />
            {t('datasets.gallery.duplicate')}
            <span className="visually-hidden">{t('datasets.gallery.duplicateTitle', { count: entry.DuplicateCount })}</span>
          </span>
        ) : null}
      </div>
      <div className="entry-card__body">
        <p className="entry-card__name" title={entry.SourceRef}>
          {href ? (
            <Link className="entry-card__open" to={href} aria-label={t('datasets.gallery.open', { name: entry.FileName })}>
              {entry.FileName}
            </Link>
          ) : (
            entry.FileName
          )}
        </p>
        <div className="entry-card__labels">
          {labels.length === 0 ? (
            <span className="entry-card__unlabeled">{t('datasets.gallery.unlabeled')}</span>
          ) : (
            <>
              {shown.map((label) => (
                <span key={label.name} className={`label-chip ${label.boxes > 0 ? 'label-chip--box' : ''}`} title={label.boxes > 0 ? t('datasets.gallery.boxLabel', { label: label.name, count: label.boxes }) : label.name}>
                  {chipText(label)}
                </span>
              ))}
              {hidden.length > 0 ? (
                <span className="label-chip label-chip--more" title={hidden.map(chipText).join(', ')}>
                  {t('datasets.gallery.moreLabels', { count: hidden.length })}
                </span>
              ) : null}
            </>
          )}
        </div>
        <div className="entry-card__meta">
          {entry.Boxes.length > 0 ? (
            <span className="entry-card__boxes" title={t('datasets.gallery.boxes', { count: entry.Boxes.length })}>
              <Icon name="box" size={14} />
              <span aria-hidden="true">{entry.Boxes.length}</span>
              <span className="visually-hidden">{t('datasets.gallery.boxes', { count: entry.Boxes.length })}</span>
            </span>
          ) : null}
          {entry.Width && entry.Height ? (
            <span className="entry-card__size tabular">
              {entry.Width}×{entry.Height}
            </span>
          ) : null}
          {errorCount > 0 || warningCount > 0 ? (
            <button
              type="button"
              className={`entry-badge ${errorCount > 0 ? 'entry-badge--error' : 'entry-badge--warning'}`}
              onClick={() => onShowErrors(entry)}
              aria-label={t('datasets.gallery.showErrors', { name: entry.FileName })}
            >
              <Icon name="alert" size={12} />
              {errorCount > 0 ? t('datasets.gallery.errors', { count: errorCount }) : t('datasets.gallery.warnings', { count: warningCount })}
            </button>
          ) : null}
        </div>
      </div>
    </div>
  );
});

export function EntryCardSkeleton({ thumbHeight }: { thumbHeight: number }) {
  return (
    <div className="entry-card entry-card--skeleton" aria-hidden="true">
      <div className="entry-card__thumb" style={{ height: thumbHeight }} />
      <div className="entry-card__body">
        <span className="skeleton" style={{ width: '70%' }} />
        <span className="skeleton" style={{ width: '40%' }} />
      </div>
    </div>
  );
}
