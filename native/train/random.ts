/**
 * Seeded randomness for training: the same seed gives the same initial weights, the same shuffles
 * and the same validation split on every machine (32-bit integer arithmetic only).
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [-limit, limit). */
  uniform(limit: number): number;
  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { [index: number]: unknown; length: number }>(items: T): T;
}

/** A small, fast generator (mulberry32) seeded by any integer; seeds differing in one bit give unrelated streams. */
export function createRandom(seed: number): Random {
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    uniform: (limit) => (2 * next() - 1) * limit,
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const swap = items[i];
        items[i] = items[j];
        items[j] = swap;
      }
      return items;
    },
  };
}

/** A seed derived from `seed` and a purpose, so that init, shuffling and splitting use independent streams. */
export function deriveSeed(seed: number, purpose: number): number {
  let z = (Math.trunc(seed) + Math.imul(purpose + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
