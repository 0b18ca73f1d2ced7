import { formatScore } from '../../../lib/format';
import { useModelsT } from '../i18n';

export interface CurvePoint {
  threshold: number;
  precision: number;
  recall: number;
}

const WIDTH = 560;
const HEIGHT = 260;
const LEFT = 44;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 38;
const TICKS = [0, 0.25, 0.5, 0.75, 1];

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/**
 * Precision, recall and F1 against the confidence threshold of one label, with the assumed
 * threshold marked, or (`isChosen`) the threshold being chosen.
 */
export function ThresholdChart({ points, threshold, label, isChosen = false }: { points: readonly CurvePoint[]; threshold: number | undefined; label: string; isChosen?: boolean }) {
  const { t, language } = useModelsT();
  const sorted = [...points].filter((point) => Number.isFinite(point.threshold)).sort((a, b) => a.threshold - b.threshold);
  const x = (value: number) => LEFT + clamp(value) * (WIDTH - LEFT - RIGHT);
  const y = (value: number) => TOP + (1 - clamp(value)) * (HEIGHT - TOP - BOTTOM);
  const line = (value: (point: CurvePoint) => number) => sorted.map((point) => `${x(point.threshold).toFixed(1)},${y(value(point)).toFixed(1)}`).join(' ');
  const f1 = (point: CurvePoint) => (point.precision + point.recall > 0 ? (2 * point.precision * point.recall) / (point.precision + point.recall) : 0);
  return (
    <figure className="threshold-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t('chart.label', { label })}>
        {TICKS.map((tick) => (
          <g key={tick}>
            <line className="threshold-chart__grid" x1={LEFT} x2={WIDTH - RIGHT} y1={y(tick)} y2={y(tick)} />
            <text className="threshold-chart__tick" x={LEFT - 8} y={y(tick) + 4} textAnchor="end">
              {tick.toFixed(2)}
            </text>
            <text className="threshold-chart__tick" x={x(tick)} y={HEIGHT - BOTTOM + 16} textAnchor="middle">
              {tick.toFixed(2)}
            </text>
          </g>
        ))}
        <text className="threshold-chart__axis-title" x={(LEFT + WIDTH - RIGHT) / 2} y={HEIGHT - 4} textAnchor="middle">
          {t('chart.threshold')}
        </text>
        {sorted.length > 0 ? (
          <>
            <polyline className="threshold-chart__line threshold-chart__line--f1" points={line(f1)} />
            <polyline className="threshold-chart__line threshold-chart__line--precision" points={line((point) => point.precision)} />
            <polyline className="threshold-chart__line threshold-chart__line--recall" points={line((point) => point.recall)} />
          </>
        ) : null}
        {threshold !== undefined ? (
          <g className="threshold-chart__assumed">
            <line x1={x(threshold)} x2={x(threshold)} y1={TOP} y2={HEIGHT - BOTTOM} />
            <text x={Math.min(x(threshold) + 6, WIDTH - RIGHT - 4)} y={TOP + 12} textAnchor={x(threshold) > WIDTH - 150 ? 'end' : 'start'}>
              {t(isChosen ? 'chart.chosen' : 'chart.assumed', { value: formatScore(threshold, language) })}
            </text>
          </g>
        ) : null}
      </svg>
      <figcaption className="threshold-chart__legend">
        <span className="threshold-chart__key threshold-chart__key--precision">{t('chart.precision')}</span>
        <span className="threshold-chart__key threshold-chart__key--recall">{t('chart.recall')}</span>
        <span className="threshold-chart__key threshold-chart__key--f1">{t('chart.f1')}</span>
        <span className="threshold-chart__key threshold-chart__key--assumed">{t(isChosen ? 'chart.chosenKey' : 'chart.assumedKey')}</span>
      </figcaption>
      {sorted.length === 0 ? <p className="muted">{t('chart.empty')}</p> : null}
    </figure>
  );
}
