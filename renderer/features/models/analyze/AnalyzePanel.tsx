import { useId, useRef, useState } from 'react';
import { useQuery } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { Button, DropZone, Menu, Panel, SegmentedControl, Spinner, StatusBadge } from '../../../ui';
import { downloadJson, downloadText } from '../download';
import { formatConfidence } from '../format';
import { useModelsT } from '../i18n';
import type { ModelContext } from '../model/modelContext';
import { AddToDatasetDialog } from './AddToDatasetDialog';
import { AnomalyScore } from './AnomalyScore';
import { HeatMapControls } from './HeatMapControls';
import { filesOfDrop, isImageFile } from './images';
import { LabelOverlay } from './LabelOverlay';
import { toCsv, toJson, type ExportedAnalysis } from './exportResults';
import { useAnalyses, type Analysis } from './useAnalyses';

type Mode = 'assumed' | 'custom';

/** Drop or pick images, see what the running model finds in each, save the results, feed images back. */
export function AnalyzePanel({ model }: { model: ModelContext }) {
  const { t } = useModelsT();
  const [mode, setMode] = useState<Mode>('assumed');
  const [cutoff, setCutoff] = useState(50);
  const settled = useDebouncedValue(cutoff, 300);
  const minConfidence = mode === 'assumed' ? undefined : settled;
  const { items, add, remove, clear, patch } = useAnalyses(model.version.ProjectVersionArn, minConfidence, { anomaly: model.isAnomaly });
  const [showHeat, setShowHeat] = useState(true);
  const [heatOpacity, setHeatOpacity] = useState(60);
  const [adding, setAdding] = useState<Analysis | undefined>();
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const sliderId = useId();
  const detection = model.version.UseCase === 'OBJECT_LOCALIZATION';
  const trainLabels = useQuery('ListDatasetLabels', { DatasetArn: model.trainDatasetArn ?? '', MaxResults: 100 }, { enabled: Boolean(model.trainDatasetArn), live: false });
  const knownLabels = trainLabels.data?.DatasetLabelDescriptions.map((label) => label.LabelName) ?? [];

  const finished = items.filter((item) => item.status === 'done');
  const exported = (): ExportedAnalysis[] => finished.map((item) => ({ name: item.name, minConfidence: item.minConfidence, labels: item.labels ?? [] }));
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

  const pick = (list: FileList | null) => {
    if (list) add(Array.from(list).filter(isImageFile));
  };

  return (
    <Panel
      icon="image"
      title={t('analyze.title')}
      description={t('analyze.description')}
      actions={
        items.length > 0 ? (
          <>
            <Menu
              label={t('analyze.save')}
              icon="download"
              items={[
                { key: 'csv', label: t('analyze.saveCsv'), icon: 'file', disabled: finished.length === 0, onSelect: () => downloadText(`${model.versionName}-results-${stamp}.csv`, toCsv(exported()), 'text/csv') },
                { key: 'json', label: t('analyze.saveJson'), icon: 'file', disabled: finished.length === 0, onSelect: () => downloadJson(`${model.versionName}-results-${stamp}.json`, toJson(exported(), model.version.ProjectVersionArn)) },
              ]}
            />
            <Button icon="trash" variant="ghost" onClick={clear}>
              {t('analyze.clear')}
            </Button>
          </>
        ) : null
      }
    >
      <div className="analyze">
        <div className="analyze__controls">
          <div className="analyze__confidence">
            <span className="analyze__confidence-label" id={`${sliderId}-label`}>
              {t('analyze.minConfidence')}
            </span>
            <SegmentedControl<Mode>
              label={t('analyze.minConfidence')}
              value={mode}
              onChange={setMode}
              segments={[
                { value: 'assumed', label: t('analyze.assumed') },
                { value: 'custom', label: t('analyze.custom') },
              ]}
            />
            {mode === 'custom' ? (
              <div className="analyze__slider">
                <input
                  id={sliderId}
                  type="range"
                  min={0}
                  max={100}
                  step={1}
                  value={cutoff}
                  aria-labelledby={`${sliderId}-label`}
                  aria-valuetext={`${cutoff}%`}
                  onChange={(event) => setCutoff(Number(event.target.value))}
                />
                <output htmlFor={sliderId} className="tabular">
                  {cutoff}%
                </output>
              </div>
            ) : (
              <p className="analyze__hint">{t(model.isAnomaly ? 'analyze.anomalyHint' : 'analyze.assumedHint')}</p>
            )}
          </div>
          {model.isAnomaly ? <HeatMapControls shown={showHeat} onShown={setShowHeat} opacity={heatOpacity} onOpacity={setHeatOpacity} /> : null}
        </div>
        <DropZone
          icon="image"
          title={t('analyze.dropTitle')}
          hint={t('analyze.dropHint')}
          onDrop={(dataTransfer) => void filesOfDrop(dataTransfer).then(add)}
          actions={
            <>
              <Button size="sm" icon="image" onClick={() => filesInput.current?.click()}>
                {t('analyze.chooseImages')}
              </Button>
              <Button size="sm" icon="folder" onClick={() => folderInput.current?.click()}>
                {t('analyze.chooseFolder')}
              </Button>
            </>
          }
        />
        <input
          ref={filesInput}
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif,image/bmp"
          multiple
          hidden
          aria-label={t('analyze.chooseImages')}
          onChange={(event) => {
            pick(event.target.files);
            event.target.value = '';
          }}
        />
        <input
          ref={(element) => {
            folderInput.current = element;
            element?.setAttribute('webkitdirectory', '');
          }}
          type="file"
          multiple
          hidden
          aria-label={t('analyze.chooseFolder')}
          onChange={(event) => {
            pick(event.target.files);
            event.target.value = '';
          }}
        />
        {items.length > 0 ? (
          <ul className="analysis-list" aria-label={t('analyze.resultsLabel')}>
            {items.map((item) => (
              <AnalysisCard
                key={item.id}
                item={item}
                heatOpacity={showHeat ? heatOpacity / 100 : 0}
                canAdd={Boolean(model.trainDatasetArn)}
                onRemove={() => remove(item.id)}
                onAdd={() => setAdding(item)}
              />
            ))}
          </ul>
        ) : null}
      </div>
      {adding && model.trainDatasetArn ? (
        <AddToDatasetDialog
          analysis={adding}
          datasetArn={model.trainDatasetArn}
          detection={detection}
          knownLabels={knownLabels}
          onClose={() => setAdding(undefined)}
          onAdded={() => {
            patch(adding.id, { added: true });
            setAdding(undefined);
          }}
        />
      ) : null}
    </Panel>
  );
}

function AnalysisCard({ item, canAdd, onRemove, onAdd, heatOpacity }: { item: Analysis; canAdd: boolean; onRemove: () => void; onAdd: () => void; heatOpacity: number }) {
  const { t, language } = useModelsT();
  const describeError = useDescribeError();
  const labels = item.labels ?? [];
  const busy = item.status === 'reading' || item.status === 'analyzing';
  return (
    <li className="analysis-card" aria-label={item.name} aria-busy={busy || undefined}>
      <div className="analysis-card__picture">
        <LabelOverlay
          src={item.url}
          labels={item.status === 'done' ? labels : undefined}
          width={item.prepared?.width ?? 1}
          height={item.prepared?.height ?? 1}
          alt={item.name}
          heatMap={item.status === 'done' && heatOpacity > 0 ? item.anomaly?.HeatMap : undefined}
          heatOpacity={heatOpacity}
        />
        {busy ? (
          <span className="analysis-card__busy">
            <Spinner size={18} label={t('analyze.analyzing')} />
          </span>
        ) : null}
      </div>
      <div className="analysis-card__body">
        <div className="analysis-card__head">
          <p className="analysis-card__name" title={item.name}>
            {item.name}
          </p>
          <Button size="sm" variant="ghost" icon="close" aria-label={t('analyze.remove', { name: item.name })} title={t('analyze.remove', { name: item.name })} onClick={onRemove} />
        </div>
        {item.status === 'failed' && item.error ? (
          <p className="analysis-card__error" role="alert">
            {describeError(item.error).title} {describeError(item.error).detail}
          </p>
        ) : null}
        {item.status === 'done' && item.anomaly ? <AnomalyScore anomaly={item.anomaly} /> : null}
        {item.status === 'done' ? (
          labels.length === 0 ? (
            <p className="analysis-card__empty">{t('analyze.empty')}</p>
          ) : (
            <ul className="found-labels" aria-label={t('analyze.labelsOf', { name: item.name })}>
              {labels.map((label, index) => (
                <li key={`${label.Name}-${index}`} className="found-label">
                  <span className="found-label__name">{label.Name}</span>
                  <span className="found-label__bar" aria-hidden="true">
                    <span style={{ width: `${Math.min(100, Math.max(0, label.Confidence))}%` }} />
                  </span>
                  <span className="found-label__value tabular">{formatConfidence(label.Confidence, language)}</span>
                </li>
              ))}
            </ul>
          )
        ) : null}
        {item.prepared?.reencoded ? <p className="analysis-card__note muted">{t('analyze.reencoded')}</p> : null}
        <div className="analysis-card__actions">
          {item.added ? (
            <StatusBadge tone="success">{t('analyze.added')}</StatusBadge>
          ) : canAdd && item.status === 'done' ? (
            <Button size="sm" icon="plus" onClick={onAdd}>
              {t('analyze.addToDataset')}
            </Button>
          ) : null}
        </div>
      </div>
    </li>
  );
}
