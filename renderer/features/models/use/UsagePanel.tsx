import { useQuery } from '../../../api';
import { formatCount, formatDateTime } from '../../../lib/format';
import { useDescribeError } from '../../../lib/errors';
import { ErrorAlert, Panel, Spinner } from '../../../ui';
import { useModelsT } from '../i18n';
import type { ModelContext } from '../model/modelContext';

const WIDTH = 560;
const HEIGHT = 180;
const LEFT = 36;
const RIGHT = 16;
const TOP = 12;
const BOTTOM = 30;

interface Step {
  start: number;
  end: number;
  units: number;
}

/** Units in service over time (the service's InServiceInferenceUnits), and use per day. */
export function UsagePanel({ model }: { model: ModelContext }) {
  const { t, language } = useModelsT();
  const describeError = useDescribeError();
  const usage = useQuery('DescribeUsage', { ProjectVersionArn: model.version.ProjectVersionArn });
  const nowSeconds = Date.now() / 1000;
  const steps: Step[] = (usage.data?.Intervals ?? []).map((interval) => ({
    start: interval.StartTimestamp,
    end: interval.EndTimestamp ?? nowSeconds,
    units: interval.InferenceUnits,
  }));
  const hours = (value: number) => new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(value);
  return (
    <Panel icon="chart" title={t('usage.title')} description={t('usage.description')}>
      {usage.isLoading ? <Spinner size={16} /> : null}
      {usage.error ? <ErrorAlert {...describeError(usage.error)} /> : null}
      {usage.data && steps.length === 0 ? <p className="muted">{t('usage.none')}</p> : null}
      {steps.length > 0 ? <UnitsChart steps={steps} /> : null}
      {usage.data && usage.data.Days.length > 0 ? (
        <table className="usage-table">
          <thead>
            <tr>
              <th scope="col">{t('usage.day')}</th>
              <th scope="col">{t('usage.runningHours')}</th>
              <th scope="col">{t('usage.unitHours')}</th>
              <th scope="col">{t('usage.images')}</th>
              <th scope="col">{t('usage.errors')}</th>
            </tr>
          </thead>
          <tbody>
            {usage.data.Days.map((day) => (
              <tr key={day.Day}>
                <td className="tabular">{day.Day}</td>
                <td className="tabular">{hours(day.RunningHours)}</td>
                <td className="tabular">{hours(day.InferenceUnitHours)}</td>
                <td className="tabular">{formatCount(day.ImagesAnalysed, language)}</td>
                <td className="tabular">{formatCount(day.Errors, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Panel>
  );
}

/** A step line of inference units in service, from the first start to now (or the last stop). */
function UnitsChart({ steps }: { steps: readonly Step[] }) {
  const { t, language } = useModelsT();
  const from = steps[0]!.start;
  const to = Math.max(from + 1, ...steps.map((step) => step.end));
  const most = Math.max(1, ...steps.map((step) => step.units));
  const x = (seconds: number) => LEFT + ((seconds - from) / (to - from)) * (WIDTH - LEFT - RIGHT);
  const y = (units: number) => TOP + (1 - units / most) * (HEIGHT - TOP - BOTTOM);
  const points: string[] = [];
  let previousEnd: number | undefined;
  for (const step of steps) {
    if (previousEnd !== undefined && step.start > previousEnd) points.push(`${x(previousEnd)},${y(0)}`, `${x(step.start)},${y(0)}`);
    points.push(`${x(step.start)},${y(previousEnd === step.start ? step.units : 0)}`, `${x(step.start)},${y(step.units)}`, `${x(step.end)},${y(step.units)}`);
    previousEnd = step.end;
  }
  points.push(`${x(previousEnd!)},${y(0)}`);
  const ticks = [...new Set([0, Math.ceil(most / 2), most])];
  const last = steps.at(-1)!;
  return (
    <figure className="usage-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t('usage.chartLabel', { most, last: last.units })}>
        {ticks.map((tick) => (
          <g key={tick}>
            <line className="usage-chart__grid" x1={LEFT} x2={WIDTH - RIGHT} y1={y(tick)} y2={y(tick)} />
            <text className="usage-chart__tick" x={LEFT - 6} y={y(tick) + 4} textAnchor="end">
              {tick}
            </text>
          </g>
        ))}
        <polyline className="usage-chart__line" points={points.join(' ')} />
        <text className="usage-chart__tick" x={LEFT} y={HEIGHT - 8} textAnchor="start">
          {formatDateTime(from, language)}
        </text>
        <text className="usage-chart__tick" x={WIDTH - RIGHT} y={HEIGHT - 8} textAnchor="end">
          {formatDateTime(to, language)}
        </text>
      </svg>
      <figcaption className="muted">{t('usage.chartCaption')}</figcaption>
    </figure>
  );
}
