/**
 * Training data as the step graphs take it: standardised features, float targets (one-hot or
 * multi-hot) and the imbalance weights, all checked against the stated sizes.
 */
import type { HeadKind } from './headGraphs';
import type { Standardisation } from './headModel';

export interface HeadData {
  /** N×D row-major float32 features, as the backbone gives them. */
  features: Float32Array;
  /** D, the feature width. */
  dims: number;
  /** softmax: a class index per sample (N values); sigmoid: multi-hot N×C row-major (0 or 1). */
  targets: ArrayLike<number>;
  kind: HeadKind;
  classes: number;
  /**
   * softmax: a weight per class (each sample is weighted by its class's); sigmoid: a weight per
   * class for its positive examples. Default: balanced (see classBalanceWeights).
   */
  classWeights?: ArrayLike<number>;
}

export interface PreparedData {
  kind: HeadKind;
  rows: number;
  dims: number;
  classes: number;
  /** Standardised features N×D. */
  x: Float32Array;
  /** Targets N×C as floats. */
  y: Float32Array;
  /** Per-sample loss weights (softmax: the class weight of the sample's class; sigmoid: 1). */
  sampleWeight: Float32Array;
  /** sigmoid only: per-class positive weights. */
  positiveWeight?: Float32Array;
  /** The class weights in use (softmax: per class; sigmoid: positive weights). */
  classWeights: Float32Array;
  standardisation: Standardisation;
}

/** Largest positive weight a rare multi-label class gets by default. */
export const MAX_POSITIVE_WEIGHT = 100;

/** Deviations below this are treated as constant features (scaled by 1, not blown up). */
const MIN_STD = 1e-6;

/**
 * Default imbalance weights.
 * softmax: inverse class frequency, normalised so the mean sample weight is 1 (w_c = N / (K·n_c),
 *          K = classes present; absent classes get 1).
 * sigmoid: positives weighted by negatives / positives per class (1 when a class has no positives),
 *          capped at MAX_POSITIVE_WEIGHT.
 */
export function classBalanceWeights(kind: HeadKind, y: Float32Array, rows: number, classes: number): Float32Array {
  const positives = new Float64Array(classes);
  for (let i = 0; i < rows; i++) for (let c = 0; c < classes; c++) positives[c] = (positives[c] as number) + (y[i * classes + c] as number);
  const weights = new Float32Array(classes).fill(1);
  if (kind === 'softmax') {
    const present = positives.filter((count) => count > 0).length;
    for (let c = 0; c < classes; c++) if ((positives[c] as number) > 0) weights[c] = rows / (present * (positives[c] as number));
  } else {
    for (let c = 0; c < classes; c++) {
      const count = positives[c] as number;
      if (count > 0) weights[c] = Math.min(MAX_POSITIVE_WEIGHT, (rows - count) / count);
    }
  }
  return weights;
}

/** Per-feature mean and standard deviation (population), accumulated in float64. */
export function standardisationOf(features: Float32Array, rows: number, dims: number): Standardisation {
  const sum = new Float64Array(dims);
  const squares = new Float64Array(dims);
  for (let i = 0; i < rows; i++) {
    const row = i * dims;
    for (let d = 0; d < dims; d++) {
      const value = features[row + d] as number;
      sum[d] = (sum[d] as number) + value;
      squares[d] = (squares[d] as number) + value * value;
    }
  }
  const mean = new Float32Array(dims);
  const std = new Float32Array(dims);
  for (let d = 0; d < dims; d++) {
    const m = rows > 0 ? (sum[d] as number) / rows : 0;
    const variance = rows > 0 ? Math.max(0, (squares[d] as number) / rows - m * m) : 0;
    const deviation = Math.sqrt(variance);
    mean[d] = m;
    std[d] = deviation > MIN_STD * Math.max(1, Math.abs(m)) ? deviation : 1;
  }
  return { mean, std };
}

/** (x − μ) / σ, row by row. */
export function standardise(features: Float32Array, rows: number, dims: number, { mean, std }: Standardisation): Float32Array {
  const out = new Float32Array(rows * dims);
  const scale = std.map((deviation) => 1 / deviation);
  for (let i = 0; i < rows; i++) {
    const row = i * dims;
    for (let d = 0; d < dims; d++) out[row + d] = ((features[row + d] as number) - (mean[d] as number)) * (scale[d] as number);
  }
  return out;
}

/** Targets N×C as floats from class indices (softmax) or multi-hot values (sigmoid). */
export function targetMatrix(kind: HeadKind, targets: ArrayLike<number>, rows: number, classes: number): Float32Array {
  const y = new Float32Array(rows * classes);
  if (kind === 'softmax') {
    if (targets.length !== rows) throw new RangeError(`softmax targets need one class index per sample: ${targets.length} for ${rows} samples`);
    for (let i = 0; i < rows; i++) {
      const target = targets[i] as number;
      if (!Number.isInteger(target) || target < 0 || target >= classes) throw new RangeError(`sample ${i}: class ${target} is not in [0, ${classes})`);
      y[i * classes + target] = 1;
    }
  } else {
    if (targets.length !== rows * classes) throw new RangeError(`sigmoid targets need N×C = ${rows * classes} values, got ${targets.length}`);
    for (let k = 0; k < y.length; k++) {
      const target = targets[k] as number;
      if (target !== 0 && target !== 1) throw new RangeError(`multi-hot target ${k} is ${target}, not 0 or 1`);
      y[k] = target;
    }
  }
  return y;
}

/** Checks sizes, standardises (with `standardisation`, or over these features) and weights the samples. */
export function prepareData(data: HeadData, standardisation?: Standardisation): PreparedData {
  const { features, dims, kind, classes } = data;
  if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, not ${dims}`);
  if (!Number.isInteger(classes) || classes < 1 || (kind === 'softmax' && classes < 2)) {
    throw new RangeError(`a ${kind} head needs ${kind === 'softmax' ? 'at least 2' : 'at least 1'} classes, not ${classes}`);
  }
  if (features.length % dims !== 0) throw new RangeError(`features hold ${features.length} values, not a multiple of dims ${dims}`);
  const rows = features.length / dims;
  if (rows === 0) throw new RangeError('no training samples');
  for (let k = 0; k < features.length; k++) {
    if (!Number.isFinite(features[k] as number)) throw new RangeError(`feature ${k % dims} of sample ${Math.floor(k / dims)} is ${features[k]}`);
  }
  const y = targetMatrix(kind, data.targets, rows, classes);
  let classWeights: Float32Array;
  if (data.classWeights) {
    if (data.classWeights.length !== classes) throw new RangeError(`classWeights need ${classes} values, got ${data.classWeights.length}`);
    classWeights = Float32Array.from(data.classWeights);
    if (classWeights.some((weight) => !(weight >= 0) || !Number.isFinite(weight))) throw new RangeError('classWeights must be finite and ≥ 0');
  } else {
    classWeights = classBalanceWeights(kind, y, rows, classes);
  }
  const sampleWeight = new Float32Array(rows).fill(1);
  if (kind === 'softmax') for (let i = 0; i < rows; i++) sampleWeight[i] = classWeights[Number(data.targets[i])] as number;
  const stats = standardisation ?? standardisationOf(features, rows, dims);
  const prepared: PreparedData = {
    kind,
    rows,
    dims,
    classes,
    x: standardise(features, rows, dims, stats),
    y,
    sampleWeight,
    classWeights,
    standardisation: stats,
  };
  if (kind === 'sigmoid') prepared.positiveWeight = classWeights;
  return prepared;
}
