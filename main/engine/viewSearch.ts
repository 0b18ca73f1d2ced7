/**
 * Chooses, by k-fold validation inside the training set, what a classifier's head is trained on:
 * the view of the image (classifierView.ts), for tiles how their features are pooled, which
 * backbone outputs it reads (final embedding, middle layer, or both), whether test-time mirror
 * averaging pays, and (single-label) how classes are weighted. Each candidate is scored by a linear
 * probe (native/train probe) on cached features of the same images; the candidates and their
 * held-out scores are returned for the version's record.
 *
 * Staged, so the search costs about one extra embedding of a subset: every view on at most
 * SELECTION_ROWS images (stratified), then the layers, weights and mirroring on the chosen view.
 * At each stage the standing setting (the whole image stretched, every layer, balanced weights,
 * mirror averaging) is replaced only by a candidate that beats it by more than the noise (`beats`).
 */
import { createRandom, deriveSeed } from '../../native/train';
import { addKernels, linearKernel, probeBetter, probeScore, stratifiedFolds, type ProbeScore } from '../../native/train/probe';
import type { ModelSpec } from '../../native/models';
import type { TrainingChoices } from './modelFile';
import type { PixelView, TileLayout } from './classifierView';
import { viewAtSide, viewName } from './classifierView';

/** The most images the view search embeds each candidate view of. */
export const SELECTION_ROWS = 300;
/** Folds of the search (fewer when a class has fewer images: then one image of it per fold). */
export const SEARCH_FOLDS = 5;

export type ClassWeighting = 'balanced' | 'sqrt' | 'none';

export interface SearchSample {
  /** Index of the label (single-label) or the labels' indices (multi-label). */
  classes: number[];
}

export interface ViewSearchInput {
  kind: 'softmax' | 'sigmoid';
  classes: number;
  samples: readonly SearchSample[];
  spec: ModelSpec;
  views: PixelView[];
  /** Larger input sides to try the chosen view at (classifierView candidateSides), smallest first. */
  sides?: number[];
  /**
   * Features of `rows` (indices into samples) in `view`, mirrored or not: per row, tiles × all
   * outputs side by side (one vector when the view has no tiles).
   */
  embed(view: PixelView, rows: number[], mirror: boolean): Promise<Float32Array[]>;
  seed: number;
  signal?: AbortSignal;
}

export interface ViewChoice {
  view: PixelView;
  pooling: TileLayout['pooling'];
  features: string[];
  mirror: boolean;
  weighting: ClassWeighting;
  choices: TrainingChoices;
  /** The chosen view's and layers' held-out score (macro recall or macro-F1). */
  score: number;
}

/**
 * Rows for the search: every image when there are at most `limit`; else about `limit` of them,
 * each stratum in proportion (seeded), strata of 20 or fewer kept whole so rare classes count.
 */
export function selectionRows(samples: readonly SearchSample[], limit: number, seed: number): number[] {
  if (samples.length <= limit) return samples.map((_, i) => i);
  const strata = strataOf(samples);
  const byStratum = new Map<number, number[]>();
  strata.forEach((s, i) => byStratum.set(s, [...(byStratum.get(s) ?? []), i]));
  const random = createRandom(deriveSeed(seed, 12));
  const rows: number[] = [];
  for (const key of [...byStratum.keys()].sort((a, b) => a - b)) {
    const members = byStratum.get(key)!;
    const share = Math.max(Math.min(members.length, 20), Math.round((members.length * limit) / samples.length));
    rows.push(...random.shuffle([...members]).slice(0, share));
  }
  return rows.sort((a, b) => a - b);
}

/** The stratum of each sample: its class, or (multi-label) its rarest label. */
function strataOf(samples: readonly SearchSample[]): Int32Array {
  const frequency = new Map<number, number>();
  for (const s of samples) for (const c of s.classes) frequency.set(c, (frequency.get(c) ?? 0) + 1);
  return Int32Array.from(samples.map((s) => (s.classes.length === 0 ? -1 : s.classes.reduce((a, b) => (frequency.get(b)! < frequency.get(a)! ? b : a)))));
}

/** Per-class loss weights of a weighting, normalised so the mean sample weight is 1 (softmax). */
export function classWeights(weighting: ClassWeighting, counts: readonly number[]): number[] {
  const rows = counts.reduce((a, b) => a + b, 0);
  const present = counts.filter((c) => c > 0).length;
  const raw = counts.map((count) => (count === 0 || weighting === 'none' ? 1 : weighting === 'balanced' ? rows / (present * count) : Math.sqrt(rows / (present * count))));
  const mean = counts.reduce((sum, count, c) => sum + count * raw[c]!, 0) / Math.max(1, rows);
  return raw.map((w) => w / mean);
}

/**
 * Whether `a` beats `b` by more than the noise of a score measured on `n` images: one standard
 * error of a proportion (at least one image). Settings that stand by default (the whole image, every
 * layer, balanced weights, mirror averaging) are replaced only then: a tie or a hair's difference
 * on a few hundred held-out images is no reason to change what the model sees.
 */
export function beats(a: ProbeScore, b: ProbeScore, n: number): boolean {
  const margin = Math.max(1 / n, Math.sqrt((b.score * (1 - b.score)) / n));
  return a.score > b.score + margin;
}

/** The share of images a probe's out-of-fold predictions get right, from its per-class recalls and the classes' image counts. */
export function accuracyOf(score: Pick<ProbeScore, 'perClass'>, counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  return total === 0 ? 0 : counts.reduce((sum, count, c) => sum + count * (score.perClass[c] ?? 0), 0) / total;
}

/**
 * The class weighting, from each candidate's held-out macro recall and accuracy: among those that
 * keep the largest class's recall (`keepsMajor`; all of them when none does), the candidates whose
 * macro recall is within the noise of the best one's (`beats`, on `n` images) are as good for the
 * rare classes, and of those the one that gets the most images right wins — so the common class is
 * not given up for a macro recall no better than the noise (on a balanced set every weighting is
 * the same and the first, balanced, stands). Ties keep the candidates' order.
 */
export function chooseWeighting<W>(scored: readonly { w: W; score: ProbeScore; accuracy: number; keepsMajor: boolean }[], n: number): W {
  const allowed = scored.filter((s) => s.keepsMajor);
  const pool = allowed.length > 0 ? allowed : [...scored];
  const top = pool.reduce((a, b) => (probeBetter(b.score, a.score) ? b : a));
  const near = pool.filter((s) => s === top || !beats(top.score, s.score, n));
  return near.reduce((a, b) => (b.accuracy > a.accuracy + 1e-9 ? b : a)).w;
}

/** Mean or max over each row's tiles: N vectors of `dims`. */
export function poolTiles(vectors: readonly Float32Array[], dims: number, pooling: TileLayout['pooling']): Float32Array {
  const out = new Float32Array(vectors.length * dims);
  vectors.forEach((vector, row) => {
    const tiles = vector.length / dims;
    for (let d = 0; d < dims; d++) {
      let value = pooling === 'max' ? -Infinity : 0;
      for (let t = 0; t < tiles; t++) {
        const v = vector[t * dims + d]!;
        value = pooling === 'max' ? Math.max(value, v) : value + v / tiles;
      }
      out[row * dims + d] = value;
    }
  });
  return out;
}

/** The block of each backbone output in N × D features, as its own N × dims array. */
function block(features: Float32Array, rows: number, dims: number, offset: number, size: number): Float32Array {
  const out = new Float32Array(rows * size);
  for (let i = 0; i < rows; i++) out.set(features.subarray(i * dims + offset, i * dims + offset + size), i * size);
  return out;
}

/** A candidate's features as probe rows: one per image (pooled), or one per tile (`confident`: the most confident tile answers). */
interface ProbeLayout {
  /** Probe rows per image (per view of it). */
  perImage: number;
}

export async function searchView(input: ViewSearchInput): Promise<ViewChoice | undefined> {
  const { kind, classes: C, samples, spec, seed } = input;
  const outputs = spec.outputs;
  const dims = outputs.reduce((sum, o) => sum + o.size, 0);
  const rows = selectionRows(samples, SELECTION_ROWS, seed);
  const strata = strataOf(rows.map((i) => samples[i]!));
  const counts = new Map<number, number>();
  for (const s of strata) if (s >= 0) counts.set(s, (counts.get(s) ?? 0) + 1);
  const fewest = Math.min(...counts.values());
  if (rows.length < 8 || fewest < 2 || counts.size < (kind === 'softmax' ? 2 : 1)) return undefined;
  const k = Math.min(SEARCH_FOLDS, fewest);
  const folds = stratifiedFolds(strata, k, seed);
  const n = rows.length;
  const targets = new Float32Array(n * C);
  rows.forEach((row, i) => samples[row]!.classes.forEach((c) => (targets[i * C + c] = 1)));
  const classCounts = Array.from({ length: C }, (_, c) => rows.filter((row) => samples[row]!.classes.includes(c)).length);
  const weightsOf = (weighting: ClassWeighting) => {
    const perClass = classWeights(weighting, classCounts);
    return Float32Array.from(rows.map((row) => (kind === 'softmax' ? perClass[samples[row]!.classes[0]!]! : 1)));
  };
  /** Repeats each image's value `times` times in a row (its tiles), then the whole `views` times (its mirror). */
  const spread = <T extends Float32Array | Int32Array>(values: T, width: number, times: number, views: number): T => {
    const out = new (values.constructor as { new (length: number): T })(values.length * times * views);
    for (let v = 0; v < views; v++) {
      for (let i = 0; i < values.length / width; i++) {
        for (let t = 0; t < times; t++) out.set(values.subarray(i * width, (i + 1) * width), ((v * (values.length / width) + i) * times + t) * width);
      }
    }
    return out;
  };
  /**
   * The probe's score of a kernel over the rows of `layout`; `mirror`: the kernel holds the images
   * then their mirrors (scored as one image when `mirror` is 'averaged', the mirrors only trained on when 'trained').
   */
  const probe = (kernel: Float64Array, layout: ProbeLayout, weighting: ClassWeighting, mirror?: 'averaged' | 'trained', penalties?: readonly number[]) => {
    const R = layout.perImage;
    const views = mirror ? 2 : 1;
    const total = n * R * views;
    // Each row is scored as its image's first row (the one whose targets the score reads).
    const first = Int32Array.from({ length: total }, (_, r) => (Math.floor(r / R) % n) * R);
    const scoredAs = Int32Array.from({ length: total }, (_, r) => (r < n * R || mirror === 'averaged' ? first[r]! : -1));
    return probeScore({
      kind,
      kernel,
      rows: total,
      targets: spread(targets, C, R, views),
      classes: C,
      folds: spread(folds, 1, R, views),
      weights: spread(weightsOf(weighting), 1, R, views),
      scoredAs,
      ...(R > 1 ? { combine: 'confident' as const, viewOf: Int32Array.from({ length: total }, (_, r) => (r < n * R ? 0 : 1)) } : {}),
      ...(penalties ? { penalties } : {}),
    });
  };
  const choices: TrainingChoices = { chosen: {}, candidates: [] };
  const record = (settings: Record<string, string | number | boolean>, score: ProbeScore, seconds?: number) =>
    choices.candidates.push({ settings, metric: score.metric, score: Number(score.score.toFixed(4)), ...(seconds === undefined ? {} : { seconds: Number(seconds.toFixed(2)) }) });
  const baseWeighting: ClassWeighting = (kind === 'softmax' ? 'balanced' : 'none') as ClassWeighting;
  /** Per output, the kernel of the rows (pooled images, or every tile for `confident`). */
  const kernelsOf = (vectors: readonly Float32Array[], pooling: TileLayout['pooling']) => {
    const features = pooling === 'confident' ? Float32Array.from(vectors.flatMap((v) => [...v])) : poolTiles(vectors, dims, pooling);
    const count = features.length / dims;
    let offset = 0;
    return outputs.map((o) => {
      const kernel = linearKernel(block(features, count, dims, offset, o.size), count, o.size);
      offset += o.size;
      return kernel;
    });
  };
  const layoutOf = (view: PixelView, pooling: TileLayout['pooling']): ProbeLayout => ({ perImage: pooling === 'confident' ? (view.tiles?.count ?? 1) : 1 });
  const sideOf = (view: PixelView): Record<string, number> => (view.side === undefined ? {} : { inputSide: view.side });

  // 1. The view (and for tiles, how they become one answer), on every output side by side.
  type Scored = { view: PixelView; pooling: TileLayout['pooling']; kernels: Float64Array[]; score: ProbeScore };
  let best: Scored | undefined;
  let incumbent: ProbeScore | undefined;
  const poolings = (view: PixelView): TileLayout['pooling'][] => (view.tiles ? (kind === 'softmax' ? ['mean', 'max', 'confident'] : ['mean', 'max']) : ['mean']);
  for (const view of input.views) {
    input.signal?.throwIfAborted();
    const started = performance.now();
    const vectors = await input.embed(view, rows, false);
    const embedS = (performance.now() - started) / 1000;
    for (const pooling of poolings(view)) {
      const t0 = performance.now();
      const kernels = kernelsOf(vectors, pooling);
      const score = probe(addKernels(...kernels), layoutOf(view, pooling), baseWeighting);
      record({ view: viewName(view), ...sideOf(view), ...(view.tiles ? { pooling } : {}), features: 'all' }, score, embedS + (performance.now() - t0) / 1000);
      // The first view (the whole image) stands unless another beats it by more than the noise.
      if (!best || !incumbent) {
        best = { view, pooling, kernels, score };
        incumbent = score;
      } else if (beats(score, incumbent, n) && probeBetter(score, best.score)) best = { view, pooling, kernels, score };
    }
  }
  if (!best) return undefined;

  // 1b. The input side: the chosen view at each larger side in turn, while the larger one beats the smaller by more than the noise.
  const baseSide = best.view.side ?? spec.input.width;
  for (const side of input.sides ?? []) {
    if (side <= (best.view.side ?? baseSide)) continue;
    input.signal?.throwIfAborted();
    const view = viewAtSide(best.view, side, baseSide);
    const started = performance.now();
    const kernels = kernelsOf(await input.embed(view, rows, false), best.pooling);
    const score = probe(addKernels(...kernels), layoutOf(view, best.pooling), baseWeighting);
    record({ view: viewName(view), inputSide: side, ...(view.tiles ? { pooling: best.pooling } : {}), features: 'all' }, score, (performance.now() - started) / 1000);
    if (!(beats(score, best.score, n) && probeBetter(score, best.score))) break;
    best = { view, pooling: best.pooling, kernels, score };
  }
  const layout = layoutOf(best.view, best.pooling);

  // 2. The layers: each output alone, against all of them.
  let features = outputs.map((o) => o.name);
  let featureKernels = best.kernels;
  let featureScore = best.score;
  if (outputs.length > 1) {
    outputs.forEach((o, i) => {
      const score = probe(best.kernels[i]!, layout, baseWeighting);
      record({ view: viewName(best.view), ...sideOf(best.view), features: `${o.role}:${o.name}` }, score);
      if (beats(score, best.score, n) && probeBetter(score, featureScore)) {
        featureScore = score;
        features = [o.name];
        featureKernels = [best.kernels[i]!];
      }
    });
  }
  const kernel = addKernels(...featureKernels);

  // 3. Class weights (single-label), keeping the largest class's recall.
  let weighting: ClassWeighting = baseWeighting;
  if (kind === 'softmax' && C > 1) {
    const major = classCounts.indexOf(Math.max(...classCounts));
    const noise = 1 / Math.sqrt(Math.max(1, classCounts[major]!));
    const scored = (['balanced', 'sqrt', 'none'] as const).map((w) => {
      const score = w === baseWeighting ? featureScore : probe(kernel, layout, w);
      const accuracy = accuracyOf(score, classCounts);
      record({ weighting: w, accuracy: Number(accuracy.toFixed(4)) }, score);
      const others = score.perClass.filter((_, c) => c !== major && classCounts[c]! > 0);
      const keepsMajor = others.length === 0 || score.perClass[major]! >= Math.min(...others) - noise;
      return { w, score, accuracy, keepsMajor };
    });
    weighting = chooseWeighting(scored, n);
  }

  // 4. Test-time mirror averaging: trained on images and mirrors both ways, scored with and without.
  input.signal?.throwIfAborted();
  const plainVectors = await input.embed(best.view, rows, false);
  const mirroredVectors = await input.embed(best.view, rows, true);
  const blocks = kernelsOf([...plainVectors, ...mirroredVectors], best.pooling).filter((_, i) => features.includes(outputs[i]!.name));
  const both = addKernels(...blocks);
  // Tiles as rows make this kernel large: the penalty already chosen on the same rows is kept.
  const penalties = layout.perImage > 1 ? [featureScore.penalty] : undefined;
  let mirror = true;
  let mirrorScore: ProbeScore | undefined;
  for (const on of [true, false]) {
    const score = probe(both, layout, weighting, on ? 'averaged' : 'trained', penalties);
    record({ mirrorAveraging: on }, score);
    // Averaging with the mirror (what the model did before the search) stands unless leaving it out beats it by more than the noise.
    if (!mirrorScore) mirrorScore = score;
    else if (beats(score, mirrorScore, n)) mirror = on;
  }

  choices.chosen = {
    view: viewName(best.view),
    inputSide: best.view.side ?? spec.input.width,
    ...(best.view.tiles ? { pooling: best.pooling } : {}),
    features: features.join('+'),
    mirrorAveraging: mirror,
    ...(kind === 'softmax' ? { weighting } : {}),
    folds: k,
    searchImages: n,
  };
  return { view: best.view, pooling: best.pooling, features, mirror, weighting, choices, score: featureScore.score };
}
