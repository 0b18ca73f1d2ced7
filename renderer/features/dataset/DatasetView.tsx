import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useQuery, type DatasetMetadata, type DatasetStats, type EntryView, type ProjectDescription } from '../../api';
import { formatCount, formatDateTime } from '../../lib/format';
import { datasetPath, labelDatasetPath, type DatasetSlug } from '../../lib/routes';
import { datasetTone, isDatasetBusy } from '../../lib/status';
import { useDebouncedValue } from '../../lib/useDebouncedValue';
import { Alert, Button, buttonClass, Checkbox, EmptyState, Icon, Menu, Spinner, StatusBadge, type MenuItem } from '../../ui';
import { AddImagesDialog } from './AddImagesDialog';
import { DeleteDatasetDialog } from './DeleteDatasetDialog';
import { DistributeDialog } from './DistributeDialog';
import { setAutoLabelDrops, useAutoLabelDrops } from './DropImportTarget';
import { EntryErrorsDialog } from './EntryErrorsDialog';
import { NO_FILTER, isFiltered, useEntryPages, type EntryFilter } from './entryPages';
import { ExportDialog } from './ExportDialog';
import { Gallery } from './Gallery';
import { GalleryFilters } from './GalleryFilters';
import { JobsPanel } from './JobsPanel';
import { useIsDatasetBusy } from './jobStore';
import { useDatasetLabels } from './useDatasetLabels';
import { WatchedFoldersPanel } from './WatchedFoldersPanel';

/** How long the search field waits for typing to pause before it asks the backend. */
const SEARCH_DELAY_MS = 250;

type DialogName = 'add' | 'export' | 'split' | 'delete';

export interface DatasetViewProps {
  project: ProjectDescription;
  projectName: string;
  dataset: DatasetMetadata;
  slug: DatasetSlug;
}

/** One dataset: status, numbers, actions, running imports, watched folders and the gallery. */
export function DatasetView({ project, projectName, dataset, slug }: DatasetViewProps) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const arn = dataset.DatasetArn;
  const described = useQuery('DescribeDataset', { DatasetArn: arn });
  const description = described.data?.DatasetDescription;
  const stats = description?.DatasetStats;
  const status = description?.Status ?? dataset.Status;
  const statusMessage = description?.StatusMessage ?? dataset.StatusMessage;
  const test = project.Datasets.find((candidate) => candidate.DatasetType === 'TEST');
  const testDescribed = useQuery('DescribeDataset', { DatasetArn: test?.DatasetArn ?? arn }, { enabled: dataset.DatasetType === 'TRAIN' && Boolean(test) });
  const isWorking = useIsDatasetBusy(arn);
  const isBusy = isDatasetBusy(status) || isWorking;
  const autoLabelDrops = useAutoLabelDrops();

  const [filter, setFilter] = useState<EntryFilter>(NO_FILTER);
  const [search, setSearch] = useState('');
  const settledSearch = useDebouncedValue(search, SEARCH_DELAY_MS);
  const effective = useMemo(() => ({ ...filter, search: settledSearch }), [filter, settledSearch]);
  const { pages, version } = useEntryPages(arn, effective);
  const labels = useDatasetLabels(arn);
  const [errorsOf, setErrorsOf] = useState<EntryView>();
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const [isAddingWatch, setAddingWatch] = useState(false);

  const typeName = t(`status.datasetType.${dataset.DatasetType}`);
  const testIsEmpty = !test || testDescribed.data?.DatasetDescription.DatasetStats.TotalEntries === 0;
  const canSplit = dataset.DatasetType === 'TRAIN' && (stats?.TotalEntries ?? 0) > 0 && testIsEmpty;
  const filtered = isFiltered(effective);
  const total = pages?.total;

  const menuItems: MenuItem[] = [
    { key: 'watch', icon: 'eye', label: t('watch.add'), onSelect: () => setAddingWatch(true) },
    { key: 'export', icon: 'download', label: t('datasets.actions.export'), onSelect: () => setDialog('export'), disabled: (stats?.TotalEntries ?? 0) === 0 },
    ...(dataset.DatasetType === 'TRAIN'
      ? [{ key: 'split', icon: 'split' as const, label: t('datasets.actions.split'), onSelect: () => setDialog('split'), disabled: !canSplit || isBusy }]
      : []),
    { key: 'delete', icon: 'trash', label: t('datasets.actions.delete'), tone: 'danger', separated: true, onSelect: () => setDialog('delete'), disabled: isBusy },
  ];

  return (
    <div className="dataset-view">
      <div className="dataset-head">
        <div className="dataset-head__status">
          <h2 className="dataset-head__title">{typeName}</h2>
          <span title={statusMessage || undefined}>
            <StatusBadge tone={datasetTone(status)}>{t(`status.dataset.${status}`)}</StatusBadge>
          </span>
          {description ? (
            <span className="dataset-head__updated">{t('datasets.updated', { date: formatDateTime(description.LastUpdatedTimestamp, i18n.language) })}</span>
          ) : null}
        </div>
        <div className="dataset-head__actions">
          <Link className={buttonClass('primary')} to={labelDatasetPath(projectName, slug)}>
            <Icon name="tag" size={18} />
            {t('datasets.startLabeling')}
          </Link>
          <Button icon="plus" onClick={() => setDialog('add')} disabled={isDatasetBusy(status) && status !== 'UPDATE_IN_PROGRESS'}>
            {t('datasets.addImages')}
          </Button>
          <Menu label={t('datasets.actions.label')} icon="more" items={menuItems} />
        </div>
      </div>

      <DatasetStatusNote status={status} message={statusMessage} />
      <StatsRow stats={stats} onErrors={() => setFilter({ ...filter, errorsOnly: true })} />
      <JobsPanel datasetArns={[arn]} />
      <WatchedFoldersPanel projectArn={project.ProjectArn} datasetArn={arn} isAdding={isAddingWatch} onAddingChange={setAddingWatch} />

      <div className="dataset-workspace">
        <GalleryFilters filter={filter} onChange={setFilter} stats={stats} labels={labels} />
        <section className="dataset-gallery" aria-label={t('datasets.gallery.title')}>
          <div className="gallery-toolbar">
            <label className="gallery-search">
              <Icon name="search" size={16} />
              <span className="visually-hidden">{t('datasets.gallery.searchLabel')}</span>
              <input
                type="search"
                className="gallery-search__input"
                placeholder={t('datasets.gallery.searchPlaceholder')}
                value={search}
                onChange={(event) => setSearch(event.target.value)}
              />
            </label>
            <span className="gallery-toolbar__count tabular" aria-live="polite">
              {total === undefined
                ? null
                : filtered && stats
                  ? t('datasets.gallery.countFiltered', { count: total, shown: formatCount(total, i18n.language), total: formatCount(stats.TotalEntries, i18n.language) })
                  : t('datasets.gallery.count', { count: total, shown: formatCount(total, i18n.language) })}
            </span>
            <span className="gallery-toolbar__spacer" />
            <Checkbox
              className="gallery-toolbar__autolabel"
              label={t('drop.autoLabel')}
              checked={autoLabelDrops}
              onChange={(event) => setAutoLabelDrops(event.target.checked)}
            />
          </div>
          <Gallery
            pages={pages}
            version={version}
            label={t('datasets.gallery.listLabel', { type: typeName })}
            onShowErrors={setErrorsOf}
            hrefOf={(entry, index) => labelEntryPath(projectName, slug, entry, filtered ? undefined : index)}
            empty={
              filtered ? (
                <EmptyState
                  compact
                  headingLevel={3}
                  icon="search"
                  title={t('datasets.gallery.noMatches')}
                  actions={
                    <Button
                      onClick={() => {
                        setFilter(NO_FILTER);
                        setSearch('');
                      }}
                    >
                      {t('datasets.gallery.clearFilters')}
                    </Button>
                  }
                />
              ) : (
                <EmptyState
                  compact
                  headingLevel={3}
                  icon="image"
                  title={t('datasets.gallery.emptyTitle')}
                  actions={
                    <Button variant="primary" icon="plus" onClick={() => setDialog('add')}>
                      {t('datasets.addImages')}
                    </Button>
                  }
                >
                  <p>{t('datasets.gallery.emptyBody')}</p>
                </EmptyState>
              )
            }
          />
        </section>
      </div>

      {errorsOf ? <EntryErrorsDialog entry={errorsOf} onClose={() => setErrorsOf(undefined)} /> : null}
      {dialog === 'add' ? <AddImagesDialog dataset={dataset} onClose={() => setDialog(null)} /> : null}
      {dialog === 'export' ? <ExportDialog dataset={dataset} onClose={() => setDialog(null)} /> : null}
      {dialog === 'split' ? (
        <DistributeDialog
          projectArn={project.ProjectArn}
          train={dataset}
          test={test}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            void navigate(datasetPath(projectName, 'test'));
          }}
        />
      ) : null}
      {dialog === 'delete' ? <DeleteDatasetDialog dataset={dataset} stats={stats} onClose={() => setDialog(null)} onDeleted={() => setDialog(null)} /> : null}
    </div>
  );
}

/**
 * The labeling view open on one image. Unfiltered, the gallery's place is the labeling list's
 * place (both list in the same order); filtered, labeling starts on a search for the file name.
 */
function labelEntryPath(projectName: string, slug: DatasetSlug, entry: EntryView, index: number | undefined): string {
  const params = new URLSearchParams({ view: 'image', i: String(index ?? 0), entry: String(entry.EntryId) });
  if (index === undefined) params.set('search', entry.FileName);
  return `${labelDatasetPath(projectName, slug)}?${params.toString()}`;
}

function DatasetStatusNote({ status, message }: { status: DatasetMetadata['Status']; message: string }) {
  const { t } = useTranslation();
  if (status === 'CREATE_FAILED' || status === 'UPDATE_FAILED') {
    return (
      <Alert tone="danger" title={status === 'CREATE_FAILED' ? t('datasets.status.createFailed') : t('datasets.status.updateFailed')}>
        {message ? <p className="ui-alert__detail">{message}</p> : null}
      </Alert>
    );
  }
  if (isDatasetBusy(status)) {
    return (
      <p className="dataset-note dataset-note--busy">
        <Spinner size={14} />
        <span>{message || t(`datasets.status.busy.${status === 'DELETE_IN_PROGRESS' ? 'deleting' : 'importing'}`)}</span>
      </p>
    );
  }
  return null;
}

function StatsRow({ stats, onErrors }: { stats: DatasetStats | undefined; onErrors: () => void }) {
  const { t, i18n } = useTranslation();
  const value = (count: number | undefined) => (count === undefined ? <span className="skeleton dataset-stat__skeleton" /> : formatCount(count, i18n.language));
  const errors = stats?.ErrorEntries ?? 0;
  return (
    <dl className="dataset-stats">
      <div className="dataset-stat">
        <dt>{t('datasets.stats.total')}</dt>
        <dd className="tabular">{value(stats?.TotalEntries)}</dd>
      </div>
      <div className="dataset-stat">
        <dt>{t('datasets.stats.labeled')}</dt>
        <dd className="tabular">{value(stats?.LabeledEntries)}</dd>
      </div>
      <div className="dataset-stat">
        <dt>{t('datasets.stats.labels')}</dt>
        <dd className="tabular">{value(stats?.TotalLabels)}</dd>
      </div>
      <div className={`dataset-stat ${errors > 0 ? 'dataset-stat--danger' : ''}`}>
        <dt>{t('datasets.stats.errors')}</dt>
        <dd className="tabular">
          {value(stats?.ErrorEntries)}
          {errors > 0 ? (
            <Button size="sm" variant="ghost" className="dataset-stat__action" onClick={onErrors}>
              {t('datasets.stats.showErrors')}
            </Button>
          ) : null}
        </dd>
      </div>
    </dl>
  );
}
