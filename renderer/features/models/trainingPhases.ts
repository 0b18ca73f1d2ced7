/** The training job's phases and its progress messages, read without React or the API. */
import type { Job } from '../../api';

export const TRAINING_JOB_KIND = 'CreateProjectVersion';

/** The training phases in the order they happen (a detector has no view search: it passes it by). */
export const TRAINING_PHASES = ['validating', 'choosing the view', 'embedding images', 'training', 'testing', 'evaluating'] as const;
export type TrainingPhase = (typeof TRAINING_PHASES)[number];

/**
 * Each phase's share of a whole training, for the one overall bar: rough shares of the wall time
 * of trainings on the bench's datasets (reading images and fitting dominate; checks are short).
 * They only place the bar; the time left comes from the pace so far.
 */
const PHASE_SHARES: Record<TrainingPhase, number> = {
  validating: 0.02,
  'choosing the view': 0.15,
  'embedding images': 0.3,
  training: 0.38,
  testing: 0.1,
  evaluating: 0.05,
};

/**
 * How far the whole training is, 0–1: the shares of the phases done, plus the current phase's
 * share times its own progress (Done/Total) when it reports one. Undefined before any phase.
 */
export function overallProgress(job: Pick<Job, 'Phase' | 'Done' | 'Total' | 'Status'>): number | undefined {
  if (job.Status === 'succeeded') return 1;
  const phase = phaseOf(job);
  if (!phase) return undefined;
  const index = TRAINING_PHASES.indexOf(phase);
  const before = TRAINING_PHASES.slice(0, index).reduce((sum, step) => sum + PHASE_SHARES[step], 0);
  const inside = job.Total && job.Total > 0 ? Math.min(1, Math.max(0, (job.Done ?? 0) / job.Total)) : 0;
  return Math.min(1, before + PHASE_SHARES[phase] * inside);
}

/**
 * Seconds left for the whole training at the pace so far, or undefined while too little is done
 * to tell (under 5 %, or less than 10 s in).
 */
export function overallSecondsLeft(fraction: number | undefined, elapsedSeconds: number): number | undefined {
  if (fraction === undefined || fraction < 0.05 || fraction >= 1 || elapsedSeconds < 10) return undefined;
  return (elapsedSeconds * (1 - fraction)) / fraction;
}

export interface LossPoint {
  /** What the trainer was doing: `search` (trying settings) or `final` (the model kept). */
  stage: string;
  epoch: number;
  loss: number;
}

export interface TrainingRun {
  job: Job;
  losses: readonly LossPoint[];
}

/**
 * `search, epoch 12, loss 0.1234` → its parts; `epoch 3, loss 0.5` (the detector's, one run) is the
 * final model's; anything else → undefined.
 */
export function parseLossMessage(message: string | undefined): LossPoint | undefined {
  if (!message) return undefined;
  const match = /^\s*(?:([\p{L}\p{N} _-]+?),\s*)?epoch\s+(\d+),\s*loss\s+([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/u.exec(message);
  if (!match) return undefined;
  const loss = Number(match[3]);
  if (!Number.isFinite(loss)) return undefined;
  return { stage: match[1]?.trim() ?? 'final', epoch: Number(match[2]), loss };
}

/** The known phase a job is in, or undefined for one this screen has no words for. */
export function phaseOf(job: Pick<Job, 'Phase'>): TrainingPhase | undefined {
  return (TRAINING_PHASES as readonly string[]).includes(job.Phase ?? '') ? (job.Phase as TrainingPhase) : undefined;
}
