import { useTranslation } from 'react-i18next';
import { Button } from '../ui';

/** The last resort, outside the router and the settings: plain text that always renders. */
export function AppError({ error }: { error: Error }) {
  const { t } = useTranslation();
  return (
    <div className="app-error" role="alert">
      <h1>{t('errors.appTitle')}</h1>
      <p>{t('errors.appBody')}</p>
      <pre className="mono">{error.message}</pre>
      <Button variant="primary" onClick={() => window.location.reload()}>
        {t('errors.reload')}
      </Button>
    </div>
  );
}
