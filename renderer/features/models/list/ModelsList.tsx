import { Link } from 'react-router-dom';
import { useQuery, type ProjectVersionDescription } from '../../../api';
import { LoadFailed } from '../../../lib/LoadFailed';
import { formatDateTime, formatScore } from '../../../lib/format';
import { modelPath, trainModelPath } from '../../../lib/routes';
import { buttonClass, EmptyState, Icon, ProgressBar, Spinner, Table, type Column } from '../../../ui';
import { useModelsT, type ModelsKey } from '../i18n';
import { phaseOf, useTrainingRuns, type TrainingPhase } from '../trainingJobs';
import { isTransient, versionNameOf } from '../versions';
import { VersionStatusBadge } from '../../../lib/VersionStatusBadge';
import { statusText } from '../../../lib/backendMessages';

const PHASE_KEYS: Record<TrainingPhase, ModelsKey> = {
  validating: 'progress.phases.validating',
  'choosing the view': 'progress.phases.view',
  'embedding images': 'progress.phases.embedding',
  training: 'progress.phases.training',
  testing: 'progress.phases.testing',
  evaluating: 'progress.phases.evaluating',
};

export interface ModelsListProps {
  projectName: string;
  projectArn: string;
  /** The project has a training dataset, so a model can be trained. */
  canTrain: boolean;
}

/** The project's model versions with the console's columns, newest first, following every change. */
export function ModelsList({ projectName, projectArn, canTrain }: ModelsListProps) {
  const { t, app, language } = useModelsT();
  const versions = useQuery('DescribeProjectVersions', { ProjectArn: projectArn, MaxResults: 100 });
  const runs = useTrainingRuns();
  const rows = versions.data?.ProjectVersionDescriptions ?? [];

  const trainAction = canTrain ? (
    <Link className={buttonClass(rows.length === 0 ? 'primary' : 'secondary')} to={trainModelPath(projectName)}>
      <Icon name="play" size={16} />
      {t('list.train')}
    </Link>
  ) : null;

  if (versions.isLoading) {
    return (
      <div className="project-card project-card--padded">
        <Spinner size={20} label={app('common.loading')} />
      </div>
    );
  }
  if (versions.error && !versions.data) {
    return (
      <LoadFailed error={versions.error} onRetry={versions.refetch} />
    );
  }
  if (rows.length === 0) {
    return (
      <div className="project-card">
        <EmptyState icon="model" title={app('project.models.emptyTitle')} actions={trainAction}>
          <p>{canTrain ? t('list.emptyBody') : app('project.models.emptyBody')}</p>
        </EmptyState>
      </div>
    );
  }

  const statusMessage = (version: ProjectVersionDescription) => {
    const run = runs.get(version.ProjectVersionArn);
    if (version.Status === 'TRAINING_IN_PROGRESS' && run && (run.job.Status === 'running' || run.job.Status === 'queued')) {
      const phase = phaseOf(run.job);
      const value = run.job.Total && run.job.Phase !== 'training' ? (run.job.Done ?? 0) / run.job.Total : undefined;
      return (
        <div className="models-table__phase">
          <span>{phase ? t(PHASE_KEYS[phase]) : statusText(version.StatusMessage)}</span>
          <ProgressBar value={value} label={t('list.progressOf', { name: versionNameOf(version.ProjectVersionArn) })} />
        </div>
      );
    }
    return (version.StatusMessage && statusText(version.StatusMessage)) || <span className="muted">{app('common.none')}</span>;
  };

  const columns: Column<ProjectVersionDescription>[] = [
    {
      key: 'name',
      header: t('list.name'),
      cell: (version) => (
        <Link className="models-table__name mono" to={modelPath(projectName, versionNameOf(version.ProjectVersionArn))}>
          {versionNameOf(version.ProjectVersionArn)}
        </Link>
      ),
      wrap: true,
    },
    { key: 'created', header: t('list.created'), cell: (version) => <span className="tabular">{formatDateTime(version.CreationTimestamp, language)}</span> },
    {
      key: 'performance',
      header: t('list.performance'),
      align: 'end',
      cell: (version) =>
        version.EvaluationResult ? (
          <span className="tabular score">{formatScore(version.EvaluationResult.F1Score, language)}</span>
        ) : (
          <span className="muted">{app('common.notAvailable')}</span>
        ),
    },
    {
      key: 'status',
      header: t('list.status'),
      cell: (version) => (
        <span className="models-table__status">
          <VersionStatusBadge status={version.Status} message={version.StatusMessage} />
          {isTransient(version.Status) ? <Spinner size={12} /> : null}
        </span>
      ),
    },
    { key: 'message', header: t('list.statusMessage'), cell: statusMessage, wrap: true },
  ];

  return (
    <div className="models">
      <div className="section-intro section-intro--with-action">
        <div>
          <h2 className="section-intro__title">{t('list.title')}</h2>
          <p className="section-intro__body">{t('list.intro', { count: rows.length })}</p>
        </div>
        {trainAction}
      </div>
      <div className="project-card models-table">
        <Table
          caption={t('list.caption')}
          columns={columns}
          rows={rows}
          rowKey={(version) => version.ProjectVersionArn}
          rowLabel={(version) => versionNameOf(version.ProjectVersionArn)}
        />
      </div>
      {versions.data?.NextToken ? <p className="models-table__more muted">{t('list.more')}</p> : null}
    </div>
  );
}
