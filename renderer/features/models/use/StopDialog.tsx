import { useMutation } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { Button, Dialog, ErrorAlert } from '../../../ui';
import { useModelsT } from '../i18n';

/**
 * "Stop model": a plain confirmation. The console asks to type `stop` because a stop there ends
 * the billing of a hosted model; here a model starts again in seconds (issue 15).
 */
export function StopDialog({ versionArn, versionName, onClose, onStopped }: { versionArn: string; versionName: string; onClose: () => void; onStopped: () => void }) {
  const { t, app } = useModelsT();
  const describeError = useDescribeError();
  const stop = useMutation('StopProjectVersion');
  const submit = async () => {
    try {
      await stop.run({ ProjectVersionArn: versionArn });
      onStopped();
    } catch {
      // Shown below.
    }
  };
  return (
    <Dialog
      title={t('stop.title')}
      description={t('stop.description', { name: versionName })}
      closeLabel={app('common.close')}
      onClose={onClose}
      onSubmit={() => void submit()}
      size="sm"
      isBusy={stop.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={stop.isPending}>
            {app('common.cancel')}
          </Button>
          <Button type="submit" variant="danger" icon="stop" isBusy={stop.isPending}>
            {t('stop.submit')}
          </Button>
        </>
      }
    >
      {stop.error ? <ErrorAlert {...describeError(stop.error)} /> : null}
    </Dialog>
  );
}
