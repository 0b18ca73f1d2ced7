import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Button, buttonClass, EmptyState } from '../ui';

/** A feature's fallback: the rest of the window keeps working. */
export function ScreenError({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="screen">
      <EmptyState
        icon="alert"
        title={t('errors.screenTitle')}
        actions={
          <>
            <Button variant="primary" onClick={onRetry}>
              {t('common.retry')}
            </Button>
            <Link className={buttonClass()} to="/">
              {t('errors.backToProjects')}
            </Link>
          </>
        }
      >
        <p>{t('errors.screenBody')}</p>
        <p className="mono muted">{error.message}</p>
      </EmptyState>
    </div>
  );
}
