import { useMutation } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { Button, Dialog, ErrorAlert, useToast } from '../../../ui';
import { useModelsT } from '../i18n';
import type { ModelContext } from './modelContext';

/** Deletes a version that is neither training nor running; its datasets stay. */
export function DeleteModelDialog({ model, onClose, onDeleted }: { model: ModelContext; onClose: () => void; onDeleted: () => void }) {
  const { t, app } = useModelsT();
  const toast = useToast();
  const describeError = useDescribeError();
  const remove = useMutation('DeleteProjectVersion');
  const submit = async () => {
    try {
      await remove.run({ ProjectVersionArn: model.version.ProjectVersionArn });
      toast.show(t('model.deleted', { name: model.versionName }));
      onDeleted();
    } catch {
      // Shown below.
    }
  };
  return (
    <Dialog
      title={t('model.deleteTitle')}
      closeLabel={app('common.close')}
      onClose={onClose}
      onSubmit={() => void submit()}
      tone="danger"
      size="sm"
      isBusy={remove.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={remove.isPending}>
            {app('common.cancel')}
          </Button>
          <Button type="submit" variant="danger" icon="trash" isBusy={remove.isPending}>
            {t('model.delete')}
          </Button>
        </>
      }
    >
      <p>{t('model.deleteBody', { name: model.versionName })}</p>
      {remove.error ? <ErrorAlert {...describeError(remove.error)} /> : null}
    </Dialog>
  );
}
