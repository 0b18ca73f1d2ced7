import { useState, type FormEvent } from 'react';
import { call, type DatasetLabelDescription } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { Alert, Button, Dialog, ErrorAlert, Icon, Spinner, TextField } from '../../ui';
import type { LabelingT } from './i18n';
import type { LabelingSession } from './session';

export interface ManageLabelsDialogProps {
  labels: readonly DatasetLabelDescription[];
  session: LabelingSession;
  otherDataset: { arn: string; slug: 'train' | 'test' } | null;
  onClose: () => void;
  colorOf: (label: string) => string;
  t: LabelingT;
}

const MAX_LABEL_LENGTH = 256;

type Confirming = { label: string; usage: { ImageCount: number; BoxCount: number } | null; error: unknown };

/** Manage labels: add, rename, delete (with what it removes, undoable), copy from the other dataset. */
export function ManageLabelsDialog({ labels, session, otherDataset, onClose, colorOf, t }: ManageLabelsDialogProps) {
  const describeError = useDescribeError();
  const names = labels.map((label) => label.LabelName);
  const [draft, setDraft] = useState('');
  const [draftError, setDraftError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ from: string; value: string; error: string | null } | null>(null);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [busy, setBusy] = useState(false);

  const problemWith = (value: string, except?: string): string | null => {
    const name = value.trim();
    if (name.length === 0) return t('manage.errors.required');
    if (name.length > MAX_LABEL_LENGTH) return t('manage.errors.tooLong', { max: MAX_LABEL_LENGTH });
    if (name !== except && names.includes(name)) return t('manage.errors.exists', { label: name });
    return null;
  };

  const add = async (event?: FormEvent) => {
    event?.preventDefault();
    const problem = problemWith(draft);
    if (problem) {
      setDraftError(problem);
      return;
    }
    setBusy(true);
    const ok = await session.createLabels([draft.trim()], { key: 'edits.createLabel', values: { label: draft.trim() } });
    setBusy(false);
    if (ok) {
      setDraft('');
      setDraftError(null);
    }
  };

  const rename = async () => {
    if (!renaming) return;
    const to = renaming.value.trim();
    if (to === renaming.from) {
      setRenaming(null);
      return;
    }
    const problem = problemWith(to, renaming.from);
    if (problem) {
      setRenaming({ ...renaming, error: problem });
      return;
    }
    setBusy(true);
    const ok = await session.renameLabel(renaming.from, to, { key: 'edits.renameLabel', values: { from: renaming.from, to } });
    setBusy(false);
    if (ok) setRenaming(null);
  };

  const askDelete = (label: string) => {
    setConfirming({ label, usage: null, error: null });
    call('DescribeLabelUsage', { DatasetArn: session.datasetArn, LabelName: label }).then(
      (usage) => setConfirming((current) => (current?.label === label ? { ...current, usage } : current)),
      (error: unknown) => setConfirming((current) => (current?.label === label ? { ...current, error } : current)),
    );
  };

  const remove = async () => {
    if (!confirming) return;
    setBusy(true);
    await session.deleteLabel(confirming.label, { key: 'edits.deleteLabel', values: { label: confirming.label } });
    setBusy(false);
    setConfirming(null);
  };

  const copy = async () => {
    if (!otherDataset) return;
    setBusy(true);
    await session.copyLabels(otherDataset.arn, { key: 'edits.copyLabels', values: {} });
    setBusy(false);
  };

  if (confirming) {
    const usage = confirming.usage;
    return (
      <Dialog
        title={t('manage.deleteTitle', { label: confirming.label })}
        onClose={() => setConfirming(null)}
        closeLabel={t('manage.close')}
        size="sm"
        tone="danger"
        isBusy={busy}
        footer={
          <>
            <Button onClick={() => setConfirming(null)} disabled={busy}>
              {t('manage.cancel')}
            </Button>
            <Button variant="danger" onClick={() => void remove()} isBusy={busy} disabled={!usage && !confirming.error}>
              {t('manage.deleteConfirm')}
            </Button>
          </>
        }
      >
        {confirming.error ? (
          <ErrorAlert {...describeError(confirming.error)} />
        ) : usage ? (
          <div className="lab-confirm">
            <p className="lab-confirm__usage">
              {usage.ImageCount === 0 && usage.BoxCount === 0
                ? t('manage.unused', { label: confirming.label })
                : t('manage.usage', {
                    label: confirming.label,
                    images: t('manage.images', { count: usage.ImageCount }),
                    boxes: t('manage.boxCount', { count: usage.BoxCount }),
                  })}
            </p>
            <Alert tone="info">{t('manage.rule')}</Alert>
          </div>
        ) : (
          <Spinner size={18} label={t('manage.counting')} />
        )}
      </Dialog>
    );
  }

  return (
    <Dialog
      title={t('manage.title')}
      description={t('manage.description')}
      onClose={onClose}
      closeLabel={t('manage.close')}
      isBusy={busy}
      footer={
        <Button variant="primary" onClick={onClose} disabled={busy}>
          {t('manage.done')}
        </Button>
      }
    >
      <form className="lab-manage__add" onSubmit={(event) => void add(event)} noValidate>
        <TextField
          label={t('manage.newLabel')}
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value);
            setDraftError(null);
          }}
          error={draftError ?? undefined}
          placeholder={t('manage.newLabelPlaceholder')}
          maxLength={MAX_LABEL_LENGTH + 1}
          autoFocus
        />
        <Button type="submit" variant="primary" icon="plus" isBusy={busy && !renaming}>
          {t('manage.addButton')}
        </Button>
      </form>

      {names.length === 0 ? (
        <p className="lab-muted lab-manage__empty">{t('manage.none')}</p>
      ) : (
        <ul className="lab-manage__list" aria-label={t('manage.listLabel')}>
          {labels.map((label) => (
            <li key={label.LabelName} className="lab-manage__row">
              {renaming?.from === label.LabelName ? (
                <form
                  className="lab-manage__rename"
                  noValidate
                  onSubmit={(event) => {
                    event.preventDefault();
                    void rename();
                  }}
                >
                  <TextField
                    label={t('manage.renameField', { label: label.LabelName })}
                    value={renaming.value}
                    onChange={(event) => setRenaming({ ...renaming, value: event.target.value, error: null })}
                    error={renaming.error ?? undefined}
                    maxLength={MAX_LABEL_LENGTH + 1}
                    autoFocus
                  />
                  <div className="lab-manage__rename-actions">
                    <Button size="sm" onClick={() => setRenaming(null)} disabled={busy}>
                      {t('manage.cancel')}
                    </Button>
                    <Button size="sm" type="submit" variant="primary" isBusy={busy}>
                      {t('manage.save')}
                    </Button>
                  </div>
                </form>
              ) : (
                <>
                  <span className="lab-swatch" style={{ background: colorOf(label.LabelName) }} aria-hidden="true" />
                  <span className="lab-manage__name">{label.LabelName}</span>
                  <span className="lab-manage__stats tabular">
                    {t('labels.stats', { images: label.LabelStats.EntryCount, boxes: label.LabelStats.BoundingBoxCount })}
                  </span>
                  <button
                    type="button"
                    className="lab-icon-button"
                    onClick={() => setRenaming({ from: label.LabelName, value: label.LabelName, error: null })}
                    aria-label={t('manage.rename', { label: label.LabelName })}
                    title={t('manage.rename', { label: label.LabelName })}
                  >
                    <Icon name="pencil" size={16} />
                  </button>
                  <button
                    type="button"
                    className="lab-icon-button lab-icon-button--danger"
                    onClick={() => askDelete(label.LabelName)}
                    aria-label={t('manage.delete', { label: label.LabelName })}
                    title={t('manage.delete', { label: label.LabelName })}
                  >
                    <Icon name="close" size={16} />
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}

      <div className="lab-manage__footer-note">
        <p className="lab-muted">{t('manage.rule')}</p>
        {otherDataset ? (
          <Button size="sm" icon="copy" onClick={() => void copy()} disabled={busy}>
            {otherDataset.slug === 'test' ? t('manage.copyFromTest') : t('manage.copyFromTraining')}
          </Button>
        ) : null}
      </div>
    </Dialog>
  );
}
