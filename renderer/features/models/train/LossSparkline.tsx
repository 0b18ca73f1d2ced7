import type { LossPoint } from '../trainingPhases';

const WIDTH = 320;
const HEIGHT = 84;
const PAD = 4;
const FLOOR = 1e-6;

/** Runs of points: a new run starts when the stage changes or the epoch count starts again. */
export function splitRuns(points: readonly LossPoint[]): { stage: string; from: number; points: LossPoint[] }[] {
  const runs: { stage: string; from: number; points: LossPoint[] }[] = [];
  points.forEach((point, index) => {
    const last = runs.at(-1);
    const previous = last?.points.at(-1);
    if (!last || !previous || last.stage !== point.stage || point.epoch <= previous.epoch) {
      runs.push({ stage: point.stage, from: index, points: [point] });
    } else {
      last.points.push(point);
    }
  });
  return runs;
}

/** The loss of every reported epoch, on a log scale; runs that try settings are drawn fainter than the final one. */
export function LossSparkline({ points, label }: { points: readonly LossPoint[]; label: string }) {
  if (points.length === 0) return null;
  const logs = points.map((point) => Math.log10(Math.max(FLOOR, point.loss)));
  const top = Math.max(...logs);
  const bottom = Math.min(...logs);
  const span = top - bottom || 1;
  const x = (index: number) => PAD + (points.length === 1 ? (WIDTH - 2 * PAD) / 2 : (index / (points.length - 1)) * (WIDTH - 2 * PAD));
  const y = (index: number) => PAD + ((top - logs[index]!) / span) * (HEIGHT - 2 * PAD);
  const runs = splitRuns(points);
  return (
    <svg className="loss-sparkline" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={label}>
      <line x1={PAD} x2={WIDTH - PAD} y1={HEIGHT - PAD} y2={HEIGHT - PAD} className="loss-sparkline__axis" />
      {runs.map((run) => {
        const coordinates = run.points.map((_, offset) => `${x(run.from + offset).toFixed(1)},${y(run.from + offset).toFixed(1)}`).join(' ');
        const className = `loss-sparkline__line ${run.stage === 'final' ? 'is-final' : ''}`;
        return run.points.length === 1 ? (
          <circle key={run.from} cx={x(run.from)} cy={y(run.from)} r={2} className={className} />
        ) : (
          <polyline key={run.from} points={coordinates} className={className} vectorEffect="non-scaling-stroke" />
        );
      })}
      <circle cx={x(points.length - 1)} cy={y(points.length - 1)} r={3} className="loss-sparkline__last" />
    </svg>
  );
}
