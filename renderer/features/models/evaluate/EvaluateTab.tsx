import { useMemo, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useQuery } from '../../../api';
import { LoadFailed } from '../../../lib/LoadFailed';
import { formatCount, formatDate, formatScore } from '../../../lib/format';
import { testResultsPath } from '../../../lib/routes';
import { Button, buttonClass, CopyButton, EmptyState, Icon, Panel, Spinner, TextField } from '../../../ui';
import { downloadJson } from '../download';
import { formatElapsed, providerName } from '../format';
import { useModelsT, type ModelsKey } from '../i18n';
import { localPathOf, s3Url } from '../locations';
import type { ModelContext } from '../model/modelContext';
import { hasEvaluation } from '../versions';
import { ConfusionMatrix } from './ConfusionMatrix';
import { filterToParams } from './results';
import { confusionMatrix, readSummary, sortLabels, type SortKey, type SummaryView } from './summary';
import { ThresholdStudio } from './ThresholdStudio';

/** DescribeEvaluation for a version that has results; it never changes, so it is read once. */
export function useEvaluation(model: ModelContext) {
  const ready = hasEvaluation(model.version.Status);
  const evaluation = useQuery('DescribeEvaluation', { ProjectVersionArn: model.version.ProjectVersionArn }, { enabled: ready, live: false });
  const summary = useMemo(() => (evaluation.data ? readSummary(evaluation.data.Summary) : undefined), [evaluation.data]);
  return { ready, evaluation, summary };
}

/** The console's Evaluate tab: tiles, per-label performance, and more (matrix, curves, files). */
export function EvaluateTab({ model }: { model: ModelContext }) {
  const { t } = useModelsT();
  const navigate = useNavigate();
  const { ready, evaluation, summary } = useEvaluation(model);
  const { version } = model;

  if (!ready) {
    const training = version.Status === 'TRAINING_IN_PROGRESS';
    return (
      <div className="project-card">
        <EmptyState icon={training ? 'model' : 'alert'} title={training ? t('evaluate.pendingTitle') : t('evaluate.noneTitle')}>
          <p>{training ? t('evaluate.pendingBody') : t('evaluate.noneBody')}</p>
        </EmptyState>
      </div>
    );
  }
  if (!evaluation.data || !summary) {
    return evaluation.error ? (
      <LoadFailed error={evaluation.error} onRetry={evaluation.refetch} />
    ) : (
      <div className="project-card project-card--padded">
        <Spinner size={20} label={t('evaluate.loading')} />
      </div>
    );
  }

  const data = evaluation.data;
  const isClassification = version.UseCase !== 'OBJECT_LOCALIZATION' && summary.confusion !== undefined;
  const testImagesByLabel = new Map(summary.perLabel.map((row) => [row.label, row.testImages]));

  return (
    <div className="model-tab-stack">
      <Panel
        icon="chart"
        title={t('evaluate.title')}
        description={t('evaluate.description')}
        actions={
          <Link className={buttonClass('primary')} to={testResultsPath(model.projectName, model.versionName)}>
            <Icon name="image" size={18} />
            {t('evaluate.viewResults')}
          </Link>
        }
      >
        <Tiles model={model} summary={summary} trainingImages={data.TrainingImages} trainingLabels={data.TrainingLabels} />
      </Panel>
      <LabelPerformance summary={summary} />
      {isClassification && summary.confusion ? (
        <Panel icon="projects" title={t('matrix.title')} description={t('matrix.description')}>
          <ConfusionMatrix
            matrix={confusionMatrix(summary.confusion, summary.labels, testImagesByLabel)}
            onSelect={(truth, predicted) =>
              void navigate(testResultsPath(model.projectName, model.versionName, filterToParams({ labels: [], results: [], query: '', truth, predicted })))
            }
          />
        </Panel>
      ) : null}
      <ThresholdStudio
        key={version.ProjectVersionArn}
        versionArn={version.ProjectVersionArn}
        curves={data.Curves}
        summary={summary}
        results={data.TestResults}
        saved={data.ChosenThresholds ?? {}}
        onSaved={evaluation.refetch}
      />
      <FilesPanel model={model} summary={data.Summary} manifestSummary={data.ManifestSummary} />
    </div>
  );
}

function Tile({ label, value, hint, id }: { label: string; value: ReactNode; hint?: ReactNode; id: string }) {
  return (
    <div className="eval-tile" role="group" aria-labelledby={`${id}-label`} data-tile={id}>
      <span className="eval-tile__label" id={`${id}-label`}>
        {label}
      </span>
      <span className="eval-tile__value tabular">{value}</span>
      {hint ? <span className="eval-tile__hint">{hint}</span> : null}
    </div>
  );
}

function Tiles({ model, summary, trainingImages, trainingLabels }: { model: ModelContext; summary: SummaryView; trainingImages: number; trainingLabels: number }) {
  const { t, app, language } = useModelsT();
  const { version } = model;
  const score = (value: number | undefined) => (value === undefined ? app('common.notAvailable') : formatScore(value, language));
  const completed = version.TrainingEndTimestamp ?? summary.completed;
  const testLabels = summary.perLabel.filter((row) => row.testImages > 0).length || summary.labels.length;
  const testImages = summary.testImages ?? 0;
  const detection = version.UseCase === 'OBJECT_LOCALIZATION';
  return (
    <div className="eval-tiles">
      <div className="eval-tiles__scores">
        <Tile id="f1" label={t('evaluate.tiles.f1')} value={score(summary.f1)} hint={t('evaluate.tiles.f1Hint')} />
        <Tile id="precision" label={t('evaluate.tiles.averagePrecision')} value={score(summary.precision)} hint={t('evaluate.tiles.precisionHint')} />
        <Tile id="recall" label={t('evaluate.tiles.overallRecall')} value={score(summary.recall)} hint={t('evaluate.tiles.recallHint')} />
        {detection && summary.averagePrecision !== undefined ? (
          <Tile id="map" label={t('evaluate.tiles.map')} value={score(summary.averagePrecision)} hint={t('evaluate.tiles.mapHint')} />
        ) : null}
        {detection && summary.averageRecall !== undefined ? (
          <Tile id="mar" label={t('evaluate.tiles.mar')} value={score(summary.averageRecall)} hint={t('evaluate.tiles.marHint')} />
        ) : null}
      </div>
      <dl className="eval-facts">
        <div data-fact="completed">
          <dt>{t('evaluate.tiles.completed')}</dt>
          <dd className="tabular">{completed ? formatDate(completed, language) : app('common.notAvailable')}</dd>
        </div>
        <div data-fact="trainedIn">
          <dt>{t('evaluate.tiles.trainedIn')}</dt>
          <dd className="tabular">
            {version.BillableTrainingTimeInSeconds !== undefined ? formatElapsed(version.BillableTrainingTimeInSeconds, language) : app('common.notAvailable')}
          </dd>
        </div>
        <div data-fact="training">
          <dt>{t('evaluate.tiles.trainingDataset')}</dt>
          <dd className="tabular">
            {t('evaluate.tiles.datasetSize', {
              labels: t('evaluate.tiles.labels', { count: trainingLabels, n: formatCount(trainingLabels, language) }),
              images: t('evaluate.tiles.images', { count: trainingImages, n: formatCount(trainingImages, language) }),
            })}
          </dd>
        </div>
        <div data-fact="testing">
          <dt>{t('evaluate.tiles.testingDataset')}</dt>
          <dd className="tabular">
            {t('evaluate.tiles.datasetSize', {
              labels: t('evaluate.tiles.labels', { count: testLabels, n: formatCount(testLabels, language) }),
              images: t('evaluate.tiles.images', { count: testImages, n: formatCount(testImages, language) }),
            })}
            {version.TestingDataResult?.Output?.AutoCreate ? <span className="eval-facts__note">{t('evaluate.tiles.autoSplit')}</span> : null}
          </dd>
        </div>
        <div data-fact="provider">
          <dt>{t('evaluate.tiles.provider')}</dt>
          <dd>{version.ExecutionProvider ? providerName(version.ExecutionProvider) : app('common.notAvailable')}</dd>
        </div>
      </dl>
    </div>
  );
}

const SORT_COLUMNS: { key: SortKey; label: ModelsKey; numeric: boolean }[] = [
  { key: 'label', label: 'evaluate.table.label', numeric: false },
  { key: 'f1', label: 'evaluate.table.f1', numeric: true },
  { key: 'testImages', label: 'evaluate.table.testImages', numeric: true },
  { key: 'precision', label: 'evaluate.table.precision', numeric: true },
  { key: 'recall', label: 'evaluate.table.recall', numeric: true },
  { key: 'threshold', label: 'evaluate.table.threshold', numeric: true },
];

function LabelPerformance({ summary }: { summary: SummaryView }) {
  const { t, app, language } = useModelsT();
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'label', descending: false });
  const rows = sortLabels(summary.perLabel, query, sort.key, sort.descending);
  const score = (value: number | undefined) => (value === undefined ? <span className="muted">{app('common.notAvailable')}</span> : formatScore(value, language));
  return (
    <Panel
      icon="tag"
      title={t('evaluate.table.title', { count: summary.perLabel.length })}
      actions={
        <div className="eval-search">
          <TextField
            label={<span className="visually-hidden">{t('evaluate.table.search')}</span>}
            placeholder={t('evaluate.table.search')}
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        </div>
      }
      flush
    >
      <div className="ui-table-wrap">
        <table className="ui-table label-table">
          <caption className="visually-hidden">{t('evaluate.table.caption')}</caption>
          <thead>
            <tr>
              {SORT_COLUMNS.map((column) => {
                const active = sort.key === column.key;
                return (
                  <th
                    key={column.key}
                    scope="col"
                    className={column.numeric ? 'is-end' : undefined}
                    aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                  >
                    <button
                      type="button"
                      className={`sort-button ${active ? 'is-active' : ''}`}
                      onClick={() => setSort({ key: column.key, descending: active ? !sort.descending : column.numeric })}
                    >
                      {t(column.label)}
                      <span className="sort-button__arrow" aria-hidden="true">
                        {active ? (sort.descending ? '↓' : '↑') : '↕'}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.label} aria-label={row.label}>
                <td>
                  <span className="label-chip">{row.label}</span>
                </td>
                <td className="is-end tabular">{score(row.f1)}</td>
                <td className="is-end tabular">{formatCount(row.testImages, language)}</td>
                <td className="is-end tabular">{score(row.precision)}</td>
                <td className="is-end tabular">{score(row.recall)}</td>
                <td className="is-end tabular">{score(row.threshold)}</td>
              </tr>
            ))}
            {rows.length === 0 ? (
              <tr>
                <td colSpan={SORT_COLUMNS.length} className="muted">
                  {t('evaluate.table.noMatch')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

function FilesPanel({ model, summary, manifestSummary }: { model: ModelContext; summary: Record<string, unknown>; manifestSummary: Record<string, unknown> | undefined }) {
  const { t, app } = useModelsT();
  const mappings = useQuery('ListBucketMappings', {}, { live: false });
  const { version } = model;
  const summaryName = version.EvaluationResult?.Summary.S3Object.Name.split('/').pop() ?? `EvaluationSummary-${model.projectName}-${model.versionName}.json`;
  const manifestLocation = version.TestingDataResult?.Output?.Assets[0]?.GroundTruthManifest;
  const local = manifestLocation ? localPathOf(mappings.data?.BucketMappings, manifestLocation) : undefined;
  const copy = (value: string, label: string) => <CopyButton value={value} label={label} copiedLabel={app('common.copied')} failedLabel={app('common.copyFailed')} showLabel />;
  return (
    <Panel icon="download" title={t('files.title')} description={t('files.description')}>
      <ul className="eval-files">
        <li className="eval-file">
          <div>
            <p className="eval-file__name">{t('files.summary')}</p>
            <p className="eval-file__hint mono">{summaryName}</p>
          </div>
          <Button icon="download" onClick={() => downloadJson(summaryName, summary)}>
            {t('files.download')}
          </Button>
        </li>
        <li className="eval-file">
          <div>
            <p className="eval-file__name">{t('files.manifestSummary')}</p>
            <p className="eval-file__hint mono">manifest_summary.json</p>
          </div>
          <Button icon="download" disabled={!manifestSummary} onClick={() => downloadJson('manifest_summary.json', manifestSummary)}>
            {t('files.download')}
          </Button>
        </li>
        <li className="eval-file eval-file--location">
          <div>
            <p className="eval-file__name">{t('files.evaluationManifest')}</p>
            <p className="eval-file__hint">{t('files.evaluationManifestHint')}</p>
            {manifestLocation ? (
              <div className="file-location">
                <span className="file-location__line">
                  <code>{s3Url(manifestLocation)}</code>
                  {copy(s3Url(manifestLocation), t('files.copyS3'))}
                </span>
                {local ? (
                  <span className="file-location__line file-location__line--local">
                    <code>{local}</code>
                    {copy(local, t('files.copyPath'))}
                  </span>
                ) : null}
              </div>
            ) : (
              <p className="muted">{app('common.notAvailable')}</p>
            )}
          </div>
        </li>
      </ul>
    </Panel>
  );
}
