import { useState, useSyncExternalStore } from 'react';
import { Alert, Button, Panel, TextField, useToast } from '../../../ui';
import { useModelsT } from '../i18n';
import { clearPin, hasPin, isValidPin, setPin, subscribePin } from './pin';

/** Settings: the PIN that lets someone leave the kiosk view (kept hashed by Loupe, for every kiosk). */
export function KioskPinSection() {
  const { t } = useModelsT();
  const toast = useToast();
  const isSet = useSyncExternalStore(subscribePin, hasPin);
  const [isEditing, setEditing] = useState(false);
  const [pin, setPinText] = useState('');
  const [again, setAgain] = useState('');
  const [attempted, setAttempted] = useState(false);
  const [isSaving, setSaving] = useState(false);

  const pinError = !isValidPin(pin) ? t('kiosk.settings.pinInvalid') : undefined;
  const againError = !pinError && pin !== again ? t('kiosk.settings.pinMismatch') : undefined;

  const save = async () => {
    setAttempted(true);
    if (pinError || againError) return;
    setSaving(true);
    try {
      await setPin(pin);
      toast.show(t('kiosk.settings.pinSaved'));
      setEditing(false);
      setPinText('');
      setAgain('');
      setAttempted(false);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Panel icon="lock" title={t('kiosk.settings.title')} description={t('kiosk.settings.description')}>
      <div className="kiosk-pin-settings">
        <p className="kiosk-pin-settings__state">{isSet ? t('kiosk.settings.pinOn') : t('kiosk.settings.pinOff')}</p>
        {isEditing ? (
          <form
            className="kiosk-pin-settings__form"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              void save();
            }}
          >
            <TextField
              label={t('kiosk.settings.newPin')}
              type="password"
              inputMode="numeric"
              autoComplete="new-password"
              maxLength={8}
              value={pin}
              onChange={(event) => setPinText(event.target.value.replace(/\D/g, ''))}
              error={attempted ? pinError : undefined}
              hint={t('kiosk.settings.pinHint')}
            />
            <TextField
              label={t('kiosk.settings.repeatPin')}
              type="password"
              inputMode="numeric"
              autoComplete="new-password"
              maxLength={8}
              value={again}
              onChange={(event) => setAgain(event.target.value.replace(/\D/g, ''))}
              error={attempted ? againError : undefined}
            />
            <div className="kiosk-pin-settings__actions">
              <Button onClick={() => setEditing(false)}>{t('kiosk.settings.cancel')}</Button>
              <Button type="submit" variant="primary" isBusy={isSaving}>
                {t('kiosk.settings.savePin')}
              </Button>
            </div>
          </form>
        ) : (
          <div className="kiosk-pin-settings__actions">
            <Button icon="lock" onClick={() => setEditing(true)}>
              {isSet ? t('kiosk.settings.changePin') : t('kiosk.settings.setPin')}
            </Button>
            {isSet ? (
              <Button
                variant="ghost"
                icon="trash"
                onClick={() => {
                  void clearPin().then(() => toast.show(t('kiosk.settings.pinRemoved')));
                }}
              >
                {t('kiosk.settings.removePin')}
              </Button>
            ) : null}
          </div>
        )}
        <Alert tone="info">{t('kiosk.settings.note')}</Alert>
      </div>
    </Panel>
  );
}
