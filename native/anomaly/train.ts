/**
 * Training a good-only anomaly model (PatchCore): embed the good images into patch features (one
 * backbone pass gives every candidate layer set), pick a greedy coreset of the patches as the memory
 * bank, and measure on held-out images:
 *
 * - the candidate layer set is the one that best separates held-out good images from the same
 *   images with a synthetic defect (or from the labelled anomalies, when the training data has
 *   some); a tie (within 0.005 AUROC) keeps the cheaper, coarser set;
 * - the threshold comes from the held-out good scores (goodOnlyThreshold).
 *
 * Held out without a coreset per fold: leave-one-image-out against the one coreset, the bank rows
 * drawn from the image set aside while it is scored, so no image is scored against its own patches
 * and the bank is otherwise the one that ships. Measured against 4 folds (a quarter of the bank set
 * aside each time) on kolektorsdd: recall at the good-only threshold 0.019 → 0.058, image AUROC
 * 0.624 → 0.662; l4v-cookies unchanged (AUROC 1.000, F1 0.933). One coreset keeps training short.
 */
import { buildModel, encodeModel, type OnnxModel } from '../onnx';
import { createSession, type OrtSession } from '../ort';
import type { ModelSpec, RgbPixels } from '../models';
import { toModelBatch } from '../models';
import { pruneModel } from '../detect';
import { createRandom, deriveSeed } from '../train';
import { gatherRows, greedyCoreset, randomProjection } from './coreset';
import { candidateMaps } from './layers';
import { buildAnomalyGraph, buildFeatureGraph, buildNeighbourGraph, buildScoringGraph, REWEIGHT_NEIGHBOURS, type Bank, type FeatureLayers } from './patchGraph';
import { withSyntheticDefect } from './synthetic';
import { auroc, bestF1AnomalyThreshold, goodOnlyThreshold, quantileOf, type GoodOnlyThreshold } from './threshold';

/** Patch features are projected to this many dimensions (distances kept within a few percent). */
export const PATCH_DIMS = 128;
/** Where a held-out image's own bank rows are moved (no patch feature comes near). */
const FAR = 1e4;
const EMBED_BATCH = 4;
/** At most this many patches enter the coreset selection (a seeded random subset beyond it). */
const MAX_POOL = 30_000;
/** The bank: 5 % of the patches seen, between 1,000 and 2,500 rows (analysis time grows with it). */
const BANK = { share: 0.05, min: 1000, max: 2500 };
const MAX_SYNTHETIC = 32;

export interface ImageSource {
  count: number;
  /** Image `i` as pixels of exactly the view's size. */
  load(index: number): Promise<RgbPixels>;
}

export interface AnomalyTrainOptions {
  backbone: OnnxModel;
  spec: ModelSpec;
  /** The size every image is resized to (multiples of the backbone's largest stride). */
  view: { width: number; height: number };
  good: ImageSource;
  /** Labelled anomalous training images, when there are any. */
  anomalous?: ImageSource;
  /**
   * Also put each good image turned by 180° into the bank (default true): a part or its
   * surroundings seen the other way up is still good.
   */
  turnedViews?: boolean;
  /** Patch feature dimensions after the projection (default PATCH_DIMS). */
  dims?: number;
  threads?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { phase: string; done: number; total: number }) => void;
}

export interface CandidateResult {
  maps: string[];
  /** AUROC of held-out good images against synthetic (or labelled) anomalies. */
  validationAuroc: number;
}

export interface AnomalyTrainResult {
  /** Image → score [batch], anomaly_map [batch, 1, H, W], patch_scores [batch, P]; metadata is the caller's. */
  model: OnnxModel;
  maps: string[];
  candidates: CandidateResult[];
  bankSize: number;
  patchesSeen: number;
  goodOnly: GoodOnlyThreshold;
  /** Scores of the held-out good images (the threshold's evidence). */
  heldOutGoodScores: number[];
  /** The median held-out good score (the confidence scale's zero). */
  normalMedian: number;
  /** With labelled anomalies: their scores and the best-F1 threshold over them and the held-out good. */
  anomalousScores?: number[];
  bestF1?: { threshold: number; f1: number; precision: number; recall: number };
}

export async function trainAnomalyModel(options: AnomalyTrainOptions): Promise<AnomalyTrainResult> {
  const { spec, view, good } = options;
  const seed = options.seed ?? 1;
  const dims = options.dims ?? PATCH_DIMS;
  const threads = options.threads;
  const sessionOptions = (name: string) => ({ ...(threads ? { threads } : {}), name });
  const progress = options.onProgress ?? (() => undefined);
  const check = () => options.signal?.throwIfAborted();
  if (good.count < 2) throw new RangeError('an anomaly model needs at least 2 good images');

  const maps = await candidateMaps(options.backbone, spec, threads);
  const sets = [[maps.middle], ...(maps.finer ? [[maps.finer, maps.middle]] : [])];
  const candidates: FeatureLayers[] = sets.map((set, i) => {
    const channels = set.reduce((sum, map) => sum + map.channels, 0);
    return { maps: set.map((map) => map.name), channels, projection: randomProjection(channels, dims, deriveSeed(seed, 10 + i)), dims };
  });
  const featureModel = pruneModel(buildModel(buildFeatureGraph(options.backbone, spec.input.name, spec.input.layout, candidates)));
  const { session: features } = await createSession(Buffer.from(encodeModel(featureModel)), sessionOptions('anomaly features'));
  const { session: scoring } = await createSession(Buffer.from(encodeModel(buildModel(buildScoringGraph(dims)))), sessionOptions('anomaly scoring'));
  const { session: neighbourSession } = await createSession(
    Buffer.from(encodeModel(buildModel(buildNeighbourGraph(dims, REWEIGHT_NEIGHBOURS)))),
    sessionOptions('anomaly neighbours'),
  );
  try {
    const viewSpec: ModelSpec = { ...spec, input: { ...spec.input, width: view.width, height: view.height } };
    const embed = async (source: ImageSource, phase: string, transform?: (image: RgbPixels, index: number) => RgbPixels): Promise<Float32Array[][]> => {
      const out: Float32Array[][] = candidates.map(() => []);
      for (let start = 0; start < source.count; start += EMBED_BATCH) {
        check();
        const indices = Array.from({ length: Math.min(EMBED_BATCH, source.count - start) }, (_, i) => start + i);
        const images = await Promise.all(indices.map(async (i) => (transform ? transform(await source.load(i), i) : source.load(i))));
        const result = await features.run({ [spec.input.name]: toModelBatch(images, viewSpec) });
        candidates.forEach((_, c) => {
          const data = result[`patches_${c}`]!.data as Float32Array;
          const per = data.length / images.length;
          images.forEach((__, i) => out[c]!.push(data.slice(i * per, (i + 1) * per)));
        });
        progress({ phase, done: start + indices.length, total: source.count });
      }
      return out;
    };

    const goodPatches = await embed(good, 'embedding good images');
    const turned = options.turnedViews === false ? undefined : await embed(good, 'embedding turned views', turned180);
    const random = createRandom(deriveSeed(seed, 1));
    // Synthetic defects on a seeded subset of the good images (each scored with its own fold).
    const syntheticSources = random.shuffle(Array.from({ length: good.count }, (_, i) => i)).slice(0, Math.min(MAX_SYNTHETIC, good.count));
    const defectRandom = createRandom(deriveSeed(seed, 2));
    const synthetic = options.anomalous && options.anomalous.count > 0
      ? undefined
      : await embed({ count: syntheticSources.length, load: (i) => good.load(syntheticSources[i]!) }, 'embedding synthetic defects', (image) => withSyntheticDefect(image, defectRandom));
    const labelled = options.anomalous && options.anomalous.count > 0 ? await embed(options.anomalous, 'embedding anomalous images') : undefined;

    const results: { coreset: Bank; origin: Int32Array; held: number[]; anomalies: number[]; validation: number; patches: number }[] = [];
    for (let c = 0; c < candidates.length; c++) {
      check();
      progress({ phase: 'selecting the memory bank', done: c, total: candidates.length });
      const perImage = goodPatches[c]!;
      // The bank's images: each good image, and (by default) it turned by 180°; bank rows remember their source image.
      const bankImages = turned ? [...perImage, ...turned[c]!] : perImage;
      const patchesPerImage = perImage[0]!.length / dims;
      const total = patchesPerImage * bankImages.length;
      // The selection pool: every patch, or a seeded subset of MAX_POOL.
      const poolRandom = createRandom(deriveSeed(seed, 20 + c));
      const keepShare = Math.min(1, MAX_POOL / total);
      const pool: number[] = [];
      for (let i = 0; i < total; i++) if (keepShare === 1 || poolRandom.next() < keepShare) pool.push(i);
      const poolRows = new Float32Array(pool.length * dims);
      pool.forEach((flat, row) => {
        const image = Math.floor(flat / patchesPerImage);
        const patch = flat % patchesPerImage;
        poolRows.set(bankImages[image]!.subarray(patch * dims, (patch + 1) * dims), row * dims);
      });
      const size = Math.min(pool.length, Math.max(BANK.min, Math.min(BANK.max, Math.round(BANK.share * total))));
      const picks = greedyCoreset(poolRows, dims, { size, selectionDims: 16, seed: deriveSeed(seed, 30 + c), onProgress: () => check() });
      const rows = gatherRows(poolRows, dims, picks);
      const origin = Int32Array.from(picks, (row) => Math.floor(pool[row]! / patchesPerImage) % good.count);
      const coreset: Bank = { rows, size, neighbours: await neighbourTable(neighbourSession, rows, size, dims) };

      // Held out, one image at a time: each good image (and its synthetic defect) against the bank
      // without the rows drawn from it — those rows are moved far away, so the bank's neighbour
      // table stays valid and everything else is the bank that ships.
      const held = new Array<number>(good.count).fill(0);
      const anomalies: number[] = [];
      const syntheticOf = new Map(syntheticSources.map((source, s) => [source, s]));
      for (let i = 0; i < good.count; i++) {
        check();
        const own = Array.from(origin.keys()).filter((k) => origin[k] === i);
        const without = own.length === 0 ? coreset : { ...coreset, rows: Float32Array.from(rows) };
        for (const k of own) without.rows.fill(FAR, k * dims, (k + 1) * dims);
        const s = syntheticOf.get(i);
        const images = synthetic && s !== undefined ? [perImage[i]!, synthetic[c]![s]!] : [perImage[i]!];
        const scores = await scoreImages(scoring, images, without, dims);
        held[i] = scores[0]!;
        if (scores.length > 1) anomalies.push(scores[1]!);
      }
      if (labelled) anomalies.push(...(await scoreImages(scoring, labelled[c]!, coreset, dims)));
      const validation = auroc([...held, ...anomalies], [...held.map(() => false), ...anomalies.map(() => true)]);
      results.push({ coreset, origin, held, anomalies, validation, patches: total });
    }

    // The coarser set unless the finer one separates clearly better.
    let chosen = 0;
    for (let c = 1; c < results.length; c++) if (results[c]!.validation > results[chosen]!.validation + 0.005) chosen = c;
    const best = results[chosen]!;
    const goodOnly = goodOnlyThreshold(best.held);
    const sortedHeld = [...best.held].sort((a, b) => a - b);
    const model = pruneModel(buildModel(buildAnomalyGraph(options.backbone, spec.input.name, spec.input.layout, candidates[chosen]!, best.coreset)));
    return {
      model,
      maps: candidates[chosen]!.maps,
      candidates: results.map((r, c) => ({ maps: candidates[c]!.maps, validationAuroc: r.validation })),
      bankSize: best.coreset.size,
      patchesSeen: best.patches,
      goodOnly,
      heldOutGoodScores: best.held,
      normalMedian: quantileOf(sortedHeld, 0.5),
      ...(labelled ? { anomalousScores: best.anomalies, bestF1: bestF1AnomalyThreshold(best.held, best.anomalies) } : {}),
    };
  } finally {
    await Promise.all([features.release(), scoring.release(), neighbourSession.release()]);
  }
}

/** Each bank row's REWEIGHT_NEIGHBOURS nearest rows (itself first), [size, REWEIGHT_NEIGHBOURS]. */
async function neighbourTable(session: OrtSession, rows: Float32Array, size: number, dims: number): Promise<Int32Array> {
  if (size < REWEIGHT_NEIGHBOURS) throw new RangeError(`a bank of ${size} rows is too small for ${REWEIGHT_NEIGHBOURS} neighbours`);
  const out = new Int32Array(size * REWEIGHT_NEIGHBOURS);
  const chunk = 1024;
  for (let start = 0; start < size; start += chunk) {
    const n = Math.min(chunk, size - start);
    const result = await session.run({
      rows: { data: rows.subarray(start * dims, (start + n) * dims), dims: [n, dims] },
      bank: { data: rows, dims: [size, dims] },
    }, { outputs: ['indices'] });
    const indices = result.indices!.data as BigInt64Array;
    for (let i = 0; i < n; i++) {
      // The row itself first: with duplicate rows TopK may list a twin before it.
      const own = start + i;
      const listed = Array.from(indices.subarray(i * REWEIGHT_NEIGHBOURS, (i + 1) * REWEIGHT_NEIGHBOURS), Number).filter((k) => k !== own);
      out.set([own, ...listed.slice(0, REWEIGHT_NEIGHBOURS - 1)], (start + i) * REWEIGHT_NEIGHBOURS);
    }
  }
  return out;
}

/** Image scores of per-image patches [P·D] against a bank, through the scoring graph. */
export async function scoreImages(session: OrtSession, images: Float32Array[], bank: Bank, dims: number): Promise<number[]> {
  if (images.length === 0) return [];
  const perImage = images[0]!.length;
  const batch = 8;
  const out: number[] = [];
  const neighbours = BigInt64Array.from(bank.neighbours, (i) => BigInt(i));
  for (let start = 0; start < images.length; start += batch) {
    const part = images.slice(start, start + batch);
    const data = new Float32Array(part.length * perImage);
    part.forEach((image, i) => data.set(image, i * perImage));
    const result = await session.run({
      patches: { data, dims: [part.length, perImage / dims, dims] },
      bank: { data: bank.rows, dims: [bank.size, dims] },
      neighbours: { data: neighbours, dims: [bank.size, REWEIGHT_NEIGHBOURS] },
    }, { outputs: ['score'] });
    out.push(...(result.score!.data as Float32Array));
  }
  return out;
}

/** The image turned by 180° (HWC RGB). */
function turned180(image: RgbPixels): RgbPixels {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  const pixels = width * height;
  for (let p = 0; p < pixels; p++) {
    const q = (pixels - 1 - p) * 3;
    out[p * 3] = data[q]!;
    out[p * 3 + 1] = data[q + 1]!;
    out[p * 3 + 2] = data[q + 2]!;
  }
  return { width, height, data: out };
}
