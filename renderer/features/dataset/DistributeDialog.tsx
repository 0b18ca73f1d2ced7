import { useState } from 'react';
import { call, statusError, invalidateQueries, type DatasetMetadata } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { Button, Dialog, ErrorAlert, useToast } from '../../ui';
import { useDatasetT } from './i18n';

export interface DistributeDialogProps {
  projectArn: string;
  train: DatasetMetadata;
  /** The empty test dataset, or undefined to create it first. */
  test: DatasetMetadata | undefined;
  onClose: () => void;
  onDone: () => void;
}

/**
 * DistributeDatasetEntries: 20% of the training images move to an empty test dataset, every
 * label on both sides. The test dataset is created first when the project has none.
 */
export function DistributeDialog({ projectArn, train, test, onClose, onDone }: DistributeDialogProps) {
  const { t } = useDatasetT();
  const toast = useToast();
  const describeError = useDescribeError();
  const [isPending, setPending] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  const submit = async () => {
    setPending(true);
    setFailure(undefined);
    try {
      const testArn = test?.DatasetArn ?? (await call('CreateDataset', { ProjectArn: projectArn, DatasetType: 'TEST' })).DatasetArn;
      await call('DistributeDatasetEntries', { Datasets: [{ Arn: train.DatasetArn }, { Arn: testArn }] });
      invalidateQueries();
      // The service reports an impossible split through the datasets' status, not the call.
      const { DatasetDescription } = await call('DescribeDataset', { DatasetArn: testArn });
      if (DatasetDescription.Status === 'UPDATE_FAILED') throw statusError(DatasetDescription.StatusMessage);
      toast.show(t('distribute.done'));
      onDone();
    } catch (error) {
      setFailure(error);
      setPending(false);
    }
  };

  return (
    <Dialog
      title={t('distribute.title')}
      description={test ? t('distribute.description') : t('distribute.descriptionCreate')}
      closeLabel={t('common.close')}
      onClose={onClose}
      onSubmit={() => void submit()}
      isBusy={isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="primary" icon="split" isBusy={isPending}>
            {t('distribute.submit')}
          </Button>
        </>
      }
    >
      <div className="dataset-dialog">
        <ul className="distribute-points">
          <li>{t('distribute.points.share')}</li>
          <li>{t('distribute.points.labels')}</li>
          <li>{t('distribute.points.same')}</li>
        </ul>
        {failure ? <ErrorAlert {...describeError(failure)} /> : null}
      </div>
    </Dialog>
  );
}
