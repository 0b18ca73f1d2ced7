import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useQuery, type ProjectSummary } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { LoadFailed } from '../../lib/LoadFailed';
import { formatDateTime, formatScore } from '../../lib/format';
import { projectPath } from '../../lib/routes';
import { projectTone } from '../../lib/status';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { isCancelledTraining, VersionStatusBadge } from '../../lib/VersionStatusBadge';
import { Button, EmptyState, ErrorAlert, Icon, PageHeader, StatusBadge, Table, useToast, type Column } from '../../ui';
import { CreateProjectDialog } from './CreateProjectDialog';
import { DeleteProjectDialog } from './DeleteProjectDialog';
import './projects.css';
import { statusText } from '../../lib/backendMessages';
import { useProjectsT } from './i18n';

/** The version a project is listed with: its best usable model, else its newest version (issue 15). */
function shownVersion(project: ProjectSummary): ProjectSummary['LatestVersion'] {
  return project.BestVersion ?? project.LatestVersion;
}

/** Home: every project with the console's columns, kept live by ResourcesChanged. */
export function ProjectsScreen() {
  const { t, i18n } = useProjectsT();
  const toast = useToast();
  const describeError = useDescribeError();
  const projects = useQuery('ListProjectSummaries', {});
  const navigate = useNavigate();
  const [isCreating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<ProjectSummary | null>(null);
  const [filter, setFilter] = useState('');
  useDocumentTitle(t('projects.title'));

  const language = i18n.language;
  const all = useMemo(
    () => [...(projects.data?.Projects ?? [])].sort((a, b) => b.CreationTimestamp - a.CreationTimestamp),
    [projects.data],
  );
  const query = filter.trim().toLowerCase();
  const rows = query ? all.filter((project) => project.ProjectName.toLowerCase().includes(query)) : all;

  const columns: Column<ProjectSummary>[] = [
    {
      key: 'name',
      header: t('projects.columns.name'),
      cell: (project) => (
        <span className="project-name">
          <Link to={projectPath(project.ProjectName)} className="project-name__link">
            {project.ProjectName}
          </Link>
          {project.Status !== 'CREATED' ? (
            <StatusBadge tone={projectTone(project.Status)}>{t(`status.project.${project.Status}`)}</StatusBadge>
          ) : null}
        </span>
      ),
    },
    {
      key: 'versions',
      header: t('projects.columns.versions'),
      align: 'end',
      cell: (project) => <span className="tabular">{project.VersionCount}</span>,
    },
    {
      key: 'created',
      header: t('projects.columns.created'),
      cell: (project) => <span className="tabular">{formatDateTime(project.CreationTimestamp, language)}</span>,
    },
    {
      key: 'performance',
      header: t('projects.columns.performance'),
      align: 'end',
      cell: (project) => {
        const shown = shownVersion(project);
        return shown?.F1Score !== undefined ? (
          <span className="tabular score" title={shown.VersionName}>
            {formatScore(shown.F1Score, language)}
          </span>
        ) : (
          <span className="muted">{t('common.notAvailable')}</span>
        );
      },
    },
    {
      key: 'status',
      header: t('projects.columns.modelStatus'),
      cell: (project) => {
        const shown = shownVersion(project);
        return shown ? (
          <span className="project-model">
            <span className="mono">{shown.VersionName}</span>
            <VersionStatusBadge status={shown.Status} message={shown.StatusMessage} />
          </span>
        ) : (
          <span className="muted">{t('common.none')}</span>
        );
      },
    },
    {
      key: 'message',
      header: t('projects.columns.statusMessage'),
      wrap: true,
      cell: (project) => {
        const shown = shownVersion(project);
        const latest = project.LatestVersion;
        // A newer attempt that did not give a usable model is said beside the one shown.
        const newer = latest && shown && latest.VersionName !== shown.VersionName ? latest : undefined;
        return shown?.StatusMessage || newer ? (
          <span className="status-message">
            {shown?.StatusMessage ? statusText(shown.StatusMessage) : null}
            {newer ? (
              <span className="muted">
                {' '}
                {isCancelledTraining(newer.Status, newer.StatusMessage)
                  ? t('projects.newerCancelled', { name: newer.VersionName })
                  : t('projects.newer', { name: newer.VersionName, status: t(`status.version.${newer.Status}`) })}
              </span>
            ) : null}
          </span>
        ) : (
          <span className="muted">{t('common.none')}</span>
        );
      },
    },
    {
      key: 'actions',
      header: <span className="visually-hidden">{t('projects.columns.actions')}</span>,
      align: 'end',
      width: '3.5rem',
      cell: (project) => (
        <Button
          variant="ghost"
          size="sm"
          icon="trash"
          className="row-action"
          aria-label={t('projects.deleteLabel', { name: project.ProjectName })}
          title={t('projects.deleteLabel', { name: project.ProjectName })}
          disabled={project.Status === 'DELETING'}
          onClick={() => setDeleting(project)}
        />
      ),
    },
  ];

  const createButton = (
    <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
      {t('projects.create')}
    </Button>
  );

  let body;
  if (projects.isLoading) {
    body = <LoadingTable />;
  } else if (projects.error && !projects.data) {
    body = (
      <div className="projects-error">
        <LoadFailed error={projects.error} onRetry={projects.refetch} />
      </div>
    );
  } else if (all.length === 0) {
    body = (
      <EmptyState icon="projects" title={t('projects.empty.title')} actions={createButton}>
        <p>{t('projects.empty.body')}</p>
        <ol className="getting-started" aria-label={t('projects.empty.steps.label')}>
          <Step number={1} icon="projects" title={t('projects.empty.steps.project')} hint={t('projects.empty.steps.projectHint')} />
          <Step number={2} icon="database" title={t('projects.empty.steps.datasets')} hint={t('projects.empty.steps.datasetsHint')} />
          <Step number={3} icon="model" title={t('projects.empty.steps.train')} hint={t('projects.empty.steps.trainHint')} />
        </ol>
      </EmptyState>
    );
  } else {
    body = (
      <>
        <div className="projects-toolbar">
          <label className="search">
            <Icon name="search" size={16} />
            <span className="visually-hidden">{t('projects.filterLabel')}</span>
            <input
              type="search"
              className="search__input"
              placeholder={t('projects.filterPlaceholder')}
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
            />
          </label>
          <span className="projects-toolbar__count" aria-live="polite">
            {t('projects.count', { count: rows.length })}
          </span>
        </div>
        {rows.length > 0 ? (
          <Table
            caption={t('projects.tableCaption')}
            columns={columns}
            rows={rows}
            rowKey={(project) => project.ProjectArn}
            rowLabel={(project) => project.ProjectName}
          />
        ) : (
          <EmptyState
            compact
            icon="search"
            title={t('projects.noMatches', { query: filter.trim() })}
            actions={<Button onClick={() => setFilter('')}>{t('projects.clearFilter')}</Button>}
          />
        )}
      </>
    );
  }

  return (
    <div className="screen">
      <PageHeader
        title={t('projects.title')}
        description={t('projects.description')}
        actions={all.length > 0 || projects.isLoading ? createButton : null}
      />
      {projects.error && projects.data ? (
        <div className="projects-stale">
          <ErrorAlert {...describeError(projects.error)} />
        </div>
      ) : null}
      <section className="projects-card" aria-label={t('projects.tableCaption')}>
        {body}
      </section>
      {isCreating ? (
        <CreateProjectDialog
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            toast.show(t('projects.created', { name }));
            // A new project's next step is its datasets: open it (issue 15).
            void navigate(projectPath(name));
          }}
        />
      ) : null}
      {deleting ? (
        <DeleteProjectDialog
          project={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={(name) => {
            setDeleting(null);
            toast.show(t('projects.deleted', { name }));
          }}
        />
      ) : null}
    </div>
  );
}

function Step({ number, icon, title, hint }: { number: number; icon: 'projects' | 'database' | 'model'; title: string; hint: string }) {
  return (
    <li className="getting-started__step">
      <span className="getting-started__number" aria-hidden="true">
        {number}
      </span>
      <span className="getting-started__icon" aria-hidden="true">
        <Icon name={icon} size={18} />
      </span>
      <span className="getting-started__title">{title}</span>
      <span className="getting-started__hint">{hint}</span>
    </li>
  );
}

function LoadingTable() {
  return (
    <div className="loading-rows" aria-hidden="true">
      {[0, 1, 2].map((row) => (
        <div key={row} className="loading-rows__row">
          <span className="skeleton" style={{ width: '22%' }} />
          <span className="skeleton" style={{ width: '6%' }} />
          <span className="skeleton" style={{ width: '16%' }} />
          <span className="skeleton" style={{ width: '10%' }} />
          <span className="skeleton" style={{ width: '14%' }} />
        </div>
      ))}
    </div>
  );
}
