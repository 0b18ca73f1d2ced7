import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { call, invalidateQueries, useQuery, type DatasetMetadata, type ProjectDescription } from '../../api';
import { createDatasetPath, datasetPath, type DatasetSlug } from '../../lib/routes';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { buttonClass, Icon, PageHeader, Tabs } from '../../ui';
import { TrainModelLink } from '../models';
import { ProjectBreadcrumbs, ProjectUnavailable } from '../../app/chrome';
import { DatasetView } from './DatasetView';
import { DropImportTarget, useAutoLabelDrops, type DropTarget } from './DropImportTarget';
import { MissingDataset } from './MissingDataset';
import './dataset.css';
import { useDatasetT } from './i18n';

const TYPES = { train: 'TRAIN', test: 'TEST' } as const;

/** The project's datasets, a tab each (the console's Training / Test tabs). */
export function DatasetScreen() {
  const { t } = useDatasetT();
  const { name = '', type = '' } = useParams();
  const navigate = useNavigate();
  const described = useQuery('DescribeProjects', { ProjectNames: [name] });
  const autoLabel = useAutoLabelDrops();
  useDocumentTitle(`${t('datasets.title')} · ${name}`);

  if (type !== 'train' && type !== 'test') return <Navigate to={datasetPath(name, 'train')} replace />;
  const slug: DatasetSlug = type;
  const project = described.data?.ProjectDescriptions[0];
  const dataset = project?.Datasets.find((candidate) => candidate.DatasetType === TYPES[slug]);

  const breadcrumbs = <ProjectBreadcrumbs projectName={name} current={t('datasets.title')} />;

  if (!project) {
    return (
      <div className="screen">
        <PageHeader breadcrumbs={breadcrumbs} title={t('datasets.title')} />
        {described.isLoading ? (
          <div className="dataset-loading" aria-hidden="true">
            <span className="skeleton" style={{ width: '40%' }} />
            <span className="skeleton" style={{ width: '25%' }} />
          </div>
        ) : (
          <ProjectUnavailable name={name} error={described.error} onRetry={described.refetch} />
        )}
      </div>
    );
  }

  const missing = (['TRAIN', 'TEST'] as const).filter((kind) => !project.Datasets.some((candidate) => candidate.DatasetType === kind));
  // Drops go into the dataset in view, or create it when the tab has none yet.
  const targets: DropTarget[] = [
    {
      key: dataset?.DatasetArn ?? `new-${slug}`,
      title: dataset
        ? t('drop.into', { target: t(`status.datasetType.${dataset.DatasetType}`) })
        : slug === 'train'
          ? t('drop.createTrain')
          : t('drop.createTest'),
      name: t(`status.datasetType.${TYPES[slug]}`),
      hint: autoLabel ? t('drop.hintLabels') : t('drop.hintNoLabels'),
      datasetArn: dataset
        ? () => Promise.resolve(dataset.DatasetArn)
        : async () => {
            const { DatasetArn } = await call('CreateDataset', { ProjectArn: project.ProjectArn, DatasetType: TYPES[slug] });
            invalidateQueries();
            return DatasetArn;
          },
    },
  ];

  return (
    <DropImportTarget targets={targets}>
      <div className="screen">
        <PageHeader
          breadcrumbs={breadcrumbs}
          title={t('datasets.title')}
          actions={
            <>
              {missing.length > 0 ? (
                <Link className={buttonClass('secondary')} to={createDatasetPath(name)}>
                  <Icon name="plus" size={18} />
                  {t('datasets.create')}
                </Link>
              ) : null}
              {findType(project, 'TRAIN') ? <TrainModelLink projectName={name} /> : null}
            </>
          }
        />
        <Tabs
          label={t('datasets.tabsLabel')}
          selected={slug}
          onSelect={(next) => void navigate(datasetPath(name, next), { replace: true })}
          tabs={[
            { key: 'train', label: t('datasets.tabs.train') },
            { key: 'test', label: t('datasets.tabs.test') },
          ]}
        >
          {dataset ? (
            <DatasetView key={dataset.DatasetArn} project={project} projectName={name} dataset={dataset} slug={slug} />
          ) : (
            <MissingDataset project={project} projectName={name} type={TYPES[slug]} train={findType(project, 'TRAIN')} />
          )}
        </Tabs>
      </div>
    </DropImportTarget>
  );
}

function findType(project: ProjectDescription, type: DatasetMetadata['DatasetType']): DatasetMetadata | undefined {
  return project.Datasets.find((candidate) => candidate.DatasetType === type);
}

