import { useState } from 'react';
import { call, resolveSelection, type Job } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { Alert, Button, Checkbox, Dialog, ErrorAlert, ProgressBar, useToast } from '../../../ui';
import { useModelsT } from '../i18n';
import type { Analysis } from './useAnalyses';

type Step = 'idle' | 'uploading' | 'importing' | 'labeling';

async function waitForJob(datasetArn: string, jobId: number): Promise<Job> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { Jobs } = await call('ListJobs', { ResourceArn: datasetArn, MaxResults: 20 });
    const job = Jobs.find((candidate) => candidate.JobId === jobId);
    if (job && job.Status !== 'queued' && job.Status !== 'running') return job;
    if (Date.now() > deadline) throw new Error('The import is taking too long.');
    await new Promise((resolve) => window.setTimeout(resolve, 400));
  }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/**
 * The guide's feedback loop: an analysed image becomes a labeled entry of the training dataset,
 * with the labels (or boxes) the model found, for someone to verify in labeling mode.
 */
export function AddToDatasetDialog({
  analysis,
  datasetArn,
  detection,
  knownLabels,
  onClose,
  onAdded,
}: {
  analysis: Analysis;
  datasetArn: string;
  detection: boolean;
  knownLabels: readonly string[];
  onClose: () => void;
  onAdded: () => void;
}) {
  const { t, app } = useModelsT();
  const toast = useToast();
  const describeError = useDescribeError();
  const found = analysis.labels ?? [];
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(found.filter((label) => !label.Geometry).map((label) => label.Name)));
  const [step, setStep] = useState<Step>('idle');
  const [error, setError] = useState<unknown>();
  const busy = step !== 'idle';
  const names = [...new Set([...found.map((label) => label.Name), ...knownLabels])].sort((a, b) => a.localeCompare(b));
  const boxes = found.filter((label) => label.Geometry);

  const submit = async () => {
    setError(undefined);
    try {
      setStep('uploading');
      const paths = await resolveSelection({ folders: [], files: [{ file: analysis.file, relativePath: analysis.file.name }] });
      const path = paths.files[0];
      if (!path) throw new Error(t('add.uploadFailed'));
      setStep('importing');
      const { JobId } = await call('ImportFiles', { DatasetArn: datasetArn, Files: [path] });
      const job = await waitForJob(datasetArn, JobId);
      if (job.Status !== 'succeeded') throw new Error(job.Message || t('add.importFailed'));
      setStep('labeling');
      const name = baseName(path);
      const { Entries } = await call('ListEntries', { DatasetArn: datasetArn, SourceRefContains: name, MaxResults: 100 });
      const entry = Entries.filter((candidate) => candidate.SourceRef === path || baseName(candidate.SourceRef) === name).sort((a, b) => b.EntryId - a.EntryId)[0];
      if (!entry) throw new Error(t('add.notFound'));
      if (detection && entry.Width && entry.Height) {
        const width = entry.Width;
        const height = entry.Height;
        await call('PutEntryAnnotations', {
          DatasetArn: datasetArn,
          Entries: [
            {
              EntryId: entry.EntryId,
              Labels: entry.Labels,
              Boxes: boxes.map((label) => {
                const box = label.Geometry!.BoundingBox;
                return { Label: label.Name, Left: Math.round(box.Left * width), Top: Math.round(box.Top * height), Width: Math.max(2, Math.round(box.Width * width)), Height: Math.max(2, Math.round(box.Height * height)) };
              }),
            },
          ],
        });
      } else if (chosen.size > 0) {
        await call('AssignImageLabels', { DatasetArn: datasetArn, EntryIds: [entry.EntryId], Add: [...chosen] });
      }
      toast.show(t('add.done', { name: analysis.name }));
      onAdded();
    } catch (thrown) {
      setError(thrown);
      setStep('idle');
    }
  };

  return (
    <Dialog
      title={t('add.title')}
      description={t('add.description', { name: analysis.name })}
      closeLabel={app('common.close')}
      onClose={onClose}
      onSubmit={() => void submit()}
      isBusy={busy}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            {app('common.cancel')}
          </Button>
          <Button type="submit" variant="primary" icon="plus" isBusy={busy}>
            {t('add.submit')}
          </Button>
        </>
      }
    >
      {detection ? (
        <p>{t('add.boxes', { count: boxes.length })}</p>
      ) : (
        <div className="fix-labels" role="group" aria-label={t('add.labels')}>
          {names.map((name) => (
            <Checkbox
              key={name}
              label={name}
              checked={chosen.has(name)}
              disabled={busy}
              onChange={(event) =>
                setChosen((previous) => {
                  const next = new Set(previous);
                  if (event.target.checked) next.add(name);
                  else next.delete(name);
                  return next;
                })
              }
            />
          ))}
          {names.length === 0 ? <p className="muted">{t('add.noLabels')}</p> : null}
        </div>
      )}
      <Alert tone="info">{t('add.verify')}</Alert>
      {busy ? (
        <div className="add-progress">
          <ProgressBar value={undefined} label={t(`add.steps.${step}`)} />
          <p className="muted">{t(`add.steps.${step}`)}</p>
        </div>
      ) : null}
      {error ? <ErrorAlert {...describeError(error)} /> : null}
    </Dialog>
  );
}
