import { useEffect, useState } from 'react';
import { call, useMutation, useQuery, type EntryView, type TestImageResult } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { Alert, Button, Checkbox, Dialog, ErrorAlert, Spinner, TextField, useToast } from '../../../ui';
import { useModelsT } from '../i18n';

/** Finds the dataset entry behind a test result (by its source and id). */
export async function findEntry(datasetArn: string, image: TestImageResult): Promise<EntryView | undefined> {
  const { Entries } = await call('ListEntries', { DatasetArn: datasetArn, SourceRefContains: image.SourceRef, MaxResults: 50 });
  return Entries.find((entry) => entry.EntryId === image.EntryId);
}

/** Image-level labels of one test image, changed in its dataset with AssignImageLabels. */
export function FixLabelsDialog({ image, datasetArn, onClose }: { image: TestImageResult; datasetArn: string; onClose: () => void }) {
  const { t, app } = useModelsT();
  const toast = useToast();
  const describeError = useDescribeError();
  const labels = useQuery('ListDatasetLabels', { DatasetArn: datasetArn, MaxResults: 100 }, { live: false });
  const assign = useMutation('AssignImageLabels');
  const [entry, setEntry] = useState<EntryView | null | undefined>();
  const [loadError, setLoadError] = useState<unknown>();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [extra, setExtra] = useState<string[]>([]);
  const [newLabel, setNewLabel] = useState('');

  useEffect(() => {
    let active = true;
    findEntry(datasetArn, image).then(
      (found) => {
        if (!active) return;
        setEntry(found ?? null);
        if (found) setChosen(new Set(found.Labels));
      },
      (error: unknown) => {
        if (active) setLoadError(error);
      },
    );
    return () => {
      active = false;
    };
  }, [datasetArn, image]);

  const names = [...new Set([...(labels.data?.DatasetLabelDescriptions.map((label) => label.LabelName) ?? []), ...(entry?.Labels ?? []), ...extra])].sort((a, b) =>
    a.localeCompare(b),
  );
  const before = new Set(entry?.Labels ?? []);
  const add = [...chosen].filter((name) => !before.has(name));
  const remove = [...before].filter((name) => !chosen.has(name));

  const save = async () => {
    if (!entry) return;
    try {
      await assign.run({ DatasetArn: datasetArn, EntryIds: [entry.EntryId], ...(add.length ? { Add: add } : {}), ...(remove.length ? { Remove: remove } : {}) });
      toast.show(t('fix.saved', { name: image.FileName }));
      onClose();
    } catch {
      // Shown below.
    }
  };

  const toggle = (name: string, on: boolean) =>
    setChosen((previous) => {
      const next = new Set(previous);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });

  return (
    <Dialog
      title={t('fix.title')}
      description={t('fix.description', { name: image.FileName })}
      closeLabel={app('common.close')}
      onClose={onClose}
      onSubmit={() => void save()}
      isBusy={assign.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={assign.isPending}>
            {app('common.cancel')}
          </Button>
          <Button type="submit" variant="primary" isBusy={assign.isPending} disabled={!entry || (add.length === 0 && remove.length === 0)}>
            {t('fix.save')}
          </Button>
        </>
      }
    >
      {loadError ? <ErrorAlert {...describeError(loadError)} /> : null}
      {entry === undefined && !loadError ? <Spinner size={18} label={app('common.loading')} /> : null}
      {entry === null ? <Alert tone="warning">{t('fix.gone')}</Alert> : null}
      {entry ? (
        <>
          <div className="fix-labels" role="group" aria-label={t('fix.labels')}>
            {names.map((name) => (
              <Checkbox key={name} label={name} checked={chosen.has(name)} onChange={(event) => toggle(name, event.target.checked)} />
            ))}
          </div>
          <div className="fix-labels__new">
            <TextField label={t('fix.newLabel')} value={newLabel} onChange={(event) => setNewLabel(event.target.value)} maxLength={256} />
            <Button
              size="sm"
              icon="plus"
              disabled={newLabel.trim() === ''}
              onClick={() => {
                const name = newLabel.trim();
                setExtra((previous) => [...previous, name]);
                toggle(name, true);
                setNewLabel('');
              }}
            >
              {t('fix.addLabel')}
            </Button>
          </div>
          <p className="muted">{t('fix.note')}</p>
        </>
      ) : null}
      {assign.error ? <ErrorAlert {...describeError(assign.error)} /> : null}
    </Dialog>
  );
}
