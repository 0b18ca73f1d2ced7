import { useCallback, useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { call, type TestImageResult } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { formatCount } from '../../../lib/format';
import { labelDatasetPath } from '../../../lib/routes';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { Button, Checkbox, EmptyState, ErrorAlert, Icon, PageHeader, Spinner, TextField, useToast } from '../../../ui';
import { HeatMapControls } from '../analyze/HeatMapControls';
import { useModelsT } from '../i18n';
import { ModelBreadcrumbs, ModelFallback, useModelContext, type ModelContext } from '../model/modelContext';
import { ConfusionMatrix } from './ConfusionMatrix';
import { useEvaluation } from './EvaluateTab';
import { FixLabelsDialog } from './FixLabelsDialog';
import { RESULT_KEYS, ResultCard } from './ResultCard';
import { filterFromParams, filterResults, filterToParams, imagesByResult, labelsOf, NO_PREDICTION, RESULT_TYPES, type ResultFilter } from './results';
import { confusionMatrix } from './summary';

const PAGE = 60;

/** `#/projects/:name/models/:version/results`: every test image with its results, filtered. */
export function TestResultsScreen() {
  const { name = '', version: versionName = '' } = useParams();
  const { t } = useModelsT();
  const { context, isLoading, error, refetch } = useModelContext(name, versionName);
  useDocumentTitle(`${t('results.title')} · ${versionName}`);
  if (!context) return <ModelFallback projectName={name} versionName={versionName} isLoading={isLoading} error={error} onRetry={refetch} />;
  return <TestResults model={context} />;
}

function TestResults({ model }: { model: ModelContext }) {
  const { t, language } = useModelsT();
  const describeError = useDescribeError();
  const toast = useToast();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  // The filter lives here and is mirrored into the address (for links and reloads): the
  // address updates a moment later, and the checkboxes must not wait for it.
  const [filter, setFilter] = useState<ResultFilter>(() => filterFromParams(params));
  const [search, setSearch] = useState(filter.query);
  const query = useDebouncedValue(search, 200);
  const [shown, setShown] = useState(PAGE);
  const [fixing, setFixing] = useState<TestImageResult | undefined>();
  const [opening, setOpening] = useState<string | undefined>();
  const { ready, evaluation, summary } = useEvaluation(model);

  const update = useCallback(
    (change: Partial<ResultFilter>) => {
      const next = { ...filter, query, ...change };
      setFilter(next);
      setParams(filterToParams(next), { replace: true });
      setShown(PAGE);
    },
    [filter, query, setParams],
  );

  const results = evaluation.data?.TestResults;
  const effective: ResultFilter = useMemo(() => ({ ...filter, query }), [filter, query]);
  const matching = useMemo(() => (results ? filterResults(results, effective) : []), [results, effective]);
  const allLabels = useMemo(() => (results ? labelsOf(results) : []), [results]);
  // Each result type's count under the other filters, so ticking one shows what it will leave.
  const typeCounts = useMemo(() => (results ? imagesByResult(filterResults(results, { ...effective, results: [] }), effective.labels) : undefined), [results, effective]);
  const [showHeat, setShowHeat] = useState(true);
  const [heatOpacity, setHeatOpacity] = useState(60);
  const isClassification = model.version.UseCase !== 'OBJECT_LOCALIZATION' && summary?.confusion !== undefined;

  const openInLabeling = async (image: TestImageResult) => {
    if (image.EntryId === undefined || !model.testDatasetArn) return;
    setOpening(image.SourceRef);
    try {
      let index = -1;
      for (let offset = 0; index < 0; offset += 1000) {
        const page = await call('ListEntries', { DatasetArn: model.testDatasetArn, Offset: offset, MaxResults: 1000 });
        const found = page.Entries.findIndex((entry) => entry.EntryId === image.EntryId);
        if (found >= 0) index = offset + found;
        if (page.Entries.length < 1000) break;
      }
      const base = labelDatasetPath(model.projectName, model.testDatasetSlug);
      void navigate(index >= 0 ? `${base}?view=image&i=${index}` : base);
    } catch (thrown) {
      toast.show(describeError(thrown).title, 'danger');
      setOpening(undefined);
    }
  };

  const breadcrumbs = <ModelBreadcrumbs projectName={model.projectName} versionName={model.versionName} current={t('results.title')} />;
  if (!ready || !results || !summary) {
    return (
      <div className="screen">
        <PageHeader breadcrumbs={breadcrumbs} title={t('results.title')} />
        {!ready ? (
          <EmptyState icon="model" title={t('evaluate.noneTitle')}>
            <p>{t('evaluate.noneBody')}</p>
          </EmptyState>
        ) : evaluation.error ? (
          <ErrorAlert {...describeError(evaluation.error)} />
        ) : (
          <Spinner size={22} label={t('evaluate.loading')} />
        )}
      </div>
    );
  }

  const hasCell = filter.truth !== undefined && filter.predicted !== undefined;
  const testImagesByLabel = new Map(summary.perLabel.map((row) => [row.label, row.testImages]));

  return (
    <div className="screen results-screen">
      <PageHeader breadcrumbs={breadcrumbs} title={t('results.title')} description={t('results.description')} />
      <div className="results-layout">
        <aside className="results-filters" aria-label={t('results.filtersLabel')}>
          <section className="results-filter">
            <h2 className="results-filter__title">{t('results.byLabel')}</h2>
            <div className="results-filter__options">
              {allLabels.map((label) => (
                <Checkbox
                  key={label}
                  label={label}
                  checked={filter.labels.includes(label)}
                  onChange={(event) => update({ labels: event.target.checked ? [...filter.labels, label] : filter.labels.filter((name) => name !== label) })}
                />
              ))}
            </div>
          </section>
          <section className="results-filter">
            <h2 className="results-filter__title">{t('results.byResult')}</h2>
            <div className="results-filter__options">
              {RESULT_TYPES.map((type) => (
                <Checkbox
                  key={type}
                  label={
                    <span className={`result-type result-type--${type}`}>
                      {t(RESULT_KEYS[type])}
                      {typeCounts ? <span className="result-type__count tabular">{formatCount(typeCounts[type], language)}</span> : null}
                    </span>
                  }
                  checked={filter.results.includes(type)}
                  onChange={(event) => update({ results: event.target.checked ? [...filter.results, type] : filter.results.filter((name) => name !== type) })}
                />
              ))}
            </div>
          </section>
          {filter.labels.length > 0 || filter.results.length > 0 || hasCell || query ? (
            <Button
              size="sm"
              variant="ghost"
              icon="close"
              onClick={() => {
                setSearch('');
                setFilter({ labels: [], results: [], query: '' });
                setParams(new URLSearchParams(), { replace: true });
              }}
            >
              {t('results.clear')}
            </Button>
          ) : null}
        </aside>
        <div className="results-main">
          {isClassification && summary.confusion ? (
            <details className="results-matrix" open={hasCell}>
              <summary>{t('matrix.title')}</summary>
              <ConfusionMatrix
                matrix={confusionMatrix(summary.confusion, summary.labels, testImagesByLabel)}
                selected={hasCell ? { truth: filter.truth!, predicted: filter.predicted! } : undefined}
                onSelect={(truth, predicted) =>
                  hasCell && filter.truth === truth && filter.predicted === predicted ? update({ truth: undefined, predicted: undefined }) : update({ truth, predicted })
                }
              />
            </details>
          ) : null}
          <div className="results-toolbar">
            <h2 className="results-count" aria-live="polite">
              {t('results.images', { count: matching.length, n: formatCount(matching.length, language) })}
            </h2>
            <div className="results-search">
              <TextField
                label={<span className="visually-hidden">{t('results.search')}</span>}
                placeholder={t('results.search')}
                type="search"
                value={search}
                onChange={(event) => {
                  setSearch(event.target.value);
                  setShown(PAGE);
                }}
              />
            </div>
          </div>
          {model.isAnomaly ? <HeatMapControls shown={showHeat} onShown={setShowHeat} opacity={heatOpacity} onOpacity={setHeatOpacity} /> : null}
          {model.version.UseCase === 'OBJECT_LOCALIZATION' ? (
            <ul className="box-legend" aria-label={t('results.legend.title')}>
              <li className="box-legend__key box-legend__key--truth">{t('results.legend.truth')}</li>
              <li className="box-legend__key box-legend__key--tp">{t('results.types.TRUE_POSITIVE')}</li>
              <li className="box-legend__key box-legend__key--fp">{t('results.types.FALSE_POSITIVE')}</li>
              <li className="box-legend__key box-legend__key--fn">{t('results.types.FALSE_NEGATIVE')}</li>
            </ul>
          ) : null}
          {hasCell ? (
            <p className="results-cell">
              <Icon name="projects" size={15} />
              <span>
                {t('results.cellFilter', {
                  truth: filter.truth,
                  predicted: filter.predicted === NO_PREDICTION ? t('matrix.noLabel') : filter.predicted,
                })}
              </span>
              <Button size="sm" variant="ghost" icon="close" aria-label={t('results.clearCell')} onClick={() => update({ truth: undefined, predicted: undefined })} />
            </p>
          ) : null}
          {matching.length === 0 ? (
            <div className="project-card">
              <EmptyState icon="search" title={t('results.noneTitle')} compact>
                <p>{t('results.noneBody')}</p>
              </EmptyState>
            </div>
          ) : (
            <ul className="result-grid" aria-label={t('results.gridLabel')}>
              {matching.slice(0, shown).map((image) => (
                <ResultCard
                  key={image.SourceRef}
                  image={image}
                  isOpening={opening === image.SourceRef}
                  onOpenInLabeling={(chosen) => void openInLabeling(chosen)}
                  onFixLabels={isClassification && model.testDatasetArn ? setFixing : undefined}
                  heatVersionArn={model.isAnomaly ? model.version.ProjectVersionArn : undefined}
                  heatOpacity={showHeat ? heatOpacity / 100 : 0}
                />
              ))}
            </ul>
          )}
          {matching.length > shown ? (
            <div className="results-more">
              <Button onClick={() => setShown((count) => count + PAGE)}>{t('results.showMore', { count: Math.min(PAGE, matching.length - shown) })}</Button>
              <span className="muted tabular">{t('results.showing', { shown: formatCount(shown, language), total: formatCount(matching.length, language) })}</span>
            </div>
          ) : null}
        </div>
      </div>
      {fixing && model.testDatasetArn ? <FixLabelsDialog image={fixing} datasetArn={model.testDatasetArn} onClose={() => setFixing(undefined)} /> : null}
    </div>
  );
}
