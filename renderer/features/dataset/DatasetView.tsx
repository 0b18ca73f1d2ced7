import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { call, invalidateQueries, useQuery, type DatasetMetadata, type DatasetStats, type EntryView, type ProjectDescription } from '../../api';
import { formatCount, formatDateTime } from '../../lib/format';
import { datasetPath, labelDatasetPath, type DatasetSlug } from '../../lib/routes';
import { datasetTone, isDatasetBusy } from '../../lib/status';
import { useDebouncedValue } from '../../lib/useDebouncedValue';
import { backendText } from '../../lib/backendMessages';
import { useDescribeError } from '../../lib/errors';
import { Alert, Button, buttonClass, Checkbox, EmptyState, Icon, Menu, Spinner, StatusBadge, useToast, type MenuItem } from '../../ui';
import { AddImagesDialog } from './AddImagesDialog';
import { DeleteDatasetDialog } from './DeleteDatasetDialog';
import { DistributeDialog } from './DistributeDialog';
import { setAutoLabelDrops, useAutoLabelDrops } from './DropImportTarget';
import { EntryErrorsDialog } from './EntryErrorsDialog';
import { NO_FILTER, isFiltered, listEntriesInput, useEntryPages, type EntryFilter } from './entryPages';
import { ExportDialog } from './ExportDialog';
import { Gallery } from './Gallery';
import { GalleryFilters } from './GalleryFilters';
import { JobsPanel } from './JobsPanel';
import { useIsDatasetBusy } from './jobStore';
import { useDatasetLabels } from './useDatasetLabels';
import { WatchedFoldersPanel } from './WatchedFoldersPanel';
import { useDatasetT } from './i18n';

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
  const { t, i18n } = useDatasetT();
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
  const selection = useEntrySelection(arn, effective);

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

      <DatasetStatusNote datasetArn={arn} status={status} message={statusMessage} />
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
          <SelectionBar datasetArn={arn} selection={selection} total={total} isBusy={isBusy} />
          <Gallery
            pages={pages}
            selected={selection.ids}
            onToggle={selection.toggle}
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
      {dialog === 'add' ? <AddImagesDialog dataset={dataset} anomaly={project.Feature === 'ANOMALY_DETECTION'} onClose={() => setDialog(null)} /> : null}
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

/** How many shown images "Select all" ticks at most: their ids are fetched at once. */
const SELECT_ALL_MAX = 1000;

interface EntrySelection {
  ids: ReadonlySet<number>;
  toggle: (entry: EntryView) => void;
  set: (ids: ReadonlySet<number>) => void;
  filter: EntryFilter;
  /** The last removal, until it is undone or dismissed. */
  removed: { count: number; token: string } | undefined;
  setRemoved: (removed: { count: number; token: string } | undefined) => void;
}

/** Ticked cards of the gallery; a new filter or search starts a new selection. */
function useEntrySelection(datasetArn: string, filter: EntryFilter): EntrySelection {
  const [ids, set] = useState<ReadonlySet<number>>(new Set());
  const [removed, setRemoved] = useState<{ count: number; token: string }>();
  const filterKey = JSON.stringify(filter);
  useEffect(() => set(new Set()), [filterKey, datasetArn]);
  const toggle = useCallback((entry: EntryView) => {
    set((previous) => {
      const next = new Set(previous);
      if (!next.delete(entry.EntryId)) next.add(entry.EntryId);
      return next;
    });
  }, []);
  return { ids, toggle, set, filter, removed, setRemoved };
}

/**
 * What the ticked images can become: removed from the dataset (RemoveEntries), with an Undo
 * (RestoreEntries) that stays until dismissed. Broken files no longer stay as errors forever.
 */
function SelectionBar({ datasetArn, selection, total, isBusy }: { datasetArn: string; selection: EntrySelection; total: number | undefined; isBusy: boolean }) {
  const { t, i18n } = useDatasetT();
  const toast = useToast();
  const describeError = useDescribeError();
  const [isWorking, setWorking] = useState(false);
  const count = selection.ids.size;

  const selectAll = async () => {
    setWorking(true);
    try {
      const { Entries } = await call('ListEntries', { ...listEntriesInput(datasetArn, selection.filter), MaxResults: SELECT_ALL_MAX });
      selection.set(new Set(Entries.map((entry) => entry.EntryId)));
    } catch (error) {
      toast.show(describeError(error).title, 'danger');
    } finally {
      setWorking(false);
    }
  };
  const remove = async () => {
    setWorking(true);
    try {
      const { RemovedCount, UndoToken } = await call('RemoveEntries', { DatasetArn: datasetArn, EntryIds: [...selection.ids] });
      selection.set(new Set());
      selection.setRemoved({ count: RemovedCount, token: UndoToken });
      invalidateQueries();
    } catch (error) {
      toast.show(describeError(error).title, 'danger');
    } finally {
      setWorking(false);
    }
  };
  const undo = async (removed: { count: number; token: string }) => {
    setWorking(true);
    try {
      const { RestoredCount } = await call('RestoreEntries', { DatasetArn: datasetArn, UndoToken: removed.token });
      selection.setRemoved(undefined);
      invalidateQueries();
      toast.show(t('datasets.selection.restored', { count: RestoredCount, formatted: formatCount(RestoredCount, i18n.language) }));
    } catch (error) {
      selection.setRemoved(undefined);
      toast.show(describeError(error).title, 'danger');
    } finally {
      setWorking(false);
    }
  };

  if (count > 0) {
    return (
      <div className="gallery-selection" role="region" aria-label={t('datasets.selection.label')}>
        <span className="gallery-selection__text tabular">{t('datasets.selection.count', { count, formatted: formatCount(count, i18n.language) })}</span>
        {total !== undefined && total > count && total <= SELECT_ALL_MAX ? (
          <Button size="sm" variant="ghost" onClick={() => void selectAll()} disabled={isWorking}>
            {t('datasets.selection.selectAll', { count: total, formatted: formatCount(total, i18n.language) })}
          </Button>
        ) : null}
        <Button size="sm" variant="ghost" onClick={() => selection.set(new Set())} disabled={isWorking}>
          {t('datasets.selection.clear')}
        </Button>
        <Button size="sm" variant="danger" icon="trash" onClick={() => void remove()} isBusy={isWorking} disabled={isBusy}>
          {t('datasets.selection.remove', { count })}
        </Button>
      </div>
    );
  }
  const removed = selection.removed;
  if (!removed) return null;
  return (
    <div className="gallery-selection gallery-selection--removed" role="status">
      <span className="gallery-selection__text">{t('datasets.selection.removed', { count: removed.count, formatted: formatCount(removed.count, i18n.language) })}</span>
      <Button size="sm" icon="undo" onClick={() => void undo(removed)} isBusy={isWorking}>
        {t('datasets.selection.undo')}
      </Button>
      <Button
        size="sm"
        variant="ghost"
        icon="close"
        aria-label={t('datasets.selection.dismiss')}
        title={t('datasets.selection.dismiss')}
        onClick={() => selection.setRemoved(undefined)}
      />
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

function DatasetStatusNote({ datasetArn, status, message: english }: { datasetArn: string; status: DatasetMetadata['Status']; message: string }) {
  const { t } = useDatasetT();
  const isFailed = status === 'CREATE_FAILED' || status === 'UPDATE_FAILED';
  // The status message is the service's English; the job that ended with it has its code, so the
  // note is worded in the UI's language (issue 15).
  const jobs = useQuery('ListJobs', { ResourceArn: datasetArn, Active: false, MaxResults: 5 }, { enabled: isFailed && Boolean(english) });
  const job = jobs.data?.Jobs.find((candidate) => candidate.Message === english && candidate.MessageCode);
  const message = job ? backendText(job.MessageCode, job.MessageParams, english) : english;
  if (isFailed) {
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
  const { t, i18n } = useDatasetT();
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
