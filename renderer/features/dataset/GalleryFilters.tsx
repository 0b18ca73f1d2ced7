import { useId } from 'react';
import type { DatasetLabelDescription, DatasetStats } from '../../api';
import { formatCount } from '../../lib/format';
import { Button, Checkbox, SegmentedControl } from '../../ui';
import type { EntryFilter } from './entryPages';
import { useDatasetT } from './i18n';

/** ListEntries takes at most this many labels at once. */
const MAX_LABELS = 50;

export interface GalleryFiltersProps {
  filter: EntryFilter;
  onChange: (filter: EntryFilter) => void;
  stats: DatasetStats | undefined;
  labels: readonly DatasetLabelDescription[] | undefined;
}

/** The gallery's side bar, as the console's Labels section: which images, and with which labels. */
export function GalleryFilters({ filter, onChange, stats, labels }: GalleryFiltersProps) {
  const { t, i18n } = useDatasetT();
  const headingId = useId();
  const count = (value: number | undefined) => (value === undefined ? undefined : formatCount(value, i18n.language));
  const selected = new Set(filter.labels);
  const toggle = (name: string, checked: boolean) => {
    const next = checked ? [...filter.labels, name].slice(0, MAX_LABELS) : filter.labels.filter((label) => label !== name);
    onChange({ ...filter, labels: next, labeled: checked && filter.labeled === 'unlabeled' ? 'all' : filter.labeled });
  };

  return (
    <aside className="gallery-filters" aria-label={t('datasets.filters.label')}>
      <div className="gallery-filters__section">
        <h3 className="gallery-filters__heading">{t('datasets.filters.show')}</h3>
        <SegmentedControl
          vertical
          label={t('datasets.filters.show')}
          value={filter.labeled}
          onChange={(labeled) => onChange({ ...filter, labeled, labels: labeled === 'unlabeled' ? [] : filter.labels })}
          segments={[
            { value: 'all', label: t('datasets.filters.all'), count: count(stats?.TotalEntries) },
            { value: 'labeled', label: t('datasets.filters.labeled'), count: count(stats?.LabeledEntries) },
            {
              value: 'unlabeled',
              label: t('datasets.filters.unlabeled'),
              count: count(stats ? stats.TotalEntries - stats.LabeledEntries : undefined),
            },
          ]}
        />
        <Checkbox
          className="gallery-filters__errors"
          label={
            <span className="gallery-filters__errors-label">
              {t('datasets.filters.errors')}
              {stats ? <span className="gallery-filters__count">{count(stats.ErrorEntries)}</span> : null}
            </span>
          }
          checked={filter.errorsOnly}
          onChange={(event) => onChange({ ...filter, errorsOnly: event.target.checked })}
        />
      </div>
      <div className="gallery-filters__section gallery-filters__section--labels">
        <div className="gallery-filters__labels-head">
          <h3 className="gallery-filters__heading" id={headingId}>
            {t('datasets.filters.labels')}
          </h3>
          {filter.labels.length > 0 ? (
            <Button variant="ghost" size="sm" onClick={() => onChange({ ...filter, labels: [] })}>
              {t('datasets.filters.clearLabels')}
            </Button>
          ) : null}
        </div>
        {labels === undefined ? (
          <div className="gallery-filters__loading" aria-hidden="true">
            <span className="skeleton" style={{ width: '70%' }} />
            <span className="skeleton" style={{ width: '50%' }} />
          </div>
        ) : labels.length === 0 ? (
          <p className="gallery-filters__none">{t('datasets.filters.noLabels')}</p>
        ) : (
          <ul className="gallery-filters__labels" aria-labelledby={headingId}>
            {labels.map((label) => (
              <li key={label.LabelName}>
                <label className={`label-option ${selected.has(label.LabelName) ? 'is-selected' : ''}`}>
                  <input
                    type="checkbox"
                    checked={selected.has(label.LabelName)}
                    disabled={!selected.has(label.LabelName) && selected.size >= MAX_LABELS}
                    onChange={(event) => toggle(label.LabelName, event.target.checked)}
                  />
                  <span className="label-option__name" title={label.LabelName}>
                    {label.LabelName}
                  </span>
                  <span
                    className="label-option__count"
                    title={t('datasets.filters.labelCounts', {
                      images: label.LabelStats.EntryCount,
                      boxes: label.LabelStats.BoundingBoxCount,
                    })}
                  >
                    {count(label.LabelStats.EntryCount)}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
        {filter.labels.length > 1 ? <p className="gallery-filters__hint">{t('datasets.filters.anyOf')}</p> : null}
      </div>
    </aside>
  );
}
