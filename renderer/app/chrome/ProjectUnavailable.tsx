import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { ApiError } from '../../api';
import { LoadFailed } from '../../lib/LoadFailed';
import { buttonClass, EmptyState } from '../../ui';

export interface ProjectUnavailableProps {
  name: string;
  /** Why DescribeProjects failed; none (or ResourceNotFoundException) means there is no such project. */
  error: ApiError | null | undefined;
  onRetry: () => void;
}

/** What every project screen shows when its project is not there, or could not be read. */
export function ProjectUnavailable({ name, error, onRetry }: ProjectUnavailableProps) {
  const { t } = useTranslation();
  if (error && error.code !== 'ResourceNotFoundException') {
    return (
      <LoadFailed error={error} onRetry={onRetry} />
    );
  }
  return (
    <div className="project-card">
      <EmptyState
        icon="search"
        title={t('project.notFound.title')}
        actions={
          <Link className={buttonClass()} to="/">
            {t('errors.backToProjects')}
          </Link>
        }
      >
        <p>{t('project.notFound.body', { name })}</p>
      </EmptyState>
    </div>
  );
}
