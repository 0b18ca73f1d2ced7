import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useQuery, type ProjectVersionDescription } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { LoadFailed } from '../../../lib/LoadFailed';
import { formatDateTime } from '../../../lib/format';
import { checkResourceName } from '../../../lib/names';
import { modelPath, projectModelsPath, trainModelPath, type ModelTab } from '../../../lib/routes';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { Alert, Button, buttonClass, CopyButton, EmptyState, ErrorAlert, PageHeader, Spinner, Tabs } from '../../../ui';
import { EvaluateTab } from '../evaluate/EvaluateTab';
import { useModelsT } from '../i18n';
import { TrainingProgress } from '../train/TrainingProgress';
import { UseModelTab } from '../use/UseModelTab';
import { canDelete, isTransient } from '../versions';
import { ProjectBreadcrumbs } from '../../project';
import { KioskLink } from '../kiosk/KioskLink';
import { DeleteModelDialog } from './DeleteModelDialog';
import { DetailsTab } from './DetailsTab';
import { TagsTab } from './TagsTab';
import { VersionStatusBadge } from '../../../lib/VersionStatusBadge';

const TABS: readonly ModelTab[] = ['evaluate', 'details', 'use', 'tags'];

export interface ModelContext {
  projectName: string;
  projectArn: string;
  versionName: string;
  version: ProjectVersionDescription;
  /** The project's test dataset, or its training dataset when the test set was split off it. */
  testDatasetArn: string | undefined;
  testDatasetSlug: 'train' | 'test';
  trainDatasetArn: string | undefined;
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

/** `#/projects/:name/models/:version`: one model with the console's tabs. */
export function ModelScreen() {
  const { t, app, language } = useModelsT();
  const { name = '', version: versionName = '' } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [isDeleting, setDeleting] = useState(false);
  const describeError = useDescribeError();
  const { context, isLoading, error, refetch } = useModelContext(name, versionName);
  useDocumentTitle(`${versionName} · ${name}`);
  const requested = params.get('tab');
  const tab: ModelTab = TABS.includes(requested as ModelTab) ? (requested as ModelTab) : 'evaluate';

  if (!context) return <ModelFallback projectName={name} versionName={versionName} isLoading={isLoading} error={error} onRetry={refetch} />;
  const { version } = context;

  return (
    <div className="screen model-screen">
      <PageHeader
        breadcrumbs={<ModelBreadcrumbs projectName={name} versionName={versionName} />}
        title={<span className="model-screen__title">{versionName}</span>}
        badges={
          <span className="model-screen__badges">
            <VersionStatusBadge status={version.Status} message={version.StatusMessage} />
            {isTransient(version.Status) ? <Spinner size={14} /> : null}
          </span>
        }
        description={version.VersionDescription}
        actions={
          <>
            {version.Status === 'RUNNING' ? (
              <KioskLink projectName={name} versionName={versionName} />
            ) : null}
            <Button icon="trash" onClick={() => setDeleting(true)} disabled={!canDelete(version.Status)} title={canDelete(version.Status) ? undefined : t('model.deleteBusy')}>
              {t('model.delete')}
            </Button>
          </>
        }
        meta={
          <dl className="project-meta">
            <div className="project-meta__item project-meta__item--arn">
              <dt>{t('model.arn')}</dt>
              <dd>
                <code className="project-meta__arn">{version.ProjectVersionArn}</code>
                <CopyButton value={version.ProjectVersionArn} label={t('model.copyArn')} copiedLabel={app('common.copied')} failedLabel={app('common.copyFailed')} />
              </dd>
            </div>
            <div className="project-meta__item">
              <dt>{t('model.created')}</dt>
              <dd className="tabular">{formatDateTime(version.CreationTimestamp, language)}</dd>
            </div>
            {version.UseCase ? (
              <div className="project-meta__item">
                <dt>{t('model.useCase')}</dt>
                <dd>{t(`useCase.${version.UseCase}`)}</dd>
              </div>
            ) : null}
          </dl>
        }
      />
      {version.Status === 'TRAINING_IN_PROGRESS' ? (
        <div className="model-screen__progress">
          <TrainingProgress versionArn={version.ProjectVersionArn} createdSeconds={version.CreationTimestamp} />
        </div>
      ) : null}
      {version.Status === 'TRAINING_FAILED' ? (
        <div className="model-screen__progress">
          <Alert
            tone="danger"
            title={t('model.trainingFailed')}
            actions={
              <Link className={buttonClass('secondary', 'sm')} to={trainModelPath(name)}>
                {t('model.trainAgain')}
              </Link>
            }
          >
            <p>{version.StatusMessage}</p>
          </Alert>
        </div>
      ) : null}
      {error ? (
        <div className="project-stale">
          <ErrorAlert {...describeError(error)} />
        </div>
      ) : null}
      <Tabs
        label={t('model.tabsLabel')}
        selected={tab}
        onSelect={(next) => setParams(next === 'evaluate' ? {} : { tab: next }, { replace: true })}
        tabs={[
          { key: 'evaluate', label: t('model.tabs.evaluate') },
          { key: 'details', label: t('model.tabs.details') },
          { key: 'use', label: t('model.tabs.use') },
          { key: 'tags', label: t('model.tabs.tags') },
        ]}
      >
        {tab === 'evaluate' ? <EvaluateTab model={context} /> : null}
        {tab === 'details' ? <DetailsTab model={context} /> : null}
        {tab === 'use' ? <UseModelTab model={context} /> : null}
        {tab === 'tags' ? <TagsTab model={context} /> : null}
      </Tabs>
      {isDeleting ? (
        <DeleteModelDialog
          model={context}
          onClose={() => setDeleting(false)}
          onDeleted={() => {
            setDeleting(false);
            void navigate(projectModelsPath(name), { replace: true });
          }}
        />
      ) : null}
    </div>
  );
}
