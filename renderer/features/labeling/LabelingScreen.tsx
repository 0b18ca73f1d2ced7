import { Component, useEffect, useState, type ErrorInfo, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useQuery } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { checkResourceName } from '../../lib/names';
import { projectPath } from '../../lib/routes';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { Button, buttonClass, EmptyState, ErrorAlert, Spinner } from '../../ui';
import { useLabelingT } from './i18n';
import { LabelingWorkspace } from './LabelingWorkspace';
import './labeling.css';

export type DatasetSlug = 'train' | 'test';

/** `#/projects/:name/datasets/:type/label`: labeling mode for a project's training or test dataset. */
export function LabelingScreen() {
  const { name = '', type = '' } = useParams();
  const slug: DatasetSlug | null = type === 'train' || type === 'test' ? type : null;
  return (
    <LabelingErrorBoundary projectName={name}>
      <LabelingRoute name={name} slug={slug} />
    </LabelingErrorBoundary>
  );
}

function LabelingRoute({ name, slug }: { name: string; slug: DatasetSlug | null }) {
  const { t } = useLabelingT();
  const describeError = useDescribeError();
  const datasetTitle = slug === 'test' ? t('screen.testDataset') : t('screen.trainingDataset');
  useDocumentTitle(`${t('screen.title')} · ${datasetTitle} · ${name}`);
  const isPossibleName = checkResourceName(name) === null;
  const wanted = slug === 'test' ? 'TEST' : 'TRAIN';
  const [isFound, setFound] = useState(false);
  // Once the dataset is found it stays put; every save would otherwise fetch the project again.
  const described = useQuery('DescribeProjects', { ProjectNames: [name] }, { enabled: isPossibleName && slug !== null, live: !isFound });
  const project = described.data?.ProjectDescriptions[0];
  const dataset = project?.Datasets.find((candidate) => candidate.DatasetType === wanted);
  useEffect(() => setFound(dataset !== undefined), [dataset]);
  const other = project?.Datasets.find((candidate) => candidate.DatasetType !== wanted);

  if (slug !== null && isPossibleName && described.isLoading) {
    return (
      <div className="lab-screen lab-screen--centred">
        <Spinner size={24} label={t('screen.loading')} />
      </div>
    );
  }
  if (!project || !dataset || slug === null) {
    const failed = described.error && described.error.code !== 'ResourceNotFoundException';
    return (
      <div className="lab-screen lab-screen--centred">
        <div className="lab-missing">
          {failed ? (
            <ErrorAlert
              {...describeError(described.error)}
              actions={
                <Button size="sm" onClick={described.refetch}>
                  {t('screen.retry')}
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon="database"
              title={project ? t('screen.noDataset', { dataset: datasetTitle }) : t('screen.noProject')}
              actions={
                <Link className={buttonClass('primary')} to={project ? projectPath(name) : '/'}>
                  {project ? t('screen.backToProject') : t('screen.backToProjects')}
                </Link>
              }
            >
              <p>{project ? t('screen.noDatasetBody') : t('screen.noProjectBody', { name })}</p>
            </EmptyState>
          )}
        </div>
      </div>
    );
  }
  return (
    <LabelingWorkspace
      key={dataset.DatasetArn}
      projectName={name}
      slug={slug}
      datasetArn={dataset.DatasetArn}
      otherDataset={other ? { arn: other.DatasetArn, slug: slug === 'train' ? 'test' : 'train' } : null}
    />
  );
}

interface BoundaryProps {
  projectName: string;
  children: ReactNode;
}

/** Labeling's own error boundary: a fault here never takes the rest of the app down. */
class LabelingErrorBoundary extends Component<BoundaryProps, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Labeling failed to render', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return <LabelingCrashed projectName={this.props.projectName} error={this.state.error} onRetry={() => this.setState({ error: null })} />;
  }
}

function LabelingCrashed({ projectName, error, onRetry }: { projectName: string; error: Error; onRetry: () => void }) {
  const { t } = useLabelingT();
  return (
    <div className="lab-screen lab-screen--centred">
      <div className="lab-missing">
        <EmptyState
          icon="alert"
          title={t('screen.crashed')}
          actions={
            <>
              <Button variant="primary" onClick={onRetry}>
                {t('screen.retry')}
              </Button>
              <Link className={buttonClass()} to={projectPath(projectName)}>
                {t('screen.backToProject')}
              </Link>
            </>
          }
        >
          <p>{t('screen.crashedBody')}</p>
          <p className="lab-muted mono">{error.message}</p>
        </EmptyState>
      </div>
    </div>
  );
}
