import { useTranslation } from 'react-i18next';
import { Button, ErrorAlert } from '../ui';
import { useDescribeError } from './errors';

/** Something a screen reads could not be read: the error in words, with its code, and Retry. */
export function LoadFailed({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  const describeError = useDescribeError();
  return (
    <ErrorAlert
      {...describeError(error)}
      actions={
        <Button size="sm" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      }
    />
  );
}
