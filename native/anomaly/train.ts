/**
 * Training a good-only anomaly model (PatchCore): embed the good images into patch features (one
 * backbone pass gives every candidate layer set), pick a greedy coreset of the patches as the memory
 * bank, and measure on held-out images:
 *
 * - the candidate layer set is the one that best separates held-out good images from the same
 *   images with a synthetic defect (or from the labelled anomalies, when the training data has
 *   some): more of them caught at the held-out good-only threshold, then the higher AUROC
 *   (betterCandidate); a tie keeps the cheaper, coarser set. (Measured and left out: the stride-8
 *   map alone as a third set — drawn defects preferred it on kolektorsdd's native view, 0.756
 *   against 0.722, while its test image AUROC was 0.749 against the middle map's 0.822, and bsdata's
 *   0.870 against 0.873; and each set standardised per channel against the good patches, folded into
 *   the projection — on bsdata's whole view it separated drawn defects at AUROC 0.80 against 0.90.
 *   Each also cost a full held-out scoring pass.)
 * - the image score is a candidate too, judged the same way on the same held-out scores: PatchCore's
 *   re-weighted worst patch, or the mean of the worst 0.5 % or 2 % of the patches (a crack or a
 *   scratch raises many patches, an odd normal patch one; on kolektorsdd's native view, learnt from
 *   64 of the good images, the top-0.5 % mean lifted image AUROC 0.649 → 0.788 and F1 at the
 *   good-only threshold 0.073 → 0.651; learnt from all 100, the top-12 mean chosen gave 0.733 and 0);
 * - the threshold comes from the held-out good scores (goodOnlyThreshold).
 *
 * - the bank size is a candidate too: BANK's, or a larger one (LARGER_BANKS) where analysis can
 *   afford it (MAX_BANK_WORK), judged the same way; the larger bank is the smaller one's rows and
 *   more (greedy picks come in order), so its held-out scores search its extra rows alone
 *   (scoreImagesGrown);
 * - where asked (`place: true`), the patch's place (PLACE_SPREADS): on the chosen layer set and bank
 *   size, the same patches with their place in the view appended, so that a patch is compared with
 *   the good patches near the same place; judged the same way, after the others (one more scoring
 *   pass), and kept only where it separates better;
 * - the patch scores standardised per place (PLACE_STANDARD_MIN_IMAGES): each cell's score against
 *   the held-out good images' scores at that cell, z = (s − mean) / spread, the image score the
 *   highest z or the mean of the highest; a place where good parts vary (an edge, a groove) then
 *   counts less than one where they never do. Computed from the held-out patch scores every
 *   candidate above already has (each good image standardised without itself, a drawn defect
 *   without its good source): no further scoring pass;
 * - validation ranks the candidates only where it separates at all (INFORMATIVE_SIGMAS).
 *
 * Held out in folds (FOLDS): each fold's patches get their own greedy coreset and the bank is their
 * union, so an image held out against the bank without its fold's rows meets a bank selected
 * exactly as the shipped one is, from the other images. (Held out against one coreset of all the
 * images, an image's rare patches lost the rows that covered them while no other rows
 * had been picked near them: held-out good scores ran above fresh good ones and the threshold with
 * them; l4v-cookies' F1 at the good-only threshold went 0.933 → 1.000.) Ten folds rather than five:
 * each held-out bank then has 90 % of the images, nearer the shipped one (bsdata's whole view, test
 * image AUROC 0.841 with five, 0.868 with ten). The coresets per
 * fold also cost a fold's share of one over all the patches.
 *
 * Memory stays bounded at large views: the patches are streamed — each one a bank candidate with
 * the pool's share (at most MAX_POOL per layer set), full patch sets kept only for the held-out
 * images (HELD_OUT_PATCHES; those with a synthetic defect first).
 */
import { buildModel, encodeModel, type OnnxModel } from '../onnx';
import { createSession, type OrtSession } from '../ort';
import type { ModelSpec, RgbPixels } from '../models';
import { toModelBatch } from '../models';
import { pruneModel } from '../detect';
import { createRandom, deriveSeed } from '../train';
import { gatherRows, greedyCoreset, randomProjection } from './coreset';
import { candidateMaps } from './layers';
import { buildAnomalyGraph, buildFeatureGraph, buildNeighbourGraph, buildScoringGraph, PATCH_NAMES, REWEIGHT_NEIGHBOURS, type Bank, type FeatureLayers, type ImageScore, type PlaceStandard } from './patchGraph';
import { withLikeRealDefect } from './synthetic';
import { auroc, aurocStandardError, bestF1AnomalyThreshold, goodOnlyThreshold, quantileOf, type GoodOnlyThreshold } from './threshold';

/** Patch features are projected to this many dimensions (distances kept within a few percent), the patch's place included. */
export const PATCH_DIMS = 128;
/**
 * The place candidate's weight, in units of the good patches' spread (the root-mean-square distance
 * of an image's patch features from their mean): a patch's place in the view (x, y in 0–1) times
 * this weight ends its features, so that on aligned parts a patch is compared with the good patches
 * found near the same place (a texture normal at one edge is an anomaly in the middle), and nothing
 * changes where the parts move (validation then keeps the weight 0). Measured first with fixed
 * weights on every candidate (test image AUROC): kolektorsdd 0.822 → 0.851 / 0.835 / 0.751 at
 * about 1 / 3.5 / 10 spreads of its native view; bsdata 0.845 → 0.846 / 0.867 at about 4 / 1.4
 * spreads of its whole view (at 0.5 its native view was chosen, 0.775). As the validated candidate:
 * bsdata chose it (image AUROC 0.860, F1 at the good-only threshold 0.278 → 0.669); kolektorsdd and
 * l4v-cookies did not (their drawn defects separate no better with it). Since the per-place scores
 * (PLACE_SPREAD_CAP) it is tried only where asked (`place: true`): with them, on two training seeds,
 * it was chosen once (bsdata, seed 2: 0.896 / 0.779 against 0.885 / 0.778 without, at the native
 * view's 4.5× analysis time), changed nothing in the three other runs, and cost one more held-out
 * scoring pass a view (bsdata 80.6 → 71.8 s, kolektorsdd 63.7 → 58.2 s).
 */
export const PLACE_SPREADS = 2;
/** Where a held-out image's own bank rows are moved (no patch feature comes near). */
const FAR = 1e4;
const EMBED_BATCH = 4;
/** At most this many patches enter the coreset selection (a seeded random subset beyond it). */
const MAX_POOL = 30_000;
/** The bank: 5 % of the patches seen, between 1,000 and 2,500 rows (analysis time grows with it). */
const BANK = { share: 0.05, min: 1000, max: 2500 };
/**
 * The larger bank candidates, as multiples of BANK's size (a closer cover of the normal patches:
 * lower scores for good images and for defects alike; validation says whether it separates them
 * better). Offered only where the pool has the rows and a view's patches × bank rows stay within
 * MAX_BANK_WORK (the distance matrix analysis computes: at 10 M, about 2.6 GFLOP an image).
 */
const LARGER_BANKS = [2];
const MAX_BANK_WORK = 10_000_000;
const MAX_SYNTHETIC = 32;
/** Good images are held out in this many folds (fewer with fewer images). */
const FOLDS = 10;
/** Held-out scoring keeps its patch-to-bank distance matrix within this many values (80 MB). */
const MAX_DISTANCES = 20_000_000;
/**
 * The held-out images' full patch sets are kept up to this many rows over all candidate layer sets
 * (about 300 MB at 128 dimensions): every good image at the whole-image view of a few hundred
 * images, a few dozen at a native-resolution view (each one of those has ~10,000 patches).
 */
const HELD_OUT_PATCHES = 600_000;
/** The other image-score candidates: the mean of the worst 0.5 % or 2 % of a view's patches (at least TOP_MIN). */
const TOP_SHARES = [0.005, 0.02];
const TOP_MIN = 3;
/**
 * Validation ranks candidates only where it separates its anomalies from the held-out good images
 * at all: the best candidate's AUROC must stand this many standard errors above chance (0.5).
 * (A fixed floor of 0.85 suited bold drawn defects; defects drawn like real ones are subtler, and on
 * kolektorsdd the native view's 0.72 against the whole view's 0.56 is a real lead, not noise.)
 */
export const INFORMATIVE_SIGMAS = 2;
/**
 * Per-place standardisation is a candidate where at least this many good images are held out (the
 * spread at a cell is estimated from their scores there).
 */
const PLACE_STANDARD_MIN_IMAGES = 16;
/**
 * A place's spread counts up to this many times the median place's: where good parts vary most
 * (a part's edge) is also where real defects often lie, and validation's drawn defects, placed
 * anywhere, cannot say so. Measured (test image AUROC / F1 at the good-only threshold, against
 * 0.834 / 0.706 and 0.860 / 0.669 without the candidate): the spread uncapped, kolektorsdd — whose
 * cracks touch the strip's edge — 0.763 / 0.689, bsdata 0.902 / 0.769; the mean alone subtracted
 * (every spread the median), kolektorsdd 0.807 / 0.731; capped at 2, kolektorsdd 0.825 / 0.761,
 * bsdata 0.910 / 0.769, l4v-cookies 0.991 / 0.941 (1.000 / 0.941 without).
 */
export const PLACE_SPREAD_CAP = 2;

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
   * Also put each good image turned by 180° into the bank (default true, where the good images
   * alone do not fill the patch pool): a part or its surroundings seen the other way up is still good.
   */
  turnedViews?: boolean;
  /**
   * Defective copies of good images for validation, given by the caller (drawn on the original
   * image, so that several views see the same defect): `images` item s is good image `sources[s]`
   * with a defect, at the view's size. Without it, defects are drawn here on the view.
   */
  synthetic?: { sources: number[]; images: ImageSource };
  /**
   * true: the chosen layer set and bank size are also tried with the patch's place in the features
   * (PLACE_SPREADS; default: not tried — the per-place scores serve aligned parts at no extra pass).
   */
  place?: boolean;
  /** false: no candidate with the patch scores standardised per place (default: every candidate is also scored so). */
  perPlace?: boolean;
  /** Patch feature dimensions after the projection (default PATCH_DIMS). */
  dims?: number;
  threads?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { phase: string; done: number; total: number }) => void;
}

export interface CandidateResult {
  maps: string[];
  /** The place's weight (0: the patch features alone; else PLACE_SPREADS × the layer set's spread). */
  position: number;
  /** 'max' (PatchCore's re-weighted worst patch) or 'top-<k>-mean'; 'place-z-max' and 'place-z-top-<k>-mean' of the patch scores standardised per place. */
  imageScore: string;
  /** The memory bank's rows. */
  bankSize: number;
  /** AUROC of held-out good images against synthetic (or labelled) anomalies. */
  validationAuroc: number;
  /** The share of those anomalies at or above the good-only threshold of the held-out good scores (the operating point). */
  validationRecall: number;
}

/**
 * How candidates are compared: the one that catches more of the validation anomalies at its own
 * good-only threshold (what F1 at that threshold rewards), by more than `margin`; within it, the
 * higher AUROC by more than `aurocMargin`; otherwise the first (cheaper) one stays.
 */
export function betterCandidate(a: { recall: number; auroc: number }, b: { recall: number; auroc: number }, margin = 0.05, aurocMargin = 0.005): boolean {
  if (Math.abs(b.recall - a.recall) > margin) return b.recall > a.recall;
  return b.auroc > a.auroc + aurocMargin;
}

export interface AnomalyTrainResult {
  /** Image → score [batch], anomaly_map [batch, 1, H, W], patch_scores [batch, P]; metadata is the caller's. */
  model: OnnxModel;
  maps: string[];
  /** How the image score is made from the patch scores. */
  imageScore: ImageScore;
  /** The weight of the patch's place in its features (0: none). */
  position: number;
  candidates: CandidateResult[];
  /** The index of the chosen one in `candidates`. */
  chosenCandidate: number;
  /** Whether validation separated its anomalies well enough (INFORMATIVE_SIGMAS above chance) to rank the candidates fully. */
  informative: boolean;
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
  // Embedded with the place at weight 1 (the last two dimensions); each layer set is scored without
  // it (weight 0), the chosen one also with it (PLACE_SPREADS), the weight applied to copies of the rows.
  const candidates: FeatureLayers[] = sets.map((set, i) => {
    const channels = set.reduce((sum, map) => sum + map.channels, 0);
    return { maps: set.map((map) => map.name), channels, projection: randomProjection(channels, dims - 2, deriveSeed(seed, 10 + i)), dims, position: 1 };
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
    /** Embeds every image of `source`, handing each one's patches per candidate layer set to `visit`. */
    const embed = async (source: ImageSource, phase: string, transform: ((image: RgbPixels, index: number) => RgbPixels) | undefined, visit: (index: number, patches: Float32Array[]) => void): Promise<void> => {
      for (let start = 0; start < source.count; start += EMBED_BATCH) {
        check();
        const indices = Array.from({ length: Math.min(EMBED_BATCH, source.count - start) }, (_, i) => start + i);
        const images = await Promise.all(indices.map(async (i) => (transform ? transform(await source.load(i), i) : source.load(i))));
        const result = await features.run({ [spec.input.name]: toModelBatch(images, viewSpec) });
        const per = candidates.map((_, c) => result[`patches_${c}`]!.data as Float32Array);
        indices.forEach((index, i) => visit(index, per.map((data) => data.slice((i * data.length) / images.length, ((i + 1) * data.length) / images.length))));
        progress({ phase, done: start + indices.length, total: source.count });
      }
    };
    const collect = async (source: ImageSource, phase: string, transform?: (image: RgbPixels, index: number) => RgbPixels): Promise<Float32Array[][]> => {
      const out: Float32Array[][] = candidates.map(() => []);
      await embed(source, phase, transform, (_, patches) => patches.forEach((p, c) => out[c]!.push(p)));
      return out;
    };

    // Good images: every patch is a bank candidate (a seeded pool of at most MAX_POOL per layer set);
    // the full patch sets are kept only for the held-out images scored later (HELD_OUT_PATCHES).
    const random = createRandom(deriveSeed(seed, 1));
    const defectRandom = createRandom(deriveSeed(seed, 2));
    const given = options.synthetic;
    const syntheticSources = given
      ? given.sources.filter((source) => source >= 0 && source < good.count)
      : random.shuffle(Array.from({ length: good.count }, (_, i) => i)).slice(0, Math.min(MAX_SYNTHETIC, good.count));
    // The turned copies: unless the caller leaves them out or the good images alone give every
    // layer set's pool its MAX_POOL patches (then they would only replace some of those: an
    // embedding pass for a little more variety). Decided on the first image.
    let turned = options.turnedViews !== false;
    const pools = candidates.map((_, c) => ({ random: createRandom(deriveSeed(seed, 20 + c)), rows: [] as Float32Array[], origin: [] as number[], turned: [] as boolean[], keepShare: 1, total: 0, spread: 0 }));
    const heldPatches: Map<number, Float32Array>[] = candidates.map(() => new Map());
    let heldImages: Set<number> | undefined;
    const visitBankImage = (bankImage: number, perCandidate: Float32Array[]) => {
      if (!heldImages) {
        // Decided on the first image: as many held-out images as the patch budget allows, those
        // with a synthetic defect first, then the others in a seeded order.
        const rowsPerImage = perCandidate.reduce((sum, patches) => sum + patches.length / dims, 0);
        const count = Math.min(good.count, Math.max(2, Math.floor(HELD_OUT_PATCHES / rowsPerImage)));
        const order = [...syntheticSources, ...createRandom(deriveSeed(seed, 3)).shuffle(Array.from({ length: good.count }, (_, i) => i)).filter((i) => !syntheticSources.includes(i))];
        heldImages = new Set(order.slice(0, count));
        if (perCandidate.every((patches) => (patches.length / dims) * good.count >= MAX_POOL)) turned = false;
        const bankImageCount = turned ? 2 * good.count : good.count;
        perCandidate.forEach((patches, c) => {
          pools[c]!.total = (patches.length / dims) * bankImageCount;
          pools[c]!.keepShare = Math.min(1, MAX_POOL / pools[c]!.total);
          pools[c]!.spread = featureSpread(patches, dims);
        });
      }
      const image = bankImage % good.count;
      perCandidate.forEach((patches, c) => {
        const pool = pools[c]!;
        const count = patches.length / dims;
        for (let p = 0; p < count; p++) {
          if (pool.keepShare === 1 || pool.random.next() < pool.keepShare) {
            pool.rows.push(patches.slice(p * dims, (p + 1) * dims));
            pool.origin.push(image);
            pool.turned.push(bankImage >= good.count);
          }
        }
        if (bankImage < good.count && heldImages!.has(image)) heldPatches[c]!.set(image, patches);
      });
    };
    await embed(good, 'embedding good images', undefined, (i, patches) => visitBankImage(i, patches));
    if (turned) await embed(good, 'embedding turned views', turned180, (i, patches) => visitBankImage(good.count + i, patches));
    const heldList = Array.from({ length: good.count }, (_, i) => i).filter((i) => heldImages!.has(i));
    // Synthetic defects on held-out good images (each scored with its own fold): drawn here on the
    // view, or given by the caller (drawn on the original image, so that every view sees the same defect).
    const syntheticHeld = syntheticSources.filter((source) => heldImages!.has(source));
    const synthetic = options.anomalous && options.anomalous.count > 0
      ? undefined
      : given
        ? await collect({ count: syntheticHeld.length, load: (s) => given.images.load(given.sources.indexOf(syntheticHeld[s]!)) }, 'embedding synthetic defects')
        : await collect({ count: syntheticHeld.length, load: (s) => good.load(syntheticHeld[s]!) }, 'embedding synthetic defects', (image) => withLikeRealDefect(image, defectRandom).image);
    const labelled = options.anomalous && options.anomalous.count > 0 ? await collect(options.anomalous, 'embedding anomalous images') : undefined;

    // Folds: every good image (with its turned copy) belongs to one of `folds`; each fold's patches
    // get their own coreset, the bank is their union, and an image is held out against the bank
    // without its fold's rows — a bank selected exactly as the shipped one is, from images that
    // exclude it. (Held out against one coreset of all the images, an image's rare patches lose
    // the rows that covered them and no other rows were picked near them: its score runs high.)
    const folds = Math.min(FOLDS, good.count);
    const foldOf = new Int32Array(good.count);
    createRandom(deriveSeed(seed, 4)).shuffle(Array.from({ length: good.count }, (_, i) => i)).forEach((image, k) => {
      foldOf[image] = k % folds;
    });

    const syntheticOf = new Map(syntheticHeld.map((source, s) => [source, s]));
    type Result = { layers: number; position: number; topK: number; perPlace?: PlaceStandard; coreset: Bank; held: number[]; anomalies: number[]; validation: number; recall: number; patches: number };
    const results: Result[] = [];
    // One variant — a layer set, the place's weight (0: none), and the bank sizes (default: BANK's
    // and the larger ones) — scored held out with every image score, its results added to `results`.
    // The place says nothing of a turned copy, so a placed variant's pool leaves them out.
    const evaluate = async (v: number, c: number, position: number, onlySize?: number): Promise<void> => {
      check();
      const place = (rows: Float32Array) => withPlaceWeight(rows, dims, position);
      const pooled = pools[c]!;
      const pool = position > 0 ? { ...pooled, rows: pooled.rows.filter((_, i) => !pooled.turned[i]), origin: pooled.origin.filter((_, i) => !pooled.turned[i]) } : pooled;
      const poolRows = new Float32Array(pool.rows.length * dims);
      pool.rows.forEach((row, i) => poolRows.set(row, i * dims));
      place(poolRows);
      const size = Math.min(pool.rows.length, Math.max(BANK.min, Math.min(BANK.max, Math.round(BANK.share * pool.total))));
      const patchCount = heldPatches[c]!.values().next().value!.length / dims;
      // Every image score at once: PatchCore's re-weighted worst patch, and the mean of the worst
      // TOP_SHARE of the patches (an extended defect — a crack, a scratch — raises many patches,
      // an odd normal patch only one).
      const topKs = [...new Set(TOP_SHARES.map((share) => Math.max(TOP_MIN, Math.round(share * patchCount))))];
      const kinds = [0, ...topKs];
      // The larger bank candidate, where the pool has the rows and analysis the time for it.
      const sizes = onlySize !== undefined ? [Math.min(pool.rows.length, onlySize)] : [size, ...LARGER_BANKS.map((scale) => Math.min(pool.rows.length, Math.floor(MAX_BANK_WORK / patchCount), scale * size)).filter((larger) => larger >= 1.5 * size)];
      const largest = sizes[sizes.length - 1]!;
      // Greedy picks come in order: a fold's first k picks are its coreset of k rows, so one
      // selection up to the largest size gives every bank size.
      const foldPicks: { members: Int32Array; picks: Int32Array }[] = [];
      for (let f = 0; f < folds; f++) {
        const members = Int32Array.from(pool.origin.keys()).filter((row) => foldOf[pool.origin[row]!] === f);
        const count = Math.min(members.length, Math.max(REWEIGHT_NEIGHBOURS, Math.round((largest * members.length) / pool.rows.length)));
        foldPicks.push({ members, picks: greedyCoreset(gatherRows(poolRows, dims, members), dims, { size: count, selectionDims: 16, seed: deriveSeed(seed, 30 + v * 64 + f), onProgress: () => check() }) });
      }
      // The smallest bank's patch scores, per fold (and for the labelled anomalies): a larger bank
      // holds its rows and more, so it is scored on its extra rows alone (scoreImagesGrown).
      const known = new Map<number, Float32Array[]>();
      let smallest: Set<number> | undefined;
      for (const bankSize of sizes) {
        const picks: number[] = [];
        for (const { members, picks: ordered } of foldPicks) {
          const count = Math.min(ordered.length, Math.max(REWEIGHT_NEIGHBOURS, Math.round((bankSize * members.length) / pool.rows.length)));
          for (let k = 0; k < count; k++) picks.push(members[ordered[k]!]!);
        }
        const rows = gatherRows(poolRows, dims, picks);
        const rowFold = Int32Array.from(picks, (row) => foldOf[pool.origin[row]!]!);
        const coreset: Bank = { rows, size: picks.length, neighbours: await neighbourTable(neighbourSession, rows, picks.length, dims) };
        const grown = smallest ? picks.flatMap((row, k) => (smallest!.has(row) ? [] : [k])) : undefined;
        smallest ??= new Set(picks);

        // Held out, a fold at a time: its good images (and their synthetic defects) against the bank
        // without the fold's rows — moved far away, so the bank's neighbour table stays valid.
        // Every image score at once (topKs above).
        const held = kinds.map(() => [] as number[]);
        const anomalies = kinds.map(() => [] as number[]);
        // The patch scores behind them, for the per-place candidates: the held-out good images in
        // `held`'s order, the anomalies in `anomalies`' order with the index of their good source
        // among the held-out ones (−1: a labelled anomaly).
        const heldPatchScores: Float32Array[] = [];
        const anomalyPatchScores: Float32Array[] = [];
        const anomalySources: number[] = [];
        progress({ phase: 'scoring held-out images', done: v, total: candidates.length + 1 });
        const score = async (images: Float32Array[], bank: Bank, key: number, keep: Float32Array[]) => {
          if (!grown) {
            const kept: Float32Array[] = [];
            const scores = await scoreImagesBoth(scoring, images, bank, dims, topKs, kept);
            known.set(key, kept);
            keep.push(...kept);
            return scores;
          }
          const extra = gatherRows(bank.rows, dims, grown);
          return scoreImagesGrown(scoring, images, known.get(key)!, { rows: extra, size: grown.length }, bank, dims, topKs, keep);
        };
        for (let f = 0; f < folds; f++) {
          check();
          const goodHere = heldList.filter((i) => foldOf[i] === f);
          if (goodHere.length === 0) continue;
          const without = { ...coreset, rows: Float32Array.from(rows) };
          for (let k = 0; k < rowFold.length; k++) if (rowFold[k] === f) without.rows.fill(FAR, k * dims, (k + 1) * dims);
          const sources = synthetic ? goodHere.flatMap((i, k) => (syntheticOf.has(i) ? [k] : [])) : [];
          const defective = sources.map((k) => synthetic![c]![syntheticOf.get(goodHere[k]!)!]!);
          const patchScores: Float32Array[] = [];
          const scores = await score([...goodHere.map((i) => heldPatches[c]!.get(i)!), ...defective].map((patches) => place(Float32Array.from(patches))), without, f, patchScores);
          kinds.forEach((_, j) => {
            held[j]!.push(...scores[j]!.slice(0, goodHere.length));
            anomalies[j]!.push(...scores[j]!.slice(goodHere.length));
          });
          sources.forEach((k) => anomalySources.push(heldPatchScores.length + k));
          heldPatchScores.push(...patchScores.slice(0, goodHere.length));
          anomalyPatchScores.push(...patchScores.slice(goodHere.length));
        }
        if (labelled) {
          const patchScores: Float32Array[] = [];
          const scores = await score(labelled[c]!.map((patches) => place(Float32Array.from(patches))), coreset, -1, patchScores);
          kinds.forEach((_, j) => anomalies[j]!.push(...scores[j]!));
          anomalyPatchScores.push(...patchScores);
          patchScores.forEach(() => anomalySources.push(-1));
        }
        const judge = (topK: number, h: number[], a: number[], perPlace?: PlaceStandard) => {
          const validation = auroc([...h, ...a], [...h.map(() => false), ...a.map(() => true)]);
          const line = goodOnlyThreshold(h).threshold;
          const recall = a.length === 0 ? 0 : a.filter((score) => score >= line).length / a.length;
          results.push({ layers: c, position, topK, ...(perPlace ? { perPlace } : {}), coreset, held: h, anomalies: a, validation, recall, patches: pool.total });
        };
        kinds.forEach((topK, j) => judge(topK, held[j]!, anomalies[j]!));
        // The same patch scores standardised per place: each held-out good image against the
        // others' statistics (it is not in the shipped model's evidence about itself either), a
        // drawn defect against those without its good source, a labelled anomaly against all.
        if (options.perPlace !== false && heldPatchScores.length >= PLACE_STANDARD_MIN_IMAGES) {
          const sums = placeSums(heldPatchScores);
          const all = placeStandard(sums);
          const without = heldPatchScores.map((scores) => placeStandard(sums, scores));
          const heldZ = heldPatchScores.map((scores, i) => standardised(scores, without[i]!));
          const anomalyZ = anomalyPatchScores.map((scores, k) => standardised(scores, anomalySources[k]! >= 0 ? without[anomalySources[k]!]! : all));
          const imageScore = (topK: number) => (z: Float32Array) => (topK === 0 ? z.reduce((a, b) => Math.max(a, b), -Infinity) : topMeans(z, [topK])[0]!);
          kinds.forEach((topK) => judge(topK, heldZ.map(imageScore(topK)), anomalyZ.map(imageScore(topK)), all));
        }
      }
    };

    // The coarser set and the worst patch unless another candidate separates clearly better. When
    // no candidate separates the validation anomalies from chance (INFORMATIVE_SIGMAS) their
    // ranking is noise: only PatchCore's own image score, the layer sets by AUROC alone.
    const choose = (): { chosen: number; informative: boolean } => {
      const top = results.reduce((a, b) => (b.validation > a.validation ? b : a));
      const informative = top.validation - 0.5 > INFORMATIVE_SIGMAS * aurocStandardError(top.validation, top.anomalies.length, top.held.length);
      let chosen = 0;
      for (let c = 1; c < results.length; c++) {
        const r = results[c]!;
        const current = results[chosen]!;
        if (informative ? betterCandidate({ recall: current.recall, auroc: current.validation }, { recall: r.recall, auroc: r.validation }) : r.topK === 0 && r.position === 0 && !r.perPlace && r.validation > current.validation + 0.005) chosen = c;
      }
      return { chosen, informative };
    };
    for (let c = 0; c < candidates.length; c++) await evaluate(c, c, 0);
    // Then the place, on the chosen layer set at the chosen bank size (every image score again): it
    // must beat the choice as any candidate must (betterCandidate), and costs one more scoring pass.
    if (options.place === true) {
      const first = results[choose().chosen]!;
      await evaluate(candidates.length, first.layers, PLACE_SPREADS * pools[first.layers]!.spread, first.coreset.size);
    }
    const { chosen, informative } = choose();
    const best = results[chosen]!;
    const goodOnly = goodOnlyThreshold(best.held);
    const sortedHeld = [...best.held].sort((a, b) => a - b);
    const layers: FeatureLayers = { ...candidates[best.layers]!, position: best.position };
    const model = pruneModel(buildModel(buildAnomalyGraph(options.backbone, spec.input.name, spec.input.layout, layers, best.coreset, { ...(best.topK > 0 ? { topK: best.topK } : {}), ...(best.perPlace ? { perPlace: best.perPlace } : {}) })));
    const perPlace = best.perPlace ? { perPlace: true } : {};
    return {
      model,
      maps: layers.maps,
      imageScore: best.topK > 0 ? { kind: 'top-mean', topK: best.topK, ...perPlace } : { kind: 'max', ...perPlace },
      position: best.position,
      candidates: results.map((r) => ({ maps: candidates[r.layers]!.maps, position: r.position, imageScore: `${r.perPlace ? 'place-z-' : ''}${r.topK > 0 ? `top-${r.topK}-mean` : 'max'}`, bankSize: r.coreset.size, validationAuroc: r.validation, validationRecall: r.recall })),
      chosenCandidate: chosen,
      informative,
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

/**
 * Image scores of per-image patches against a bank, [kind][image]: first the graph's (PatchCore's
 * re-weighted worst patch), then for each of `topKs` the mean of that many highest patch scores
 * (what the graph computes when a model is built with `{ topK }`).
 */
export async function scoreImagesBoth(session: OrtSession, images: Float32Array[], bank: Bank, dims: number, topKs: readonly number[], keep?: Float32Array[]): Promise<number[][]> {
  const out = [[], ...topKs.map(() => [])] as number[][];
  if (images.length === 0) return out;
  const perImage = images[0]!.length;
  // The distance matrix [batch, P, K] stays within MAX_DISTANCES values.
  const batch = Math.max(1, Math.min(8, Math.floor(MAX_DISTANCES / ((perImage / dims) * bank.size))));
  const neighbours = BigInt64Array.from(bank.neighbours, (i) => BigInt(i));
  for (let start = 0; start < images.length; start += batch) {
    const part = images.slice(start, start + batch);
    const data = new Float32Array(part.length * perImage);
    part.forEach((image, i) => data.set(image, i * perImage));
    const result = await session.run({
      patches: { data, dims: [part.length, perImage / dims, dims] },
      bank: { data: bank.rows, dims: [bank.size, dims] },
      neighbours: { data: neighbours, dims: [bank.size, REWEIGHT_NEIGHBOURS] },
    }, { outputs: [PATCH_NAMES.score, PATCH_NAMES.patchScores] });
    out[0]!.push(...(result[PATCH_NAMES.score]!.data as Float32Array));
    const patchScores = result[PATCH_NAMES.patchScores]!.data as Float32Array;
    const count = patchScores.length / part.length;
    for (let i = 0; i < part.length; i++) {
      const own = patchScores.slice(i * count, (i + 1) * count);
      keep?.push(own);
      topMeans(own, topKs).forEach((mean, j) => out[j + 1]!.push(mean));
    }
  }
  return out;
}

/** The mean of the topK highest patch scores, for each of `topKs`. */
function topMeans(patchScores: Float32Array, topKs: readonly number[]): number[] {
  const sorted = Float32Array.from(patchScores).sort();
  const count = sorted.length;
  return topKs.map((topK) => {
    let sum = 0;
    for (let k = 0; k < topK; k++) sum += sorted[count - 1 - k]!;
    return sum / topK;
  });
}

/**
 * scoreImagesBoth's scores against a bank grown from a smaller one by `extra` rows, given the patch
 * scores against the smaller bank (`known`, kept by scoreImagesBoth): only the extra rows are
 * searched (a patch's distance to the grown bank is the smaller of the two), and PatchCore's
 * re-weighting of the worst patch is done here against `bank` (the grown bank: its rows and
 * neighbour table). A larger bank candidate then costs its extra rows alone.
 */
export async function scoreImagesGrown(session: OrtSession, images: Float32Array[], known: readonly Float32Array[], extra: { rows: Float32Array; size: number }, bank: Bank, dims: number, topKs: readonly number[], keep?: Float32Array[]): Promise<number[][]> {
  const out = [[], ...topKs.map(() => [])] as number[][];
  if (images.length === 0) return out;
  const found: Float32Array[] = [];
  // The scoring graph's image score is not used here: any valid neighbour table will do.
  await scoreImagesBoth(session, images, { rows: extra.rows, size: extra.size, neighbours: new Int32Array(extra.size * REWEIGHT_NEIGHBOURS) }, dims, [], found);
  images.forEach((image, i) => {
    const scores = Float32Array.from(known[i]!, (s, p) => Math.min(s, found[i]![p]!));
    keep?.push(scores);
    let worst = 0;
    for (let p = 1; p < scores.length; p++) if (scores[p]! > scores[worst]!) worst = p;
    const patch = image.subarray(worst * dims, (worst + 1) * dims);
    const distance = (row: number) => {
      let sum = 0;
      for (let j = 0; j < dims; j++) sum += (patch[j]! - bank.rows[row * dims + j]!) ** 2;
      return Math.sqrt(sum);
    };
    let nearest = 0;
    let nearestDistance = Infinity;
    for (let k = 0; k < bank.size; k++) {
      const d = distance(k);
      if (d < nearestDistance) {
        nearest = k;
        nearestDistance = d;
      }
    }
    // (1 − softmax over m*'s neighbourhood of the distances, at m*) · the worst patch score (PatchCore eq. 7).
    const support = Array.from(bank.neighbours.subarray(nearest * REWEIGHT_NEIGHBOURS, (nearest + 1) * REWEIGHT_NEIGHBOURS), distance);
    const top = Math.max(...support);
    const exps = support.map((d) => Math.exp(d - top));
    out[0]!.push((1 - exps[0]! / exps.reduce((a, b) => a + b, 0)) * scores[worst]!);
    topMeans(scores, topKs).forEach((mean, j) => out[j + 1]!.push(mean));
  });
  return out;
}

/** Per-cell sums of good images' patch scores (each [P], one view): what placeStandard reads. */
export interface PlaceSums {
  count: number;
  sum: Float64Array;
  squares: Float64Array;
}

export function placeSums(images: readonly Float32Array[]): PlaceSums {
  const cells = images[0]!.length;
  const sum = new Float64Array(cells);
  const squares = new Float64Array(cells);
  for (const scores of images) {
    if (scores.length !== cells) throw new RangeError(`patch scores of ${scores.length} cells among images of ${cells}`);
    for (let p = 0; p < cells; p++) {
      sum[p]! += scores[p]!;
      squares[p]! += scores[p]! * scores[p]!;
    }
  }
  return { count: images.length, sum, squares };
}

/**
 * Each cell's mean good score and spread (standard deviation), the spread kept between the median
 * cell's and PLACE_SPREAD_CAP times it: standardising is there to discount the places where good
 * parts vary, not to magnify the few where they happen not to, nor to silence any place.
 * `without`: one image's scores left out of the sums.
 */
export function placeStandard(sums: PlaceSums, without?: Float32Array): PlaceStandard {
  const count = sums.count - (without ? 1 : 0);
  if (count < 2) throw new RangeError('a per-place standard needs at least 2 good images');
  const cells = sums.sum.length;
  const mean = new Float32Array(cells);
  const spread = new Float32Array(cells);
  for (let p = 0; p < cells; p++) {
    const own = without ? without[p]! : 0;
    const m = (sums.sum[p]! - own) / count;
    mean[p] = m;
    spread[p] = Math.sqrt(Math.max(0, (sums.squares[p]! - own * own) / count - m * m));
  }
  const floor = Math.max(1e-6, quantileOf(Array.from(spread).sort((a, b) => a - b), 0.5));
  return { mean, scale: spread.map((s) => Math.min(PLACE_SPREAD_CAP * floor, Math.max(s, floor))) };
}

/** Patch scores standardised per place: (s − mean) / scale at each cell. */
export function standardised(scores: Float32Array, standard: PlaceStandard): Float32Array {
  return scores.map((s, p) => (s - standard.mean[p]!) / standard.scale[p]!);
}

/**
 * The spread of one image's patch features: the root-mean-square distance of its rows [P, dims]
 * from their mean, over all but the last two dimensions (the place).
 */
export function featureSpread(patches: Float32Array, dims: number): number {
  const count = patches.length / dims;
  const features = dims - 2;
  const mean = new Float64Array(features);
  for (let p = 0; p < count; p++) for (let j = 0; j < features; j++) mean[j]! += patches[p * dims + j]!;
  for (let j = 0; j < features; j++) mean[j]! /= count;
  let sum = 0;
  for (let p = 0; p < count; p++) for (let j = 0; j < features; j++) sum += (patches[p * dims + j]! - mean[j]!) ** 2;
  return Math.sqrt(sum / count);
}

/** Rows [N, dims] whose last two dimensions (the place at weight 1) are scaled to `weight`, in place. */
export function withPlaceWeight(rows: Float32Array, dims: number, weight: number): Float32Array {
  if (weight === 1) return rows;
  for (let i = dims - 2; i < rows.length; i += dims) {
    rows[i] = rows[i]! * weight;
    rows[i + 1] = rows[i + 1]! * weight;
  }
  return rows;
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
