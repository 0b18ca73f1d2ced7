import { useTranslation } from 'react-i18next';
import { TRAINING_CANCELLED_MESSAGE } from '../../preload/contract/names';
import type { ProjectVersionStatus } from '../api';
import { StatusBadge } from '../ui';
import { versionTone } from './status';

/** True for a version whose training was cancelled (the service's TRAINING_FAILED, with Loupe's message). */
export function isCancelledTraining(status: ProjectVersionStatus, message: string | undefined): boolean {
  return status === 'TRAINING_FAILED' && message === TRAINING_CANCELLED_MESSAGE;
}

/**
 * A model version's status. A cancelled training reads "Cancelled", at rest, not as a red failure
 * (issue 15): it was the user's choice.
 */
export function VersionStatusBadge({ status, message }: { status: ProjectVersionStatus; message?: string }) {
  const { t } = useTranslation();
  if (isCancelledTraining(status, message)) return <StatusBadge tone="neutral">{t('status.versionCancelled')}</StatusBadge>;
  return <StatusBadge tone={versionTone(status)}>{t(`status.version.${status}`)}</StatusBadge>;
}
