/**
 * The anomaly-detection pipeline (the third use case beside classification and detection): good
 * images in, ONE ONNX model file out (backbone cut + memory bank + scoring + anomaly map, threshold
 * and view in its metadata), the test set scored through that very file, and the evaluation beside
 * it with each test image's heat map. Analysis loads the same file: in the engine's inference units
 * (`anomalyAnalysis`, what StartProjectVersion runs) or in-process (`loadAnomalyModel`). Compute lives in native/anomaly; this file knows samples, views,
 * files and the service's result shape.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { auroc, bestF1AnomalyThreshold, prfAt, trainAnomalyModel, PATCH_NAMES, type AnomalyTrainResult } from '../../native/anomaly';
import { readBuiltBackbone, toModelBatch, DEFAULT_BACKBONE_ID, type ModelSpec, type RgbPixels } from '../../native/models';
import { describeModel, decodeModel, encodeModel } from '../../native/onnx';
import { createSession, type OrtSession } from '../../native/ort';
import { decodeForModel, encodeHeatMapPng, probeImage, probeImageHeader } from '../../native/preprocess';
import { ServiceError } from '../errors';
import { writeAtomically } from '../files';
import type { LoadedModel } from './engine';
import type { InferenceUnits } from './inferenceUnits';

const METADATA_KEY = 'loupe';
export const ANOMALY_MODEL_FILE = 'model.onnx';
export const ANOMALY_EVALUATION_FILE = 'evaluation.json';
export const ANOMALY_MANIFEST_FILE = 'evaluation-manifest.jsonl';
/** Each test image's heat map, `<index>.png`, beside the evaluation. */
export const ANOMALY_HEATMAP_FOLDER = 'heatmaps';
/** The view's shorter side, and the multiple both sides are rounded to (the backbone's largest stride). */
const VIEW_SIDE = 224;
const VIEW_STRIDE = 32;
/** Elongated parts keep their shape up to this ratio; beyond it they are squeezed. */
const MAX_ASPECT = 3;

export interface AnomalyMetadata {
  format: 1;
  useCase: 'ANOMALY_DETECTION';
  backbone: string;
  input: ModelSpec['input'];
  /** Every image is resized to this (the input's width and height), whole. */
  view: { width: number; height: number };
  threshold: number;
  thresholdSource: 'good-only' | 'best-f1';
  /** The held-out good images' measured false-reject rate at the threshold, and their median score. */
  heldOutFalseRejectRate: number;
  normalMedian: number;
  outputs: { score: string; map: string };
  featureMaps: string[];
  bankSize: number;
}

export interface AnomalyTestImage {
  path: string;
  /** The entry's source-ref, written to the evaluation manifest (default: the path). */
  sourceRef?: string;
  anomalous: boolean;
  /** A mask image where the user has one: pixels away from `maskBackground` are anomalous. */
  mask?: string;
  /** The mask's background colour (default black: white-on-black masks); Lookout for Vision's masks name theirs. */
  maskBackground?: [number, number, number];
}

/** A mask pixel is anomalous when one channel is this far from the background colour. */
const MASK_TOLERANCE = 64;

export interface AnomalyTrainInput {
  good: string[];
  /** Labelled anomalous training images, if any (they choose the layers; the threshold may be best-F1). */
  anomalous?: string[];
  test?: AnomalyTestImage[];
  outputDir: string;
  /** Where the built backbones are (dist/models). */
  modelsDir: string;
  backboneId?: string;
  /** 'good-only' (default) or 'best-f1' when labelled anomalies exist (training or test). */
  thresholdSource?: 'good-only' | 'best-f1';
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { phase: string; done: number; total: number }) => void;
}

export interface AnomalyImageResult {
  path: string;
  sourceRef?: string;
  anomalous: boolean;
  score: number;
  predictedAnomalous: boolean;
  /** The test image's heat map (PNG with alpha), relative to the output folder. */
  heatMap?: string;
}

export interface AnomalyEvaluation {
  threshold: number;
  thresholdSource: 'good-only' | 'best-f1';
  heldOutFalseRejectRate: number;
  imageAuroc: number | null;
  f1: number | null;
  precision: number | null;
  recall: number | null;
  pixelAuroc: number | null;
  trainingImages: number;
  testImages: number;
  trainingSeconds: number;
  validation: { featureMaps: string[]; auroc: number }[];
  results: AnomalyImageResult[];
}

export interface TrainedAnomalyModel {
  modelPath: string;
  metadata: AnomalyMetadata;
  evaluation: AnomalyEvaluation;
}

/** The view for a set of images: shorter side VIEW_SIDE, the longer one keeping the median shape (up to 3:1), both multiples of 32. */
export function viewFor(sizes: readonly { width: number; height: number }[]): { width: number; height: number } {
  const ratios = sizes.map((size) => size.width / size.height).sort((a, b) => a - b);
  const ratio = ratios.length === 0 ? 1 : ratios[Math.floor(ratios.length / 2)]!;
  const long = Math.round((VIEW_SIDE * Math.min(MAX_ASPECT, Math.max(ratio, 1 / ratio))) / VIEW_STRIDE) * VIEW_STRIDE;
  return ratio >= 1 ? { width: long, height: VIEW_SIDE } : { width: VIEW_SIDE, height: long };
}

/** Pixels of `source` resized (whole, stretched) to the view. */
export function viewPixels(source: string | Buffer, view: { width: number; height: number }): Promise<RgbPixels> {
  return decodeForModel(source, { ...view, maxSide: 2 * Math.max(view.width, view.height) });
}

export async function trainAnomalyVersion(input: AnomalyTrainInput): Promise<TrainedAnomalyModel> {
  const started = performance.now();
  const backboneId = input.backboneId ?? DEFAULT_BACKBONE_ID;
  const built = await readBuiltBackbone(input.modelsDir, backboneId);
  if (!built) throw new ServiceError('InternalServerError', `The backbone ${backboneId} is not built in ${input.modelsDir}. Run "npm run build:models".`);
  if (input.good.length < 2) throw new ServiceError('ValidationException', 'An anomaly model needs at least 2 normal images in its training dataset.');
  const probes = await Promise.all(input.good.slice(0, 64).map((path) => probeImage(path)));
  const view = viewFor(probes.flatMap((probe) => (probe.ok ? [{ width: probe.width, height: probe.height }] : [])));
  const anomalous = input.anomalous ?? [];
  const trained = await trainAnomalyModel({
    backbone: decodeModel(await readFile(built.modelPath)),
    spec: built.spec,
    view,
    good: { count: input.good.length, load: (i) => viewPixels(input.good[i]!, view) },
    ...(anomalous.length > 0 ? { anomalous: { count: anomalous.length, load: (i: number) => viewPixels(anomalous[i]!, view) } } : {}),
    ...(input.threads ? { threads: input.threads } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
  const trainingSeconds = (performance.now() - started) / 1000;
  const metadata: AnomalyMetadata = {
    format: 1,
    useCase: 'ANOMALY_DETECTION',
    backbone: backboneId,
    input: { ...built.spec.input, ...view },
    view,
    threshold: trained.goodOnly.threshold,
    thresholdSource: 'good-only',
    heldOutFalseRejectRate: trained.goodOnly.falseRejectRate,
    normalMedian: trained.normalMedian,
    outputs: { score: PATCH_NAMES.score, map: PATCH_NAMES.map },
    featureMaps: trained.maps,
    bankSize: trained.bankSize,
  };
  await mkdir(input.outputDir, { recursive: true });
  const modelPath = join(input.outputDir, ANOMALY_MODEL_FILE);
  await writeModel(modelPath, trained, metadata);

  // What you evaluate is what you ship: the test set goes through the written file.
  const model = await loadAnomalyModel(modelPath, input.threads ? { threads: input.threads } : {});
  const results: AnomalyImageResult[] = [];
  await mkdir(join(input.outputDir, ANOMALY_HEATMAP_FOLDER), { recursive: true });
  const pixelScores: number[] = [];
  const pixelLabels: boolean[] = [];
  try {
    const test = input.test ?? [];
    for (const [i, item] of test.entries()) {
      input.signal?.throwIfAborted();
      const analysis = await model.analyzePixels(await viewPixels(item.path, view));
      // The heat map the test results show, coloured against the threshold training set.
      const heatMap = `${ANOMALY_HEATMAP_FOLDER}/${i}.png`;
      await writeAtomically(
        join(input.outputDir, heatMap),
        await encodeHeatMapPng({ map: analysis.map, width: view.width, height: view.height, low: metadata.normalMedian, threshold: metadata.threshold }),
      );
      results.push({ path: item.path, ...(item.sourceRef ? { sourceRef: item.sourceRef } : {}), anomalous: item.anomalous, score: analysis.score, predictedAnomalous: false, heatMap });
      if (item.mask || !item.anomalous) {
        // Pixel AUROC on the view's grid, every 3rd pixel (a mask's share is what counts, not its resolution).
        const mask = item.mask ? await viewPixels(item.mask, view) : undefined;
        for (let p = 0; p < analysis.map.length; p += 3) {
          pixelScores.push(analysis.map[p]!);
          pixelLabels.push(mask ? isMaskedPixel(mask.data, p, item.maskBackground ?? [0, 0, 0]) : false);
        }
      }
      input.onProgress?.({ phase: 'testing', done: i + 1, total: test.length });
    }
  } finally {
    await model.close();
  }
  const scores = results.map((r) => r.score);
  const labels = results.map((r) => r.anomalous);
  const hasBoth = labels.some(Boolean) && labels.some((l) => !l);
  if (input.thresholdSource === 'best-f1' && hasBoth) {
    const good = scores.filter((_, i) => !labels[i]);
    const bad = scores.filter((_, i) => labels[i]);
    metadata.threshold = bestF1AnomalyThreshold(good, bad).threshold;
    metadata.thresholdSource = 'best-f1';
    metadata.heldOutFalseRejectRate = trained.heldOutGoodScores.filter((s) => s >= metadata.threshold).length / trained.heldOutGoodScores.length;
    await writeModel(modelPath, trained, metadata);
  }
  for (const result of results) result.predictedAnomalous = result.score >= metadata.threshold;
  const at = hasBoth ? prfAt(scores, labels, metadata.threshold) : undefined;
  const evaluation: AnomalyEvaluation = {
    threshold: metadata.threshold,
    thresholdSource: metadata.thresholdSource,
    heldOutFalseRejectRate: metadata.heldOutFalseRejectRate,
    imageAuroc: hasBoth ? auroc(scores, labels) : null,
    f1: at?.f1 ?? null,
    precision: at?.precision ?? null,
    recall: at?.recall ?? null,
    pixelAuroc: pixelLabels.some(Boolean) ? auroc(pixelScores, pixelLabels) : null,
    trainingImages: input.good.length + anomalous.length,
    testImages: results.length,
    trainingSeconds,
    validation: trained.candidates.map((c) => ({ featureMaps: c.maps, auroc: c.validationAuroc })),
    results,
  };
  await writeAtomically(join(input.outputDir, ANOMALY_EVALUATION_FILE), `${JSON.stringify(evaluation, null, 2)}\n`);
  await writeAtomically(
    join(input.outputDir, ANOMALY_MANIFEST_FILE),
    results.map((r) => JSON.stringify({ 'source-ref': r.sourceRef ?? r.path, 'anomaly-label': r.anomalous ? 1 : 0, 'anomaly-label-detected': r.predictedAnomalous ? 1 : 0, 'anomaly-score': r.score, ...(r.heatMap ? { 'anomaly-heatmap-ref': r.heatMap } : {}) })).join('\n') + (results.length ? '\n' : ''),
  );
  return { modelPath, metadata, evaluation };
}

function isMaskedPixel(rgb: Uint8Array, p: number, background: [number, number, number]): boolean {
  return Math.max(Math.abs(rgb[p * 3]! - background[0]), Math.abs(rgb[p * 3 + 1]! - background[1]), Math.abs(rgb[p * 3 + 2]! - background[2])) > MASK_TOLERANCE;
}

async function writeModel(path: string, trained: AnomalyTrainResult, metadata: AnomalyMetadata): Promise<void> {
  await writeAtomically(path, encodeModel({ ...trained.model, metadata: { ...trained.model.metadata, [METADATA_KEY]: JSON.stringify(metadata) } }));
}

/** What an anomaly model says about one image. */
export interface AnomalyAnalysis {
  /** The image score (distance units of the model; compare with `threshold`). */
  score: number;
  threshold: number;
  isAnomalous: boolean;
  /** How sure the verdict is, 0.5–1: how far the score sits from the threshold, on the scale of normal scores. */
  confidence: number;
  /** The anomaly map on the view's grid, row-major [view.height, view.width]. */
  map: Float32Array;
  view: { width: number; height: number };
}

export interface LoadedAnomalyModel {
  metadata: AnomalyMetadata;
  analyze(image: string | Buffer): Promise<AnomalyAnalysis>;
  analyzePixels(pixels: RgbPixels): Promise<AnomalyAnalysis>;
  close(): Promise<void>;
}

/** The anomaly model's metadata, or undefined when the file is another kind of Loupe model. */
export async function readAnomalyMetadata(path: string): Promise<AnomalyMetadata | undefined> {
  const raw = (await describeModel(path)).metadata[METADATA_KEY];
  if (!raw) throw new ServiceError('InvalidParameterException', `${path} is not a Loupe model.`);
  const metadata = JSON.parse(raw) as { useCase?: string };
  return metadata.useCase === 'ANOMALY_DETECTION' ? (metadata as AnomalyMetadata) : undefined;
}

export async function loadAnomalyModel(path: string, options: { threads?: number } = {}): Promise<LoadedAnomalyModel> {
  const metadata = await readAnomalyMetadata(path);
  if (!metadata) throw new ServiceError('InvalidParameterException', `${path} is not an anomaly model.`);
  const { session } = await createSession(path, { ...(options.threads ? { threads: options.threads } : {}), name: path });
  const spec = { input: metadata.input } as ModelSpec;
  const analyzePixels = async (pixels: RgbPixels) => scoreWith(session, metadata, toModelBatch([pixels], spec));
  return {
    metadata,
    analyzePixels,
    analyze: async (image) => analyzePixels(await viewPixels(image, metadata.view)),
    close: () => session.release(),
  };
}

async function scoreWith(session: OrtSession, metadata: AnomalyMetadata, batch: { data: Float32Array; dims: number[] }): Promise<AnomalyAnalysis> {
  const out = await session.run({ [metadata.input.name]: batch }, { outputs: [metadata.outputs.score, metadata.outputs.map] });
  const score = (out[metadata.outputs.score]!.data as Float32Array)[0]!;
  return { ...verdictOf(metadata, score), map: out[metadata.outputs.map]!.data as Float32Array, view: metadata.view };
}

/** The verdict for an image score: anomalous at or above the threshold, and how sure, on the scale of normal scores. */
export function verdictOf(metadata: Pick<AnomalyMetadata, 'threshold' | 'normalMedian'>, score: number): { score: number; threshold: number; isAnomalous: boolean; confidence: number } {
  const threshold = metadata.threshold;
  const scale = Math.max(threshold - metadata.normalMedian, 1e-6);
  const confidence = 0.5 + 0.5 * Math.min(1, Math.abs(score - threshold) / scale);
  return { score, threshold, isAnomalous: score >= threshold, confidence };
}

/** The labels an anomaly model answers with, as Lookout for Vision's manifests name its classes. */
export const ANOMALY_LABELS = ['anomaly', 'normal'] as const;

/**
 * How the engine analyses an image with an anomaly model on its inference units (the same units
 * and queue as every other model): decoded and stretched to the model's view here, the score and
 * the map from the unit, the verdict at the model's threshold.
 */
export function anomalyAnalysis(metadata: AnomalyMetadata, units: Pick<InferenceUnits, 'run'>): LoadedModel['analyze'] {
  return async (image, size) => {
    const pixels = await viewPixels(image, metadata.view);
    let probe = size;
    if (!probe) {
      const header = await probeImageHeader(image);
      probe = header.ok ? { width: header.width, height: header.height } : metadata.view;
    }
    const out = await units.run(pixels);
    const map = out.extra?.[0];
    if (!map) throw new Error('the anomaly model gave no map');
    return {
      width: probe.width,
      height: probe.height,
      anomaly: { ...verdictOf(metadata, out.data[0]!), normalMedian: metadata.normalMedian, map: map.data, mapWidth: metadata.view.width, mapHeight: metadata.view.height },
    };
  };
}

/** What the engine's load needs to open units on an anomaly model file. */
export function anomalyUnitOutputs(metadata: AnomalyMetadata): { input: ModelSpec['input']; output: string; extraOutputs: string[] } {
  return { input: metadata.input, output: metadata.outputs.score, extraOutputs: [metadata.outputs.map] };
}
