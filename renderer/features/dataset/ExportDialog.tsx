import { useState } from 'react';
import { hasLocalPaths, useMutation, type DatasetMetadata, type InputOf } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { Button, Checkbox, Dialog, ErrorAlert, SelectField, TextField, useToast } from '../../ui';
import { followJob } from './jobStore';
import { useDatasetT } from './i18n';

type ExportFormat = InputOf<'ExportDataset'>['Format'];
const FORMATS: readonly ExportFormat[] = ['MANIFEST', 'COCO', 'VOC', 'YOLO', 'CSV'];

/** ExportDataset: a manifest or another tool's format, written into a folder. */
export function ExportDialog({ dataset, onClose }: { dataset: DatasetMetadata; onClose: () => void }) {
  const { t } = useDatasetT();
  const toast = useToast();
  const describeError = useDescribeError();
  const run = useMutation('ExportDataset');
  const [format, setFormat] = useState<ExportFormat>('MANIFEST');
  const [folder, setFolder] = useState('');
  const [copyImages, setCopyImages] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const path = folder.trim();

  const submit = async () => {
    setSubmitted(true);
    if (!path) return;
    try {
      const { JobId, Folder } = await run.run({ DatasetArn: dataset.DatasetArn, Format: format, Folder: path, CopyImages: copyImages });
      followJob(JobId);
      toast.show(t('export.started', { folder: Folder }), 'info');
      onClose();
    } catch {
      // run.error is shown in the dialog.
    }
  };

  return (
    <Dialog
      title={t('export.title', { type: t(`status.datasetType.${dataset.DatasetType}`) })}
      description={t('export.description')}
      closeLabel={t('common.close')}
      onClose={onClose}
      onSubmit={() => void submit()}
      isBusy={run.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={run.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="primary" icon="download" isBusy={run.isPending}>
            {t('export.submit')}
          </Button>
        </>
      }
    >
      <div className="dataset-dialog">
        <SelectField label={t('export.formatLabel')} hint={t(`export.formatHints.${format}`)} value={format} onChange={(event) => setFormat(event.target.value as ExportFormat)}>
          {FORMATS.map((candidate) => (
            <option key={candidate} value={candidate}>
              {t(`export.formats.${candidate}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('export.folderLabel')}
          placeholder={t('export.folderPlaceholder')}
          hint={hasLocalPaths() ? t('export.folderHint') : t('export.folderHintServer')}
          error={submitted && !path ? t('export.folderRequired') : undefined}
          value={folder}
          mono
          autoFocus
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => {
            setFolder(event.target.value);
            run.reset();
          }}
        />
        <Checkbox label={t('export.copyImages')} hint={t('export.copyImagesHint')} checked={copyImages} onChange={(event) => setCopyImages(event.target.checked)} />
        {run.error ? <ErrorAlert {...describeError(run.error)} /> : null}
      </div>
    </Dialog>
  );
}
