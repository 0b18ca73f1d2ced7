/**
 * The engine behind CreateProjectVersion and DetectCustomLabels: a frozen backbone (MobileNetV2
 * built from npm-shipped weights, or a registered one) embeds every image in the view chosen by
 * validation (classifierTraining.ts; detectors: detectionEngine.ts) — features cached by content
 * hash and view, so retraining only embeds what is new — a head is trained on those features by
 * training-step ONNX graphs, and backbone + head are written as ONE ONNX model with the labels,
 * the view and the assumed thresholds in its metadata. Evaluation and analysis both run that file,
 * through the same pipeline (pipeline.ts); analysis on inference units behind one queue (inferenceUnits.ts).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createSession } from '../../native/ort';
import { DEFAULT_BACKBONE_ID, readBuiltBackbone } from '../../native/models';
import { ServiceError } from '../errors';
import { ANOMALY_LABELS, anomalyAnalysis, anomalyUnitOutputs, readAnomalyMetadata } from './anomalyEngine';
import { trainClassifier } from './classifierTraining';
import type { PixelView } from './classifierView';
import { detectorPipeline, trainDetector } from './detectionEngine';
import type { Engine, LoadedModel, TrainedModel, TrainOptions } from './engine';
import { openInferenceUnits } from './inferenceUnits';
import { readModelMetadata } from './modelFile';
import { classifierPipeline } from './pipeline';

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
}

export function createOnnxEngine(options: OnnxEngineOptions): Engine {
  const threads = options.threads;

  const backbone = async (backboneId: string) => {
    const built =
      (await readBuiltBackbone(options.modelsDir, backboneId)) ??
      (options.registeredDir ? await readBuiltBackbone(options.registeredDir, backboneId) : undefined);
    if (!built) {
      throw new ServiceError(
        'InternalServerError',
        `The backbone ${backboneId} is not built in ${options.modelsDir}. Run "npm run build:models".`,
      );
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
        return await trainClassifier(train, { id: backboneId, spec, modelPath: backbonePath }, session, provider, cacheDir, threads, options.classifierViews);
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
          close: () => units.close(),
        };
      }
      const metadata = await readModelMetadata(modelPath);
      const pipeline = metadata.useCase === 'OBJECT_LOCALIZATION' ? detectorPipeline(metadata) : classifierPipeline(metadata);
      const units = await openInferenceUnits(modelPath, { ...unitOptions, input: pipeline.input, output: pipeline.output });
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
        close: () => units.close(),
      };
    },
  };
}
