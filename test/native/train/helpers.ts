/** Synthetic data and comparisons for the head-training tests. */
import assert from 'node:assert/strict';

/** Deterministic uniform numbers in [0, 1) for test data (an LCG independent of native/train's generator). */
export function uniform(seed: number): () => number {
  let state = (seed * 2654435761 + 1) >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
}

/** Standard normal numbers (Box–Muller) from a uniform source. */
export function normal(next: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
}

export interface Blobs {
  features: Float32Array;
  targets: Int32Array;
}

/**
 * `perClass` samples of each of `classes` Gaussian blobs in `dims` dimensions: centres at distance
 * `separation` scale, unit noise, plus an offset and a per-feature scale so standardisation matters.
 */
export function gaussianBlobs(options: { classes: number; dims: number; perClass: number | number[]; separation: number; seed: number; centresSeed?: number }): Blobs {
  const { classes, dims, separation } = options;
  const centreNoise = normal(uniform(options.centresSeed ?? 1234));
  const centres = Array.from({ length: classes }, () => Float64Array.from({ length: dims }, () => centreNoise() * separation));
  const scales = Float64Array.from({ length: dims }, (_, d) => 0.5 + (d % 7));
  const counts = Array.isArray(options.perClass) ? options.perClass : new Array<number>(classes).fill(options.perClass);
  const rows = counts.reduce((sum, count) => sum + count, 0);
  const noise = normal(uniform(options.seed));
  const features = new Float32Array(rows * dims);
  const targets = new Int32Array(rows);
  let row = 0;
  for (let c = 0; c < classes; c++) {
    for (let k = 0; k < (counts[c] as number); k++, row++) {
      targets[row] = c;
      for (let d = 0; d < dims; d++) features[row * dims + d] = 3 + (scales[d] as number) * ((centres[c] as Float64Array)[d] as number + noise());
    }
  }
  return { features, targets };
}

export interface MultiLabelData {
  features: Float32Array;
  targets: Uint8Array;
}

/** Each of `labels` labels present with probability 0.35; a present label adds its own direction to the features. */
export function multiLabelData(options: { labels: number; dims: number; rows: number; strength: number; seed: number }): MultiLabelData {
  const { labels, dims, rows, strength } = options;
  const directionNoise = normal(uniform(999));
  const directions = Array.from({ length: labels }, () => Float64Array.from({ length: dims }, () => directionNoise() * strength));
  const next = uniform(options.seed);
  const noise = normal(uniform(options.seed + 17));
  const features = new Float32Array(rows * dims);
  const targets = new Uint8Array(rows * labels);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < labels; c++) targets[i * labels + c] = next() < 0.35 ? 1 : 0;
    for (let d = 0; d < dims; d++) {
      let value = noise();
      for (let c = 0; c < labels; c++) if (targets[i * labels + c]) value += (directions[c] as Float64Array)[d] as number;
      features[i * dims + d] = value;
    }
  }
  return { features, targets };
}

/** Index of the largest value in each row of an N×C matrix. */
export function argmaxRows(values: Float32Array, classes: number): Int32Array {
  const out = new Int32Array(values.length / classes);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if ((values[i * classes + c] as number) > (values[i * classes + best] as number)) best = c;
    out[i] = best;
  }
  return out;
}

export function accuracy(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) right++;
  return right / truth.length;
}

/** Micro-F1 of probabilities ≥ threshold against multi-hot truth. */
export function microF1(probabilities: Float32Array, truth: ArrayLike<number>, threshold = 0.5): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let k = 0; k < probabilities.length; k++) {
    const predicted = (probabilities[k] as number) >= threshold;
    const positive = truth[k] === 1;
    if (predicted && positive) tp++;
    else if (predicted) fp++;
    else if (positive) fn++;
  }
  return (2 * tp) / (2 * tp + fp + fn);
}

/** ‖actual − expected‖ / ‖expected‖, and the largest elementwise gap relative to the largest |expected|. */
export function relativeErrors(actual: ArrayLike<number>, expected: ArrayLike<number>): { norm: number; max: number } {
  assert.equal(actual.length, expected.length, `length ${actual.length} ≠ ${expected.length}`);
  let difference = 0;
  let size = 0;
  let gap = 0;
  let largest = 0;
  for (let i = 0; i < expected.length; i++) {
    const delta = (actual[i] as number) - (expected[i] as number);
    difference += delta * delta;
    size += (expected[i] as number) ** 2;
    gap = Math.max(gap, Math.abs(delta));
    largest = Math.max(largest, Math.abs(expected[i] as number));
  }
  return { norm: Math.sqrt(difference) / Math.max(Math.sqrt(size), 1e-30), max: gap / Math.max(largest, 1e-30) };
}

/** Asserts both relative errors are ≤ tolerance. */
export function assertRelativelyClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  const { norm, max } = relativeErrors(actual, expected);
  assert.ok(norm <= tolerance && max <= tolerance, `${what}: relative error ${norm.toExponential(2)} (norm), ${max.toExponential(2)} (max) > ${tolerance}`);
}
