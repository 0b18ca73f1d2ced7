/**
 * Long-running work (imports, training, batch analysis) as persisted jobs: each reports progress
 * through `JobProgressed` events (at most a few per second), can be cancelled through its
 * AbortSignal, and always ends in a terminal state — also after a crash, when `recoverJobs`
 * fails whatever the previous run left running.
 */
import { formatMessage, type Job, type MessageRef, type OutputOf } from '../../preload/contract';
import type { CancelJobInput, ListJobsInput } from '../../preload/contract/schemas';
import { perContext, type Context } from '../core/context';
import * as q from '../db/queries';
import { cancelledError, codedError, ServiceError } from '../errors';
import { createLogger } from '../log';
import { epochSeconds } from '../paging';
import type { JobHandle, ProgressUpdate } from '../core/progress';

export type { JobHandle, ProgressUpdate } from '../core/progress';

const log = createLogger('jobs');
const PROGRESS_INTERVAL_MS = 250;

/** A running job: its cancel switch and the progress it last reported. */
interface Live extends ProgressUpdate {
  controller: AbortController;
  startedMs: number;
  lastEmitMs: number;
}

const liveJobs = perContext(() => new Map<number, Live>());

export interface JobSpec {
  kind: string;
  resourceArn?: string;
  input?: unknown;
  /** Called with the failure, before the job is marked failed (to set a resource's status). */
  onFailure?: (error: unknown, cancelled: boolean) => void;
}

/**
 * Start `run` in the background and return its job id at once. `run`'s result ends the job:
 * resolved → succeeded, CancelledException or abort → cancelled, anything else → failed. A
 * closing message given as a MessageRef is kept with its code, for the UI to word it.
 */
export function startJob(ctx: Context, spec: JobSpec, run: (job: JobHandle) => Promise<string | MessageRef | void>): number {
  const nowMs = ctx.now();
  const id = q.insertJob(ctx.db, {
    kind: spec.kind,
    resourceArn: spec.resourceArn ?? null,
    inputJson: spec.input === undefined ? null : JSON.stringify(spec.input),
    nowMs,
  });
  const state: Live = { controller: new AbortController(), startedMs: nowMs, lastEmitMs: 0 };
  liveJobs(ctx).set(id, state);
  const handle: JobHandle = {
    id,
    signal: state.controller.signal,
    progress(update) {
      Object.assign(state, update);
      const now = ctx.now();
      if (now - state.lastEmitMs < PROGRESS_INTERVAL_MS) return;
      state.lastEmitMs = now;
      if (!ctx.db.open) return;
      const fraction = state.total ? Math.min(1, (state.done ?? 0) / state.total) : 0;
      q.updateJob(ctx.db, id, { phase: state.phase ?? null, progress: fraction, message: state.message ?? null, nowMs: now });
      emit(ctx, id);
    },
    throwIfCancelled() {
      if (state.controller.signal.aborted) throw cancelledError();
    },
  };
  log.info('job started', { job: id, kind: spec.kind, resource: spec.resourceArn });
  emit(ctx, id);
  // Run on the next turn so the caller can return the job id (and its resource status) first.
  setImmediate(() => {
    void (async () => {
      try {
        const message = await run(handle);
        if (typeof message === 'object') finish(ctx, id, 'succeeded', formatMessage(message.Code, message.Params), message);
        else finish(ctx, id, 'succeeded', message ?? undefined);
      } catch (error) {
        const cancelled =
          state.controller.signal.aborted || (error instanceof ServiceError && error.code === 'CancelledException');
        if (!ctx.db.open) return;
        try {
          spec.onFailure?.(error, cancelled);
        } catch (hookError) {
          log.error('job failure hook failed', { job: id, error: hookError });
        }
        if (cancelled) finish(ctx, id, 'cancelled', formatMessage('JobCancelled'), { Code: 'JobCancelled' });
        else {
          // A refusal (the user's file, folder or input) is the user's to fix, and the log says which and why.
          if (error instanceof ServiceError) {
            log.warn('job refused', { job: id, kind: spec.kind, resource: spec.resourceArn, code: error.code, messageCode: error.ref?.Code, params: error.ref?.Params, message: error.message });
          } else log.error('job failed', { job: id, kind: spec.kind, error });
          const message = error instanceof Error ? error.message : String(error);
          // Uncoded failures keep their English as the reason; the UI says around it that the job failed.
          finish(ctx, id, 'failed', message, (error instanceof ServiceError ? error.ref : undefined) ?? { Code: 'JobFailed', Params: { reason: message } });
        }
      }
    })();
  });
  return id;
}

/** Cancel every running job (Loupe is closing). */
export function abortAllJobs(ctx: Context): void {
  for (const state of liveJobs(ctx).values()) state.controller.abort(cancelledError());
}

function finish(ctx: Context, id: number, status: 'succeeded' | 'failed' | 'cancelled', message?: string, ref?: MessageRef): void {
  const state = liveJobs(ctx).get(id);
  liveJobs(ctx).delete(id);
  // Loupe closed under a job: the next start-up's recoverJobs ends it.
  if (!ctx.db.open) return;
  q.updateJob(ctx.db, id, {
    status,
    progress: status === 'succeeded' ? 1 : undefined,
    phase: state?.phase ?? null,
    message: message ?? null,
    messageCode: ref?.Code ?? null,
    messageParamsJson: ref?.Params ? JSON.stringify(ref.Params) : null,
    nowMs: ctx.now(),
    finished: true,
  });
  log.info('job ended', { job: id, status, durationMs: state ? ctx.now() - state.startedMs : undefined });
  emit(ctx, id);
}

function emit(ctx: Context, id: number): void {
  const row = q.findJob(ctx.db, id);
  if (row) ctx.events.emit('JobProgressed', toJob(ctx, row));
}

export function toJob(ctx: Context, row: q.JobRow): Job {
  const state = liveJobs(ctx).get(row.id);
  const elapsedS = state ? (ctx.now() - state.startedMs) / 1000 : 0;
  const rate = state?.done && elapsedS > 0 ? state.done / elapsedS : undefined;
  const eta = rate && state?.total !== undefined && state.done !== undefined ? (state.total - state.done) / rate : undefined;
  return {
    JobId: row.id,
    Kind: row.kind,
    ...(row.resourceArn ? { ResourceArn: row.resourceArn } : {}),
    Status: row.status,
    ...(row.phase ? { Phase: row.phase } : {}),
    Progress: row.progress,
    ...(state?.done !== undefined ? { Done: state.done } : {}),
    ...(state?.total !== undefined ? { Total: state.total } : {}),
    ...(rate !== undefined ? { Rate: rate } : {}),
    ...(eta !== undefined ? { EtaSeconds: eta } : {}),
    ...(row.message ? { Message: row.message } : {}),
    ...(row.message && row.messageCode ? { MessageCode: row.messageCode } : {}),
    ...(row.message && row.messageParamsJson ? { MessageParams: JSON.parse(row.messageParamsJson) as Record<string, string | number> } : {}),
    CreationTimestamp: epochSeconds(row.createdMs),
    ...(row.finishedMs ? { EndTimestamp: epochSeconds(row.finishedMs) } : {}),
  };
}

export function listJobs(ctx: Context, input: ListJobsInput): OutputOf<'ListJobs'> {
  const rows = q.listJobs(ctx.db, {
    ...(input.ResourceArn ? { resourceArn: input.ResourceArn } : {}),
    ...(input.Active === undefined ? {} : { active: input.Active }),
    limit: input.MaxResults ?? 50,
  });
  return { Jobs: rows.map((row) => toJob(ctx, row)) };
}

export function cancelJob(ctx: Context, input: CancelJobInput): OutputOf<'CancelJob'> {
  const row = q.findJob(ctx.db, input.JobId);
  if (!row) throw codedError('ResourceNotFoundException', 'NoSuchJob', { id: input.JobId });
  liveJobs(ctx).get(input.JobId)?.controller.abort(cancelledError());
  return { Job: toJob(ctx, row) };
}

/** Wait until a job ends (tests and the CLI). */
export function waitForJob(ctx: Context, id: number): Promise<Job> {
  return new Promise((resolve) => {
    const check = () => {
      const row = q.findJob(ctx.db, id);
      if (row && row.status !== 'running' && row.status !== 'queued') {
        off();
        resolve(toJob(ctx, row));
      }
    };
    const off = ctx.events.on('JobProgressed', (job) => {
      if (job.JobId === id) check();
    });
    check();
  });
}

/** At start-up: whatever a previous run left running was interrupted. */
export function recoverJobs(ctx: Context, onInterrupted: (row: q.JobRow) => void): number {
  const rows = q.listUnfinishedJobs(ctx.db);
  for (const row of rows) {
    onInterrupted(row);
    q.updateJob(ctx.db, row.id, {
      status: 'failed',
      message: formatMessage('JobInterrupted'),
      messageCode: 'JobInterrupted',
      nowMs: ctx.now(),
      finished: true,
    });
  }
  if (rows.length > 0) log.warn('failed interrupted jobs', { count: rows.length });
  return rows.length;
}

/** Resolve when no job of this Loupe is running (a one-shot CLI command waits for what it started). */
export async function waitForIdle(ctx: Context, onProgress?: (job: Job) => void): Promise<void> {
  const off = onProgress ? ctx.events.on('JobProgressed', onProgress) : undefined;
  try {
    while (liveJobs(ctx).size > 0) {
      await Promise.all([...liveJobs(ctx).keys()].map((id) => waitForJob(ctx, id)));
    }
  } finally {
    off?.();
  }
}
