/**
 * Where an anomaly model draws its line. Without anomalies, only the scores of good images the model
 * did not learn from (held-out folds of the training set) say what normal looks like: the threshold
 * sits above all but `falseRejectRate` of them, plus a margin for the spread a handful of held-out
 * images cannot show. With labelled anomalies, the best-F1 threshold (the guide's assumed threshold)
 * is available too.
 *
 * A few dozen held-out scores cannot show a 1 % tail: their empirical quantile is the worst of them,
 * which one odd image or another draw of the folds moves far (the same kolektorsdd model gave F1 0.262
 * or 0.721 at the threshold of two fold draws). Below TAIL_EXPECTED scores expected beyond it, the
 * quantile is read from a log-normal fitted to the body of the scores instead (their median and 90th
 * percentile, which a few dozen scores do pin down): distances to the nearest good patch are positive
 * and skewed to the right, and their logarithm is near normal.
 *
 * The margin above the quantile is its estimate's own uncertainty: one standard error of the
 * quantile as read from n scores (the log-normal's, from the sampling variances of a median and a
 * 90th percentile; the empirical one's, the binomial spread of its rank). It shrinks as held-out
 * images grow in number. (It was one robust standard deviation of the scores, whatever their number:
 * from the same saved scores, F1 at the threshold on l4v-cookies 0.941 either way, kolektorsdd
 * 0.608 → 0.625, bsdata 0.058 → 0.278, none of their test good images newly rejected.)
 */
import { bestF1Threshold, prf } from '../metrics';

export interface GoodOnlyThreshold {
  threshold: number;
  /** How the quantile was found: read off the scores, or from a log-normal fitted to their body (too few scores for the tail). */
  quantileFrom: 'empirical' | 'log-normal';
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
   * Margin above the quantile in standard errors of its estimate (default 1). Where the quantile is
   * near the worst of too few scores and no log-normal could be fitted, the margin is in robust
   * standard deviations of the scores (1.4826 · MAD) instead.
   */
  marginErrors?: number;
}

/** The threshold from held-out good scores alone. Throws RangeError when there are none. */
export function goodOnlyThreshold(goodScores: readonly number[], options: GoodOnlyOptions = {}): GoodOnlyThreshold {
  if (goodScores.length === 0) throw new RangeError('no held-out good scores to set a threshold from');
  const rate = options.falseRejectRate ?? 0.01;
  const errors = options.marginErrors ?? 1;
  const sorted = [...goodScores].sort((a, b) => a - b);
  const { quantile, margin, quantileFrom } = quantileAndMargin(sorted, rate, errors);
  // Strictly above the quantile: a score equal to it must not be rejected.
  const threshold = quantile + Math.max(margin, Math.abs(quantile) * 1e-6 + 1e-9);
  const rejected = sorted.filter((s) => s >= threshold).length;
  return { threshold, quantileFrom, falseRejectRate: rejected / sorted.length, quantile, margin };
}

/**
 * The (1 − rate) quantile of the ascending `sorted` scores and a margin of `errors` standard errors
 * of it: read off the scores where enough lie beyond it; else from a log-normal fitted to their body;
 * else (too few, or not positive, for the fit) the worst of them, beyond it by their robust spread.
 */
function quantileAndMargin(sorted: readonly number[], rate: number, errors: number): Pick<GoodOnlyThreshold, 'quantile' | 'margin' | 'quantileFrom'> {
  const n = sorted.length;
  // The smallest score that leaves at most `rate` of the good ones above it.
  const allowed = Math.floor(rate * n);
  const empirical = sorted[n - 1 - allowed]!;
  if (rate * n >= TAIL_EXPECTED) {
    // One standard error of the empirical quantile: its rank's binomial spread, in scores.
    const beyond = sorted[Math.min(n - 1, n - 1 - allowed + Math.ceil(errors * Math.sqrt(n * rate * (1 - rate))))]!;
    return { quantile: empirical, margin: beyond - empirical, quantileFrom: 'empirical' };
  }
  if (n >= MIN_FIT_SCORES && sorted[0]! > 0 && rate > 0 && rate < BODY_SHARE) {
    const logs = sorted.map(Math.log);
    const centre = quantileOf(logs, 0.5);
    const spread = (quantileOf(logs, 1 - BODY_SHARE) - centre) / normalQuantile(1 - BODY_SHARE);
    if (spread > 0) {
      const z = normalQuantile(1 - rate);
      const quantile = Math.exp(centre + z * spread);
      return { quantile, margin: Math.exp(centre + (z + errors * logNormalQuantileError(z, n)) * spread) - quantile, quantileFrom: 'log-normal' };
    }
  }
  const median = quantileOf(sorted, 0.5);
  const mad = quantileOf(
    sorted.map((s) => Math.abs(s - median)).sort((a, b) => a - b),
    0.5,
  );
  return { quantile: empirical, margin: errors * 1.4826 * mad, quantileFrom: 'empirical' };
}

/**
 * The standard error, in units of the spread σ, of the log-normal's quantile at z standard scores as
 * fitted here from n scores: log q = m + z·(p90 − m)/z90, with m the median and p90 the 90th
 * percentile of the logs, whose large-sample variances and covariance are p(1 − p)/(n·φ(z_p)²)
 * and p₁(1 − p₂)/(n·φ(z₁)·φ(z₂)) in σ².
 */
export function logNormalQuantileError(z: number, n: number): number {
  const z90 = normalQuantile(1 - BODY_SHARE);
  const density = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  const a = 1 - z / z90;
  const b = z / z90;
  const medianVariance = 0.25 / density(0) ** 2;
  const p90Variance = (BODY_SHARE * (1 - BODY_SHARE)) / density(z90) ** 2;
  const covariance = (0.5 * BODY_SHARE) / (density(0) * density(z90));
  return Math.sqrt((a * a * medianVariance + b * b * p90Variance + 2 * a * b * covariance) / n);
}

/** Fewer held-out good scores than this many expected beyond the quantile: it is read from a log-normal fit. */
export const TAIL_EXPECTED = 5;
/** The log-normal fit needs at least this many scores (fewer: the worst one and the margin). */
const MIN_FIT_SCORES = 12;
/** The fit's spread comes from the scores' median and their (1 − BODY_SHARE) quantile. */
const BODY_SHARE = 0.1;

/**
 * The standard normal quantile at p (0 < p < 1): Acklam's rational approximation (relative error
 * below 1.2e-9), enough for a threshold.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`no normal quantile at ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
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
