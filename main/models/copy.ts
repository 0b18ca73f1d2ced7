/**
 * CopyProjectVersion: the same model file and evaluation, no datasets and no retraining, into
 * another project (COPYING_IN_PROGRESS → COPYING_COMPLETED | COPYING_FAILED). Project policies on
 * the source project decide whether the copy is allowed.
 */
import { readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import type { OutputOf } from '../../preload/contract';
import type { CopyProjectVersionInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { apiError, codedError } from '../errors';
import { startJob } from '../jobs';
import { requireProject } from '../projects';
import { copyAllowed } from '../projects/policies';
import { completeCopy, copyPlanned, planCopy } from './copyPlan';
import { outputLocation } from './output';
import { requireVersion } from './index';
import { insertNewVersion } from './newVersion';
import { removeVersionFiles } from './recovery';

const COPYABLE = new Set(['TRAINING_COMPLETED', 'STOPPED', 'RUNNING', 'STARTING', 'STOPPING', 'FAILED', 'COPYING_COMPLETED']);

export async function copyProjectVersion(ctx: Context, input: CopyProjectVersionInput): Promise<OutputOf<'CopyProjectVersion'>> {
  const source = requireVersion(ctx, input.SourceProjectVersionArn);
  const sourceProject = requireProject(ctx, input.SourceProjectArn);
  if (source.projectId !== sourceProject.id) {
    throw apiError('InvalidParameterException', `SourceProjectVersionArn ${source.arn} is not a version of SourceProjectArn ${sourceProject.arn}.`);
  }
  if (!COPYABLE.has(source.status) || !source.modelPath) {
    throw codedError('InvalidParameterException', 'ModelNotCopyable', { status: source.status });
  }
  if (!copyAllowed(ctx, sourceProject, source.arn)) {
    throw codedError('AccessDeniedException', 'CopyDenied', { project: sourceProject.name, model: source.arn });
  }
  if (q.countCopiesInto(ctx.db, input.DestinationProjectArn) >= 5) throw apiError('LimitExceededException', `At most 5 copies may run into one project at a time; ${input.DestinationProjectArn} has 5 in progress. Wait for one to finish.`);

  // The plan is measured before the version exists: its row and its job (holding the plan) are
  // written together, so a crash at any point leaves a version that start-up can finish or fail.
  const from = outputLocation(ctx, source, sourceProject.name).folder;
  const names = (await readdir(from, { withFileTypes: true }))
    // The version's files only: a key prefix the user chose may hold other folders too.
    .filter((file) => file.isFile() && !file.name.includes('.tmp-'))
    .map((file) => file.name);
  const evaluation = q.findEvaluation(ctx.db, source.id);
  const fileOf = (path: string | null) => (path ? basename(path) : null);
  const plan = await planCopy(from, names, {
    statusMessage: 'The model was copied.',
    model: basename(source.modelPath),
    executionProvider: source.executionProvider,
    manifestSummaryJson: source.manifestSummaryJson,
    snapshotJson: source.snapshotJson,
    billableTrainingMs: source.billableTrainingMs,
    trainingEndMs: source.trainingEndMs,
    evaluation: evaluation
      ? { f1Score: evaluation.f1Score, summaryFile: fileOf(evaluation.summaryPath), manifestFile: fileOf(evaluation.manifestPath), summaryJson: evaluation.summaryJson }
      : null,
  });

  const createdMs = ctx.now();
  const { destination, version } = transaction(ctx.db, () => {
    const destination = requireProject(ctx, input.DestinationProjectArn);
    const version = insertNewVersion(ctx, {
      project: destination,
      name: input.VersionName,
      createdMs,
      status: 'COPYING_IN_PROGRESS',
      statusMessage: 'The model is being copied.',
      outputConfig: input.OutputConfig,
      kmsKeyId: input.KmsKeyId,
      sourceVersionArn: source.arn,
      tags: input.Tags,
    });
    return { destination, version };
  });
  const changed = () => ctx.events.resourcesChanged(version.arn, destination.arn);
  changed();
  startJob(
    ctx,
    {
      kind: 'CopyProjectVersion',
      resourceArn: version.arn,
      input: plan,
      onFailure: (error) => {
        // What was copied so far is of no use: a failed copy leaves no files behind.
        removeVersionFiles(ctx, version);
        q.updateVersion(ctx.db, version.id, {
          status: 'COPYING_FAILED',
          statusMessage: error instanceof Error ? error.message : String(error),
        });
        changed();
      },
    },
    async (job) => {
      const to = outputLocation(ctx, version, destination.name).folder;
      await copyPlanned(plan, from, to, job);
      completeCopy(ctx, version, to, plan.completion);
      changed();
    },
  );
  return { ProjectVersionArn: version.arn };
}
