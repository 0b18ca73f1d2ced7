/**
 * Training runs as the backend reports them (`JobProgressed` of kind CreateProjectVersion), kept
 * for the whole window so a progress view opened again still has its loss curve. Every report
 * with a `Message` like "search, epoch 12, loss 0.1234" adds a point to the run's loss history.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { call, subscribe, type Job } from '../../api';
import { parseLossMessage, TRAINING_JOB_KIND, type LossPoint, type TrainingRun } from './trainingPhases';

export { parseLossMessage, phaseOf, TRAINING_PHASES, type LossPoint, type TrainingPhase, type TrainingRun } from './trainingPhases';

const MAX_POINTS = 2000;

let runs: ReadonlyMap<string, TrainingRun> = new Map();
const lastMessage = new Map<string, string>();
const listeners = new Set<() => void>();
let feedStarted = false;

function isActive(job: Job): boolean {
  return job.Status === 'queued' || job.Status === 'running';
}

function put(job: Job): void {
  if (job.Kind !== TRAINING_JOB_KIND || !job.ResourceArn) return;
  const arn = job.ResourceArn;
  const known = runs.get(arn);
  // A run's newer job replaces it; a late report of an older or finished one does not.
  if (known && known.job.JobId > job.JobId) return;
  if (known && known.job.JobId === job.JobId && !isActive(known.job) && isActive(job)) return;
  let losses: readonly LossPoint[] = known && known.job.JobId === job.JobId ? known.losses : [];
  const point = parseLossMessage(job.Message);
  if (point && job.Message !== lastMessage.get(arn)) {
    losses = [...losses, point].slice(-MAX_POINTS);
    lastMessage.set(arn, job.Message!);
  }
  const next = new Map(runs);
  next.set(arn, { job, losses });
  runs = next;
  for (const listener of listeners) listener();
}

function startFeed(): void {
  if (feedStarted) return;
  feedStarted = true;
  subscribe('JobProgressed', put);
}

function subscribeRuns(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The training job of a version: its latest report and the loss points seen in this window.
 * Asks ListJobs once on mount (the run may have started elsewhere), then follows the events,
 * and asks again every few seconds while it runs in case an event was missed.
 */
export function useTrainingRun(versionArn: string | undefined, isTraining: boolean): TrainingRun | undefined {
  useEffect(() => {
    startFeed();
    if (!versionArn) return;
    let active = true;
    const ask = () => {
      call('ListJobs', { ResourceArn: versionArn, MaxResults: 5 }).then(
        ({ Jobs }) => {
          if (!active) return;
          const newest = Jobs.filter((job) => job.Kind === TRAINING_JOB_KIND).sort((a, b) => b.JobId - a.JobId)[0];
          if (newest) put(newest);
        },
        () => undefined,
      );
    };
    ask();
    const timer = isTraining ? window.setInterval(ask, 4000) : undefined;
    return () => {
      active = false;
      window.clearInterval(timer);
    };
  }, [versionArn, isTraining]);
  const all = useSyncExternalStore(subscribeRuns, () => runs);
  return versionArn ? all.get(versionArn) : undefined;
}

/** Every training run this window knows of, by version ARN (the Models table's phase column). */
export function useTrainingRuns(): ReadonlyMap<string, TrainingRun> {
  useEffect(startFeed, []);
  return useSyncExternalStore(subscribeRuns, () => runs);
}
