/**
 * The engine behind CreateProjectVersion and DetectCustomLabels: a frozen backbone (MobileNetV2
 * built from npm-shipped weights, or a registered one) embeds every image in the view chosen by
 * validation (classifierTraining.ts; detectors: detectionEngine.ts) — features cached by content
 * hash and view, so retraining only embeds what is new — a head is trained on those features by
 * training-step ONNX graphs, and backbone + head are written as ONE ONNX model with the labels,
 * the view and the assumed thresholds in its metadata. Evaluation and analysis both run that file,
 * through the same pipeline (pipeline.ts); analysis on inference units behind one queue (inferenceUnits.ts).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createSession } from '../../native/ort';
import { DEFAULT_BACKBONE_ID, readBuiltBackbone } from '../../native/models';
import { codedError } from '../errors';
import { ANOMALY_LABELS, anomalyAnalysis, anomalyUnitOutputs, readAnomalyMetadata } from './anomalyEngine';
import { trainClassifier } from './classifierTraining';
import type { PixelView } from './classifierView';
import { detectorPipeline, trainDetector } from './detectionEngine';
import type { Engine, LoadedModel, TrainedModel, TrainOptions } from './engine';
import { openServedModelFile, type ClosableServedModel } from './exportedModel';
import { openInferenceUnits, type InferenceUnits } from './inferenceUnits';
import { readModelMetadata } from './modelFile';
import { classifierPipeline } from './pipeline';
import { servingGraphOf } from './servingGraph';

/**
 * Names the feature cache: features are kept per backbone, image content and view (classifierView.ts),
 * so changing how a view's pixels are made needs a new name here.
 */
const PREPARE_VERSION = 'views-v1';

export interface OnnxEngineOptions {
  /** Where the built backbones are (dist/models). */
  modelsDir: string;
  /** Where registered backbones are (`<home>/backbones`). */
  registeredDir?: string;
  threads?: number;
  /** The inference unit's script in a bundled Loupe (dist/app/inference.cjs); see inferenceUnits.ts. */
  inferenceEntry?: string;
  /** The views a classifier's search compares (default: the candidates for its training images' sizes). */
  classifierViews?: PixelView[];
  /** The larger input sides a classifier's search compares (default: those its training images' sizes reach). */
  classifierSides?: number[];
  /** A classifier tries fine-tuning its backbone's last block when the search's held-out score is below this (default classifierFineTune FINE_TUNE_BELOW). */
  classifierFineTuneBelow?: number;
}

export function createOnnxEngine(options: OnnxEngineOptions): Engine {
  const threads = options.threads;

  const backbone = async (backboneId: string) => {
    const built =
      (await readBuiltBackbone(options.modelsDir, backboneId)) ??
      (options.registeredDir ? await readBuiltBackbone(options.registeredDir, backboneId) : undefined);
    if (!built) {
      throw codedError('InternalServerError', 'BackboneNotBuilt', { id: backboneId, folder: options.modelsDir });
    }
    return built;
  };

  return {
    async train(train: TrainOptions): Promise<TrainedModel> {
      const backboneId = train.backboneId ?? DEFAULT_BACKBONE_ID;
      if (train.useCase === 'OBJECT_LOCALIZATION') {
        const built = await backbone(backboneId);
        return trainDetector(train, { id: backboneId, spec: built.spec, modelPath: built.modelPath }, threads ? { threads } : {});
      }
      const { spec, modelPath: backbonePath } = await backbone(backboneId);
      const { session, provider } = await createSession(backbonePath, { ...(threads ? { threads } : {}), name: backboneId });
      const cacheDir = join(train.cacheDir, 'features', backboneId, PREPARE_VERSION);
      await mkdir(cacheDir, { recursive: true });
      try {
        return await trainClassifier(train, { id: backboneId, spec, modelPath: backbonePath }, session, provider, cacheDir, threads, options.classifierViews, options.classifierSides, options.classifierFineTuneBelow);
      } finally {
        await session.release();
      }
    },

    async load(modelPath: string, { minUnits, maxUnits, onScaled }): Promise<LoadedModel> {
      const unitOptions = {
        units: maxUnits,
        minUnits,
        ...(onScaled ? { onScaled } : {}),
        ...(threads ? { threads } : {}),
        ...(options.inferenceEntry ? { entry: options.inferenceEntry } : {}),
      };
      const anomaly = await readAnomalyMetadata(modelPath);
      if (anomaly) {
        const units = await openInferenceUnits(modelPath, { ...unitOptions, ...anomalyUnitOutputs(anomaly) });
        const serving = servingOf(modelPath, units, unitOptions);
        return {
          get provider() {
            return units.provider;
          },
          get unitsInService() {
            return units.inService;
          },
          labels: [...ANOMALY_LABELS],
          thresholds: {},
          useCase: 'ANOMALY_DETECTION',
          // One request of the units' queue, decoding included.
          analyze: (image, size) => units.admit((run) => anomalyAnalysis(anomaly, { run })(image, size)),
          served: serving.served,
          close: () => closeBoth(serving, units),
        };
      }
      const metadata = await readModelMetadata(modelPath);
      const pipeline = metadata.useCase === 'OBJECT_LOCALIZATION' ? detectorPipeline(metadata) : classifierPipeline(metadata);
      const units = await openInferenceUnits(modelPath, { ...unitOptions, input: pipeline.input, output: pipeline.output });
      const serving = servingOf(modelPath, units, unitOptions);
      // One request of the units' queue: decode and cut, each input on a unit, the outputs read.
      const analyze: LoadedModel['analyze'] = (image, size) =>
        units.admit(async (run) => {
          const prepared = await pipeline.toInputs(image, size);
          return prepared.read(await Promise.all(prepared.pixels.map(async (pixels) => (await run(pixels)).data)));
        });
      return {
        get provider() {
          return units.provider;
        },
        get unitsInService() {
          return units.inService;
        },
        labels: metadata.labels,
        thresholds: metadata.thresholds,
        useCase: metadata.useCase,
        analyze,
        served: serving.served,
        close: () => closeBoth(serving, units),
      };
    },
  };
}

async function closeBoth(serving: { close(): Promise<void> }, units: InferenceUnits): Promise<void> {
  await Promise.allSettled([serving.close(), units.close()]);
}

/**
 * A loaded model's Open Inference Protocol side: its serving graph built from the model file on
 * the first `served()` (StartProjectVersion asks at once: models/served.ts `startServing`) and loaded on as many units as the model has, whose requests wait in `queue` (the
 * model's) and run on as many of them as the model has in service.
 */
function servingOf(
  modelPath: string,
  queue: InferenceUnits,
  unitOptions: { units: number; threads?: number; entry?: string },
): { served: LoadedModel['served']; close(): Promise<void> } {
  let loading: Promise<ClosableServedModel> | undefined;
  let written: string | undefined;
  let closed = false;
  const stopped = () => codedError('ResourceNotReadyException', 'ModelStoppedRequest');
  return {
    served({ name, file }) {
      if (closed) return Promise.reject(stopped());
      if (loading) return loading;
      const load = (async () => {
        const graph = servingGraphOf(await readFile(modelPath));
        await mkdir(dirname(file), { recursive: true });
        written = file;
        await writeFile(file, graph.onnx);
        const model = await openServedModelFile(file, {
          name,
          version: '1',
          maxBatchSize: graph.maxBatchSize,
          units: unitOptions.units,
          threads: unitOptions.threads ?? 1,
          ...(unitOptions.entry ? { entry: unitOptions.entry } : {}),
          queue,
        });
        if (closed) {
          // The model stopped while its graph loaded.
          await model.close();
          throw stopped();
        }
        return model;
      })();
      loading = load;
      // A graph that failed to load (one that cannot be served says why) is tried again when asked for again.
      load.catch(() => {
        if (loading === load) loading = undefined;
      });
      return load;
    },
    async close() {
      closed = true;
      const model = await loading?.catch(() => undefined);
      await model?.close();
      if (written) await rm(written, { force: true });
    },
  };
}
