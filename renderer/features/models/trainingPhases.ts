/** The training job's phases and its progress messages, read without React or the API. */
import type { Job } from '../../api';

export const TRAINING_JOB_KIND = 'CreateProjectVersion';

/** The training phases in the order they happen. */
export const TRAINING_PHASES = ['validating', 'embedding images', 'training', 'testing', 'evaluating'] as const;
export type TrainingPhase = (typeof TRAINING_PHASES)[number];

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

/** `search, epoch 12, loss 0.1234` → its parts; anything else → undefined. */
export function parseLossMessage(message: string | undefined): LossPoint | undefined {
  if (!message) return undefined;
  const match = /^\s*([\p{L}\p{N} _-]+?),\s*epoch\s+(\d+),\s*loss\s+([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/u.exec(message);
  if (!match) return undefined;
  const loss = Number(match[3]);
  if (!Number.isFinite(loss)) return undefined;
  return { stage: match[1]!.trim(), epoch: Number(match[2]), loss };
}

/** The known phase a job is in, or undefined for one this screen has no words for. */
export function phaseOf(job: Pick<Job, 'Phase'>): TrainingPhase | undefined {
  return (TRAINING_PHASES as readonly string[]).includes(job.Phase ?? '') ? (job.Phase as TrainingPhase) : undefined;
}
