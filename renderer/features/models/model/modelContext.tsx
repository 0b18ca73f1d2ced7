/**
 * The frame every screen of one model shares: the project and version it loads by name
 * (useModelContext), its breadcrumbs, and what shows while it loads or when it is missing. The
 * model's tabs and screens import it from here, never from ModelScreen.
 */
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useQuery, type ProjectVersionDescription } from '../../../api';
import { ProjectBreadcrumbs } from '../../../app/chrome';
import { LoadFailed } from '../../../lib/LoadFailed';
import { checkResourceName } from '../../../lib/names';
import { modelPath, projectModelsPath } from '../../../lib/routes';
import { buttonClass, EmptyState, PageHeader, Spinner } from '../../../ui';
import { useModelsT } from '../i18n';

export interface ModelContext {
  projectName: string;
  projectArn: string;
  versionName: string;
  version: ProjectVersionDescription;
  /** The project's test dataset, or its training dataset when the test set was split off it. */
  testDatasetArn: string | undefined;
  testDatasetSlug: 'train' | 'test';
  trainDatasetArn: string | undefined;
  /** An anomaly-detection project's model: answers normal/anomaly with a score and a heat map. */
  isAnomaly: boolean;
}

/** Loads a project and one of its versions by name; the model screens' common frame. */
export function useModelContext(projectName: string, versionName: string) {
  const valid = checkResourceName(projectName) === null && checkResourceName(versionName) === null;
  const project = useQuery('DescribeProjects', { ProjectNames: [projectName] }, { enabled: valid });
  const description = project.data?.ProjectDescriptions[0];
  const versions = useQuery(
    'DescribeProjectVersions',
    { ProjectArn: description?.ProjectArn ?? '', VersionNames: [versionName] },
    { enabled: Boolean(description) },
  );
  const version = versions.data?.ProjectVersionDescriptions[0];
  const test = description?.Datasets.find((dataset) => dataset.DatasetType === 'TEST');
  const train = description?.Datasets.find((dataset) => dataset.DatasetType === 'TRAIN');
  const context: ModelContext | undefined =
    description && version
      ? {
          projectName,
          projectArn: description.ProjectArn,
          versionName,
          version,
          testDatasetArn: (test ?? train)?.DatasetArn,
          testDatasetSlug: test ? 'test' : 'train',
          trainDatasetArn: train?.DatasetArn,
          isAnomaly: description.Feature === 'ANOMALY_DETECTION',
        }
      : undefined;
  const isLoading = (valid && project.isLoading) || (Boolean(description) && versions.isLoading);
  const error = project.error ?? versions.error;
  return { context, isLoading, error, refetch: () => (description ? versions.refetch() : project.refetch()) };
}

export function ModelBreadcrumbs({ projectName, versionName, current }: { projectName: string; versionName: string; current?: ReactNode }) {
  const { t } = useModelsT();
  const models = { to: projectModelsPath(projectName), label: t('model.models') };
  const version = { to: modelPath(projectName, versionName), label: versionName };
  // On the model's own page the version is the current crumb; below it, a link.
  return <ProjectBreadcrumbs projectName={projectName} trail={current ? [models, version] : [models]} current={current ?? versionName} />;
}

/** Shown while a model page loads, when it is missing, or when it cannot be read. */
export function ModelFallback({ projectName, versionName, isLoading, error, onRetry }: { projectName: string; versionName: string; isLoading: boolean; error: unknown; onRetry: () => void }) {
  const { t, app } = useModelsT();
  const notFound = !error || (error as { code?: string }).code === 'ResourceNotFoundException';
  return (
    <div className="screen">
      <PageHeader breadcrumbs={<ModelBreadcrumbs projectName={projectName} versionName={versionName} />} title={versionName} />
      {isLoading ? (
        <Spinner size={22} label={app('common.loading')} />
      ) : notFound ? (
        <div className="project-card">
          <EmptyState
            icon="search"
            title={t('model.notFound.title')}
            actions={
              <Link className={buttonClass()} to={projectModelsPath(projectName)}>
                {t('model.notFound.back')}
              </Link>
            }
          >
            <p>{t('model.notFound.body', { version: versionName, project: projectName })}</p>
          </EmptyState>
        </div>
      ) : (
        <LoadFailed error={error} onRetry={onRetry} />
      )}
    </div>
  );
}
