/**
 * CreateProjectVersion: snapshot the project's datasets, validate them as the service does
 * (manifest summary, validation manifests, terminal errors), train with the engine as a job,
 * evaluate on the test set, and leave one model file plus the guide's result files in the
 * version's output folder. The version moves TRAINING_IN_PROGRESS → TRAINING_COMPLETED |
 * TRAINING_FAILED with the guide's StatusMessage; a version that a crash left in progress is
 * failed at the next start-up.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputOf } from '../../preload/contract';
import { TRAINING_CANCELLED_MESSAGE } from '../../preload/contract/names';
import type { CreateProjectVersionInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import type { EarlierVersion } from '../engine/engine';
import { ENTRY_CODES } from '../../preload/contract/codes';
import { toJsonLine } from '../datasets/manifest/serialize';
import { transaction } from '../db';
import * as q from '../db/queries';
import { MESSAGES, type MessageRef } from '../../preload/contract/messages';
import { apiError, codedError, ServiceError } from '../errors';
import { evaluate } from '../evaluation';
import { writeAtomically } from '../files';
import { homePaths } from '../home';
import { startJob, type JobHandle } from '../jobs';
import { createLogger } from '../log';
import { requireProject } from '../projects';
import { defaultBackboneId } from './backbones';
import { insertNewVersion } from '../models/newVersion';
import { outputLocation, removeFailedModelFiles, type OutputLocation } from '../models/output';
import { ANOMALY_FEATURE, nextModelVersion, startAnomalyTraining } from './anomalyTraining';
import { contentRefusal, firstError, planTraining, type Line, type TrainingPlan } from './validation';

const log = createLogger('training');

export const STATUS_MESSAGES = {
  inProgress: MESSAGES.ModelTraining,
  completed: MESSAGES.ModelTrained,
  serviceError: MESSAGES.TrainingServiceIssue,
  interrupted: MESSAGES.TrainingInterrupted,
  cancelled: TRAINING_CANCELLED_MESSAGE,
  noEngine: MESSAGES.NoTrainingEngine,
} as const;

/** `rooms_19.2021-07-13T10.36.30`, as the console names versions (L4701, L1632). */
export function defaultVersionName(projectName: string, ms: number): string {
  return `${projectName}.${new Date(ms).toISOString().slice(0, 19).replace(/:/g, '.')}`;
}

export function createProjectVersion(ctx: Context, input: CreateProjectVersionInput): OutputOf<'CreateProjectVersion'> {
  if (input.TrainingData !== undefined || input.TestingData !== undefined) {
    throw apiError('InvalidParameterException', "External manifest files can no longer be given to train a model; train from the project's datasets.");
  }
  const createdMs = ctx.now();
  const { project, version, train, test } = transaction(ctx.db, () => {
    const project = requireProject(ctx, input.ProjectArn);
    const train = q.findDatasetOfType(ctx.db, project.id, 'TRAIN');
    if (!train) {
      throw codedError('InvalidParameterException', 'NoTrainingDataset', { project: project.name });
    }
    const test = q.findDatasetOfType(ctx.db, project.id, 'TEST');
    for (const dataset of [train, test]) {
      if (dataset && /_IN_PROGRESS$/.test(dataset.status)) {
        throw codedError('ResourceInUseException', 'DatasetBusy', { dataset: dataset.arn, status: dataset.status });
      }
    }
    const version = insertNewVersion(ctx, {
      project,
      // An anomaly project's versions are numbered, as Lookout for Vision names its models.
      name: input.VersionName ?? (project.feature === ANOMALY_FEATURE ? nextModelVersion(ctx, project) : defaultVersionName(project.name, createdMs)),
      createdMs,
      status: 'TRAINING_IN_PROGRESS',
      statusMessage: STATUS_MESSAGES.inProgress,
      outputConfig: input.OutputConfig,
      kmsKeyId: input.KmsKeyId,
      description: input.VersionDescription,
      tags: input.Tags,
    });
    return { project, version, train, test };
  });
  ctx.events.resourcesChanged(version.arn, project.arn);

  // What the version is trained and tested on is fixed now: later dataset edits do not reach it.
  const trainEntries = q.allEntries(ctx.db, train.id);
  const testEntries = test ? q.allEntries(ctx.db, test.id) : undefined;
  // An anomaly-detection project learns from its normal images alone (anomalyTraining.ts).
  if (project.feature === ANOMALY_FEATURE) {
    startAnomalyTraining(ctx, project, version, trainEntries, testEntries ?? []);
    return { ProjectVersionArn: version.arn };
  }
  startJob(
    ctx,
    {
      kind: 'CreateProjectVersion',
      resourceArn: version.arn,
      onFailure: (error, cancelled) => {
        const message = cancelled
          ? STATUS_MESSAGES.cancelled
          : error instanceof ServiceError
            ? error.message
            : STATUS_MESSAGES.serviceError;
        q.updateVersion(ctx.db, version.id, { status: 'TRAINING_FAILED', statusMessage: message, trainingEndMs: ctx.now() });
        removeFailedModelFiles(ctx, version, project.name);
        ctx.events.resourcesChanged(version.arn, project.arn);
      },
    },
    (job) => runTraining(ctx, project, version, trainEntries, testEntries, job),
  );
  return { ProjectVersionArn: version.arn };
}

async function runTraining(
  ctx: Context,
  project: q.ProjectRow,
  version: q.VersionRow,
  trainEntries: q.StoredEntry[],
  testEntries: q.StoredEntry[] | undefined,
  job: JobHandle,
): Promise<MessageRef> {
  const startedMs = ctx.now();
  job.progress({ phase: 'validating' });
  const output = outputLocation(ctx, version, project.name);
  try {
    await mkdir(output.folder, { recursive: true });
  } catch (error) {
    throw codedError('InvalidParameterException', 'OutputNotWritable', { folder: output.folder, bucket: output.bucket, prefix: output.prefix, reason: (error as Error).message });
  }
  const plan = planTraining(trainEntries, testEntries, version.arn);
  await writeValidationResults(output, plan);
  q.updateVersion(ctx.db, version.id, {
    manifestSummaryJson: JSON.stringify(plan.summary),
    snapshotJson: JSON.stringify(snapshotOf(plan)),
  });
  const problem = firstError(plan.summary);
  if (plan.failed || plan.useCase === 'NOT_DETERMINED') {
    const refusal = contentRefusal(problem);
    throw codedError('InvalidParameterException', refusal.Code, refusal.Params);
  }
  if (!ctx.engine) throw codedError('InternalServerError', 'NoTrainingEngine');

  const trained = await ctx.engine.train({
    useCase: plan.useCase,
    multiLabel: plan.multiLabel,
    labels: plan.labels,
    train: plan.train,
    test: plan.test,
    outputDir: output.folder,
    cacheDir: homePaths(ctx.home).cache,
    backboneId: defaultBackboneId(ctx),
    ...earlierVersionOf(ctx, project, version),
    job,
  });
  let evaluation;
  try {
    job.throwIfCancelled();
    job.progress({ phase: 'evaluating' });
    evaluation = evaluate({
      useCase: plan.useCase,
      labels: plan.labels,
      train: plan.train,
      test: plan.test,
      predictions: trained.predictions,
      versionArn: version.arn,
      nowMs: ctx.now(),
    });
    await trained.finalize({ thresholds: evaluation.thresholds });
  } catch (error) {
    trained.discard?.();
    throw error;
  }
  const summaryName = `EvaluationSummary-${project.name}-${version.name}.json`;
  await writeAtomically(join(output.folder, summaryName), JSON.stringify(evaluation.summary, null, 2));
  await writeAtomically(join(output.folder, 'evaluation_curves.json'), JSON.stringify(evaluation.curves));
  await writeJsonLines(join(output.folder, 'testing_manifest_snapshot.json'), evaluation.manifestLines);
  // TrainingDataResult.Output: the lines training used, where the version's output goes.
  await writeJsonLines(
    join(output.folder, 'training_manifest_snapshot.json'),
    plan.trainLines.filter((line) => line.state === 'valid').map((line) => toJsonLine(line.entry.draft, { withErrors: false })),
  );

  const endMs = ctx.now();
  transaction(ctx.db, () => {
    q.putEvaluation(ctx.db, {
      versionId: version.id,
      f1Score: evaluation.summary.AggregatedEvaluationResults.F1Score,
      summaryPath: join(output.folder, summaryName),
      manifestPath: join(output.folder, 'testing_manifest_snapshot.json'),
      summaryJson: JSON.stringify(evaluation.summary),
      createdMs: endMs,
    });
    q.updateVersion(ctx.db, version.id, {
      status: 'TRAINING_COMPLETED',
      statusMessage: STATUS_MESSAGES.completed,
      trainingEndMs: endMs,
      billableTrainingMs: endMs - startedMs,
      executionProvider: trained.provider,
      modelPath: trained.modelPath,
    });
  });
  ctx.events.resourcesChanged(version.arn, project.arn);
  log.info('trained', { version: version.arn, f1: evaluation.summary.AggregatedEvaluationResults.F1Score, durationMs: endMs - startedMs });
  return { Code: 'TrainingFinished', Params: { f1: evaluation.summary.AggregatedEvaluationResults.F1Score.toFixed(3), count: plan.test.length } };
}

/** The project's newest trained version before `version`, with what it was trained on (training may build on its choices). */
function earlierVersionOf(ctx: Context, project: q.ProjectRow, version: q.VersionRow): { earlier?: EarlierVersion } {
  const row = q.latestTrainedVersion(ctx.db, project.id, version.id);
  if (!row?.modelPath || !row.snapshotJson) return {};
  const snapshot = JSON.parse(row.snapshotJson) as ReturnType<typeof snapshotOf>;
  return { earlier: { name: row.name, modelPath: row.modelPath, train: snapshot.train.map((s) => ({ contentHash: s.hash, labels: s.labels, boxes: s.boxes })) } };
}

/** What the version was trained and tested on: image hashes and labels (explainable later). */
function snapshotOf(plan: TrainingPlan) {
  const pick = (s: TrainingPlan['train'][number]) => ({ hash: s.contentHash, sourceRef: s.sourceRef, labels: s.labels, boxes: s.boxes });
  return { useCase: plan.useCase, labels: plan.labels, autoSplit: plan.autoSplit, train: plan.train.map(pick), test: plan.test.map(pick) };
}

async function writeValidationResults(output: OutputLocation, plan: TrainingPlan): Promise<void> {
  await writeAtomically(join(output.folder, 'manifest_summary.json'), JSON.stringify(plan.summary, null, 2));
  // An image nobody labeled is ignored for training and says so (L6826), as the guide's example does.
  const unannotated = (line: Line) =>
    line.state === 'ignored' && !line.hasBoxes && !line.hasImageLabels && !line.entry.draft.errors.some((e) => e.code.startsWith('WARNING_'));
  const lines = (all: Line[]) =>
    all.map((line) =>
      toJsonLine(
        unannotated(line)
          ? { ...line.entry.draft, errors: [...line.entry.draft.errors, { level: 'image', code: 'WARNING_UNANNOTATED_RECORD', message: ENTRY_CODES.WARNING_UNANNOTATED_RECORD }] }
          : line.entry.draft,
        { withErrors: true },
      ),
    );
  await writeJsonLines(join(output.folder, 'training_manifest_with_validation.json'), lines(plan.trainLines));
  await writeJsonLines(join(output.folder, 'testing_manifest_with_validation.json'), lines(plan.testLines));
}

async function writeJsonLines(path: string, lines: object[]): Promise<void> {
  await writeAtomically(path, lines.map((line) => JSON.stringify(line)).join('\n') + (lines.length > 0 ? '\n' : ''));
}

/** At start-up: a version a previous run left training failed (the job failed with it). */
export function recoverInterruptedTraining(ctx: Context): void {
  for (const version of q.listVersionsWithStatus(ctx.db, ['TRAINING_IN_PROGRESS'])) {
    q.updateVersion(ctx.db, version.id, { status: 'TRAINING_FAILED', statusMessage: STATUS_MESSAGES.interrupted, trainingEndMs: ctx.now() });
    const project = q.findProjectById(ctx.db, version.projectId);
    if (project) removeFailedModelFiles(ctx, version, project.name);
  }
  // A model is loaded by the process that started it: after a restart, nothing is running.
  for (const version of q.listVersionsWithStatus(ctx.db, ['STARTING', 'RUNNING', 'STOPPING'])) {
    q.updateVersion(ctx.db, version.id, { status: 'STOPPED', statusMessage: 'The model has stopped running.' });
    q.closeUsageIntervals(ctx.db, version.id, ctx.now());
  }
}
