import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { greedyCoreset, project, randomProjection } from '../../../native/anomaly';
import { createRandom } from '../../../native/train';

function randomRows(n: number, dims: number, seed: number): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length: n * dims }, () => random.next());
}

function distance2(rows: Float32Array, dims: number, a: number, b: number): number {
  let sum = 0;
  for (let j = 0; j < dims; j++) sum += (rows[a * dims + j]! - rows[b * dims + j]!) ** 2;
  return sum;
}

/** k-center greedy written the slow, obvious way: every step recomputes each row's distance to all picks. */
function bruteForceCoreset(rows: Float32Array, dims: number, size: number, first: number): number[] {
  const n = rows.length / dims;
  const picks = [first];
  while (picks.length < size) {
    let best = -1;
    let bestDistance = -1;
    for (let i = 0; i < n; i++) {
      const nearest = Math.min(...picks.map((p) => distance2(rows, dims, i, p)));
      if (nearest > bestDistance) {
        bestDistance = nearest;
        best = i;
      }
    }
    picks.push(best);
  }
  return picks;
}

describe('greedy coreset selection', () => {
  it('picks the same rows, in the same order, as a brute-force k-center greedy', () => {
    const dims = 8;
    const rows = randomRows(300, dims, 5);
    const picks = greedyCoreset(rows, dims, { size: 25, selectionDims: dims, seed: 9 });
    assert.deepEqual(Array.from(picks), bruteForceCoreset(rows, dims, 25, picks[0]!));
  });

  it('covers every row within the distance of the last pick (the covering radius)', () => {
    const dims = 16;
    const rows = randomRows(500, dims, 6);
    const picks = Array.from(greedyCoreset(rows, dims, { size: 40, selectionDims: dims, seed: 1 }));
    const radius = Math.max(...Array.from({ length: 500 }, (_, i) => Math.min(...picks.map((p) => distance2(rows, dims, i, p)))));
    // Greedy k-center is a 2-approximation: no two picks are closer than the final radius.
    for (let a = 0; a < picks.length; a++) for (let b = a + 1; b < picks.length; b++) assert.ok(distance2(rows, dims, picks[a]!, picks[b]!) >= radius - 1e-6);
  });

  it('keeps a cluster that a random subset of the same size would likely miss', () => {
    const dims = 4;
    const rows = randomRows(1000, dims, 7).map((v) => v * 0.1);
    // Five far-away rows: an outlying kind of good texture.
    for (let i = 0; i < 5; i++) rows.set([5, 5, 5, 5], i * dims);
    const picks = greedyCoreset(rows, dims, { size: 20, selectionDims: dims, seed: 3 });
    assert.ok(Array.from(picks).some((p) => p < 5));
  });

  it('measures distances in a projection that keeps them within 30 %', () => {
    const dims = 256;
    const rows = randomRows(20, dims, 8);
    const projected = project(rows, dims, randomProjection(dims, 64, 2), 64);
    for (let a = 0; a < 20; a++) {
      for (let b = a + 1; b < 20; b++) {
        const ratio = Math.sqrt(distance2(projected, 64, a, b) / distance2(rows, dims, a, b));
        assert.ok(ratio > 0.7 && ratio < 1.3, `ratio ${ratio}`);
      }
    }
  });
});
