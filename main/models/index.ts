/**
 * Model versions after training: DescribeProjectVersions, StartProjectVersion (STARTING →
 * RUNNING | FAILED), StopProjectVersion (STOPPING → STOPPED), DeleteProjectVersion (refused
 * while training or running) and DetectCustomLabels with the service's MinConfidence rules:
 * omitted → each label's assumed threshold; given → one cut-off in 0–100; 0 → everything.
 */
import { readFile, stat } from 'node:fs/promises';
import { encodeHeatMapPng, ImageDecodeError, probeImageHeader } from '../../native/preprocess';
import { checkImageLimits, IMAGE_LIMITS } from '../../preload/contract/imageLimits';
import type { OutputOf, ProjectVersionDescription } from '../../preload/contract';
import type {
  DeleteProjectVersionInput,
  DescribeProjectVersionsInput,
  DetectCustomLabelsInput,
  DetectImageAnomaliesInput,
  PutProjectVersionThresholdsInput,
  StartProjectVersionInput,
  StopProjectVersionInput,
} from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import type { Analysis, LoadedModel } from '../engine/engine';
import { customLabels } from '../engine/pipeline';
import { createResolver } from '../datasets/sources';
import { transaction } from '../db';
import * as q from '../db/queries';
import { MESSAGES } from '../../preload/contract/messages';
import { apiError, codedError, notFound } from '../errors';
import { createLogger } from '../log';
import { decodePageToken, encodePageToken, epochSeconds, keysetPage } from '../paging';
import { requireProject } from '../projects';
import { outputLocation, s3Object } from './output';
import type { ManifestSummary } from './manifestSummary';
import { removeVersionFiles } from './recovery';
import { runningModels } from './runtime';
import { startServing } from './served';

export { runningServedModels } from './served';
import { chosenThresholds, forgetThresholds, putThresholds } from './thresholds';

export { chosenThresholds } from './thresholds';
import { recordAnalysis, recordUnits } from './usage';

export { recoverInterruptedVersions } from './recovery';

const log = createLogger('models');

export const MODEL_MESSAGES = {
  starting: MESSAGES.ModelStarting,
  running: MESSAGES.ModelRunning,
  stopping: MESSAGES.ModelStopping,
  stopped: MESSAGES.ModelStopped,
} as const;

export function requireVersion(ctx: Context, arn: string): q.VersionRow {
  const version = q.findVersionByArn(ctx.db, arn);
  if (!version) throw notFound('project version', arn);
  return version;
}

function changed(ctx: Context, version: q.VersionRow): void {
  const project = q.findProjectById(ctx.db, version.projectId);
  ctx.events.resourcesChanged(version.arn, ...(project ? [project.arn] : []));
}

export function describeProjectVersions(
  ctx: Context,
  input: DescribeProjectVersionsInput,
): OutputOf<'DescribeProjectVersions'> {
  const project = requireProject(ctx, input.ProjectArn);
  const limit = input.MaxResults ?? 100;
  const rows = q.listVersions(ctx.db, project.id, {
    ...(input.VersionNames ? { names: input.VersionNames } : {}),
    ...(!input.NextToken ? {} : { beforeId: decodePageToken(input.NextToken) }),
    limit: limit + 1,
  });
  const { page, next } = keysetPage(rows, limit, (last) => encodePageToken(last.id));
  return { ProjectVersionDescriptions: page.map((row) => describeVersion(ctx, row, project.name)), ...next };
}

export function describeVersion(ctx: Context, row: q.VersionRow, projectName: string): ProjectVersionDescription {
  const evaluation = q.findEvaluation(ctx.db, row.id);
  const location = (() => {
    try {
      return outputLocation(ctx, row, projectName);
    } catch {
      return undefined;
    }
  })();
  const summary = row.manifestSummaryJson ? (JSON.parse(row.manifestSummaryJson) as ManifestSummary) : undefined;
  const snapshot = row.snapshotJson ? (JSON.parse(row.snapshotJson) as { useCase?: string; autoSplit?: boolean }) : undefined;
  const asset = (file: string) => (location ? { Assets: [{ GroundTruthManifest: s3Object(location, file) }] } : undefined);
  const running = runningModels(ctx).get(row.id);
  return {
    ProjectVersionArn: row.arn,
    CreationTimestamp: epochSeconds(row.createdMs),
    Status: row.status,
    StatusMessage: row.statusMessage,
    Feature: 'CUSTOM_LABELS',
    ...(row.description ? { VersionDescription: row.description } : {}),
    ...(row.billableTrainingMs !== null ? { BillableTrainingTimeInSeconds: Math.round(row.billableTrainingMs / 1000) } : {}),
    ...(row.trainingEndMs !== null ? { TrainingEndTimestamp: epochSeconds(row.trainingEndMs) } : {}),
    ...(location ? { OutputConfig: { S3Bucket: location.bucket, S3KeyPrefix: row.outputPrefix ?? '' } } : {}),
    ...(summary && location
      ? {
          ManifestSummary: s3Object(location, 'manifest_summary.json'),
          // Input: the datasets the version was made from (project datasets, not manifests: no
          // assets); Output: the manifests training and testing used; Validation: their checks.
          TrainingDataResult: {
            Input: { Assets: [] },
            ...(evaluation ? { Output: asset('training_manifest_snapshot.json')! } : {}),
            Validation: asset('training_manifest_with_validation.json')!,
          },
          TestingDataResult: {
            Input: { Assets: [], AutoCreate: snapshot?.autoSplit ?? false },
            ...(evaluation ? { Output: { ...asset('testing_manifest_snapshot.json')!, AutoCreate: snapshot?.autoSplit ?? false } } : {}),
            Validation: asset('testing_manifest_with_validation.json')!,
          },
        }
      : {}),
    ...(evaluation && evaluation.f1Score !== null && location && evaluation.summaryPath
      ? {
          EvaluationResult: {
            F1Score: evaluation.f1Score,
            Summary: s3Object(location, evaluation.summaryPath.split(/[\\/]/).pop()!),
          },
        }
      : {}),
    ...(row.kmsKeyId ? { KmsKeyId: row.kmsKeyId } : {}),
    ...(row.minInferenceUnits !== null ? { MinInferenceUnits: running?.unitsInService ?? row.minInferenceUnits } : {}),
    ...(row.maxInferenceUnits !== null ? { MaxInferenceUnits: row.maxInferenceUnits } : {}),
    ...(row.sourceVersionArn ? { SourceProjectVersionArn: row.sourceVersionArn } : {}),
    ...(snapshot?.useCase === 'IMAGE_LEVEL_LABELS' || snapshot?.useCase === 'OBJECT_LOCALIZATION' ? { UseCase: snapshot.useCase } : {}),
    ...(row.executionProvider ? { ExecutionProvider: row.executionProvider } : {}),
  };
}

const STARTABLE = new Set(['TRAINING_COMPLETED', 'STOPPED', 'FAILED', 'COPYING_COMPLETED']);

export function startProjectVersion(ctx: Context, input: StartProjectVersionInput): OutputOf<'StartProjectVersion'> {
  const version = requireVersion(ctx, input.ProjectVersionArn);
  if (!STARTABLE.has(version.status) || !version.modelPath) {
    throw codedError('ResourceInUseException', 'ModelNotStartable', { status: version.status });
  }
  const max = input.MaxInferenceUnits ?? input.MinInferenceUnits;
  if (max < input.MinInferenceUnits) {
    throw codedError('InvalidParameterException', 'InferenceUnitsOutOfOrder', { max, min: input.MinInferenceUnits });
  }
  if (!ctx.engine) throw codedError('InternalServerError', 'NoModelEngine');
  const engine = ctx.engine;
  const modelPath = version.modelPath;
  q.updateVersion(ctx.db, version.id, {
    status: 'STARTING',
    statusMessage: MODEL_MESSAGES.starting,
    minInferenceUnits: input.MinInferenceUnits,
    maxInferenceUnits: input.MaxInferenceUnits ?? null,
  });
  changed(ctx, version);
  void (async () => {
    try {
      const model = await engine.load(modelPath, {
        minUnits: input.MinInferenceUnits,
        maxUnits: max,
        onScaled: (units) => {
          if (ctx.db.open) recordUnits(ctx, version, 'scale', units);
        },
      });
      // The Open Inference Protocol's serving graph starts with the model: RUNNING means /v2 answers at once too.
      if (ctx.db.open) await startServing(ctx, version, model);
      if (!ctx.db.open) return void (await model.close());
      runningModels(ctx).set(version.id, model);
      q.updateVersion(ctx.db, version.id, { status: 'RUNNING', statusMessage: MODEL_MESSAGES.running });
      recordUnits(ctx, version, 'start', input.MinInferenceUnits);
      log.info('model running', { version: version.arn, provider: model.provider, units: input.MinInferenceUnits });
    } catch (error) {
      log.error('model failed to start', { version: version.arn, error });
      if (!ctx.db.open) return;
      q.updateVersion(ctx.db, version.id, {
        status: 'FAILED',
        statusMessage: `The model could not start: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    if (ctx.db.open) changed(ctx, version);
  })();
  return { Status: 'STARTING' };
}

export function stopProjectVersion(ctx: Context, input: StopProjectVersionInput): OutputOf<'StopProjectVersion'> {
  const version = requireVersion(ctx, input.ProjectVersionArn);
  if (version.status !== 'RUNNING' && version.status !== 'FAILED' && version.status !== 'STARTING') {
    throw codedError('ResourceInUseException', 'ModelNotStoppable', { status: version.status });
  }
  q.updateVersion(ctx.db, version.id, { status: 'STOPPING', statusMessage: MODEL_MESSAGES.stopping });
  changed(ctx, version);
  const model = runningModels(ctx).get(version.id);
  runningModels(ctx).delete(version.id);
  void (async () => {
    await model?.close().catch((error: unknown) => log.warn('closing a model failed', { version: version.arn, error }));
    if (!ctx.db.open) return;
    q.updateVersion(ctx.db, version.id, { status: 'STOPPED', statusMessage: MODEL_MESSAGES.stopped });
    recordUnits(ctx, version, 'stop', 0);
    changed(ctx, version);
  })();
  return { Status: 'STOPPING' };
}

const BUSY = new Set(['TRAINING_IN_PROGRESS', 'STARTING', 'RUNNING', 'STOPPING', 'COPYING_IN_PROGRESS', 'DELETING']);

export function deleteProjectVersion(ctx: Context, input: DeleteProjectVersionInput): OutputOf<'DeleteProjectVersion'> {
  const version = requireVersion(ctx, input.ProjectVersionArn);
  if (BUSY.has(version.status)) {
    throw codedError('ResourceInUseException', 'ModelBusyToDelete', { status: version.status });
  }
  transaction(ctx.db, () => {
    q.deleteTags(ctx.db, version.arn);
    forgetThresholds(ctx, version.arn);
    q.deleteVersionRow(ctx.db, version.id);
  });
  removeVersionFiles(ctx, version, 'model');
  changed(ctx, version);
  return { Status: 'DELETING' };
}

export function putProjectVersionThresholds(ctx: Context, input: PutProjectVersionThresholdsInput): OutputOf<'PutProjectVersionThresholds'> {
  const version = requireVersion(ctx, input.ProjectVersionArn);
  const saved = putThresholds(ctx, version, input);
  changed(ctx, version);
  return saved;
}

export async function detectCustomLabels(ctx: Context, input: DetectCustomLabelsInput): Promise<OutputOf<'DetectCustomLabels'>> {
  const version = requireVersion(ctx, input.ProjectVersionArn);
  const { analysis, model } = await analyzeOnVersion(ctx, version, () => imageBytes(ctx, input.Image));
  // The thresholds saved on the version, else the assumed ones training wrote into the model.
  const thresholds = { ...model.thresholds, ...chosenThresholds(ctx, input.ProjectVersionArn) };
  return { CustomLabels: customLabels(analysis, { thresholds, minConfidence: input.MinConfidence, maxResults: input.MaxResults }) };
}

/** An anomaly model's answer with its heat map, for the app's Analyze screen and kiosk (one analysis, as DetectCustomLabels runs it). */
export async function detectImageAnomalies(ctx: Context, input: DetectImageAnomaliesInput): Promise<OutputOf<'DetectImageAnomalies'>> {
  const version = requireVersion(ctx, input.ProjectVersionArn);
  const { analysis } = await analyzeOnVersion(ctx, version, () => imageBytes(ctx, input.Image));
  const verdict = analysis.anomaly;
  if (!verdict) throw apiError('InvalidParameterException', 'The model is not an anomaly-detection model; analyse its images with DetectCustomLabels.');
  return {
    IsAnomalous: verdict.isAnomalous,
    Confidence: verdict.confidence * 100,
    Score: verdict.score,
    Threshold: verdict.threshold,
    HeatMap: (await encodeHeatMapPng({ map: verdict.map, width: verdict.mapWidth, height: verdict.mapHeight, low: verdict.normalMedian, threshold: verdict.threshold })).toString('base64'),
    AnomalousShare: verdict.map.reduce((sum, value) => sum + (value >= verdict.threshold ? 1 : 0), 0) / verdict.map.length,
  };
}

/**
 * One image through a running version's model — the queue and inference units every caller shares
 * (DetectCustomLabels, DetectImageAnomalies, Lookout for Vision's DetectAnomalies) — with the
 * image checks the service makes and the usage record.
 */
export async function analyzeOnVersion(ctx: Context, version: q.VersionRow, readImage: () => Promise<Buffer>): Promise<{ analysis: Analysis; model: LoadedModel }> {
  const model = runningModels(ctx).get(version.id);
  if (version.status !== 'RUNNING' || !model) {
    throw codedError('ResourceNotReadyException', 'ModelNotRunning', { status: version.status });
  }
  try {
    // An image that cannot be read counts as a failed analysis too (the usage report's errors).
    const analysis = await analyzeImage(await readImage(), model);
    recordAnalysis(ctx, version.id, true);
    return { analysis, model };
  } catch (error) {
    if (ctx.db.open) recordAnalysis(ctx, version.id, false);
    throw error;
  }
}

async function analyzeImage(image: Buffer, model: LoadedModel): Promise<Analysis> {
  // The header is checked here; decoding, in the analysis, catches what a header hides.
  const header = await probeImageHeader(image);
  const invalid = () => codedError('InvalidImageFormatException', 'ImageNotPngOrJpeg');
  if (!header.ok) {
    // Too many pixels is a size the service refuses as too large, not a broken file.
    if (header.reason === 'too-many-pixels') throw codedError('ImageTooLargeException', 'ImageTooManyPixels', { detail: header.detail });
    throw invalid();
  }
  const problem = checkImageLimits({ ...header, sizeBytes: image.length }, 'inference');
  if (problem) {
    const tooBig = header.width > IMAGE_LIMITS.maxSidePx || header.height > IMAGE_LIMITS.maxSidePx;
    throw codedError(tooBig ? 'ImageTooLargeException' : 'InvalidParameterException', problem.ref.Code, problem.ref.Params);
  }
  return model.analyze(image, { width: header.width, height: header.height }).catch((error: unknown) => {
    throw error instanceof ImageDecodeError ? invalid() : error;
  });
}

async function imageBytes(ctx: Context, image: DetectCustomLabelsInput['Image']): Promise<Buffer> {
  if ((image.Bytes === undefined) === (image.S3Object === undefined)) {
    throw apiError('InvalidParameterException', 'Image needs exactly one of Bytes and S3Object.');
  }
  if (image.Bytes !== undefined) {
    const bytes = Buffer.from(image.Bytes, 'base64');
    if (bytes.length > IMAGE_LIMITS.maxInferenceBytes) {
      throw codedError('ImageTooLargeException', 'ImageBytesTooLarge', { size: (bytes.length / 1048576).toFixed(1) });
    }
    return bytes;
  }
  const { Bucket, Name } = image.S3Object!;
  const resolved = createResolver(ctx).resolve(`s3://${Bucket}/${Name}`);
  if (!resolved.ok) throw apiError('InvalidS3ObjectException', resolved.reason);
  const info = await stat(resolved.path).catch(() => undefined);
  if (!info?.isFile()) throw apiError('InvalidS3ObjectException', `s3://${Bucket}/${Name} does not exist.`);
  if (info.size > IMAGE_LIMITS.maxFileBytes) {
    throw apiError('ImageTooLargeException', `The image is ${(info.size / 1048576).toFixed(1)} MB; the limit is 15 MB.`);
  }
  return readFile(resolved.path);
}
