import { useMemo, useState } from 'react';
import { call, type TestImageResult } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { formatScore } from '../../../lib/format';
import { Alert, Button, Panel, SelectField, TextField, useToast } from '../../../ui';
import { useModelsT } from '../i18n';
import type { SummaryView } from './summary';
import { ThresholdChart, type CurvePoint } from './ThresholdChart';
import { bestF1Threshold, changedBetween, labelScores, maxFalsePositiveThreshold, metricsAt, minRecallThreshold } from './thresholds';

/** How many changed images are named under the slider. */
const CHANGED_SHOWN = 8;

export interface ThresholdStudioProps {
  versionArn: string;
  curves: Record<string, CurvePoint[]>;
  summary: SummaryView;
  results: readonly TestImageResult[];
  /** Thresholds saved on the version (DescribeEvaluation's ChosenThresholds). */
  saved: Record<string, number>;
  onSaved: () => void;
}

/**
 * Per label: a slider that moves the threshold with precision, recall, F1 and false alarms live,
 * the test images whose verdict changes against the assumed threshold, presets, and saving the
 * chosen thresholds on the version (PutProjectVersionThresholds), which DetectCustomLabels without
 * MinConfidence then uses: the Analyze panel, batch analysis and the kiosk with it (issue 15).
 */
export function ThresholdStudio({ versionArn, curves, summary, results, saved, onSaved }: ThresholdStudioProps) {
  const { t, language } = useModelsT();
  const toast = useToast();
  const describeError = useDescribeError();
  const labels = useMemo(
    () => [...new Set([...summary.perLabel.map((row) => row.label), ...Object.keys(curves)])].sort((a, b) => a.localeCompare(b)),
    [summary, curves],
  );
  const [chosenLabel, setChosenLabel] = useState(labels[0] ?? '');
  const label = labels.includes(chosenLabel) ? chosenLabel : (labels[0] ?? '');
  const scores = useMemo(() => labelScores(results, label), [results, label]);
  const assumedOf = (name: string) => summary.perLabel.find((row) => row.label === name)?.threshold ?? bestF1Threshold(labelScores(results, name));
  const [drafts, setDrafts] = useState<Record<string, number>>(() => ({ ...saved }));
  const [falseAlarms, setFalseAlarms] = useState('1');
  const [recallTarget, setRecallTarget] = useState('0.95');
  const [notice, setNotice] = useState<string>();
  const [isSaving, setSaving] = useState(false);
  if (labels.length === 0) return null;

  const assumed = assumedOf(label);
  const threshold = drafts[label] ?? assumed;
  const metrics = metricsAt(scores, threshold);
  const changed = changedBetween(scores, assumed, threshold);
  const score = (value: number) => formatScore(value, language);
  const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
  const setThreshold = (value: number) => {
    setNotice(undefined);
    setDrafts((previous) => ({ ...previous, [label]: Math.min(1, Math.max(0, value)) }));
  };
  const applyPreset = (value: number | undefined) => (value === undefined ? setNotice(t('studio.unreachable')) : setThreshold(value));
  const isDirty = labels.some((name) => (drafts[name] ?? assumedOf(name)) !== (saved[name] ?? assumedOf(name)));

  const save = async (thresholds: Record<string, number>) => {
    setSaving(true);
    try {
      await call('PutProjectVersionThresholds', { ProjectVersionArn: versionArn, Thresholds: thresholds });
      toast.show(Object.keys(thresholds).length > 0 ? t('studio.saved') : t('studio.reset'));
      onSaved();
    } catch (error) {
      toast.show(describeError(error).title, 'danger');
    } finally {
      setSaving(false);
    }
  };

  return (
    <Panel
      icon="chart"
      title={t('studio.title')}
      description={t('studio.description')}
      actions={
        <div className="eval-select">
          <SelectField label={t('chart.labelPicker')} value={label} onChange={(event) => setChosenLabel(event.target.value)}>
            {labels.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </SelectField>
        </div>
      }
    >
      <div className="studio">
        <div className="studio__controls">
          <label className="studio__slider">
            <span className="studio__slider-label">{t('studio.slider', { label })}</span>
            <input
              type="range"
              min={0}
              max={1}
              step={0.001}
              value={threshold}
              aria-label={t('studio.slider', { label })}
              onChange={(event) => setThreshold(Number(event.target.value))}
            />
            <output className="studio__value tabular">{score(threshold)}</output>
          </label>
          <dl className="studio__metrics" aria-live="polite">
            <div data-metric="precision">
              <dt>{t('chart.precision')}</dt>
              <dd className="tabular">{score(metrics.precision)}</dd>
            </div>
            <div data-metric="recall">
              <dt>{t('chart.recall')}</dt>
              <dd className="tabular">{score(metrics.recall)}</dd>
            </div>
            <div data-metric="f1">
              <dt>{t('chart.f1')}</dt>
              <dd className="tabular">{score(metrics.f1)}</dd>
            </div>
            <div data-metric="falseAlarms">
              <dt>{t('studio.falseAlarms', { label })}</dt>
              <dd className="tabular">{percent(metrics.falsePositiveRate)}</dd>
            </div>
          </dl>
          <p className="studio__both tabular">
            {t('studio.both', { assumed: score(assumed), saved: saved[label] === undefined ? t('studio.none') : score(saved[label]) })}
          </p>
          <div className="studio__presets" role="group" aria-label={t('studio.presets')}>
            <Button size="sm" onClick={() => setThreshold(assumed)}>
              {t('studio.bestF1')}
            </Button>
            <span className="studio__preset">
              <TextField label={t('studio.falseAlarmsAtMost')} type="number" min={0} max={100} step={0.5} value={falseAlarms} onChange={(event) => setFalseAlarms(event.target.value)} />
              <Button size="sm" onClick={() => applyPreset(maxFalsePositiveThreshold(scores, Number(falseAlarms) / 100))}>
                {t('studio.apply')}
              </Button>
            </span>
            <span className="studio__preset">
              <TextField label={t('studio.recallAtLeast')} type="number" min={0} max={1} step={0.01} value={recallTarget} onChange={(event) => setRecallTarget(event.target.value)} />
              <Button size="sm" onClick={() => applyPreset(minRecallThreshold(scores, Number(recallTarget)))}>
                {t('studio.apply')}
              </Button>
            </span>
          </div>
          {notice ? <Alert tone="warning" title={notice} /> : null}
          <div className="studio__changed" aria-label={t('studio.changedTitle')} role="region">
            <p className="studio__changed-title">
              {changed.length === 0 ? t('studio.unchanged') : t('studio.changed', { count: changed.length })}
            </p>
            {changed.length > 0 ? (
              <ul className="studio__changed-list">
                {changed.slice(0, CHANGED_SHOWN).map((item, index) => (
                  <li key={`${item.image}-${index}`} className={item.nowAccepted === item.isPositive ? 'is-better' : 'is-worse'}>
                    <span className="studio__changed-name">{item.image}</span>
                    <span className="studio__changed-what">
                      {t(item.nowAccepted ? (item.isPositive ? 'studio.nowFound' : 'studio.nowFalseAlarm') : item.isPositive ? 'studio.nowMissed' : 'studio.nowCleared', { label })}
                    </span>
                    <span className="tabular">{score(item.score)}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
          <div className="studio__actions">
            <Button variant="primary" icon="check" onClick={() => void save(Object.fromEntries(labels.map((name) => [name, drafts[name] ?? assumedOf(name)])))} isBusy={isSaving} disabled={!isDirty}>
              {t('studio.save')}
            </Button>
            <Button
              onClick={() => {
                setDrafts({});
                void save({});
              }}
              disabled={isSaving || Object.keys(saved).length === 0}
            >
              {t('studio.useAssumed')}
            </Button>
          </div>
        </div>
        <ThresholdChart points={curves[label] ?? []} threshold={threshold} label={label} isChosen />
      </div>
    </Panel>
  );
}
