import { useEffect, useRef, useState } from 'react';
import { useEvent, useMutation, useQuery, type Backbone, type DownloadableBackbone, type Job } from '../../api';
import { useDescribeError, type ErrorText } from '../../lib/errors';
import { isJobActive } from '../../lib/status';
import { Alert, Button, EmptyState, ErrorAlert, Panel, ProgressBar, StatusBadge, Table, useToast, type Column } from '../../ui';
import { useSettingsT } from './i18n';

/** Why a download stopped: the job's own message, or a refused request. */
type Failure = { kind: 'job'; message: string } | { kind: 'request'; error: ErrorText };

const withoutKey = <T,>(record: Record<string, T>, key: string): Record<string, T> => {
  const next = { ...record };
  delete next[key];
  return next;
};

/**
 * The backbones training can use (built in, registered, downloaded), which one is the default, and
 * the pinned ImageNet backbones Loupe can download, each with its progress and a Cancel button.
 */
export function BackbonesSection() {
  const { t, i18n } = useSettingsT();
  const toast = useToast();
  const describeError = useDescribeError();
  const backbones = useQuery('ListBackbones', {});
  const downloadable = useQuery('ListDownloadableBackbones', {});
  const makeDefault = useMutation('SetDefaultBackbone');
  const download = useMutation('DownloadBackbone');
  const cancel = useMutation('CancelJob');
  /** Running downloads by backbone id, as their jobs last reported. */
  const [running, setRunning] = useState<Record<string, Job | undefined>>({});
  const [failures, setFailures] = useState<Record<string, Failure>>({});
  /** Job id → backbone id for the downloads this section follows. */
  const followed = useRef(new Map<number, string>());
  /** The latest report of every download job seen, for a job that reports before its id is known. */
  const seen = useRef(new Map<number, Job>());

  const titleOf = (id: string) => downloadable.data?.Backbones.find((entry) => entry.Id === id)?.Title ?? id;
  const megabytes = (bytes: number) =>
    new Intl.NumberFormat(i18n.language, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(bytes / 1_000_000);

  const follow = (job: Job) => {
    const id = followed.current.get(job.JobId);
    if (id === undefined) return;
    if (isJobActive(job.Status)) {
      setRunning((current) => ({ ...current, [id]: job }));
      return;
    }
    followed.current.delete(job.JobId);
    setRunning((current) => withoutKey(current, id));
    if (job.Status === 'succeeded') toast.show(t('settings.backbones.finished', { title: titleOf(id) }), 'success');
    else if (job.Status === 'cancelled') toast.show(t('settings.backbones.cancelled', { title: titleOf(id) }));
    else setFailures((current) => ({ ...current, [id]: { kind: 'job', message: job.Message ?? '' } }));
    backbones.refetch();
    downloadable.refetch();
  };

  useEvent('JobProgressed', (job) => {
    if (job.Kind !== 'DownloadBackbone') return;
    seen.current.set(job.JobId, job);
    follow(job);
  });

  // Downloads already running when the screen opened (started here before, or elsewhere).
  useEffect(() => {
    for (const entry of downloadable.data?.Backbones ?? []) {
      if (entry.JobId === undefined || followed.current.has(entry.JobId)) continue;
      followed.current.set(entry.JobId, entry.Id);
      setRunning((current) => ({ ...current, [entry.Id]: current[entry.Id] ?? seen.current.get(entry.JobId!) }));
    }
  }, [downloadable.data]);

  const start = async (entry: DownloadableBackbone) => {
    setFailures((current) => withoutKey(current, entry.Id));
    try {
      const { JobId } = await download.run({ Id: entry.Id });
      followed.current.set(JobId, entry.Id);
      setRunning((current) => ({ ...current, [entry.Id]: current[entry.Id] }));
      const last = seen.current.get(JobId);
      if (last) follow(last);
    } catch (error) {
      setFailures((current) => ({ ...current, [entry.Id]: { kind: 'request', error: describeError(error) } }));
    }
  };

  const stop = async (entry: DownloadableBackbone, job: Job | undefined) => {
    const jobId = job?.JobId ?? entry.JobId ?? [...followed.current].find(([, id]) => id === entry.Id)?.[0];
    if (jobId === undefined) return;
    try {
      await cancel.run({ JobId: jobId });
    } catch (error) {
      toast.show(describeError(error).title, 'danger');
    }
  };

  const chooseDefault = async (backbone: Backbone) => {
    try {
      await makeDefault.run({ Id: backbone.Id });
      toast.show(t('settings.backbones.madeDefault', { title: backbone.Title }));
    } catch (error) {
      toast.show(describeError(error).title, 'danger');
    }
  };

  const sourceText = (source: Backbone['Source']) =>
    source === 'BUILT_IN'
      ? t('settings.backbones.sources.builtIn')
      : source === 'DOWNLOADED'
        ? t('settings.backbones.sources.downloaded')
        : t('settings.backbones.sources.registered');

  const columns: Column<Backbone>[] = [
    {
      key: 'backbone',
      header: t('settings.backbones.backbone'),
      wrap: true,
      cell: (row) => (
        <div className="backbone-name">
          <span className="backbone-name__title">{row.Title}</span>
          <code className="backbone-name__id">{row.Id}</code>
        </div>
      ),
    },
    {
      key: 'source',
      header: t('settings.backbones.source'),
      cell: (row) => (
        <span className="muted-2" title={row.SourceUrl}>
          {sourceText(row.Source)}
        </span>
      ),
    },
    {
      key: 'input',
      header: t('settings.backbones.input'),
      cell: (row) => <span className="tabular">{t('settings.backbones.inputSize', { width: row.InputWidth, height: row.InputHeight })}</span>,
    },
    { key: 'licence', header: t('settings.backbones.licence'), wrap: true, cell: (row) => <span className="backbone-licence">{row.Licence}</span> },
    {
      key: 'default',
      header: <span className="visually-hidden">{t('settings.backbones.defaultColumn')}</span>,
      align: 'end',
      width: '9rem',
      cell: (row) =>
        row.Default ? (
          <StatusBadge tone="success">{t('settings.backbones.isDefault')}</StatusBadge>
        ) : (
          <Button
            size="sm"
            aria-label={t('settings.backbones.makeDefaultFor', { title: row.Title })}
            disabled={makeDefault.isPending}
            onClick={() => void chooseDefault(row)}
          >
            {t('settings.backbones.makeDefault')}
          </Button>
        ),
    },
  ];

  const list = backbones.data?.Backbones ?? [];
  const offers = downloadable.data?.Backbones ?? [];

  return (
    <Panel icon="model" title={t('settings.backbones.title')} description={t('settings.backbones.description')} flush>
      {backbones.error && !backbones.data ? (
        <div className="mapping-error">
          <ErrorAlert {...describeError(backbones.error)} />
        </div>
      ) : list.length > 0 ? (
        <Table caption={t('settings.backbones.tableCaption')} columns={columns} rows={list} rowKey={(row) => row.Id} rowLabel={(row) => row.Title} />
      ) : backbones.data ? (
        <EmptyState compact headingLevel={3} icon="model" title={t('settings.backbones.emptyTitle')}>
          <p>{t('settings.backbones.emptyBody')}</p>
        </EmptyState>
      ) : null}
      <div className="backbone-downloads">
        <h3 className="backbone-downloads__title">{t('settings.backbones.downloadTitle')}</h3>
        <p className="backbone-downloads__hint">{t('settings.backbones.downloadHint')}</p>
        {downloadable.error && !downloadable.data ? <ErrorAlert {...describeError(downloadable.error)} /> : null}
        <ul className="backbone-offers" aria-label={t('settings.backbones.downloadsCaption')}>
          {offers.map((entry) => {
            const isRunning = entry.Id in running || entry.JobId !== undefined;
            const job = running[entry.Id];
            const failure = failures[entry.Id];
            const fraction = job?.Total ? (job.Done ?? 0) / job.Total : undefined;
            return (
              <li key={entry.Id} className="backbone-offer" aria-label={entry.Title}>
                <div className="backbone-offer__row">
                  <div className="backbone-offer__text">
                    <span className="backbone-name__title">{entry.Title}</span>
                    <span className="backbone-offer__details">
                      {t('settings.backbones.details', {
                        size: megabytes(entry.SizeBytes),
                        width: entry.InputWidth,
                        height: entry.InputHeight,
                        features: entry.EmbeddingSize,
                        licence: entry.Licence,
                      })}
                    </span>
                  </div>
                  <div className="backbone-offer__actions">
                    {entry.Present ? (
                      <StatusBadge tone="success">{t('settings.backbones.downloaded')}</StatusBadge>
                    ) : isRunning ? (
                      <Button
                        size="sm"
                        icon="stop"
                        aria-label={t('settings.backbones.cancelFor', { title: entry.Title })}
                        isBusy={cancel.isPending}
                        onClick={() => void stop(entry, job)}
                      >
                        {t('settings.backbones.cancel')}
                      </Button>
                    ) : (
                      <Button
                        size="sm"
                        icon="download"
                        aria-label={t('settings.backbones.downloadFor', { title: entry.Title })}
                        isBusy={download.isPending}
                        onClick={() => void start(entry)}
                      >
                        {t('settings.backbones.download')}
                      </Button>
                    )}
                  </div>
                </div>
                {isRunning && !entry.Present ? (
                  <div className="backbone-offer__progress">
                    <ProgressBar value={job?.Phase === 'downloading' ? fraction : undefined} label={t('settings.backbones.progressLabel', { title: entry.Title })} />
                    <span className="backbone-offer__progress-text tabular" aria-live="polite">
                      {job?.Phase === 'downloading' && job.Total
                        ? t('settings.backbones.progress', { done: megabytes(job.Done ?? 0), total: megabytes(job.Total) })
                        : job?.Phase === 'checking'
                          ? t('settings.backbones.checking')
                          : t('settings.backbones.starting')}
                    </span>
                  </div>
                ) : null}
                {failure?.kind === 'job' ? (
                  <Alert tone="danger" title={t('settings.backbones.failed', { title: entry.Title })}>
                    <p className="ui-alert__detail">{failure.message}</p>
                  </Alert>
                ) : failure?.kind === 'request' ? (
                  <ErrorAlert {...failure.error} />
                ) : null}
              </li>
            );
          })}
        </ul>
      </div>
    </Panel>
  );
}
