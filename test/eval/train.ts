/**
 * Driving Loupe as a user does — operations on a fresh home, imports and training as jobs — with
 * training timed by phase. The engine is the product's own ONNX Runtime engine, wrapped only to
 * note when each of its phases starts (embedding, head training, testing the written model).
 */
import { join } from 'node:path';
import type { InputOf } from '../../preload/contract';
import { waitForJob, type JobHandle } from '../../main/jobs';
import type { Engine } from '../../main/engine/engine';
import { createOnnxEngine } from '../../main/engine/onnxEngine';
import type { OpenLoupeOptions } from '../../main/api';
import { aLoupe, type TestLoupe } from '../support/loupe';
import type { DetectedImage } from '../../native/metrics';

export const MODELS_DIR = join(import.meta.dirname, '../../dist/models');

/** Seconds spent in each phase of one engine.train call. */
export interface PhaseTimes {
  /** Backbone load and every training view embedded (or read from the feature cache), the search included. */
  embedS: number;
  /** Of embedS, the search on held-out training images (0 when none ran). */
  searchS: number;
  /** Head search and final fit, and writing the model file. */
  headS: number;
  /** The test set through the written model file (decode, preprocess, backbone and head). */
  testS: number;
}

export interface TimedLoupe extends TestLoupe {
  /** Phase times of the latest training, or undefined when it never reached the engine's end. */
  lastTraining(): PhaseTimes | undefined;
  /** The model file the latest training wrote (its metadata says what training chose). */
  lastModelPath(): string | undefined;
  /** The latest training's test images: their boxes and every box the written model found (no threshold). */
  lastDetections(): DetectedImage[];
}

/**
 * A Loupe on a fresh temporary home whose engine reports phase times. With `featureCache`, every
 * training keeps its features there across runs (quick reruns; the embed times are then not cold).
 */
export function timedLoupe(options: Omit<OpenLoupeOptions, 'engine'> = {}, featureCache?: string): TimedLoupe {
  let last: PhaseTimes | undefined;
  let lastModel: string | undefined;
  let lastDetections: DetectedImage[] = [];
  const inner = createOnnxEngine({ modelsDir: MODELS_DIR });
  const engine: Engine = {
    load: (modelPath, loadOptions) => inner.load(modelPath, loadOptions),
    async train(train) {
      last = undefined;
      lastModel = undefined;
      lastDetections = [];
      const started = performance.now();
      const marks = new Map<string, number>();
      const job: JobHandle = {
        ...train.job,
        progress(update) {
          if (update.phase !== undefined && !marks.has(update.phase)) marks.set(update.phase, performance.now());
          train.job.progress(update);
        },
      };
      const trained = await inner.train({ ...train, job, ...(featureCache ? { cacheDir: featureCache } : {}) });
      lastModel = trained.modelPath;
      lastDetections = train.test.map((sample) => ({ truth: sample.boxes, predictions: trained.predictions.get(sample.entryId)?.boxes ?? [] }));
      const ended = performance.now();
      const training = marks.get('training') ?? ended;
      const testing = marks.get('testing') ?? ended;
      const searching = marks.get('choosing the view');
      const searchS = searching === undefined ? 0 : ((marks.get('embedding images') ?? training) - searching) / 1000;
      last = { embedS: (training - started) / 1000, searchS, headS: (testing - training) / 1000, testS: (ended - testing) / 1000 };
      return trained;
    },
  };
  const loupe = aLoupe({ ...options, engine });
  return { ...loupe, lastTraining: () => last, lastModelPath: () => lastModel, lastDetections: () => lastDetections };
}

/** Wait for an import (or any job) that an operation started; throws unless it succeeded. Returns seconds. */
export async function finishJob(loupe: TestLoupe, started: Promise<{ JobId: number }>): Promise<number> {
  const start = performance.now();
  const { JobId } = await started;
  const job = await waitForJob(loupe.ctx, JobId);
  if (job.Status !== 'succeeded') throw new Error(`job ${job.Kind} ${job.Status}: ${job.Message ?? ''}`);
  return (performance.now() - start) / 1000;
}

export async function createProject(loupe: TestLoupe, name: string): Promise<string> {
  return (await loupe.ok('CreateProject', { ProjectName: name })).ProjectArn;
}

export async function createDataset(loupe: TestLoupe, projectArn: string, type: 'TRAIN' | 'TEST'): Promise<string> {
  return (await loupe.ok('CreateDataset', { ProjectArn: projectArn, DatasetType: type })).DatasetArn;
}

export function importFolder(loupe: TestLoupe, input: InputOf<'ImportFolder'>): Promise<number> {
  return finishJob(loupe, loupe.ok('ImportFolder', input));
}

export function importAnnotations(loupe: TestLoupe, input: InputOf<'ImportAnnotations'>): Promise<number> {
  return finishJob(loupe, loupe.ok('ImportAnnotations', input));
}

export interface TrainedVersion {
  arn: string;
  status: string;
  message: string;
  /** CreateProjectVersion to the end of its job. */
  seconds: number;
  phases?: PhaseTimes;
}

/** CreateProjectVersion, then wait for its training job to end. */
export async function trainVersion(loupe: TimedLoupe, projectArn: string, versionName: string): Promise<TrainedVersion> {
  const start = performance.now();
  const { ProjectVersionArn } = await loupe.ok('CreateProjectVersion', { ProjectArn: projectArn, VersionName: versionName });
  const { Jobs } = await loupe.ok('ListJobs', { ResourceArn: ProjectVersionArn });
  const job = Jobs.find((j) => j.Kind === 'CreateProjectVersion');
  if (!job) throw new Error(`no training job for ${ProjectVersionArn}`);
  await waitForJob(loupe.ctx, job.JobId);
  const seconds = (performance.now() - start) / 1000;
  const { ProjectVersionDescriptions } = await loupe.ok('DescribeProjectVersions', { ProjectArn: projectArn, VersionNames: [versionName] });
  const version = ProjectVersionDescriptions[0];
  const phases = loupe.lastTraining();
  return {
    arn: ProjectVersionArn,
    status: version?.Status ?? 'unknown',
    message: version?.StatusMessage ?? '',
    seconds,
    ...(phases ? { phases } : {}),
  };
}
