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
import { auroc, bestF1AnomalyThreshold, betterCandidate, prfAt, trainAnomalyModel, withLikeRealDefect, PATCH_NAMES, type AnomalyTrainResult } from '../../native/anomaly';
import { readBuiltBackbone, toModelBatch, DEFAULT_BACKBONE_ID, type ModelSpec, type RgbPixels } from '../../native/models';
import { describeModel, decodeModel, encodeModel } from '../../native/onnx';
import { createSession, type OrtSession } from '../../native/ort';
import { decodeForModel, decodeRgb, encodeHeatMapPng, probeImage, probeImageHeader, rgbPng } from '../../native/preprocess';
import { createRandom, deriveSeed } from '../../native/train';
import type { TrainingChoices } from '../../preload/contract';
import { codedError } from '../errors';
import { writeAtomically } from '../files';
import type { LoadedModel } from './engine';
import { onlyAdds } from './earlierChoices';
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
/**
 * The second view candidate, the part at its native resolution: offered when the images' shorter
 * side is at least this many times VIEW_SIDE (below it the whole-image view already is native).
 * The backbone is fully convolutional and the graph takes any size, so the native view is one pass
 * over the whole part — what overlapping tiles at native resolution give, with the anomaly map
 * already whole (no seams to stitch) and the exported graph unchanged.
 */
const NATIVE_MIN_FACTOR = 1.5;
/** The native view's pixels at most (larger parts are shrunk to it): bounds analysis time and memory. */
const NATIVE_MAX_PIXELS = 640 * 1024;
/**
 * The native view learns from at most this many good images (a seeded choice). Fewer cost the
 * bank the normal variation it needs: with 64 of bsdata's 220 good images the native view's test
 * image AUROC was 0.765 (the whole view's 0.851), although validation on the 64 preferred it.
 */
const NATIVE_MAX_IMAGES = 256;
/**
 * The native view costs about four times the whole view's analysis: it must catch more than 5 %
 * more of the validation defects, or have an AUROC higher by more than this — about one standard
 * error of an AUROC over 32 defects and a few dozen held-out images, so that noise does not buy
 * the cost. (On bsdata, a 0.009 lead of the native view on drawn defects came with a test image
 * AUROC of 0.771 against the whole view's 0.851.)
 */
const NATIVE_AUROC_MARGIN = 0.02;
const SYNTHETIC_DEFECTS = 32;
/** The pixel AUROC samples about this many pixels of each test image's map. */
const PIXEL_SAMPLES = 50_000;

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
  /** `patches` only where the model has classes (it names them from the patch features). */
  outputs: { score: string; map: string; patches?: string };
  featureMaps: string[];
  bankSize: number;
  /** How the image score comes from the patch scores (absent in older models: the re-weighted worst patch). */
  imageScore?: AnomalyTrainResult['imageScore'];
  /** The weight of the patch's place in its features (absent in older models, 0 where validation left it out): the last two of each patch's dimensions. */
  placeWeight?: number;
  /** Which view candidate was chosen (absent in older models: the whole image). */
  viewKind?: ViewKind;
  /** What training chose by validation and among which candidates (absent in older models). */
  choices?: TrainingChoices;
  /** The anomaly classes the training masks named (absent when they named none). */
  classes?: AnomalyClass[];
  /** The content hashes of the images it learnt from, sorted (absent where the caller gave none): a retrain can tell it only adds images. */
  trainedOn?: { good: string[]; anomalous: string[] };
}

/**
 * An anomaly class learnt from training masks (Lookout for Vision's `anomaly-mask-ref` and its
 * internal-color-map): its name, its colour ('#RRGGBB') and the mean patch feature of the patches
 * its mask covers; an anomalous patch is named after the nearest one.
 */
export interface AnomalyClass {
  name: string;
  colour: string;
  prototype: number[];
}

/** A training image's mask and the classes its colours stand for. */
export interface AnomalyMask {
  mask: string;
  /** The background colour (default black). */
  maskBackground?: [number, number, number];
  /** The classes by colour (not the background). */
  classes?: { name: string; colour: [number, number, number] }[];
}

/** 'whole': the image stretched to VIEW_SIDE on its shorter side; 'native': at its own resolution. */
export type ViewKind = 'whole' | 'native';

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
  /** The anomalous training images' masks, in the same order (undefined where one has none): their classes are named in analyses. */
  anomalousMasks?: (AnomalyMask | undefined)[];
  test?: AnomalyTestImage[];
  outputDir: string;
  /** Where the built backbones are (dist/models). */
  modelsDir: string;
  backboneId?: string;
  /** Only these view candidates (default: every one that applies; the whole image always does). */
  viewKinds?: ViewKind[];
  /** true: also try the patch's place in the features (default: not tried; train.ts PLACE_SPREADS). */
  place?: boolean;
  /** false: no candidate standardises the patch scores per place (default: validation decides; train.ts PLACE_SPREAD_CAP). */
  perPlace?: boolean;
  /** The content hashes of `good` and `anomalous`, in their order: recorded in the model (`trainedOn`). */
  hashes?: { good: string[]; anomalous: string[] };
  /**
   * The project's newest trained version: where this training only adds a few images to what it
   * learnt from (earlierChoices.ts `onlyAdds`), its view is kept instead of comparing the views again.
   */
  earlier?: { name: string; modelPath: string };
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
  /** The held-out good images' scores (the good-only threshold's evidence; absent in older evaluations). */
  heldOutGoodScores?: number[];
  imageAuroc: number | null;
  f1: number | null;
  precision: number | null;
  recall: number | null;
  pixelAuroc: number | null;
  trainingImages: number;
  testImages: number;
  trainingSeconds: number;
  /** Every candidate (view × layer set) with its validation AUROC (held-out good against synthetic or labelled anomalies). */
  validation: { view: ViewKind; width: number; height: number; featureMaps: string[]; /** The place's weight in the patch features (0: not used). */ placeWeight?: number; imageScore: string; bankSize?: number; /** The good images the candidate learnt from (the native view: at most NATIVE_MAX_IMAGES). */ images?: number; auroc: number; recall: number; seconds: number }[];
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

/**
 * The view candidates for a set of image sizes: always the whole image (viewFor); and, when the
 * images are clearly larger than that, the part at its native resolution (the median shorter side
 * and shape, shrunk to NATIVE_MAX_PIXELS at most), both sides multiples of 32.
 */
export function viewCandidates(sizes: readonly { width: number; height: number }[]): { kind: ViewKind; view: { width: number; height: number } }[] {
  const whole = { kind: 'whole' as const, view: viewFor(sizes) };
  if (sizes.length === 0) return [whole];
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const short = median(sizes.map((size) => Math.min(size.width, size.height)));
  if (short < NATIVE_MIN_FACTOR * VIEW_SIDE) return [whole];
  const ratio = median(sizes.map((size) => size.width / size.height));
  const long = short * Math.max(ratio, 1 / ratio);
  const scale = Math.min(1, Math.sqrt(NATIVE_MAX_PIXELS / (short * long)));
  const round = (value: number) => Math.max(VIEW_STRIDE, Math.round((value * scale) / VIEW_STRIDE) * VIEW_STRIDE);
  const native = ratio >= 1 ? { width: round(long), height: round(short) } : { width: round(short), height: round(long) };
  return [whole, { kind: 'native', view: native }];
}

/** A backbone value's name as a person reads it: its last path segment that numbers a block (`expanded_conv_13`). */
function shortMapName(name: string): string {
  const segments = name.split('/');
  return [...segments].reverse().find((segment) => /[_.]\d+$/.test(segment)) ?? segments[segments.length - 1]!;
}

/**
 * How the candidates are judged with good images only: a seeded set of good images each get one
 * defect drawn like real ones (native/anomaly/synthetic.ts withLikeRealDefect: a thin crack, a few
 * small pits or a texture patch cut from another good image, in the surface's own colour), drawn
 * on the ORIGINAL image so that every view sees the same defect at its own resolution; each
 * candidate scores those against its held-out good images (held out in folds); the candidate
 * that catches more of them at its own good-only threshold (the operating point: what F1 at that
 * threshold rewards), then the one with the higher AUROC, wins (betterCandidate). Small marks
 * vanish when a large part is squeezed to 224 pixels, and that is what the native view is for;
 * when nothing is gained the cheaper whole view stays. (The bold scratches and blocks drawn before
 * ranked the views against what real defects showed: on bsdata's pitting they preferred the native
 * view, test image AUROC 0.768 against the whole view's 0.873.)
 */
async function syntheticDefects(paths: readonly string[], sources: readonly number[], maxSide: number, seed: number): Promise<Buffer[]> {
  const random = createRandom(deriveSeed(seed, 40));
  const out: Buffer[] = [];
  for (const [s, source] of sources.entries()) {
    const image = await decodeRgb(paths[source]!, { maxSide });
    // Texture patches come from another good image (the next source), as CutPaste takes them.
    const donor = sources.length > 1 ? await decodeRgb(paths[sources[(s + 1) % sources.length]!]!, { maxSide }) : image;
    const defective = withLikeRealDefect({ data: image.data, width: image.width, height: image.height }, random, { donor: { data: donor.data, width: donor.width, height: donor.height } }).image;
    out.push(await rgbPng({ data: Buffer.from(defective.data.buffer, defective.data.byteOffset, defective.data.byteLength), width: defective.width, height: defective.height }));
  }
  return out;
}

export async function trainAnomalyVersion(input: AnomalyTrainInput): Promise<TrainedAnomalyModel> {
  const started = performance.now();
  const backboneId = input.backboneId ?? DEFAULT_BACKBONE_ID;
  const built = await readBuiltBackbone(input.modelsDir, backboneId);
  if (!built) throw codedError('InternalServerError', 'BackboneNotBuilt', { id: backboneId, folder: input.modelsDir });
  if (input.good.length < 2) throw codedError('ValidationException', 'AnomalyNeedsNormalImages');
  const probes = await Promise.all(input.good.slice(0, 64).map((path) => probeImage(path)));
  const sizes = probes.flatMap((probe) => (probe.ok ? [{ width: probe.width, height: probe.height }] : []));
  const applicable = viewCandidates(sizes);
  const anomalous = input.anomalous ?? [];
  const hashes = input.hashes && input.hashes.good.length === input.good.length && input.hashes.anomalous.length === anomalous.length ? input.hashes : undefined;
  const reused = input.viewKinds || !hashes ? undefined : await earlierView(input.earlier, hashes, backboneId);
  const kinds = reused ? [reused.viewKind] : input.viewKinds;
  const wanted = applicable.filter((candidate) => !kinds || kinds.includes(candidate.kind));
  const views = wanted.length > 0 ? wanted : applicable.slice(0, 1);
  const backbone = decodeModel(await readFile(built.modelPath));
  const seed = 1;
  // The images each view learns from (all, or a seeded NATIVE_MAX_IMAGES for the native view) and
  // the validation defects, drawn from images every view learns from.
  const order = createRandom(deriveSeed(seed, 41)).shuffle(Array.from({ length: input.good.length }, (_, i) => i));
  const nativeImages = order.slice(0, NATIVE_MAX_IMAGES).sort((a, b) => a - b);
  const sources = order.slice(0, SYNTHETIC_DEFECTS);
  const defects = anomalous.length > 0 ? [] : await syntheticDefects(input.good, sources, 2 * Math.max(...views.flatMap((v) => [v.view.width, v.view.height])), seed);
  type Tried = { kind: ViewKind; view: { width: number; height: number }; trained: AnomalyTrainResult; seconds: number; images: number };
  const trainView = async (kind: ViewKind, view: { width: number; height: number }, images: readonly number[], label: string): Promise<Tried> => {
    const viewStarted = performance.now();
    const report = input.onProgress && label ? (p: { phase: string; done: number; total: number }) => input.onProgress!({ ...p, phase: `${p.phase} (${label})` }) : input.onProgress;
    const trained = await trainAnomalyModel({
      backbone,
      spec: built.spec,
      view,
      seed,
      good: { count: images.length, load: (i) => viewPixels(input.good[images[i]!]!, view) },
      ...(defects.length > 0 ? { synthetic: { sources: sources.map((source) => images.indexOf(source)), images: { count: defects.length, load: (s: number) => viewPixels(defects[s]!, view) } } } : {}),
      // The turned copies double the bank's embedding; at native resolution the pool is full without them.
      ...(kind === 'native' ? { turnedViews: false } : {}),
      ...(input.place === true ? { place: true } : {}),
      ...(input.perPlace === false ? { perPlace: false } : {}),
      ...(anomalous.length > 0 ? { anomalous: { count: anomalous.length, load: (i: number) => viewPixels(anomalous[i]!, view) } } : {}),
      ...(input.threads ? { threads: input.threads } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
      ...(report ? { onProgress: report } : {}),
    });
    return { kind, view, trained, seconds: (performance.now() - viewStarted) / 1000, images: images.length };
  };
  const allImages = input.good.map((_, i) => i);
  const imagesOf = (kind: ViewKind) => (kind === 'native' ? nativeImages : allImages);
  // Each view by its chosen layer set; the costlier native view must do better (betterCandidate).
  // A view whose validation cannot separate the drawn defects well (train.ts INFORMATIVE_SIGMAS) is not trusted with the cost.
  const choose = (candidates: readonly Tried[]): Tried => {
    const judged = (t: Tried) => {
      const c = t.trained.candidates[t.trained.chosenCandidate]!;
      return { recall: c.validationRecall, auroc: c.validationAuroc };
    };
    let best = candidates[0]!;
    for (const t of candidates.slice(1)) if (t.trained.informative && betterCandidate(judged(best), judged(t), 0.05, NATIVE_AUROC_MARGIN)) best = t;
    return best;
  };
  const tried: Tried[] = [];
  for (const [v, { kind, view }] of views.entries()) tried.push(await trainView(kind, view, imagesOf(kind), views.length > 1 ? `view ${v + 1} of ${views.length}` : ''));
  const pick = choose(tried);
  const { trained, view } = pick;
  const validation = tried.flatMap((t) => t.trained.candidates.map((c) => ({ view: t.kind, width: t.view.width, height: t.view.height, featureMaps: c.maps, placeWeight: c.position, imageScore: c.imageScore, bankSize: c.bankSize, images: t.images, auroc: c.validationAuroc, recall: c.validationRecall, seconds: Number(t.seconds.toFixed(2)) })));
  const choices: TrainingChoices = {
    chosen: {
      view: pick.kind,
      width: view.width,
      height: view.height,
      featureMaps: trained.maps.map(shortMapName).join(' + '),
      placeWeight: Number(trained.position.toFixed(3)),
      imageScore: trained.candidates[trained.chosenCandidate]!.imageScore,
      bankSize: trained.bankSize,
      ...(reused ? { reusedFrom: reused.from, addedImages: reused.added } : {}),
    },
    // Each candidate twice: the share of the validation anomalies caught at its good-only threshold, and its AUROC.
    // A kept view: the other views as the earlier version scored them, then this training's.
    candidates: [...(reused?.otherViews ?? []), ...validation.flatMap((c) => {
      const settings = { view: c.view, width: c.width, height: c.height, featureMaps: c.featureMaps.map(shortMapName).join(' + '), placeWeight: Number(c.placeWeight.toFixed(3)), imageScore: c.imageScore, ...(c.bankSize ? { bankSize: c.bankSize } : {}), images: c.images };
      const against = anomalous.length > 0 ? 'labelled-anomalies' : 'synthetic-defects';
      return [
        { settings, metric: `recall-at-good-only-threshold-${against}`, score: Number(c.recall.toFixed(4)), seconds: c.seconds },
        { settings, metric: `auroc-${against}`, score: Number(c.auroc.toFixed(4)), seconds: c.seconds },
      ];
    })],
  };
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
    imageScore: trained.imageScore,
    placeWeight: trained.position,
    viewKind: pick.kind,
    choices,
    ...(hashes ? { trainedOn: { good: [...hashes.good].sort(), anomalous: [...hashes.anomalous].sort() } } : {}),
  };
  await mkdir(input.outputDir, { recursive: true });
  const modelPath = join(input.outputDir, ANOMALY_MODEL_FILE);
  await writeModel(modelPath, trained, metadata);

  const classes = await learnClasses(modelPath, metadata, anomalous, input.anomalousMasks ?? [], input.threads);
  if (classes.length > 0) {
    metadata.classes = classes;
    metadata.outputs.patches = PATCH_NAMES.patches;
    await writeModel(modelPath, trained, metadata);
  }

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
        // Pixel AUROC on the view's grid, every 3rd pixel or fewer (a mask's share is what counts, not its resolution).
        const mask = item.mask ? await viewPixels(item.mask, view) : undefined;
        const step = Math.max(3, Math.floor(analysis.map.length / PIXEL_SAMPLES));
        for (let p = 0; p < analysis.map.length; p += step) {
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
    heldOutGoodScores: trained.heldOutGoodScores.map((s) => Number(s.toFixed(5))),
    imageAuroc: hasBoth ? auroc(scores, labels) : null,
    f1: at?.f1 ?? null,
    precision: at?.precision ?? null,
    recall: at?.recall ?? null,
    pixelAuroc: pixelLabels.some(Boolean) ? auroc(pixelScores, pixelLabels) : null,
    trainingImages: input.good.length + anomalous.length,
    testImages: results.length,
    trainingSeconds,
    validation,
    results,
  };
  await writeAtomically(join(input.outputDir, ANOMALY_EVALUATION_FILE), `${JSON.stringify(evaluation, null, 2)}\n`);
  await writeAtomically(
    join(input.outputDir, ANOMALY_MANIFEST_FILE),
    results.map((r) => JSON.stringify({ 'source-ref': r.sourceRef ?? r.path, 'anomaly-label': r.anomalous ? 1 : 0, 'anomaly-label-detected': r.predictedAnomalous ? 1 : 0, 'anomaly-score': r.score, ...(r.heatMap ? { 'anomaly-heatmap-ref': r.heatMap } : {}) })).join('\n') + (results.length ? '\n' : ''),
  );
  return { modelPath, metadata, evaluation };
}

/**
 * The classes the training masks name, each with the mean patch feature (the written model's
 * `patches`) of the patch cells its colour covers at least a quarter of (the class covering most
 * of a cell claims it). Classes no cell is claimed by are left out.
 */
async function learnClasses(modelPath: string, metadata: AnomalyMetadata, images: readonly string[], masks: readonly (AnomalyMask | undefined)[], threads?: number): Promise<AnomalyClass[]> {
  const named = images.flatMap((image, i) => (masks[i]?.classes?.length ? [{ image, mask: masks[i]! }] : []));
  if (named.length === 0) return [];
  const { session } = await createSession(modelPath, { ...(threads ? { threads } : {}), name: 'anomaly classes' });
  const sums = new Map<string, { colour: [number, number, number]; sum: Float64Array; count: number }>();
  const { width, height } = metadata.view;
  try {
    for (const { image, mask } of named) {
      const out = await session.run({ [metadata.input.name]: toModelBatch([await viewPixels(image, metadata.view)], { input: metadata.input } as ModelSpec) }, { outputs: [PATCH_NAMES.patches] });
      const patches = out[PATCH_NAMES.patches]!;
      const [, count, dims] = patches.dims as [number, number, number];
      const data = patches.data as Float32Array;
      const grid = patchGrid(count, metadata.view);
      const pixels = await viewPixels(mask.mask, metadata.view);
      const classes = mask.classes!;
      const cells = new Map<number, number[]>();
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const k = classOfPixel(pixels.data, y * width + x, mask.maskBackground ?? [0, 0, 0], classes.map((c) => c.colour));
          if (k < 0) continue;
          const cell = Math.min(grid.height - 1, Math.floor((y * grid.height) / height)) * grid.width + Math.min(grid.width - 1, Math.floor((x * grid.width) / width));
          const counts = cells.get(cell) ?? new Array<number>(classes.length).fill(0);
          counts[k]!++;
          cells.set(cell, counts);
        }
      }
      const cellPixels = (width * height) / count;
      for (const [cell, counts] of cells) {
        const k = counts.indexOf(Math.max(...counts));
        if (counts[k]! < cellPixels / 4) continue;
        const { name, colour } = classes[k]!;
        const entry = sums.get(name) ?? { colour, sum: new Float64Array(dims), count: 0 };
        for (let j = 0; j < dims; j++) entry.sum[j]! += data[cell * dims + j]!;
        entry.count++;
        sums.set(name, entry);
      }
    }
  } finally {
    await session.release();
  }
  return [...sums].map(([name, { colour, sum, count }]) => ({
    name,
    colour: `#${colour.map((c) => c.toString(16).padStart(2, '0').toUpperCase()).join('')}`,
    prototype: Array.from(sum, (v) => Number((v / count).toFixed(5))),
  }));
}

/** The patch grid of a view that has `count` patches (the backbone's stride divides both sides). */
export function patchGrid(count: number, view: { width: number; height: number }): { width: number; height: number } {
  const stride = Math.sqrt((view.width * view.height) / count);
  return { width: Math.round(view.width / stride), height: Math.round(view.height / stride) };
}

/** The index of the class colour a mask pixel shows (−1: background or none within MASK_TOLERANCE). */
function classOfPixel(rgb: Uint8Array, p: number, background: [number, number, number], colours: [number, number, number][]): number {
  const distance = (c: [number, number, number]) => Math.max(Math.abs(rgb[p * 3]! - c[0]), Math.abs(rgb[p * 3 + 1]! - c[1]), Math.abs(rgb[p * 3 + 2]! - c[2]));
  let best = -1;
  let bestDistance = Math.min(MASK_TOLERANCE + 1, distance(background));
  colours.forEach((colour, k) => {
    const d = distance(colour);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  });
  return best;
}

/**
 * Each pixel of the view's grid named by its patch's nearest class prototype: class index + 1,
 * row-major [view.height, view.width]. `patches` is the model's [1, P, D] output; with `placed`, the
 * last two dimensions (the patch's place) are left out of the comparison — a class is what a defect
 * looks like, wherever it lies.
 */
export function classMapOf(classes: readonly AnomalyClass[], patches: Float32Array, view: { width: number; height: number }, placed = false): Uint8Array {
  const dims = classes[0]!.prototype.length;
  const compared = placed ? dims - 2 : dims;
  const count = patches.length / dims;
  const grid = patchGrid(count, view);
  const nearest = new Uint8Array(count);
  for (let p = 0; p < count; p++) {
    let best = 0;
    let bestDistance = Infinity;
    classes.forEach((c, k) => {
      let d = 0;
      for (let j = 0; j < compared; j++) d += (patches[p * dims + j]! - c.prototype[j]!) ** 2;
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    });
    nearest[p] = best + 1;
  }
  const out = new Uint8Array(view.width * view.height);
  for (let y = 0; y < view.height; y++) {
    const row = Math.min(grid.height - 1, Math.floor((y * grid.height) / view.height)) * grid.width;
    for (let x = 0; x < view.width; x++) out[y * view.width + x] = nearest[row + Math.min(grid.width - 1, Math.floor((x * grid.width) / view.width))]!;
  }
  return out;
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

/**
 * The view an earlier anomaly model chose, where this training only adds a few images to what it
 * learnt from (its recorded `trainedOn`, the same backbone): with the other views' candidates as it
 * scored them. Undefined otherwise, or where its model file cannot be read.
 */
async function earlierView(
  earlier: AnomalyTrainInput['earlier'],
  hashes: NonNullable<AnomalyTrainInput['hashes']>,
  backboneId: string,
): Promise<{ from: string; viewKind: ViewKind; added: number; otherViews: TrainingChoices['candidates'] } | undefined> {
  if (!earlier) return undefined;
  const metadata = await readAnomalyMetadata(earlier.modelPath).catch(() => undefined);
  if (!metadata?.trainedOn || metadata.backbone !== backboneId) return undefined;
  const images = (on: { good: string[]; anomalous: string[] }) => [
    ...on.good.map((contentHash) => ({ contentHash, labels: ['normal'], boxes: [] })),
    ...on.anomalous.map((contentHash) => ({ contentHash, labels: ['anomaly'], boxes: [] })),
  ];
  if (!onlyAdds(images(metadata.trainedOn), images(hashes))) return undefined;
  const viewKind = metadata.viewKind ?? 'whole';
  return {
    from: earlier.name,
    viewKind,
    added: hashes.good.length + hashes.anomalous.length - metadata.trainedOn.good.length - metadata.trainedOn.anomalous.length,
    otherViews: (metadata.choices?.candidates ?? []).filter((candidate) => candidate.settings.view !== viewKind),
  };
}

/** The anomaly model's metadata, or undefined when the file is another kind of Loupe model. */
export async function readAnomalyMetadata(path: string): Promise<AnomalyMetadata | undefined> {
  const raw = (await describeModel(path)).metadata[METADATA_KEY];
  if (!raw) throw codedError('InvalidParameterException', 'NotALoupeModel', { path });
  const metadata = JSON.parse(raw) as { useCase?: string };
  return metadata.useCase === 'ANOMALY_DETECTION' ? (metadata as AnomalyMetadata) : undefined;
}

export async function loadAnomalyModel(path: string, options: { threads?: number } = {}): Promise<LoadedAnomalyModel> {
  const metadata = await readAnomalyMetadata(path);
  if (!metadata) throw codedError('InvalidParameterException', 'NotAnAnomalyModelFile', { path });
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

/**
 * Which cells of an anomalous image's map its mask marks: those at or above the returned cut,
 * halfway from the threshold to the map's peak, so that the mask outlines the anomaly rather than
 * the blurred surroundings of a coarse patch grid. Where the image score passed the threshold but
 * the smoothed map's peak did not (an image score of the single worst cell, which the map's blur
 * lowers), halfway from the normal parts' median score to the peak instead: an anomalous verdict
 * always marks where it lies.
 */
export function anomalyMaskCut(map: ArrayLike<number>, metadata: Pick<AnomalyMetadata, 'threshold' | 'normalMedian'>): number {
  let peak = -Infinity;
  for (let i = 0; i < map.length; i++) if (map[i]! > peak) peak = map[i]!;
  const floor = peak >= metadata.threshold ? metadata.threshold : Math.min(metadata.normalMedian, peak);
  return floor + 0.5 * (peak - floor);
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
    const verdict = verdictOf(metadata, out.data[0]!);
    const patches = out.extra?.[1];
    const classes = metadata.classes?.length && patches && verdict.isAnomalous
      ? { classes: metadata.classes.map(({ name, colour }) => ({ name, colour })), classMap: classMapOf(metadata.classes, patches.data, metadata.view, (metadata.placeWeight ?? 0) > 0) }
      : {};
    return {
      width: probe.width,
      height: probe.height,
      anomaly: { ...verdict, normalMedian: metadata.normalMedian, map: map.data, mapWidth: metadata.view.width, mapHeight: metadata.view.height, ...classes },
    };
  };
}

/** What the engine's load needs to open units on an anomaly model file. */
export function anomalyUnitOutputs(metadata: AnomalyMetadata): { input: ModelSpec['input']; output: string; extraOutputs: string[] } {
  const patches = metadata.classes?.length && metadata.outputs.patches ? [metadata.outputs.patches] : [];
  return { input: metadata.input, output: metadata.outputs.score, extraOutputs: [metadata.outputs.map, ...patches] };
}
