import { useMutation, type DatasetMetadata, type DatasetStats } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { formatCount } from '../../lib/format';
import { Button, Dialog, ErrorAlert, TypedConfirmationField, useToast, useTypedConfirmation } from '../../ui';
import { datasetText, useDatasetT } from './i18n';

/** The word the console asks for; the localized word is accepted too. */
const CONFIRM_WORD = 'delete';

/** DeleteDataset, once the user types "delete" (as the console asks). */
export function DeleteDatasetDialog({
  dataset,
  stats,
  onClose,
  onDeleted,
}: {
  dataset: DatasetMetadata;
  stats: DatasetStats | undefined;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { t, i18n } = useDatasetT();
  const toast = useToast();
  const describeError = useDescribeError();
  const remove = useMutation('DeleteDataset');
  const word = t('deleteProject.confirmWord');
  const { typed, setTyped, isConfirmed } = useTypedConfirmation(CONFIRM_WORD, word);
  const typeName = t(`status.datasetType.${dataset.DatasetType}`);

  const submit = async () => {
    if (!isConfirmed) return;
    try {
      await remove.run({ DatasetArn: dataset.DatasetArn });
      toast.show(t('deleteDataset.deleted', { type: typeName }));
      onDeleted();
    } catch {
      // remove.error is shown in the dialog.
    }
  };

  return (
    <Dialog
      tone="danger"
      title={t('deleteDataset.title', { type: typeName })}
      description={<datasetText.Trans i18nKey="deleteDataset.description" values={{ type: typeName }} components={{ strong: <strong /> }} />}
      closeLabel={t('common.close')}
      onClose={onClose}
      onSubmit={() => void submit()}
      isBusy={remove.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={remove.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="danger" disabled={!isConfirmed} isBusy={remove.isPending}>
            {t('deleteDataset.submit')}
          </Button>
        </>
      }
    >
      <div className="dataset-dialog">
        {stats ? (
          <p className="dataset-dialog__text">
            {t('deleteDataset.contents', {
              count: stats.TotalEntries,
              images: formatCount(stats.TotalEntries, i18n.language),
            })}
          </p>
        ) : null}
        <p className="dataset-dialog__text">{t('deleteDataset.filesKept')}</p>
        <TypedConfirmationField
          label={t('deleteProject.confirmLabel', { word })}
          word={word}
          value={typed}
          onChange={(value) => {
            setTyped(value);
            remove.reset();
          }}
        />
        {remove.error ? <ErrorAlert {...describeError(remove.error)} /> : null}
      </div>
    </Dialog>
  );
}
