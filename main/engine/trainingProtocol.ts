/**
 * The messages between Loupe and its training process. Training runs in a process of its own, so a
 * long embedding pass or a crash inside native code never stalls or takes down the process that
 * serves the UI and the API; the parent keeps the job, the database and the version's status.
 * Messages are structured clones (Node's 'advanced' IPC serialisation, or Electron's utility
 * process ports), so Maps and typed arrays travel as they are.
 */
import type { ErrorName } from '../../preload/contract/errors';
import type { MessageRef } from '../../preload/contract/messages';
import type { ProgressUpdate } from '../core/progress';
import type { Analysis, TrainOptions } from './engine';
import type { OnnxEngineOptions } from './onnxEngine';

export type TrainRequest = Omit<TrainOptions, 'job'>;

export type ToTraining =
  | { type: 'train'; engine: OnnxEngineOptions; options: TrainRequest; logFile?: string }
  | { type: 'cancel' }
  | { type: 'finalize'; thresholds: Record<string, number> };

export type FromTraining =
  | { type: 'progress'; update: ProgressUpdate }
  | { type: 'trained'; modelPath: string; provider: string; predictions: Map<number, Analysis> }
  | { type: 'finalized' }
  | { type: 'failed'; code?: ErrorName; message: string; ref?: MessageRef };

/** The parent's end of one training process. */
export interface TrainingChannel {
  send(message: ToTraining): void;
  onMessage(listener: (message: FromTraining) => void): void;
  /** Called once when the process ends, with how it ended ("exit code 1", "signal SIGKILL"). */
  onExit(listener: (how: string) => void): void;
  /** End the process (it is idle or must stop now). */
  kill(): void;
}

/** Starts one training process. Node forks a child; the Electron app starts a utility process. */
export type SpawnTraining = () => TrainingChannel;
