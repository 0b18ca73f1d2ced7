/** Model versions: names, statuses and what each status allows. */
import type { ProjectVersionStatus } from '../../api';

/** `arn:…:project/p/version/p.2024-01-01T00.00.00/1700000000000` → `p.2024-01-01T00.00.00`. */
export function versionNameOf(versionArn: string): string {
  const match = /\/version\/([^/]+)\/\d+$/.exec(versionArn);
  return match ? match[1]! : versionArn;
}

/** The name the service gives a version when none is chosen (`rooms_19.2021-07-13T10.36.30`). */
export function suggestedVersionName(projectName: string, now: Date): string {
  return `${projectName}.${now.toISOString().slice(0, 19).replace(/:/g, '.')}`;
}

export function canStart(status: ProjectVersionStatus): boolean {
  return status === 'TRAINING_COMPLETED' || status === 'STOPPED' || status === 'FAILED' || status === 'COPYING_COMPLETED';
}

export function canStop(status: ProjectVersionStatus): boolean {
  return status === 'RUNNING' || status === 'FAILED' || status === 'STARTING';
}

/** A version with evaluation results: it trained successfully. */
export function hasEvaluation(status: ProjectVersionStatus): boolean {
  return !['TRAINING_IN_PROGRESS', 'TRAINING_FAILED', 'COPYING_IN_PROGRESS', 'COPYING_FAILED', 'DELETING'].includes(status);
}

/** Statuses that change by themselves soon: the screens show a spinner. */
export function isTransient(status: ProjectVersionStatus): boolean {
  return status === 'TRAINING_IN_PROGRESS' || status === 'STARTING' || status === 'STOPPING' || status === 'DELETING' || status === 'COPYING_IN_PROGRESS';
}

export function canDelete(status: ProjectVersionStatus): boolean {
  return !['TRAINING_IN_PROGRESS', 'STARTING', 'RUNNING', 'STOPPING', 'COPYING_IN_PROGRESS', 'DELETING'].includes(status);
}
