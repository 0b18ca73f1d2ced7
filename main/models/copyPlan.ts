/**
 * A copy that can be finished after a crash. CopyProjectVersion and ImportModelPackage write down,
 * before the first byte is copied, every file the new version will hold (name, size, SHA-256 of
 * the source) and the row changes that complete it. The plan is the job's input, so it is in the
 * database before the copy starts. At start-up (recovery.ts) a version left COPYING_IN_PROGRESS is
 * completed when each planned file is there with its size and hash, and failed otherwise.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { codedError } from '../errors';
import type { JobHandle } from '../core/progress';

const PlannedFile = z.object({ name: z.string().regex(/^[^/\\]+$/), sizeBytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

/** What completes the version once its files are in place; paths are names inside its folder. */
const Completion = z.object({
  statusMessage: z.string(),
  model: z.string().regex(/^[^/\\]+$/),
  executionProvider: z.string().nullable(),
  manifestSummaryJson: z.string().nullable(),
  snapshotJson: z.string().nullable(),
  billableTrainingMs: z.number().nullable(),
  trainingEndMs: z.number().nullable(),
  evaluation: z
    .object({
      f1Score: z.number().nullable(),
      summaryFile: z.string().regex(/^[^/\\]+$/).nullable(),
      manifestFile: z.string().regex(/^[^/\\]+$/).nullable(),
      /** Null: read from the copied summary file. */
      summaryJson: z.string().nullable(),
    })
    .nullable(),
});

export const CopyPlan = z.object({ copyPlan: z.literal(1), files: z.array(PlannedFile), completion: Completion });
export type CopyPlan = z.infer<typeof CopyPlan>;
export type Completion = z.infer<typeof Completion>;

/** SHA-256 (hex) of a file, streamed: a model may be hundreds of megabytes. */
export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Measure the source files (`names` inside `from`) before anything is copied. */
export async function planCopy(from: string, names: readonly string[], completion: Completion): Promise<CopyPlan> {
  const files = [];
  for (const name of names) {
    const path = join(from, name);
    files.push({ name, sizeBytes: (await stat(path)).size, sha256: await sha256OfFile(path) });
  }
  return { copyPlan: 1, files, completion };
}

/** Copy the planned files and check each against the plan: a source that changed under the copy fails it. */
export async function copyPlanned(plan: CopyPlan, from: string, to: string, job: JobHandle): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const [i, file] of plan.files.entries()) {
    job.throwIfCancelled();
    job.progress({ phase: 'copying', done: i, total: plan.files.length, message: file.name });
    const target = join(to, file.name);
    await copyFile(join(from, file.name), target);
    if ((await stat(target)).size !== file.sizeBytes || (await sha256OfFile(target)) !== file.sha256) {
      throw codedError('InvalidParameterException', 'FileChangedWhileCopying', { file: file.name });
    }
  }
}

/** Whether every planned file is in `to` with its size and hash (read synchronously: start-up). */
export function isCopyComplete(plan: CopyPlan, to: string): boolean {
  return plan.files.every((file) => {
    const path = join(to, file.name);
    try {
      if (statSync(path).size !== file.sizeBytes) return false;
      return createHash('sha256').update(readFileSync(path)).digest('hex') === file.sha256;
    } catch {
      // Missing or unreadable: the copy did not get this far.
      return false;
    }
  });
}

/** The rows that make the version COPYING_COMPLETED, in one transaction. */
export function completeCopy(ctx: Context, version: q.VersionRow, to: string, completion: Completion): void {
  const now = ctx.now();
  const evaluation = completion.evaluation;
  const summaryPath = evaluation?.summaryFile ? join(to, evaluation.summaryFile) : null;
  const summaryJson = evaluation ? (evaluation.summaryJson ?? (summaryPath ? readSummary(summaryPath) : null)) : null;
  transaction(ctx.db, () => {
    if (evaluation && summaryJson !== null) {
      q.putEvaluation(ctx.db, {
        versionId: version.id,
        f1Score: evaluation.f1Score,
        summaryPath,
        manifestPath: evaluation.manifestFile ? join(to, evaluation.manifestFile) : null,
        summaryJson,
        createdMs: now,
      });
    }
    q.updateVersion(ctx.db, version.id, {
      status: 'COPYING_COMPLETED',
      statusMessage: completion.statusMessage,
      modelPath: join(to, completion.model),
      executionProvider: completion.executionProvider,
      manifestSummaryJson: completion.manifestSummaryJson,
      snapshotJson: completion.snapshotJson,
      billableTrainingMs: completion.billableTrainingMs,
      trainingEndMs: completion.trainingEndMs ?? now,
    });
  });
}

function readSummary(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // A package may list a summary it did not carry (older exports): the version has no evaluation.
    return null;
  }
}
