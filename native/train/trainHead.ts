/** Trains one classification head with given settings. */
import type { Provider } from '../ort';
import { fitHead, HeadSessions } from './fitHead';
import { HeadModel } from './headModel';
import { prepareData, type HeadData } from './prepare';

/** Settings used where a caller gives none (and by autoTrainHead when there is too little data to search). */
export const DEFAULT_HEAD_SETTINGS = {
  hidden: 0,
  learningRate: 1e-3,
  weightDecay: 1e-2,
  epochs: 40,
  batchSize: 64,
  seed: 0,
} as const;

export interface TrainHeadOptions extends HeadData {
  /** Hidden-layer width; 0 (default) = a linear head. */
  hidden?: number;
  learningRate?: number;
  /** L2 weight decay λ on the weight matrices (the objective gains λ/2 · Σ‖W‖²). */
  weightDecay?: number;
  epochs?: number;
  batchSize?: number;
  /** Seeds the initial weights and the shuffling: the same seed and data give the same head. */
  seed?: number;
  /** Checked between steps; an aborted signal rejects with its reason (an AbortError by default). */
  signal?: AbortSignal;
  /** After each epoch: its number (from 1) and mean training loss (class-weighted, without weight decay). */
  onEpoch?: (epoch: number, loss: number) => void;
  /** Execution providers to try in order (default ['cpu']). */
  providers?: readonly Provider[];
  threads?: number;
}

function positiveInteger(name: string, value: number, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) throw new RangeError(`${name} must be an integer ≥ ${allowZero ? 0 : 1}, not ${value}`);
  return value;
}

function nonNegative(name: string, value: number, positive = false): number {
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) throw new RangeError(`${name} must be a ${positive ? 'positive' : 'non-negative'} number, not ${value}`);
  return value;
}

/** Trains a head on all the given samples for a fixed number of epochs; features are standardised over them. */
export async function trainHead(options: TrainHeadOptions): Promise<HeadModel> {
  options.signal?.throwIfAborted();
  const settings = {
    hidden: positiveInteger('hidden', options.hidden ?? DEFAULT_HEAD_SETTINGS.hidden, true),
    learningRate: nonNegative('learningRate', options.learningRate ?? DEFAULT_HEAD_SETTINGS.learningRate, true),
    weightDecay: nonNegative('weightDecay', options.weightDecay ?? DEFAULT_HEAD_SETTINGS.weightDecay),
    epochs: positiveInteger('epochs', options.epochs ?? DEFAULT_HEAD_SETTINGS.epochs),
    batchSize: positiveInteger('batchSize', options.batchSize ?? DEFAULT_HEAD_SETTINGS.batchSize),
    seed: options.seed ?? DEFAULT_HEAD_SETTINGS.seed,
  };
  const data = prepareData(options);
  const sessions = new HeadSessions(data.kind, { ...(options.providers ? { providers: options.providers } : {}), ...(options.threads === undefined ? {} : { threads: options.threads }) });
  try {
    const fitted = await fitHead(sessions, data, settings, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEpoch ? { onEpoch: (_head: number, epoch: number, loss: number) => options.onEpoch?.(epoch, loss) } : {}),
    });
    return new HeadModel({
      spec: { kind: data.kind, hidden: settings.hidden, classes: data.classes, features: data.dims },
      parameters: fitted.parameters,
      standardisation: data.standardisation,
    });
  } finally {
    await sessions.release();
  }
}
