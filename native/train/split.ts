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
 * in training, and every stratum of two or more keeps at least one row on each side. Deterministic
 * for a seed; both lists come back in ascending row order.
 */
export function stratifiedSplit(data: PreparedData, fraction: number, seed: number): RowSplit {
  const byStratum = new Map<number, number[]>();
  const labels = strata(data);
  labels.forEach((stratum, row) => {
    const members = byStratum.get(stratum);
    if (members) members.push(row);
    else byStratum.set(stratum, [row]);
  });
  const random = createRandom(deriveSeed(seed, 3));
  const train: number[] = [];
  const validation: number[] = [];
  for (const stratum of [...byStratum.keys()].sort((a, b) => a - b)) {
    const members = random.shuffle(byStratum.get(stratum) as number[]);
    const held = members.length < 2 ? 0 : Math.min(members.length - 1, Math.max(1, Math.round(members.length * fraction)));
    validation.push(...members.slice(0, held));
    train.push(...members.slice(held));
  }
  return { train: Int32Array.from(train).sort(), validation: Int32Array.from(validation).sort() };
}

/** Rows per class (softmax) or positives per class (sigmoid) among `rows`. */
export function classCounts(data: PreparedData, rows: Int32Array): number[] {
  const counts = new Array<number>(data.classes).fill(0);
  for (const row of rows) for (let c = 0; c < data.classes; c++) counts[c] = (counts[c] as number) + (data.y[row * data.classes + c] as number);
  return counts;
}
