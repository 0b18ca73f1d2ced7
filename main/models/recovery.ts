/**
 * At start-up, a version status that says work is under way was left by a run that stopped (a
 * crash, a kill). Each gets an end, so no version stays undeletable:
 *
 * - COPYING_IN_PROGRESS (CopyProjectVersion, ImportModelPackage): COPYING_COMPLETED when every
 *   file of the copy's plan (copyPlan.ts: names, sizes and SHA-256 measured before the copy) is in
 *   the version's folder; otherwise COPYING_FAILED with a message, and the half-copied files are
 *   removed. The source is not read again: it may have changed since the copy began.
 * - DELETING: the deletion is finished.
 * - TRAINING_IN_PROGRESS, STARTING, RUNNING, STOPPING: the training domain's recovery
 *   (recoverInterruptedTraining) ends them.
 */
import { rmSync } from 'node:fs';
import type { Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { createLogger } from '../log';
import { completeCopy, CopyPlan, isCopyComplete } from './copyPlan';
import { DEFAULT_OUTPUT_BUCKET, outputLocation } from './output';

const log = createLogger('models');

export const RECOVERY_MESSAGES = {
  copyInterrupted: 'Loupe stopped while this model was being copied. Its partial files were removed; copy or import it again.',
  copyFinished: 'Loupe stopped while this model was being copied; every file had arrived intact, so the copy was completed when Loupe started again.',
} as const;

export function recoverInterruptedVersions(ctx: Context): void {
  for (const version of q.listVersionsWithStatus(ctx.db, ['COPYING_IN_PROGRESS'])) {
    if (finishCopy(ctx, version)) continue;
    removeVersionFiles(ctx, version);
    q.updateVersion(ctx.db, version.id, { status: 'COPYING_FAILED', statusMessage: RECOVERY_MESSAGES.copyInterrupted, modelPath: null });
    log.warn('interrupted copy failed', { version: version.arn });
  }
  for (const version of q.listVersionsWithStatus(ctx.db, ['DELETING'])) {
    removeVersionFiles(ctx, version);
    transaction(ctx.db, () => {
      q.deleteTags(ctx.db, version.arn);
      q.deleteVersionRow(ctx.db, version.id);
    });
    log.warn('interrupted deletion finished', { version: version.arn });
  }
}

/** Complete an interrupted copy whose planned files are all in place; false when it cannot be. */
function finishCopy(ctx: Context, version: q.VersionRow): boolean {
  const job = q.listJobs(ctx.db, { resourceArn: version.arn, limit: 1 })[0];
  const plan = job?.inputJson ? CopyPlan.safeParse(JSON.parse(job.inputJson)) : undefined;
  if (!job || !plan?.success) return false;
  const project = q.findProjectById(ctx.db, version.projectId);
  if (!project) return false;
  let folder: string;
  try {
    folder = outputLocation(ctx, version, project.name).folder;
  } catch (error) {
    log.warn('no output folder for an interrupted copy', { version: version.arn, error });
    return false;
  }
  if (!isCopyComplete(plan.data, folder)) return false;
  completeCopy(ctx, version, folder, { ...plan.data.completion, statusMessage: RECOVERY_MESSAGES.copyFinished });
  q.updateJob(ctx.db, job.id, { status: 'succeeded', message: RECOVERY_MESSAGES.copyFinished, nowMs: ctx.now(), finished: true });
  log.warn('interrupted copy completed: every file was in place', { version: version.arn });
  return true;
}

/**
 * Remove the folder a version's files were written to (its own: the prefix ends in
 * project/version). A half-made copy's folder holds only what the copy wrote; a deleted version's
 * folder is removed whole only in Loupe's own bucket: in a bucket the user mapped, the output
 * (manifests, evaluation) stays, as the service leaves a bucket's objects, and only the model goes.
 */
export function removeVersionFiles(ctx: Context, version: q.VersionRow, what: 'all' | 'model' = 'all'): void {
  if (what === 'model' && version.outputBucket !== null && version.outputBucket !== DEFAULT_OUTPUT_BUCKET) {
    if (version.modelPath) rmQuietly(version, version.modelPath);
    return;
  }
  const project = q.findProjectById(ctx.db, version.projectId);
  if (!project) return;
  let folder: string;
  try {
    folder = outputLocation(ctx, version, project.name).folder;
  } catch (error) {
    // Its bucket is no longer mapped: there is no folder of Loupe's to clean.
    log.warn('no output folder to clean', { version: version.arn, error });
    return;
  }
  rmQuietly(version, folder);
}

function rmQuietly(version: q.VersionRow, path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch (error) {
    log.warn('could not remove a version file', { version: version.arn, path, error });
  }
}
