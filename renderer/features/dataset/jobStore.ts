/**
 * What is being done to datasets right now, for the job panels: the backend's jobs (imports,
 * copies, exports) as `JobProgressed` reports them, and this window's own work that comes before
 * a job exists (uploading dropped files, waiting to split). One store for the whole window, so
 * progress survives moving between pages.
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { call, subscribe, toApiError, type ApiError, type Job, type JobStatus } from '../../api';
import { isJobActive } from '../../lib/status';

export type TaskKind = 'upload' | 'import' | 'split';

/** Work this window does itself; shaped like a job so one panel shows both. */
export interface ClientTask {
  id: string;
  kind: TaskKind;
  datasetArn: string;
  status: JobStatus;
  done?: number;
  total?: number;
  /** Files that could not be uploaded. */
  failed?: number;
  error?: ApiError;
  cancel?: () => void;
  startedMs: number;
}

export type Activity = { type: 'job'; key: string; job: Job } | { type: 'task'; key: string; task: ClientTask };

interface Snapshot {
  jobs: ReadonlyMap<number, Job>;
  tasks: ReadonlyMap<string, ClientTask>;
  /** Jobs this window saw running or started itself: their outcome is worth showing. */
  followed: ReadonlySet<number>;
  dismissed: ReadonlySet<string>;
}

let snapshot: Snapshot = { jobs: new Map(), tasks: new Map(), followed: new Set(), dismissed: new Set() };
const listeners = new Set<() => void>();
let feedStarted = false;
let nextTaskId = 1;

function update(change: (draft: { jobs: Map<number, Job>; tasks: Map<string, ClientTask>; followed: Set<number>; dismissed: Set<string> }) => void): void {
  const draft = {
    jobs: new Map(snapshot.jobs),
    tasks: new Map(snapshot.tasks),
    followed: new Set(snapshot.followed),
    dismissed: new Set(snapshot.dismissed),
  };
  change(draft);
  snapshot = draft;
  for (const listener of listeners) listener();
}

function subscribeStore(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A report never takes a finished job back to running (a late answer to a poll can be older). */
function putJob(job: Job): void {
  const known = snapshot.jobs.get(job.JobId);
  if (known && !isJobActive(known.Status) && isJobActive(job.Status)) return;
  update((draft) => {
    draft.jobs.set(job.JobId, job);
    if (isJobActive(job.Status)) draft.followed.add(job.JobId);
  });
}

/** Starts listening for job reports (once per window) and picks up jobs already running. */
export function startJobFeed(): void {
  if (feedStarted) return;
  feedStarted = true;
  subscribe('JobProgressed', putJob);
  call('ListJobs', { Active: true }).then(
    ({ Jobs }) => Jobs.forEach(putJob),
    () => undefined,
  );
}

/** Shows a job's outcome even when it ended before its first report arrived. */
export function followJob(jobId: number): void {
  update((draft) => {
    draft.followed.add(jobId);
  });
}

export function dismissActivity(key: string): void {
  update((draft) => {
    draft.dismissed.add(key);
    if (key.startsWith('task:')) draft.tasks.delete(key.slice('task:'.length));
  });
}

export interface TaskHandle {
  id: string;
  progress: (done: number, total: number) => void;
  finish: (status: Exclude<JobStatus, 'queued' | 'running'>, details?: { error?: unknown; failed?: number }) => void;
  /** Takes the task off the panels (its job carries on from here). */
  remove: () => void;
}

export function startTask(kind: TaskKind, datasetArn: string, options: { cancel?: () => void; total?: number } = {}): TaskHandle {
  const id = String(nextTaskId++);
  const patch = (change: Partial<ClientTask>) =>
    update((draft) => {
      const task = draft.tasks.get(id);
      if (task) draft.tasks.set(id, { ...task, ...change });
    });
  update((draft) => {
    draft.tasks.set(id, {
      id,
      kind,
      datasetArn,
      status: 'running',
      startedMs: Date.now(),
      ...(options.total === undefined ? {} : { total: options.total, done: 0 }),
      ...(options.cancel ? { cancel: options.cancel } : {}),
    });
  });
  return {
    id,
    progress: (done, total) => patch({ done, total }),
    finish: (status, details = {}) =>
      patch({
        status,
        cancel: undefined,
        ...(details.error === undefined ? {} : { error: toApiError(details.error) }),
        ...(details.failed === undefined ? {} : { failed: details.failed }),
      }),
    remove: () =>
      update((draft) => {
        draft.tasks.delete(id);
      }),
  };
}

/** Resolves with the job once it has ended, from its reports or, failing those, from ListJobs. */
export function waitForJob(jobId: number, resourceArn: string): Promise<Job> {
  startJobFeed();
  return new Promise((resolve) => {
    const check = () => {
      const job = snapshot.jobs.get(jobId);
      if (!job || isJobActive(job.Status)) return;
      off();
      window.clearInterval(timer);
      resolve(job);
    };
    const off = subscribeStore(check);
    const timer = window.setInterval(() => {
      call('ListJobs', { ResourceArn: resourceArn, MaxResults: 20 }).then(
        ({ Jobs }) => Jobs.filter((job) => job.JobId === jobId).forEach(putJob),
        () => undefined,
      );
    }, 2000);
    check();
  });
}

/** Waits until no job is writing to the dataset, so the next import is not refused. */
export async function waitForIdle(datasetArn: string): Promise<void> {
  for (;;) {
    const { Jobs } = await call('ListJobs', { ResourceArn: datasetArn, Active: true });
    Jobs.forEach(putJob);
    const running = Jobs[0];
    if (!running) return;
    await waitForJob(running.JobId, datasetArn);
  }
}

/** Finished work stays listed (until dismissed) only this many per panel. */
const FINISHED_SHOWN = 3;

/** What the panels show for these datasets: running work first, then the latest outcomes. */
export function useActivities(datasetArns: readonly string[]): Activity[] {
  useEffect(startJobFeed, []);
  const state = useSyncExternalStore(subscribeStore, () => snapshot);
  const key = datasetArns.join('|');
  return useMemo(() => {
    const arns = new Set(key.split('|'));
    const active: Activity[] = [];
    const finished: Activity[] = [];
    for (const job of state.jobs.values()) {
      if (!job.ResourceArn || !arns.has(job.ResourceArn)) continue;
      const activity: Activity = { type: 'job', key: `job:${job.JobId}`, job };
      if (isJobActive(job.Status)) active.push(activity);
      else if (state.followed.has(job.JobId) && !state.dismissed.has(activity.key)) finished.push(activity);
    }
    for (const task of state.tasks.values()) {
      if (!arns.has(task.datasetArn)) continue;
      const activity: Activity = { type: 'task', key: `task:${task.id}`, task };
      if (isJobActive(task.status)) active.push(activity);
      else finished.push(activity);
    }
    const started = (activity: Activity) => (activity.type === 'job' ? activity.job.CreationTimestamp * 1000 : activity.task.startedMs);
    active.sort((a, b) => started(a) - started(b));
    finished.sort((a, b) => started(b) - started(a));
    return [...active, ...finished.slice(0, FINISHED_SHOWN)];
  }, [state, key]);
}

/** True while a job or a task of this window is working on the dataset. */
export function useIsDatasetBusy(datasetArn: string | undefined): boolean {
  const activities = useActivities(datasetArn ? [datasetArn] : []);
  return activities.some((activity) => isJobActive(activity.type === 'job' ? activity.job.Status : activity.task.status));
}
