/**
 * Model versions after training: DescribeProjectVersions, StartProjectVersion (STARTING →
 * RUNNING | FAILED), StopProjectVersion (STOPPING → STOPPED), DeleteProjectVersion (refused
 * while training or running) and DetectCustomLabels with the service's MinConfidence rules:
 * omitted → each label's assumed threshold; given → one cut-off in 0–100; 0 → everything.
 */
import { readFile, stat } from 'node:fs/promises';
import { ImageDecodeError, probeImageHeader } from '../../native/preprocess';
import { checkImageLimits, IMAGE_LIMITS } from '../../preload/contract/imageLimits';
import type { CustomLabel, OutputOf, ProjectVersionDescription } from '../../preload/contract';
import type {
  DeleteProjectVersionInput,
  DescribeProjectVersionsInput,
  DetectCustomLabelsInput,
  PutProjectVersionThresholdsInput,
  StartProjectVersionInput,
  StopProjectVersionInput,
} from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import { createResolver } from '../datasets/sources';
import { transaction } from '../db';
import * as q from '../db/queries';
import { notFound, ServiceError } from '../errors';
import { createLogger } from '../log';
import { decodePageToken, encodePageToken, epochSeconds, keysetPage } from '../paging';
import { requireProject } from '../projects';
import { outputLocation, s3Object } from './output';
import type { ManifestSummary } from './manifestSummary';
import { removeVersionFiles } from './recovery';
import { RunningModel, runningModels } from './runtime';
import { chosenThresholds, forgetThresholds, putThresholds } from './thresholds';

export { chosenThresholds } from './thresholds';
import { recordAnalysis, recordUnits } from './usage';

export { recoverInterruptedVersions } from './recovery';

const log = createLogger('models');

export const MODEL_MESSAGES = {
  starting: 'The model is starting.',
  running: 'The model is running.',
  stopping: 'The model is stopping.',
  stopped: 'The model has stopped running.',
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
    ...(row.minInferenceUnits !== null ? { MinInferenceUnits: running?.inServiceUnits ?? row.minInferenceUnits } : {}),
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
    throw new ServiceError('ResourceInUseException', `The model is ${version.status}; only a trained, stopped model can be started.`);
  }
  const max = input.MaxInferenceUnits ?? input.MinInferenceUnits;
  if (max < input.MinInferenceUnits) {
    throw new ServiceError('InvalidParameterException', `MaxInferenceUnits (${max}) must be at least MinInferenceUnits (${input.MinInferenceUnits}).`);
  }
  if (!ctx.engine) throw new ServiceError('InternalServerError', 'No model engine is available in this Loupe build.');
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
      const model = await engine.load(modelPath, { workers: max });
      if (!ctx.db.open) return void (await model.close());
      runningModels(ctx).set(
        version.id,
        new RunningModel(model, input.MinInferenceUnits, max, (units) => {
          if (ctx.db.open) recordUnits(ctx, version, 'scale', units);
        }),
      );
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
    throw new ServiceError('ResourceInUseException', `The model is ${version.status}; only a running model can be stopped.`);
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
    throw new ServiceError(
      'ResourceInUseException',
      `The model is ${version.status}. Stop it, or wait for training to finish, before deleting it.`,
    );
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
  const model = runningModels(ctx).get(version.id);
  if (version.status !== 'RUNNING' || !model) {
    throw new ServiceError('ResourceNotReadyException', `The model is ${version.status}. Start it before analysing images.`);
  }
  try {
    const answer = await analyzeImage(ctx, input, model);
    recordAnalysis(ctx, version.id, true);
    return answer;
  } catch (error) {
    if (ctx.db.open) recordAnalysis(ctx, version.id, false);
    throw error;
  }
}

async function analyzeImage(ctx: Context, input: DetectCustomLabelsInput, model: RunningModel): Promise<OutputOf<'DetectCustomLabels'>> {
  const image = await imageBytes(ctx, input.Image);
  // The header is checked here; decoding, in the analysis, catches what a header hides.
  const header = await probeImageHeader(image);
  const invalid = () => new ServiceError('InvalidImageFormatException', 'The image is not a valid PNG or JPEG file.');
  if (!header.ok) {
    // Too many pixels is a size the service refuses as too large, not a broken file.
    if (header.reason === 'too-many-pixels') throw new ServiceError('ImageTooLargeException', `The image is too large: ${header.detail}.`);
    throw invalid();
  }
  const problem = checkImageLimits({ ...header, sizeBytes: image.length }, 'inference');
  if (problem) {
    const tooBig = header.width > IMAGE_LIMITS.maxSidePx || header.height > IMAGE_LIMITS.maxSidePx;
    throw new ServiceError(tooBig ? 'ImageTooLargeException' : 'InvalidParameterException', problem.message);
  }
  const analysis = await model.analyze(image, { width: header.width, height: header.height }).catch((error: unknown) => {
    throw error instanceof ImageDecodeError ? invalid() : error;
  });
  // The thresholds saved on the version, else the assumed ones training wrote into the model.
  const thresholds = { ...model.model.thresholds, ...chosenThresholds(ctx, input.ProjectVersionArn) };
  const keep = (name: string, score: number) =>
    input.MinConfidence === undefined ? score >= (thresholds[name] ?? 0) : score * 100 >= input.MinConfidence;
  const labels: CustomLabel[] = [];
  for (const [name, score] of Object.entries(analysis.scores ?? {})) {
    if (keep(name, score)) labels.push({ Name: name, Confidence: score * 100 });
  }
  for (const box of analysis.boxes ?? []) {
    if (!keep(box.label, box.confidence)) continue;
    labels.push({
      Name: box.label,
      Confidence: box.confidence * 100,
      Geometry: {
        BoundingBox: {
          Width: box.width / analysis.width,
          Height: box.height / analysis.height,
          Left: box.left / analysis.width,
          Top: box.top / analysis.height,
        },
      },
    });
  }
  labels.sort((a, b) => b.Confidence - a.Confidence);
  return { CustomLabels: input.MaxResults === undefined ? labels : labels.slice(0, input.MaxResults) };
}

async function imageBytes(ctx: Context, image: DetectCustomLabelsInput['Image']): Promise<Buffer> {
  if ((image.Bytes === undefined) === (image.S3Object === undefined)) {
    throw new ServiceError('InvalidParameterException', 'Image needs exactly one of Bytes and S3Object.');
  }
  if (image.Bytes !== undefined) {
    const bytes = Buffer.from(image.Bytes, 'base64');
    if (bytes.length > IMAGE_LIMITS.maxInferenceBytes) {
      throw new ServiceError('ImageTooLargeException', `Image bytes must be at most 4 MB; these are ${(bytes.length / 1048576).toFixed(1)} MB.`);
    }
    return bytes;
  }
  const { Bucket, Name } = image.S3Object!;
  const resolved = createResolver(ctx).resolve(`s3://${Bucket}/${Name}`);
  if (!resolved.ok) throw new ServiceError('InvalidS3ObjectException', resolved.reason);
  const info = await stat(resolved.path).catch(() => undefined);
  if (!info?.isFile()) throw new ServiceError('InvalidS3ObjectException', `s3://${Bucket}/${Name} does not exist.`);
  if (info.size > IMAGE_LIMITS.maxFileBytes) {
    throw new ServiceError('ImageTooLargeException', `The image is ${(info.size / 1048576).toFixed(1)} MB; the limit is 15 MB.`);
  }
  return readFile(resolved.path);
}
