import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useQuery } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { checkResourceName } from '../../lib/names';
import { formatDateTime } from '../../lib/format';
import { projectTone } from '../../lib/status';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { ProjectDropTarget } from '../dataset';
import { TrainModelLink } from '../models';
import { DeleteProjectDialog } from '../projects';
import { Button, CopyButton, ErrorAlert, PageHeader, StatusBadge, Tabs, useToast } from '../../ui';
import { DatasetsPanel } from './DatasetsPanel';
import { ProjectUnavailable } from '../../app/chrome';
import { ModelsPanel } from './ModelsPanel';
import { ProjectBreadcrumbs } from '../../app/chrome';
import './project.css';
import { useProjectT } from './i18n';

type Tab = 'datasets' | 'models';

/** One project: its identity, and tabs for its datasets and models. */
export function ProjectScreen() {
  const { t, i18n } = useProjectT();
  const { name = '' } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const describeError = useDescribeError();
  const [searchParams, setSearchParams] = useSearchParams();
  const [isDeleting, setDeleting] = useState(false);
  useDocumentTitle(name);

  // A name the service would refuse cannot be a project: it is simply not found.
  const isPossibleName = checkResourceName(name) === null;
  const described = useQuery('DescribeProjects', { ProjectNames: [name] }, { enabled: isPossibleName });
  const summaries = useQuery('ListProjectSummaries', {});
  const project = described.data?.ProjectDescriptions[0];
  const summary = summaries.data?.Projects.find((candidate) => candidate.ProjectName === name);
  const tab: Tab = searchParams.get('tab') === 'models' ? 'models' : 'datasets';

  const breadcrumbs = <ProjectBreadcrumbs current={name} />;

  if (described.isLoading) {
    return (
      <div className="screen">
        <PageHeader breadcrumbs={breadcrumbs} title={name} />
        <div className="project-loading" aria-hidden="true">
          <span className="skeleton" style={{ width: '40%' }} />
          <span className="skeleton" style={{ width: '25%' }} />
        </div>
      </div>
    );
  }

  if (!project) {
    return (
      <div className="screen">
        <PageHeader breadcrumbs={breadcrumbs} title={name} />
        <ProjectUnavailable name={name} error={described.error} onRetry={described.refetch} />
      </div>
    );
  }

  const versionCount = summary?.VersionCount ?? 0;

  return (
    <ProjectDropTarget project={project} projectName={name}>
      <div className="screen">
        <PageHeader
          breadcrumbs={breadcrumbs}
          title={name}
          badges={
            project.Status !== 'CREATED' ? (
              <StatusBadge tone={projectTone(project.Status)}>{t(`status.project.${project.Status}`)}</StatusBadge>
            ) : null
          }
          actions={
            <>
              {project.Datasets.some((dataset) => dataset.DatasetType === 'TRAIN') ? <TrainModelLink projectName={name} /> : null}
              <Button icon="trash" onClick={() => setDeleting(true)} disabled={project.Status === 'DELETING'}>
                {t('project.delete')}
              </Button>
            </>
          }
          meta={
            <dl className="project-meta">
              <div className="project-meta__item project-meta__item--arn">
                <dt>{t('project.arn')}</dt>
                <dd>
                  <code className="project-meta__arn">{project.ProjectArn}</code>
                  <CopyButton
                    value={project.ProjectArn}
                    label={t('project.copyArn')}
                    copiedLabel={t('common.copied')}
                    failedLabel={t('common.copyFailed')}
                  />
                </dd>
              </div>
              <div className="project-meta__item">
                <dt>{t('project.created')}</dt>
                <dd className="tabular">{formatDateTime(project.CreationTimestamp, i18n.language)}</dd>
              </div>
            </dl>
          }
        />
        {described.error ? (
          <div className="project-stale">
            <ErrorAlert {...describeError(described.error)} />
          </div>
        ) : null}
        <Tabs
          label={t('project.tabsLabel')}
          selected={tab}
          onSelect={(next) => setSearchParams(next === 'datasets' ? {} : { tab: next }, { replace: true })}
          tabs={[
            { key: 'datasets', label: t('project.tabs.datasets'), count: project.Datasets.length },
            { key: 'models', label: t('project.tabs.models'), count: versionCount },
          ]}
        >
          {tab === 'datasets' ? (
            <DatasetsPanel projectName={name} datasets={project.Datasets} />
          ) : (
            <ModelsPanel projectName={name} project={project} />
          )}
        </Tabs>
        {isDeleting ? (
          <DeleteProjectDialog
            project={
              summary ?? {
                ProjectArn: project.ProjectArn,
                ProjectName: name,
                Datasets: project.Datasets,
                VersionCount: versionCount,
              }
            }
            onClose={() => setDeleting(false)}
            onDeleted={(deleted) => {
              setDeleting(false);
              toast.show(t('projects.deleted', { name: deleted }));
              void navigate('/', { replace: true });
            }}
          />
        ) : null}
      </div>
    </ProjectDropTarget>
  );
}
