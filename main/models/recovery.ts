/**
 * At start-up, a version status that says work is under way was left by a run that stopped (a
 * crash, a kill). Each gets an end, so no version stays undeletable:
 *
 * - COPYING_IN_PROGRESS (CopyProjectVersion, ImportModelPackage): COPYING_FAILED with a message,
 *   and the half-copied files are removed. The copy is not finished here: the source it read from
 *   (a package folder) may have changed since, and a copy is cheap to ask for again.
 * - DELETING: the deletion is finished.
 * - TRAINING_IN_PROGRESS, STARTING, RUNNING, STOPPING: the training domain's recovery
 *   (recoverInterruptedTraining) ends them.
 */
import { rmSync } from 'node:fs';
import type { Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { createLogger } from '../log';
import { DEFAULT_OUTPUT_BUCKET, outputLocation } from './output';

const log = createLogger('models');

export const RECOVERY_MESSAGES = {
  copyInterrupted: 'Loupe stopped while this model was being copied. Its partial files were removed; copy or import it again.',
} as const;

export function recoverInterruptedVersions(ctx: Context): void {
  for (const version of q.listVersionsWithStatus(ctx.db, ['COPYING_IN_PROGRESS'])) {
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
