import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useDescribeError } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { projectModelsPath, trainModelPath, type ModelTab } from '../../../lib/routes';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { Alert, Button, buttonClass, CopyButton, ErrorAlert, PageHeader, Spinner, Tabs } from '../../../ui';
import { EvaluateTab } from '../evaluate/EvaluateTab';
import { useModelsT } from '../i18n';
import { TrainingProgress } from '../train/TrainingProgress';
import { UseModelTab } from '../use/UseModelTab';
import { canDelete, hasEvaluation, isTransient } from '../versions';
import { KioskLink } from '../kiosk/KioskLink';
import { DeleteModelDialog } from './DeleteModelDialog';
import { ExportRepositoryDialog } from './ExportRepositoryDialog';
import { DetailsTab } from './DetailsTab';
import { TagsTab } from './TagsTab';
import { VersionStatusBadge } from '../../../lib/VersionStatusBadge';
import { ModelBreadcrumbs, ModelFallback, useModelContext } from './modelContext';
import { statusText } from '../../../lib/backendMessages';

const TABS: readonly ModelTab[] = ['evaluate', 'details', 'use', 'tags'];

/** `#/projects/:name/models/:version`: one model with the console's tabs. */
export function ModelScreen() {
  const { t, app, language } = useModelsT();
  const { name = '', version: versionName = '' } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [isDeleting, setDeleting] = useState(false);
  const [isExporting, setExporting] = useState(false);
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
            {hasEvaluation(version.Status) ? (
              <Button icon="download" onClick={() => setExporting(true)}>
                {t('model.exportRepository')}
              </Button>
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
            <p>{statusText(version.StatusMessage)}</p>
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
      {isExporting ? <ExportRepositoryDialog versionArn={version.ProjectVersionArn} onClose={() => setExporting(false)} /> : null}
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
