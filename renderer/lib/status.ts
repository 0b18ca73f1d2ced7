import type { DatasetStatus, JobStatus, ProjectStatus, ProjectVersionStatus } from '../api';
import type { StatusTone } from '../ui';

/** How each status reads at a glance: in progress, good, failed, or at rest. */
export function versionTone(status: ProjectVersionStatus): StatusTone {
  switch (status) {
    case 'TRAINING_IN_PROGRESS':
    case 'STARTING':
    case 'STOPPING':
    case 'DELETING':
    case 'COPYING_IN_PROGRESS':
      return 'progress';
    case 'TRAINING_COMPLETED':
    case 'COPYING_COMPLETED':
      return 'info';
    case 'RUNNING':
      return 'success';
    case 'TRAINING_FAILED':
    case 'FAILED':
    case 'COPYING_FAILED':
      return 'danger';
    case 'STOPPED':
      return 'neutral';
    default:
      return assertNever(status);
  }
}

export function datasetTone(status: DatasetStatus): StatusTone {
  switch (status) {
    case 'CREATE_IN_PROGRESS':
    case 'UPDATE_IN_PROGRESS':
    case 'DELETE_IN_PROGRESS':
      return 'progress';
    case 'CREATE_COMPLETE':
    case 'UPDATE_COMPLETE':
      return 'success';
    case 'CREATE_FAILED':
    case 'UPDATE_FAILED':
      return 'danger';
    default:
      return assertNever(status);
  }
}

export function projectTone(status: ProjectStatus): StatusTone {
  switch (status) {
    case 'CREATING':
    case 'DELETING':
      return 'progress';
    case 'CREATED':
      return 'success';
    default:
      return assertNever(status);
  }
}

export function jobTone(status: JobStatus): StatusTone {
  switch (status) {
    case 'queued':
    case 'running':
      return 'progress';
    case 'succeeded':
      return 'success';
    case 'failed':
      return 'danger';
    case 'cancelled':
      return 'neutral';
    default:
      return assertNever(status);
  }
}

/** A dataset that an import, a copy or a deletion is writing to. */
export function isDatasetBusy(status: DatasetStatus): boolean {
  return status === 'CREATE_IN_PROGRESS' || status === 'UPDATE_IN_PROGRESS' || status === 'DELETE_IN_PROGRESS';
}

export function isJobActive(status: JobStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** Statuses during which the console refuses to delete a project (guide L10131). */
export function isVersionBusy(status: ProjectVersionStatus): boolean {
  return status === 'TRAINING_IN_PROGRESS' || status === 'STARTING' || status === 'RUNNING' || status === 'STOPPING' || status === 'COPYING_IN_PROGRESS';
}

function assertNever(value: never): never {
  throw new Error(`Unexpected status ${String(value)}`);
}
