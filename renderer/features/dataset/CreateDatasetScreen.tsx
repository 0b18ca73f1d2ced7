import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { call, invalidateQueries, isApiError, useQuery, type DatasetMetadata } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { datasetPath, datasetSlug, projectPath } from '../../lib/routes';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { Alert, Button, buttonClass, EmptyState, ErrorAlert, OptionCards, PageHeader, Panel, useToast, type OptionCard } from '../../ui';
import { ProjectBreadcrumbs, ProjectUnavailable } from '../../app/chrome';
import { splitWhenReady } from './imports';
import { checkSource, datasetSourceOf, initialSource, SourceFields, startSource, type SourceKind, type SourceProblem, type SourceState } from './sources';
import './dataset.css';
import { useDatasetT } from './i18n';

type Configuration = 'single' | 'both';
type DatasetType = DatasetMetadata['DatasetType'];

/**
 * The console's "Create dataset" page (guide §2.5): one dataset or a training and a test dataset,
 * each with its own source. It creates the datasets, starts their imports and opens the dataset
 * page, where the imports' progress shows.
 */
export function CreateDatasetScreen() {
  const { t } = useDatasetT();
  const { name = '' } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const describeError = useDescribeError();
  const described = useQuery('DescribeProjects', { ProjectNames: [name] });
  const project = described.data?.ProjectDescriptions[0];
  const [configuration, setConfiguration] = useState<Configuration>('both');
  const [train, setTrain] = useState<SourceState>(() => initialSource('folder'));
  const [test, setTest] = useState<SourceState>(() => initialSource('split'));
  const [submitted, setSubmitted] = useState(false);
  const [isCreating, setCreating] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  // Typed folders that CheckFolder refused, until the source changes.
  const [unreadable, setUnreadable] = useState<Partial<Record<DatasetType, true>>>({});
  useDocumentTitle(t('createDataset.title'));

  const breadcrumbs = <ProjectBreadcrumbs projectName={name} current={t('createDataset.title')} />;

  if (!project) {
    return (
      <div className="screen screen--narrow">
        <PageHeader breadcrumbs={breadcrumbs} title={t('createDataset.title')} />
        {described.isLoading ? (
          <div className="dataset-loading" aria-hidden="true">
            <span className="skeleton" style={{ width: '40%' }} />
          </div>
        ) : (
          <ProjectUnavailable name={name} error={described.error} onRetry={described.refetch} />
        )}
      </div>
    );
  }

  const hasTrain = project.Datasets.some((dataset) => dataset.DatasetType === 'TRAIN');
  const hasTest = project.Datasets.some((dataset) => dataset.DatasetType === 'TEST');
  // Only what is missing can be created; the starting configuration matters only when both are.
  const types: DatasetType[] = hasTrain
    ? hasTest
      ? []
      : ['TEST']
    : hasTest || configuration === 'single'
      ? ['TRAIN']
      : ['TRAIN', 'TEST'];

  if (types.length === 0) {
    return (
      <div className="screen screen--narrow">
        <PageHeader breadcrumbs={breadcrumbs} title={t('createDataset.title')} />
        <div className="dataset-shell">
          <EmptyState
            icon="database"
            title={t('createDataset.complete.title')}
            actions={
              <Link className={buttonClass('primary')} to={datasetPath(name, 'train')}>
                {t('createDataset.complete.open')}
              </Link>
            }
          >
            <p>{t('createDataset.complete.body')}</p>
          </EmptyState>
        </div>
      </div>
    );
  }

  const sourceOf = (type: DatasetType) => (type === 'TRAIN' ? train : test);
  const problems: Record<DatasetType, SourceProblem> = {
    TRAIN: types.includes('TRAIN') ? (checkSource(train) ?? (unreadable.TRAIN ? 'folderUnreadable' : null)) : null,
    TEST: types.includes('TEST') ? (checkSource(test) ?? (unreadable.TEST ? 'folderUnreadable' : null)) : null,
  };

  const create = async () => {
    setSubmitted(true);
    setFailure(undefined);
    if (types.some((type) => problems[type] !== null)) return;
    setCreating(true);
    // A mistyped folder is refused before anything is created (issue 15).
    const refused: Partial<Record<DatasetType, true>> = {};
    for (const type of types) {
      const source = sourceOf(type);
      if (source.kind !== 'folder' || source.selection) continue;
      try {
        await call('CheckFolder', { Folder: source.folderPath.trim() });
      } catch (error) {
        if (!isApiError(error) || !['InvalidParameterException', 'AccessDeniedException', 'ValidationException'].includes(error.code)) {
          setFailure(error);
          setCreating(false);
          return;
        }
        refused[type] = true;
      }
    }
    if (Object.keys(refused).length > 0) {
      setUnreadable(refused);
      setCreating(false);
      return;
    }
    const created: Partial<Record<DatasetType, string>> = {};
    try {
      for (const type of types) {
        const source = sourceOf(type);
        const datasetSource = datasetSourceOf(source);
        const { DatasetArn } = await call('CreateDataset', {
          ProjectArn: project.ProjectArn,
          DatasetType: type,
          ...(datasetSource ? { DatasetSource: datasetSource } : {}),
        });
        created[type] = DatasetArn;
      }
    } catch (error) {
      setFailure(error);
      setCreating(false);
      invalidateQueries();
      return;
    }
    invalidateQueries();
    // The imports carry on in the background; the dataset page shows their progress.
    const trainArn = created.TRAIN ?? project.Datasets.find((dataset) => dataset.DatasetType === 'TRAIN')?.DatasetArn;
    const trainReady = created.TRAIN ? startSource(created.TRAIN, train) : Promise.resolve(true);
    if (created.TEST) {
      if (test.kind === 'split' && trainArn) void splitWhenReady(trainArn, created.TEST, trainReady);
      else void startSource(created.TEST, test);
    }
    toast.show(types.length === 2 ? t('createDataset.createdBoth') : t('createDataset.created', { type: t(`status.datasetType.${types[0]!}`) }));
    void navigate(datasetPath(name, datasetSlug(types[0]!)));
  };

  const sourceOptions = (type: DatasetType): OptionCard<SourceKind>[] => [
    { value: 'folder', icon: 'folder', title: t('createDataset.sources.folder'), description: t('createDataset.sources.folderHint') },
    { value: 'upload', icon: 'upload', title: t('createDataset.sources.upload'), description: t('createDataset.sources.uploadHint') },
    { value: 'manifest', icon: 'file', title: t('createDataset.sources.manifest'), description: t('createDataset.sources.manifestHint') },
    { value: 'copy', icon: 'copy', title: t('createDataset.sources.copy'), description: t('createDataset.sources.copyHint') },
    { value: 'annotations', icon: 'tag', title: t('createDataset.sources.annotations'), description: t('createDataset.sources.annotationsHint') },
    ...(type === 'TEST' && (hasTrain || types.includes('TRAIN'))
      ? [{ value: 'split' as const, icon: 'split' as const, title: t('createDataset.sources.split'), description: t('createDataset.sources.splitHint') }]
      : []),
    { value: 'empty', icon: 'database', title: t('createDataset.sources.empty'), description: t('createDataset.sources.emptyHint') },
  ];

  const details = (type: DatasetType) => {
    const source = sourceOf(type);
    const setSourceState = type === 'TRAIN' ? setTrain : setTest;
    const setSource = (next: SourceState) => {
      setSourceState(next);
      setUnreadable((previous) => {
        const { [type]: _dropped, ...rest } = previous;
        return rest;
      });
    };
    return (
      <Panel
        key={type}
        icon={type === 'TRAIN' ? 'image' : 'flask'}
        title={type === 'TRAIN' ? t('createDataset.trainDetails') : t('createDataset.testDetails')}
        description={type === 'TRAIN' ? t('createDataset.trainDetailsHint') : t('createDataset.testDetailsHint')}
      >
        <div className="wizard-source">
          <OptionCards
            legend={t('createDataset.sourceLegend')}
            value={source.kind}
            onChange={(kind) => setSource({ ...source, kind })}
            options={sourceOptions(type)}
          />
          <SourceFields source={source} onChange={setSource} problem={submitted ? problems[type] : null} anomaly={project?.Feature === 'ANOMALY_DETECTION'} />
        </div>
      </Panel>
    );
  };

  return (
    <div className="screen screen--narrow">
      <PageHeader breadcrumbs={breadcrumbs} title={t('createDataset.title')} description={t('createDataset.description')} />
      <form
        className="wizard"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        {hasTrain ? (
          <Alert tone="info" title={t('createDataset.addTest.title')}>
            {t('createDataset.addTest.body')}
          </Alert>
        ) : hasTest ? (
          <Alert tone="info" title={t('createDataset.addTrain.title')}>
            {t('createDataset.addTrain.body')}
          </Alert>
        ) : (
          <Panel icon="database" title={t('createDataset.configuration')} description={t('createDataset.configurationHint')}>
            <OptionCards
              legend={t('createDataset.configuration')}
              hideLegend
              value={configuration}
              onChange={(next) => {
                setConfiguration(next);
                if (next === 'single' && test.kind === 'split') setTest(initialSource('split'));
              }}
              options={[
                { value: 'single', title: t('createDataset.single'), description: t('createDataset.singleHint') },
                { value: 'both', title: t('createDataset.both'), description: t('createDataset.bothHint'), badge: t('createDataset.recommended') },
              ]}
            />
          </Panel>
        )}
        {types.map(details)}
        {failure ? <ErrorAlert {...describeError(failure)} /> : null}
        <div className="wizard__footer">
          <Link className={buttonClass()} to={projectPath(name)}>
            {t('common.cancel')}
          </Link>
          <Button type="submit" variant="primary" isBusy={isCreating}>
            {types.length === 2 ? t('createDataset.submitBoth') : t('createDataset.submit')}
          </Button>
        </div>
      </form>
    </div>
  );
}
