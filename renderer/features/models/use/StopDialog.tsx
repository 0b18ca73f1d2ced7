import { useState } from 'react';
import { useMutation } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { Button, Dialog, ErrorAlert, TextField } from '../../../ui';
import { useModelsT } from '../i18n';

/** The console's "Stop model" dialog: the model stops only once `stop` is typed. */
export function StopDialog({ versionArn, versionName, onClose, onStopped }: { versionArn: string; versionName: string; onClose: () => void; onStopped: () => void }) {
  const { t, app } = useModelsT();
  const describeError = useDescribeError();
  const stop = useMutation('StopProjectVersion');
  const [typed, setTyped] = useState('');
  const word = t('stop.word');
  const confirmed = ['stop', word.toLocaleLowerCase()].includes(typed.trim().toLocaleLowerCase());
  const submit = async () => {
    if (!confirmed) return;
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
      tone="danger"
      size="sm"
      isBusy={stop.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={stop.isPending}>
            {app('common.cancel')}
          </Button>
          <Button type="submit" variant="danger" icon="stop" disabled={!confirmed} isBusy={stop.isPending}>
            {t('stop.submit')}
          </Button>
        </>
      }
    >
      <TextField
        label={t('stop.confirmLabel', { word })}
        placeholder={word}
        value={typed}
        onChange={(event) => setTyped(event.target.value)}
        autoFocus
        autoComplete="off"
        spellCheck={false}
      />
      {stop.error ? <ErrorAlert {...describeError(stop.error)} /> : null}
    </Dialog>
  );
}
