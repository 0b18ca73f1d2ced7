import { useEffect, useState } from 'react';
import { call, hasLocalPaths, useMutation, type Job } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { formatCount, formatDuration } from '../../../lib/format';
import { Alert, Button, Dialog, ErrorAlert, ProgressBar, TextField } from '../../../ui';
import { useModelsT, type ModelsKey } from '../i18n';

const PHASES: Record<string, ModelsKey> = {
  building: 'exportRepository.phases.building',
  images: 'exportRepository.phases.images',
  golden: 'exportRepository.phases.golden',
  parity: 'exportRepository.phases.parity',
};

/** ExportModelRepository: the model as a Triton / KServe model repository in a new or empty folder, with its progress, Cancel and outcome. */
export function ExportRepositoryDialog({ versionArn, onClose }: { versionArn: string; onClose: () => void }) {
  const { t, language } = useModelsT();
  const describeError = useDescribeError();
  const run = useMutation('ExportModelRepository');
  const [folder, setFolder] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [started, setStarted] = useState<{ JobId: number; Folder: string; ModelName: string } | undefined>();
  const [job, setJob] = useState<Job | undefined>();
  const path = folder.trim();
  const isRunning = started !== undefined && (job === undefined || job.Status === 'queued' || job.Status === 'running');

  useEffect(() => {
    if (!started) return;
    let stopped = false;
    const poll = async () => {
      const { Jobs } = await call('ListJobs', { ResourceArn: versionArn });
      const found = Jobs.find((candidate) => candidate.JobId === started.JobId);
      if (stopped) return;
      setJob(found);
      if (!found || found.Status === 'queued' || found.Status === 'running') timer = window.setTimeout(() => void poll().catch(() => undefined), 500);
    };
    let timer = window.setTimeout(() => void poll().catch(() => undefined), 200);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [started, versionArn]);

  const submit = async () => {
    setSubmitted(true);
    if (!path || started) return;
    try {
      setStarted(await run.run({ ProjectVersionArn: versionArn, Folder: path }));
    } catch {
      // run.error is shown in the dialog.
    }
  };

  const phase = job?.Phase && PHASES[job.Phase] ? t(PHASES[job.Phase]!) : undefined;
  const facts = [
    phase,
    job?.Total ? t('exportRepository.count', { done: formatCount(job.Done ?? 0, language), total: formatCount(job.Total, language) }) : undefined,
    job?.EtaSeconds ? t('exportRepository.eta', { time: formatDuration(job.EtaSeconds, language) }) : undefined,
  ].filter(Boolean);

  return (
    <Dialog
      title={t('exportRepository.title')}
      description={t('exportRepository.description')}
      closeLabel={t('exportRepository.close')}
      onClose={onClose}
      onSubmit={() => void submit()}
      isBusy={run.isPending}
      footer={
        started ? (
          isRunning ? (
            <Button onClick={() => void call('CancelJob', { JobId: started.JobId }).catch(() => undefined)}>{t('exportRepository.cancel')}</Button>
          ) : (
            <Button variant="primary" onClick={onClose}>
              {t('exportRepository.close')}
            </Button>
          )
        ) : (
          <>
            <Button onClick={onClose} disabled={run.isPending}>
              {t('exportRepository.cancel')}
            </Button>
            <Button type="submit" variant="primary" icon="download" isBusy={run.isPending}>
              {t('exportRepository.submit')}
            </Button>
          </>
        )
      }
    >
      <div className="dataset-dialog">
        <TextField
          label={t('exportRepository.folderLabel')}
          placeholder={t('exportRepository.folderPlaceholder')}
          hint={hasLocalPaths() ? t('exportRepository.folderHint') : t('exportRepository.folderHintServer')}
          error={submitted && !path ? t('exportRepository.folderRequired') : undefined}
          value={folder}
          mono
          autoFocus
          spellCheck={false}
          autoComplete="off"
          disabled={started !== undefined}
          onChange={(event) => {
            setFolder(event.target.value);
            run.reset();
          }}
        />
        {run.error ? <ErrorAlert {...describeError(run.error)} /> : null}
        {started && isRunning ? (
          <div className="export-repository__progress" aria-live="polite">
            <ProgressBar value={job?.Progress} label={t('exportRepository.progressLabel')} />
            <p>{facts.join(' · ')}</p>
          </div>
        ) : null}
        {started && job?.Status === 'succeeded' ? (
          <Alert tone="info" title={t('exportRepository.done', { model: started.ModelName })}>
            <p>
              <code>{started.Folder}</code>
            </p>
          </Alert>
        ) : null}
        {started && job?.Status === 'failed' ? (
          <Alert tone="danger" title={t('exportRepository.failed')}>
            <p>{job.Message}</p>
          </Alert>
        ) : null}
        {started && job?.Status === 'cancelled' ? <Alert tone="info" title={t('exportRepository.cancelled')} /> : null}
      </div>
    </Dialog>
  );
}
