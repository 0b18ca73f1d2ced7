/**
 * Lookout for Vision models over Loupe's versions: a model is a version of the anomaly project
 * named 1, 2, 3…, trained by the anomaly pipeline (main/engine/anomalyEngine.ts) from the
 * project's datasets — unlike the service, from normal images alone when there are no anomalies.
 * Statuses are the service's: TRAINING → TRAINED | TRAINING_FAILED, STARTING_HOSTING → HOSTED,
 * STOPPING_HOSTING → TRAINED. Starting, stopping and analysing are StartProjectVersion,
 * StopProjectVersion and the running model's queue in main/models: one pipeline for both APIs.
 */
import { rm } from 'node:fs/promises';
import type { z } from 'zod';
import type { OutputOf, ProjectVersionStatus } from '../../preload/contract';
import type * as lv from '../../preload/contract/lookoutvision';
import { encodeMaskPng, probeImageHeader } from '../../native/preprocess';
import type { Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { codedError } from '../errors';
import { insertNewVersion } from '../models/newVersion';
import { ANOMALY_EVALUATION_FILE, ANOMALY_MANIFEST_FILE, anomalyMaskCut } from '../engine/anomalyEngine';
import { analyzeOnVersion, startProjectVersion, stopProjectVersion } from '../models';
import { ANOMALY, anomalyEvaluationOf, nextModelVersion, startAnomalyTraining } from '../training/anomalyTraining';
import { outputLocation } from '../models/output';
import { requireAnomalyProject } from './projects';

const seconds = (ms: number) => ms / 1000;
/** The colour of an anomaly with no class of its own in the mask (the service's masks use the class's colour). */
const ANOMALY_COLOUR: [number, number, number] = [255, 0, 0];


export function lookoutVisionModelArn(ctx: Context, projectName: string, version: string): string {
  return `arn:aws:lookoutvision:${ctx.identity.region}:${ctx.identity.account}:model/${projectName}/${version}`;
}

/** Loupe's version status as the service's model status. */
function modelStatus(status: ProjectVersionStatus): string {
  switch (status) {
    case 'TRAINING_IN_PROGRESS':
      return 'TRAINING';
    case 'TRAINING_COMPLETED':
    case 'STOPPED':
      return 'TRAINED';
    case 'TRAINING_FAILED':
      return 'TRAINING_FAILED';
    case 'STARTING':
      return 'STARTING_HOSTING';
    case 'RUNNING':
      return 'HOSTED';
    case 'STOPPING':
      return 'STOPPING_HOSTING';
    case 'FAILED':
      return 'HOSTING_FAILED';
    case 'DELETING':
      return 'DELETING';
    default:
      return status;
  }
}

function requireModel(ctx: Context, project: q.ProjectRow, version: string): q.VersionRow {
  const versions = q.listVersions(ctx.db, project.id, { limit: 1_000_000 });
  const row =
    version === 'latest'
      ? versions.filter((v) => /^\d+$/.test(v.name)).sort((a, b) => Number(b.name) - Number(a.name))[0]
      : versions.find((v) => v.name === version);
  if (!row) throw codedError('ResourceNotFoundException', 'LfvModelNotFound', { version, project: project.name });
  return row;
}

function modelMetadata(ctx: Context, project: q.ProjectRow, row: q.VersionRow): lv.ModelMetadata {
  const evaluation = anomalyEvaluationOf(ctx, row);
  return {
    CreationTimestamp: seconds(row.createdMs),
    ModelVersion: row.name,
    ModelArn: lookoutVisionModelArn(ctx, project.name, row.name),
    ...(row.description ? { Description: row.description } : {}),
    Status: modelStatus(row.status),
    StatusMessage: row.statusMessage,
    ...(evaluation && evaluation.f1 !== null
      ? { Performance: { F1Score: evaluation.f1, Recall: evaluation.recall ?? 0, Precision: evaluation.precision ?? 0 } }
      : {}),
  };
}

export function createModel(ctx: Context, input: z.output<typeof lv.CreateModelInput>): OutputOf<'LookoutVisionCreateModel'> {
  const createdMs = ctx.now();
  const { project, version, train, test } = transaction(ctx.db, () => {
    const project = requireAnomalyProject(ctx, input.ProjectName);
    const train = q.findDatasetOfType(ctx.db, project.id, 'TRAIN');
    if (!train) throw codedError('ValidationException', 'LfvNoTrainDataset', { project: project.name });
    const test = q.findDatasetOfType(ctx.db, project.id, 'TEST');
    for (const dataset of [train, test]) {
      if (dataset && /_IN_PROGRESS$/.test(dataset.status)) {
        throw codedError('ConflictException', dataset.type === 'TEST' ? 'LfvTestDatasetBusy' : 'LfvTrainDatasetBusy', { status: dataset.status });
      }
    }
    const version = insertNewVersion(ctx, {
      project,
      name: nextModelVersion(ctx, project),
      createdMs,
      status: 'TRAINING_IN_PROGRESS',
      statusMessage: 'The model is being trained.',
      outputConfig: { S3Bucket: input.OutputConfig.S3Location.Bucket, S3KeyPrefix: input.OutputConfig.S3Location.Prefix },
      kmsKeyId: input.KmsKeyId,
      description: input.Description,
    });
    return { project, version, train, test };
  });
  if (input.Tags) q.upsertTags(ctx.db, lookoutVisionModelArn(ctx, project.name, version.name), Object.fromEntries(input.Tags.map((t) => [t.Key, t.Value])));
  ctx.events.resourcesChanged(version.arn, project.arn);
  startAnomalyTraining(ctx, project, version, q.allEntries(ctx.db, train.id), test ? q.allEntries(ctx.db, test.id) : []);
  return { ModelMetadata: modelMetadata(ctx, project, q.findVersionByArn(ctx.db, version.arn)!) };
}

export function describeModel(ctx: Context, input: z.output<typeof lv.DescribeModelInput>): OutputOf<'LookoutVisionDescribeModel'> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  const row = requireModel(ctx, project, input.ModelVersion);
  const location = { Bucket: row.outputBucket ?? '', Prefix: row.outputPrefix ?? '' };
  const trained = row.modelPath !== null;
  const prefix = trained ? outputLocation(ctx, row, project.name).prefix : '';
  return {
    ModelDescription: {
      ...modelMetadata(ctx, project, row),
      OutputConfig: { S3Location: location },
      ...(trained
        ? {
            EvaluationManifest: { Bucket: location.Bucket, Key: `${prefix}${ANOMALY_MANIFEST_FILE}` },
            EvaluationResult: { Bucket: location.Bucket, Key: `${prefix}${ANOMALY_EVALUATION_FILE}` },
            ...(row.trainingEndMs ? { EvaluationEndTimestamp: seconds(row.trainingEndMs) } : {}),
          }
        : {}),
      ...(row.kmsKeyId ? { KmsKeyId: row.kmsKeyId } : {}),
      ...(row.minInferenceUnits ? { MinInferenceUnits: row.minInferenceUnits } : {}),
      ...(row.maxInferenceUnits ? { MaxInferenceUnits: row.maxInferenceUnits } : {}),
    },
  };
}

export function listModels(ctx: Context, input: z.output<typeof lv.ListModelsInput>): OutputOf<'LookoutVisionListModels'> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  const rows = q.listVersions(ctx.db, project.id, { limit: 1_000_000 }).sort((a, b) => Number(a.name) - Number(b.name));
  const offset = input.NextToken === undefined ? 0 : Number(input.NextToken);
  const limit = input.MaxResults ?? 100;
  return { Models: rows.slice(offset, offset + limit).map((row) => modelMetadata(ctx, project, row)), ...(offset + limit < rows.length ? { NextToken: String(offset + limit) } : {}) };
}

export async function deleteModel(ctx: Context, input: z.output<typeof lv.ModelInput>): Promise<OutputOf<'LookoutVisionDeleteModel'>> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  const row = requireModel(ctx, project, input.ModelVersion);
  if (['TRAINING_IN_PROGRESS', 'STARTING', 'RUNNING', 'STOPPING'].includes(row.status)) {
    throw codedError('ConflictException', 'LfvModelBusyToDelete', { model: row.name, status: modelStatus(row.status) });
  }
  q.deleteVersionRow(ctx.db, row.id);
  q.deleteTags(ctx.db, lookoutVisionModelArn(ctx, project.name, row.name));
  if (row.modelPath) await rm(row.modelPath, { force: true });
  ctx.events.resourcesChanged(row.arn, project.arn);
  return { ModelArn: lookoutVisionModelArn(ctx, project.name, row.name) };
}

/** StartModel is StartProjectVersion on the model's version: the same engine, units and queue as every Loupe model. */
export function startModel(ctx: Context, input: z.output<typeof lv.StartModelInput>): OutputOf<'LookoutVisionStartModel'> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  const row = requireModel(ctx, project, input.ModelVersion);
  if (row.status === 'RUNNING' || row.status === 'STARTING') return { Status: modelStatus(row.status) };
  if (!row.modelPath || (row.status !== 'TRAINING_COMPLETED' && row.status !== 'STOPPED' && row.status !== 'FAILED')) {
    throw codedError('ConflictException', 'LfvModelNotStartable', { model: row.name, status: modelStatus(row.status) });
  }
  const { Status } = startProjectVersion(ctx, {
    ProjectVersionArn: row.arn,
    MinInferenceUnits: input.MinInferenceUnits,
    ...(input.MaxInferenceUnits ? { MaxInferenceUnits: input.MaxInferenceUnits } : {}),
  });
  return { Status: modelStatus(Status) };
}

export function stopModel(ctx: Context, input: z.output<typeof lv.ModelInput>): OutputOf<'LookoutVisionStopModel'> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  const row = requireModel(ctx, project, input.ModelVersion);
  if (row.status !== 'RUNNING' && row.status !== 'STARTING') {
    throw codedError('ConflictException', 'LfvModelNotHosted', { model: row.name, status: modelStatus(row.status) });
  }
  return { Status: modelStatus(stopProjectVersion(ctx, { ProjectVersionArn: row.arn }).Status) };
}

export async function detectAnomalies(ctx: Context, input: z.output<typeof lv.DetectAnomaliesInput>): Promise<OutputOf<'LookoutVisionDetectAnomalies'>> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  const row = requireModel(ctx, project, input.ModelVersion);
  if (row.status !== 'RUNNING') throw codedError('ConflictException', 'LfvModelNotRunning', { model: row.name, status: modelStatus(row.status) });
  const type = input.ContentType.split(';')[0]!.trim().toLowerCase();
  if (type !== 'image/jpeg' && type !== 'image/png') {
    throw codedError('ValidationException', 'LfvContentType', { type: input.ContentType });
  }
  const bytes = Buffer.from(input.Body, 'base64');
  const header = await probeImageHeader(bytes);
  if (!header.ok || (header.format === 'jpeg') !== (type === 'image/jpeg')) {
    throw codedError('ValidationException', 'LfvBodyNotImage', { format: type === 'image/png' ? 'PNG' : 'JPEG' });
  }
  const analysis = (await analyzeOnVersion(ctx, row, async () => bytes)).analysis.anomaly;
  if (!analysis) throw codedError('ValidationException', 'LfvNotAnomalyModel', { model: row.name });
  // The mask: where the map rises halfway from the threshold to its peak (anomalyMaskCut).
  const cut = anomalyMaskCut(analysis.map, analysis);
  const mask = Uint8Array.from(analysis.map, (value) => (analysis.isAnomalous && value >= cut ? 1 : 0));
  const share = mask.reduce((sum, v) => sum + v, 0) / mask.length;
  const hex = `#${ANOMALY_COLOUR.map((c) => c.toString(16).padStart(2, '0').toUpperCase()).join('')}`;
  // A model trained with masks names each marked pixel's class (its patch's nearest class), in the class's colour.
  const { classes, classMap } = analysis;
  let anomalies: { Name: string; PixelAnomaly: { TotalPercentageArea: number; Color: string } }[];
  let colours: [number, number, number][] | undefined;
  if (classes && classMap) {
    const counts = new Array<number>(classes.length).fill(0);
    for (let p = 0; p < mask.length; p++) if (mask[p]) counts[(mask[p] = classMap[p]!) - 1]!++;
    anomalies = classes.flatMap((c, k) => (counts[k]! > 0 ? [{ Name: c.name, PixelAnomaly: { TotalPercentageArea: counts[k]! / mask.length, Color: c.colour } }] : []));
    colours = classes.map((c) => [1, 3, 5].map((i) => parseInt(c.colour.slice(i, i + 2), 16)) as [number, number, number]);
  } else {
    anomalies = share > 0 ? [{ Name: ANOMALY, PixelAnomaly: { TotalPercentageArea: share, Color: hex } }] : [];
  }
  const png = await encodeMaskPng({ mask, width: analysis.mapWidth, height: analysis.mapHeight, outWidth: header.width, outHeight: header.height, colour: ANOMALY_COLOUR, ...(colours ? { colours } : {}) });
  return {
    DetectAnomalyResult: {
      Source: { Type: 'direct' },
      IsAnomalous: analysis.isAnomalous,
      Confidence: analysis.confidence,
      Anomalies: [{ Name: 'background', PixelAnomaly: { TotalPercentageArea: 1 - share, Color: '#FFFFFF' } }, ...anomalies],
      AnomalyMask: png.toString('base64'),
    },
  };
}
