/**
 * A cheap linear probe for choosing what a head is trained on (which view of the image, which
 * backbone layers, which class weights): kernel ridge regression on standardised features, scored
 * by k-fold cross-validation inside the training data. With N rows and D ≫ N features the dual
 * form costs one N × N kernel (N²·D) and one small Cholesky solve per fold and penalty, so many
 * candidates can be compared in the time one head takes to train. The kernels of feature blocks
 * add up, so the kernel of two layers side by side is the sum of theirs.
 *
 * Targets are one-hot (softmax) or multi-hot (sigmoid); a sample weight per row turns the fit into
 * weighted least squares (the class weights being compared). Scores are computed on out-of-fold
 * predictions: softmax: recall of the top class per class (macro recall, and the largest class's);
 * sigmoid: F1 at 0.5 per label (macro-F1).
 */
import { createRandom, deriveSeed } from './random';

/** Penalties tried, as multiples of the kernel's mean diagonal. */
export const PROBE_PENALTIES = [0.1, 1, 10] as const;

/** The linear kernel X̂·X̂ᵀ (N × N, row-major) of `rows` × `dims` features, each feature standardised over the rows. */
export function linearKernel(features: Float32Array, rows: number, dims: number): Float64Array {
  if (features.length !== rows * dims) throw new RangeError(`features hold ${features.length} values, not ${rows} × ${dims}`);
  const mean = new Float64Array(dims);
  const scale = new Float64Array(dims);
  for (let i = 0; i < rows; i++) for (let d = 0; d < dims; d++) mean[d] = mean[d]! + features[i * dims + d]! / rows;
  for (let i = 0; i < rows; i++) {
    for (let d = 0; d < dims; d++) {
      const v = features[i * dims + d]! - mean[d]!;
      scale[d] = scale[d]! + (v * v) / rows;
    }
  }
  for (let d = 0; d < dims; d++) scale[d] = scale[d]! > 1e-12 ? 1 / Math.sqrt(scale[d]!) : 0;
  const x = new Float32Array(rows * dims);
  for (let i = 0; i < rows; i++) for (let d = 0; d < dims; d++) x[i * dims + d] = (features[i * dims + d]! - mean[d]!) * scale[d]!;
  const kernel = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    const a = i * dims;
    for (let j = 0; j <= i; j++) {
      const b = j * dims;
      let sum = 0;
      for (let d = 0; d < dims; d++) sum += x[a + d]! * x[b + d]!;
      kernel[i * rows + j] = sum;
      kernel[j * rows + i] = sum;
    }
  }
  return kernel;
}

/** The element-wise sum of kernels of the same size (features side by side). */
export function addKernels(...kernels: Float64Array[]): Float64Array {
  const out = new Float64Array(kernels[0]!.length);
  for (const kernel of kernels) for (let k = 0; k < out.length; k++) out[k] = out[k]! + kernel[k]!;
  return out;
}

/**
 * A fold (0 … k−1) per row: each stratum's rows shuffled (seeded) and dealt round-robin, so every
 * fold holds about the same share of each stratum. With k equal to the smallest stratum, each fold
 * holds one row of it (leave one out per class).
 */
export function stratifiedFolds(strata: ArrayLike<number>, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer ≥ 2, not ${k}`);
  const byStratum = new Map<number, number[]>();
  for (let i = 0; i < strata.length; i++) {
    const members = byStratum.get(strata[i]!) ?? [];
    members.push(i);
    byStratum.set(strata[i]!, members);
  }
  const random = createRandom(deriveSeed(seed, 11));
  const folds = new Int32Array(strata.length);
  let next = 0;
  for (const stratum of [...byStratum.keys()].sort((a, b) => a - b)) {
    for (const row of random.shuffle(byStratum.get(stratum)!)) folds[row] = next++ % k;
  }
  return folds;
}

/** Solves A·X = B in place for a symmetric positive definite A (n × n) and B (n × m) by Cholesky. */
function solveSpd(a: Float64Array, n: number, b: Float64Array, m: number): void {
  for (let j = 0; j < n; j++) {
    let diagonal = a[j * n + j]!;
    for (let k = 0; k < j; k++) diagonal -= a[j * n + k]! * a[j * n + k]!;
    const l = Math.sqrt(Math.max(diagonal, 1e-12));
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = sum / l;
    }
  }
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let sum = b[i * m + c]!;
      for (let k = 0; k < i; k++) sum -= a[i * n + k]! * b[k * m + c]!;
      b[i * m + c] = sum / a[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = b[i * m + c]!;
      for (let k = i + 1; k < n; k++) sum -= a[k * n + i]! * b[k * m + c]!;
      b[i * m + c] = sum / a[i * n + i]!;
    }
  }
}

export interface ProbeOptions {
  kind: 'softmax' | 'sigmoid';
  /** N × N kernel over every row (training and held-out). */
  kernel: Float64Array;
  rows: number;
  /** N × C targets, 0 or 1. */
  targets: Float32Array;
  classes: number;
  /** The fold of each row, 0 … k−1; a negative fold: the row only ever trains. */
  folds: Int32Array;
  /** A loss weight per row (default 1). */
  weights?: Float32Array;
  /**
   * Rows whose held-out score is averaged with another row's (test-time mirror averaging, tiles):
   * the row that is scored (whose targets count), per row; −1 for rows that are only trained on.
   * Default: each row itself.
   */
  scoredAs?: Int32Array;
  /** Penalties as multiples of the mean diagonal (default PROBE_PENALTIES). */
  penalties?: readonly number[];
  /**
   * How the rows scored as one image become its prediction: `mean` (default) averages them;
   * `confident` takes, within each of its views (`viewOf`), the row whose top prediction is highest
   * (the most confident tile), then averages the views (an image and its mirror).
   */
  combine?: 'mean' | 'confident';
  /** The view (0, 1, …) of each row within its image, for `confident` (default: one view). */
  viewOf?: Int32Array;
}

export interface ProbeScore {
  metric: 'macro-recall' | 'macro-f1';
  /** The metric on the out-of-fold predictions. */
  score: number;
  /** softmax: recall per class; sigmoid: F1 per label. */
  perClass: number[];
  /** Class-balanced squared error of the out-of-fold scores (a tie-breaker: lower is better). */
  error: number;
  penalty: number;
}

/** Whether `a` beats `b`: a higher score, or the same score (within 1e-9) and a lower error. */
export function probeBetter(a: ProbeScore, b: ProbeScore): boolean {
  if (Math.abs(a.score - b.score) > 1e-9) return a.score > b.score;
  return a.error < b.error;
}

/** Out-of-fold predictions of kernel ridge regression, scored; the best penalty of `penalties`. */
export function probeScore(options: ProbeOptions): ProbeScore {
  const { kernel, rows, targets, classes: C, folds, kind } = options;
  const weights = options.weights ?? new Float32Array(rows).fill(1);
  const scoredAs = options.scoredAs ?? Int32Array.from({ length: rows }, (_, i) => i);
  let meanDiagonal = 0;
  for (let i = 0; i < rows; i++) meanDiagonal += kernel[i * rows + i]! / rows;
  const foldCount = Math.max(...folds) + 1;
  let best: ProbeScore | undefined;
  for (const penalty of options.penalties ?? PROBE_PENALTIES) {
    const predicted = new Float64Array(rows * C);
    for (let f = 0; f < foldCount; f++) {
      const train: number[] = [];
      const held: number[] = [];
      for (let i = 0; i < rows; i++) {
        if (folds[i] === f) held.push(i);
        else train.push(i);
      }
      if (held.length === 0 || train.length === 0) continue;
      const n = train.length;
      const a = new Float64Array(n * n);
      const b = new Float64Array(n * C);
      // A constant added to the kernel stands for an intercept, barely penalised.
      for (let p = 0; p < n; p++) {
        const ip = train[p]!;
        for (let q = 0; q < n; q++) a[p * n + q] = kernel[ip * rows + train[q]!]! + meanDiagonal;
        a[p * n + p] = a[p * n + p]! + (penalty * meanDiagonal) / Math.max(weights[ip]!, 1e-6);
        for (let c = 0; c < C; c++) b[p * C + c] = targets[ip * C + c]!;
      }
      solveSpd(a, n, b, C);
      for (const ih of held) {
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let p = 0; p < n; p++) sum += (kernel[ih * rows + train[p]!]! + meanDiagonal) * b[p * C + c]!;
          predicted[ih * C + c] = sum;
        }
      }
    }
    const score = scoreOutOfFold(kind, options.combine === 'confident' ? mostConfident(predicted, rows, C, folds, scoredAs, options.viewOf) : predicted, targets, rows, C, folds, scoredAs);
    const candidate = { ...score, penalty };
    if (!best || probeBetter(candidate, best)) best = candidate;
  }
  return best!;
}

/**
 * Predictions where every row of an image's view carries that view's most confident row (the one
 * whose top prediction is highest), so that averaging an image's rows averages its views' choices.
 */
function mostConfident(predicted: Float64Array, rows: number, C: number, folds: Int32Array, scoredAs: Int32Array, viewOf: Int32Array | undefined): Float64Array {
  const best = new Map<string, { row: number; top: number }>();
  for (let i = 0; i < rows; i++) {
    if (scoredAs[i]! < 0 || folds[i]! < 0) continue;
    let top = -Infinity;
    for (let c = 0; c < C; c++) top = Math.max(top, predicted[i * C + c]!);
    const key = `${scoredAs[i]}:${viewOf?.[i] ?? 0}`;
    const standing = best.get(key);
    if (!standing || top > standing.top) best.set(key, { row: i, top });
  }
  const out = new Float64Array(predicted);
  for (let i = 0; i < rows; i++) {
    const chosen = best.get(`${scoredAs[i]}:${viewOf?.[i] ?? 0}`);
    if (chosen) out.set(predicted.subarray(chosen.row * C, chosen.row * C + C), i * C);
  }
  return out;
}

function scoreOutOfFold(
  kind: 'softmax' | 'sigmoid',
  predicted: Float64Array,
  targets: Float32Array,
  rows: number,
  C: number,
  folds: Int32Array,
  scoredAs: Int32Array,
): Omit<ProbeScore, 'penalty'> {
  // Average the predictions of rows scored as one image (an image and its mirror).
  const sum = new Map<number, { values: Float64Array; count: number }>();
  for (let i = 0; i < rows; i++) {
    const as = scoredAs[i]!;
    if (as < 0 || folds[i]! < 0) continue;
    const entry = sum.get(as) ?? { values: new Float64Array(C), count: 0 };
    for (let c = 0; c < C; c++) entry.values[c] = entry.values[c]! + predicted[i * C + c]!;
    entry.count++;
    sum.set(as, entry);
  }
  const tp = new Float64Array(C);
  const fp = new Float64Array(C);
  const fn = new Float64Array(C);
  const errorSum = new Float64Array(C);
  const perClassRows = new Float64Array(C);
  for (const [row, { values, count }] of sum) {
    let top = 0;
    for (let c = 0; c < C; c++) values[c] = values[c]! / count;
    for (let c = 1; c < C; c++) if (values[c]! > values[top]!) top = c;
    let truthClass = -1;
    let squared = 0;
    for (let c = 0; c < C; c++) {
      const truth = targets[row * C + c]! > 0.5;
      if (truth && truthClass < 0) truthClass = c;
      squared += (values[c]! - (truth ? 1 : 0)) ** 2;
      if (kind === 'sigmoid') {
        const said = values[c]! >= 0.5;
        if (said && truth) tp[c] = tp[c]! + 1;
        else if (said) fp[c] = fp[c]! + 1;
        else if (truth) fn[c] = fn[c]! + 1;
      }
    }
    if (kind === 'softmax' && truthClass >= 0) {
      if (top === truthClass) tp[truthClass] = tp[truthClass]! + 1;
      else {
        fn[truthClass] = fn[truthClass]! + 1;
        fp[top] = fp[top]! + 1;
      }
    }
    const stratum = truthClass >= 0 ? truthClass : 0;
    errorSum[stratum] = errorSum[stratum]! + squared;
    perClassRows[stratum] = perClassRows[stratum]! + 1;
  }
  const present = [...Array(C).keys()].filter((c) => tp[c]! + fn[c]! > 0);
  const perClass = [...Array(C).keys()].map((c) =>
    kind === 'softmax' ? (tp[c]! + fn[c]! > 0 ? tp[c]! / (tp[c]! + fn[c]!) : 0) : tp[c]! === 0 ? 0 : (2 * tp[c]!) / (2 * tp[c]! + fp[c]! + fn[c]!),
  );
  const score = present.length === 0 ? 0 : present.reduce((total, c) => total + perClass[c]!, 0) / present.length;
  const strata = [...Array(C).keys()].filter((c) => perClassRows[c]! > 0);
  const error = strata.reduce((total, c) => total + errorSum[c]! / perClassRows[c]!, 0) / Math.max(1, strata.length);
  return { metric: kind === 'softmax' ? 'macro-recall' : 'macro-f1', score, perClass, error };
}
