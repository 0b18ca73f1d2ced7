/**
 * Where an anomaly model draws its line. Without anomalies, only the scores of good images the model
 * did not learn from (held-out folds of the training set) say what normal looks like: the threshold
 * sits above all but `falseRejectRate` of them, plus a margin for the spread a handful of held-out
 * images cannot show. With labelled anomalies, the best-F1 threshold (the guide's assumed threshold)
 * is available too.
 */
import { bestF1Threshold, prf } from '../metrics';

export interface GoodOnlyThreshold {
  threshold: number;
  /** The share of the held-out good scores at or above the threshold (what the user is shown). */
  falseRejectRate: number;
  /** The quantile the threshold starts from, before the margin. */
  quantile: number;
  margin: number;
}

export interface GoodOnlyOptions {
  /** The largest share of good images to reject (default 0.01). */
  falseRejectRate?: number;
  /**
   * Margin in robust standard deviations of the good scores (1.4826 · MAD) added above the
   * quantile (default 1): a few dozen held-out images cannot show the 1 % tail, so the line is
   * drawn a little beyond the worst of them.
   */
  marginSigmas?: number;
}

/** The threshold from held-out good scores alone. Throws RangeError when there are none. */
export function goodOnlyThreshold(goodScores: readonly number[], options: GoodOnlyOptions = {}): GoodOnlyThreshold {
  if (goodScores.length === 0) throw new RangeError('no held-out good scores to set a threshold from');
  const rate = options.falseRejectRate ?? 0.01;
  const sorted = [...goodScores].sort((a, b) => a - b);
  const n = sorted.length;
  // The smallest score that leaves at most `rate` of the good ones above it.
  const allowed = Math.floor(rate * n);
  const quantile = sorted[n - 1 - allowed]!;
  const median = quantileOf(sorted, 0.5);
  const mad = quantileOf(
    sorted.map((s) => Math.abs(s - median)).sort((a, b) => a - b),
    0.5,
  );
  const margin = (options.marginSigmas ?? 1) * 1.4826 * mad;
  // Strictly above the quantile: a score equal to it must not be rejected.
  const threshold = quantile + Math.max(margin, Math.abs(quantile) * 1e-6 + 1e-9);
  const rejected = sorted.filter((s) => s >= threshold).length;
  return { threshold, falseRejectRate: rejected / n, quantile, margin };
}

/** The value at share q (0–1) of sorted values, linearly interpolated. */
export function quantileOf(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** The best-F1 threshold over good and anomalous scores (anomalous = positive; ties keep the higher). */
export function bestF1AnomalyThreshold(goodScores: readonly number[], anomalousScores: readonly number[]): { threshold: number; f1: number; precision: number; recall: number } {
  const choice = bestF1Threshold(
    [...goodScores.map((confidence) => ({ confidence, correct: false })), ...anomalousScores.map((confidence) => ({ confidence, correct: true }))],
    anomalousScores.length,
  );
  return { threshold: choice.threshold, f1: choice.f1, precision: choice.precision, recall: choice.recall };
}

/** Area under the ROC curve of scores (positives = anomalous), ties counted half; NaN without both kinds. */
export function auroc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (positive[order[k]!]) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * The standard error of an AUROC `a` over `positives` and `negatives` (Hanley & McNeil 1982): how far
 * a measured AUROC may stray by chance, to tell a real difference from noise.
 */
export function aurocStandardError(a: number, positives: number, negatives: number): number {
  if (positives === 0 || negatives === 0 || !Number.isFinite(a)) return Infinity;
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const variance = (a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) / (positives * negatives);
  return Math.sqrt(Math.max(0, variance));
}

/** Precision, recall and F1 of `scores ≥ threshold` against `positive`. */
export function prfAt(scores: readonly number[], positive: readonly boolean[], threshold: number): { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    const flagged = s >= threshold;
    if (flagged && positive[i]) tp++;
    else if (flagged) fp++;
    else if (positive[i]) fn++;
  });
  return { ...prf({ tp, fp, fn }), tp, fp, fn };
}
