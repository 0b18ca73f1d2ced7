/**
 * Greedy coreset selection (PatchCore §3.2): from N patch features keep K that cover the others,
 * each pick the feature farthest from everything picked so far (k-center greedy). Distances are
 * measured in a random projection of `selectionDims` dimensions (Johnson–Lindenstrauss: distances
 * kept within a few percent), which makes the N·K·d pass affordable on a CPU.
 */
import { createRandom } from '../train';

export interface CoresetOptions {
  /** How many features to keep (at most N). */
  size: number;
  /** Dimensions the distances are measured in (default 32; the features' own when they have fewer). */
  selectionDims?: number;
  seed?: number;
  /** Called now and then with the share done (0–1); throw from it to stop. */
  onProgress?: (share: number) => void;
}

/** A Gaussian random projection [dims, outDims] (row-major), scaled by 1/√outDims so distances keep their size. */
export function randomProjection(dims: number, outDims: number, seed: number): Float32Array {
  const random = createRandom(seed);
  const out = new Float32Array(dims * outDims);
  const scale = 1 / Math.sqrt(outDims);
  for (let i = 0; i < out.length; i += 2) {
    // Box–Muller: two normals per pair of uniforms.
    const u = Math.max(random.next(), 1e-12);
    const v = random.next();
    const r = Math.sqrt(-2 * Math.log(u)) * scale;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** rows [n, dims] · matrix [dims, outDims] → [n, outDims]. */
export function project(rows: Float32Array, dims: number, matrix: Float32Array, outDims: number): Float32Array {
  const n = rows.length / dims;
  const out = new Float32Array(n * outDims);
  for (let i = 0; i < n; i++) {
    const o = i * outDims;
    for (let k = 0; k < dims; k++) {
      const value = rows[i * dims + k]!;
      if (value === 0) continue;
      const m = k * outDims;
      for (let j = 0; j < outDims; j++) out[o + j]! += value * matrix[m + j]!;
    }
  }
  return out;
}

/**
 * Indices (into the N rows of `features` [N, dims]) of a greedy k-center coreset of `size` rows, in
 * the order picked. The first pick is a seeded random row.
 */
export function greedyCoreset(features: Float32Array, dims: number, options: CoresetOptions): Int32Array {
  const n = features.length / dims;
  const size = Math.min(options.size, n);
  const out = new Int32Array(size);
  if (size === 0) return out;
  const seed = options.seed ?? 0;
  const d = Math.min(options.selectionDims ?? 32, dims);
  const rows = d === dims ? features : project(features, dims, randomProjection(dims, d, seed + 1), d);
  const nearest = new Float32Array(n).fill(Infinity);
  let pick = createRandom(seed).int(n);
  const step = Math.max(1, Math.floor(size / 20));
  for (let k = 0; k < size; k++) {
    out[k] = pick;
    const p = pick * d;
    let farthest = -1;
    let farthestAt = 0;
    for (let i = 0; i < n; i++) {
      const r = i * d;
      let sum = 0;
      for (let j = 0; j < d; j++) {
        const diff = rows[r + j]! - rows[p + j]!;
        sum += diff * diff;
      }
      const current = nearest[i]!;
      const kept = sum < current ? sum : current;
      nearest[i] = kept;
      if (kept > farthest) {
        farthest = kept;
        farthestAt = i;
      }
    }
    pick = farthestAt;
    if (options.onProgress && (k + 1) % step === 0) options.onProgress((k + 1) / size);
  }
  return out;
}

/** The rows `indices` of `rows` [N, dims], as [indices.length, dims]. */
export function gatherRows(rows: Float32Array, dims: number, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * dims);
  for (let i = 0; i < indices.length; i++) out.set(rows.subarray(indices[i]! * dims, (indices[i]! + 1) * dims), i * dims);
  return out;
}

