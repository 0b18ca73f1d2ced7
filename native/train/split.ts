/** A stratified, seeded split of training rows into fitting and validation rows. */
import type { PreparedData } from './prepare';
import { createRandom, deriveSeed } from './random';

export interface RowSplit {
  train: Int32Array;
  validation: Int32Array;
}

/**
 * The stratum of each row. softmax: its class. sigmoid: its rarest positive label (so rare labels
 * reach both sides), or C for rows with no positive label.
 */
export function strata(data: PreparedData): Int32Array {
  const { rows, classes: C, y } = data;
  const out = new Int32Array(rows);
  const frequency = new Float64Array(C);
  for (let k = 0; k < rows * C; k++) frequency[k % C] = (frequency[k % C] as number) + (y[k] as number);
  for (let i = 0; i < rows; i++) {
    let stratum = C;
    for (let c = 0; c < C; c++) {
      if ((y[i * C + c] as number) > 0.5 && (stratum === C || (frequency[c] as number) < (frequency[stratum] as number))) stratum = c;
    }
    out[i] = stratum;
  }
  return out;
}

/**
 * About `fraction` of each stratum to validation, the rest to training: a stratum of one row stays
 * in training, and every stratum of two or more keeps at least one row on each side. With `groups`
 * (a group id per row: an image and its mirror, copies of one image) the groups are what is split,
 * so the rows of one group never straddle the two sides; a group's stratum is its first row's.
 * Deterministic for a seed; both lists come back in ascending row order.
 */
export function stratifiedSplit(data: PreparedData, fraction: number, seed: number, groups?: Int32Array): RowSplit {
  const { rowsOf, byStratum } = groupsByStratum(data, groups);
  const random = createRandom(deriveSeed(seed, 3));
  const train: number[] = [];
  const validation: number[] = [];
  for (const stratum of [...byStratum.keys()].sort((a, b) => a - b)) {
    const members = random.shuffle(byStratum.get(stratum) as number[]);
    const held = members.length < 2 ? 0 : Math.min(members.length - 1, Math.max(1, Math.round(members.length * fraction)));
    for (const id of members.slice(0, held)) validation.push(...rowsOf.get(id)!);
    for (const id of members.slice(held)) train.push(...rowsOf.get(id)!);
  }
  return { train: Int32Array.from(train).sort(), validation: Int32Array.from(validation).sort() };
}

/**
 * `k` folds for cross-validation, as splits: each stratum's groups (rows alone without `groups`)
 * shuffled (seeded) and dealt round-robin, the deal going on from one stratum to the next, so every
 * fold holds about the same share of each stratum and the rows of one group stay in one fold. Fold f
 * validates on its own rows and trains on the others'. With k above a stratum's groups some folds
 * miss that stratum; callers keep k at most the smallest stratum's groups.
 */
export function stratifiedGroupFolds(data: PreparedData, k: number, seed: number, groups?: Int32Array): RowSplit[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer ≥ 2, not ${k}`);
  const { rowsOf, byStratum } = groupsByStratum(data, groups);
  const random = createRandom(deriveSeed(seed, 4));
  const foldOf = new Int32Array(data.rows);
  let next = 0;
  for (const stratum of [...byStratum.keys()].sort((a, b) => a - b)) {
    for (const id of random.shuffle(byStratum.get(stratum) as number[])) {
      const fold = next++ % k;
      for (const row of rowsOf.get(id)!) foldOf[row] = fold;
    }
  }
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const validation: number[] = [];
    foldOf.forEach((fold, row) => (fold === f ? validation : train).push(row));
    return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
  });
}

/** The groups (by id, each its rows in order) of each stratum (a group's stratum is its first row's). */
export function groupsByStratum(data: PreparedData, groups?: Int32Array): { rowsOf: Map<number, number[]>; byStratum: Map<number, number[]> } {
  if (groups && groups.length !== data.rows) throw new RangeError(`groups has ${groups.length} entries for ${data.rows} rows`);
  const rowsOf = new Map<number, number[]>();
  const group = (row: number) => (groups ? (groups[row] as number) : row);
  for (let row = 0; row < data.rows; row++) {
    const members = rowsOf.get(group(row));
    if (members) members.push(row);
    else rowsOf.set(group(row), [row]);
  }
  const byStratum = new Map<number, number[]>();
  const labels = strata(data);
  for (const [id, rows] of rowsOf) {
    const stratum = labels[rows[0]!] as number;
    const members = byStratum.get(stratum);
    if (members) members.push(id);
    else byStratum.set(stratum, [id]);
  }
  return { rowsOf, byStratum };
}

/** Rows per class (softmax) or positives per class (sigmoid) among `rows`. */
export function classCounts(data: PreparedData, rows: Int32Array): number[] {
  const counts = new Array<number>(data.classes).fill(0);
  for (const row of rows) for (let c = 0; c < data.classes; c++) counts[c] = (counts[c] as number) + (data.y[row * data.classes + c] as number);
  return counts;
}
