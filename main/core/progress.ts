/**
 * The progress/cancel handle long work is given: the jobs domain makes one per persisted job, the
 * training process one per run; the engine and the importers only report through it.
 */

/** What a job says of how far it got; each field left out keeps its last value. */
export interface ProgressUpdate {
  phase?: string;
  done?: number;
  total?: number;
  message?: string;
}

export interface JobHandle {
  id: number;
  signal: AbortSignal;
  /** Report progress; cheap to call per item (throttled). */
  progress(update: ProgressUpdate): void;
  /** Throw a CancelledException if the user cancelled. */
  throwIfCancelled(): void;
}
