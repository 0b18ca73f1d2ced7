import { useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { signIn } from '../api';
import { useDescribeError, type ErrorText } from '../lib/errors';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { Alert, Button, ErrorAlert, TextField } from '../ui';
import { Logo } from './Logo';
import './SignInScreen.css';

/** Shown when the page is served over HTTP without a valid session token. */
export function SignInScreen({ expired, kioskLinkRefused = false }: { expired: boolean; kioskLinkRefused?: boolean }) {
  const { t } = useTranslation();
  const describeError = useDescribeError();
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [showSecret, setShowSecret] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);
  const keyField = useRef<HTMLInputElement>(null);
  useDocumentTitle(t('signIn.title'));

  const submit = async () => {
    const id = accessKeyId.trim();
    const key = secret.trim();
    if (!id || !key) {
      setMissing(true);
      if (!id) keyField.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(id, key);
    } catch (thrown) {
      setError(describeError(thrown));
      setBusy(false);
    }
  };

  return (
    <div className="signin">
      <main className="signin__card">
        <div className="signin__brand">
          <Logo size={40} />
        </div>
        <h1 className="signin__title">{t('signIn.title')}</h1>
        <p className="signin__description rich">
          <Trans i18nKey="signIn.description" components={{ code: <code /> }} />
        </p>
        {kioskLinkRefused ? (
          <Alert tone="warning">{t('signIn.kioskLinkRefused')}</Alert>
        ) : expired ? (
          <Alert tone="warning">{t('signIn.expired')}</Alert>
        ) : null}
        <form
          className="signin__form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <TextField
            ref={keyField}
            label={t('signIn.accessKeyId')}
            value={accessKeyId}
            onChange={(event) => setAccessKeyId(event.target.value)}
            autoComplete="username"
            autoCapitalize="off"
            spellCheck={false}
            mono
            autoFocus
            error={missing && !accessKeyId.trim() ? t('signIn.required') : undefined}
          />
          <TextField
            label={t('signIn.secretAccessKey')}
            type={showSecret ? 'text' : 'password'}
            value={secret}
            onChange={(event) => setSecret(event.target.value)}
            autoComplete="current-password"
            autoCapitalize="off"
            spellCheck={false}
            mono
            error={missing && !secret.trim() ? t('signIn.required') : undefined}
            trailing={
              <Button
                variant="ghost"
                size="sm"
                icon={showSecret ? 'eyeOff' : 'eye'}
                aria-label={showSecret ? t('signIn.hide') : t('signIn.show')}
                aria-pressed={showSecret}
                onClick={() => setShowSecret((value) => !value)}
              />
            }
          />
          {error ? <ErrorAlert {...error} /> : null}
          <Button type="submit" variant="primary" isBusy={isBusy} className="signin__submit">
            {t('signIn.submit')}
          </Button>
        </form>
        <p className="signin__footer">{t('signIn.footer')}</p>
      </main>
    </div>
  );
}
