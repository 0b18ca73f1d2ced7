import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildModel, encodeModel, GraphBuilder } from '../../../native/onnx';
import { createSession } from '../../../native/ort';
import { addScoring, bankRefs, buildNeighbourGraph, buildScoringGraph, REWEIGHT_NEIGHBOURS, scoreImagesBoth, scoreImagesGrown } from '../../../native/anomaly';
import { PLACE_SPREAD_CAP, placeStandard, placeSums, standardised } from '../../../native/anomaly/train';
import { createRandom } from '../../../native/train';

const DIMS = 12;

function rows(n: number, seed: number): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length: n * DIMS }, () => random.next() * 2 - 1);
}

const distance = (a: Float32Array, i: number, b: Float32Array, k: number) => {
  let sum = 0;
  for (let j = 0; j < DIMS; j++) sum += (a[i * DIMS + j]! - b[k * DIMS + j]!) ** 2;
  return Math.sqrt(sum);
};

/** Neighbours of each bank row by brute force: itself first, then the nearest others. */
function bruteNeighbours(bank: Float32Array, size: number): number[][] {
  return Array.from({ length: size }, (_, k) =>
    Array.from({ length: size }, (_, m) => m)
      .sort((a, b) => distance(bank, k, bank, a) - distance(bank, k, bank, b))
      .slice(0, REWEIGHT_NEIGHBOURS),
  );
}

/** PatchCore's image score by brute force: the worst patch's distance, weighted by 1 − softmax over m*'s neighbourhood. */
function bruteScore(patches: Float32Array, count: number, bank: Float32Array, size: number, neighbours: number[][]): { patchScores: number[]; score: number } {
  const patchScores = Array.from({ length: count }, (_, p) => Math.min(...Array.from({ length: size }, (_, k) => distance(patches, p, bank, k))));
  const worst = patchScores.indexOf(Math.max(...patchScores));
  const distances = Array.from({ length: size }, (_, k) => distance(patches, worst, bank, k));
  const nearest = distances.indexOf(Math.min(...distances));
  const support = neighbours[nearest]!.map((k) => distances[k]!);
  const exps = support.map((d) => Math.exp(d - Math.max(...support)));
  const weight = 1 - exps[0]! / exps.reduce((a, b) => a + b, 0);
  return { patchScores, score: weight * patchScores[worst]! };
}

describe('nearest-neighbour scoring against the memory bank', () => {
  it('gives the patch scores and the re-weighted image score of a brute-force search', async () => {
    const size = 60;
    const bank = rows(size, 1);
    const neighbours = bruteNeighbours(bank, size);
    const images = 3;
    const perImage = 20;
    const patches = rows(images * perImage, 2);
    const { session } = await createSession(Buffer.from(encodeModel(buildModel(buildScoringGraph(DIMS)))), { name: 'scoring' });
    try {
      const out = await session.run({
        patches: { data: patches, dims: [images, perImage, DIMS] },
        bank: { data: bank, dims: [size, DIMS] },
        neighbours: { data: BigInt64Array.from(neighbours.flat(), BigInt), dims: [size, REWEIGHT_NEIGHBOURS] },
      });
      const scores = out.score!.data as Float32Array;
      const patchScores = out.patch_scores!.data as Float32Array;
      for (let i = 0; i < images; i++) {
        const expected = bruteScore(patches.subarray(i * perImage * DIMS, (i + 1) * perImage * DIMS), perImage, bank, size, neighbours);
        expected.patchScores.forEach((s, p) => assert.ok(Math.abs(patchScores[i * perImage + p]! - s) < 1e-3, `patch ${p}: ${patchScores[i * perImage + p]} vs ${s}`));
        assert.ok(Math.abs(scores[i]! - expected.score) < 1e-3, `image ${i}: ${scores[i]} vs ${expected.score}`);
        assert.ok(scores[i]! > 0 && scores[i]! < Math.max(...expected.patchScores));
      }
    } finally {
      await session.release();
    }
  });

  it('gives the mean of the k worst patch scores, in the model graph as in training', async () => {
    const size = 40;
    const bank = rows(size, 5);
    const neighbours = bruteNeighbours(bank, size);
    const perImage = 24;
    const topK = 5;
    const images = [rows(perImage, 6), rows(perImage, 7)];
    const g = new GraphBuilder('top-k');
    const patches = g.input('patches', 'float32', ['batch', 'patches', DIMS]);
    const bankInput = g.input('bank', 'float32', ['bank', DIMS]);
    const refs = bankRefs(g, bankInput, g.input('neighbours', 'int64', ['bank', REWEIGHT_NEIGHBOURS]));
    const { imageScores } = addScoring(g, patches, refs, topK);
    g.output(imageScores, 'float32', ['batch']);
    const { session: graph } = await createSession(Buffer.from(encodeModel(buildModel(g))), { name: 'top-k' });
    const { session: scoring } = await createSession(Buffer.from(encodeModel(buildModel(buildScoringGraph(DIMS)))), { name: 'scoring' });
    try {
      const data = new Float32Array(2 * perImage * DIMS);
      images.forEach((image, i) => data.set(image, i * perImage * DIMS));
      const neighbourTensor = { data: BigInt64Array.from(neighbours.flat(), BigInt), dims: [size, REWEIGHT_NEIGHBOURS] };
      const out = await graph.run({ patches: { data, dims: [2, perImage, DIMS] }, bank: { data: bank, dims: [size, DIMS] }, neighbours: neighbourTensor });
      const inGraph = out.score!.data as Float32Array;
      const inTraining = await scoreImagesBoth(scoring, images, { rows: bank, size, neighbours: Int32Array.from(neighbours.flat()) }, DIMS, [topK]);
      images.forEach((image, i) => {
        const { patchScores } = bruteScore(image, perImage, bank, size, neighbours);
        const expected = patchScores.sort((a, b) => b - a).slice(0, topK).reduce((a, b) => a + b, 0) / topK;
        assert.ok(Math.abs(inGraph[i]! - expected) < 1e-3, `graph, image ${i}: ${inGraph[i]} vs ${expected}`);
        assert.ok(Math.abs(inTraining[1]![i]! - expected) < 1e-3, `training, image ${i}: ${inTraining[1]![i]} vs ${expected}`);
      });
    } finally {
      await Promise.all([graph.release(), scoring.release()]);
    }
  });

  it('finds each bank row\'s nearest rows as a brute-force sort does', async () => {
    const size = 50;
    const bank = rows(size, 3);
    const { session } = await createSession(Buffer.from(encodeModel(buildModel(buildNeighbourGraph(DIMS, REWEIGHT_NEIGHBOURS)))), { name: 'neighbours' });
    try {
      const out = await session.run({ rows: { data: bank, dims: [size, DIMS] }, bank: { data: bank, dims: [size, DIMS] } });
      const indices = Array.from(out.indices!.data as BigInt64Array, Number);
      bruteNeighbours(bank, size).forEach((expected, k) => assert.deepEqual(indices.slice(k * REWEIGHT_NEIGHBOURS, (k + 1) * REWEIGHT_NEIGHBOURS), expected));
    } finally {
      await session.release();
    }
  });

  it('scores a grown bank on its extra rows alone as on the whole grown bank', async () => {
    const small = 30;
    const size = 60;
    // The grown bank: the small bank's rows, then the extra ones.
    const bank = rows(size, 11);
    const neighbours = bruteNeighbours(bank, size);
    const perImage = 20;
    const images = [rows(perImage, 12), rows(perImage, 13), rows(perImage, 14)];
    const topKs = [3, 6];
    const { session: scoring } = await createSession(Buffer.from(encodeModel(buildModel(buildScoringGraph(DIMS)))), { name: 'scoring' });
    try {
      const known: Float32Array[] = [];
      await scoreImagesBoth(scoring, images, { rows: bank.slice(0, small * DIMS), size: small, neighbours: Int32Array.from(bruteNeighbours(bank.slice(0, small * DIMS), small).flat()) }, DIMS, topKs, known);
      const grownBank = { rows: bank, size, neighbours: Int32Array.from(neighbours.flat()) };
      const grownPatches: Float32Array[] = [];
      const grown = await scoreImagesGrown(scoring, images, known, { rows: bank.slice(small * DIMS), size: size - small }, grownBank, DIMS, topKs, grownPatches);
      const wholePatches: Float32Array[] = [];
      const whole = await scoreImagesBoth(scoring, images, grownBank, DIMS, topKs, wholePatches);
      // The patch scores kept for the per-place candidates are the grown bank's too.
      assert.equal(grownPatches.length, images.length);
      grownPatches.forEach((patches, i) => patches.forEach((s, p) => assert.ok(Math.abs(s - wholePatches[i]![p]!) < 1e-4, `image ${i}, patch ${p}: ${s} vs ${wholePatches[i]![p]}`)));
      images.forEach((image, i) => {
        const expected = bruteScore(image, perImage, bank, size, neighbours);
        assert.ok(Math.abs(grown[0]![i]! - expected.score) < 1e-3, `image ${i}: ${grown[0]![i]} vs ${expected.score}`);
        whole.forEach((kind, j) => assert.ok(Math.abs(grown[j]![i]! - kind[i]!) < 1e-3, `kind ${j}, image ${i}: ${grown[j]![i]} vs ${kind[i]}`));
      });
    } finally {
      await scoring.release();
    }
  });

  it('standardises the patch scores per place: each cell against its good scores, one image left out exactly', () => {
    const random = createRandom(21);
    const cells = 6;
    // Cell 0 varies a lot among good images, cell 5 is raised by the same amount in all of them.
    const good = Array.from({ length: 9 }, () => Float32Array.from({ length: cells }, (_, p) => 1 + (p === 0 ? 3 : 0.2) * random.next() + (p === 5 ? 4 : 0)));
    const sums = placeSums(good);
    const left = placeStandard(sums, good[2]!);
    const direct = placeStandard(placeSums(good.filter((_, i) => i !== 2)));
    for (let p = 0; p < cells; p++) {
      assert.ok(Math.abs(left.mean[p]! - direct.mean[p]!) < 1e-5, `mean ${p}`);
      assert.ok(Math.abs(left.scale[p]! - direct.scale[p]!) < 1e-5, `scale ${p}`);
    }
    const all = placeStandard(sums);
    const mean = (p: number) => good.reduce((sum, g) => sum + g[p]!, 0) / good.length;
    const sd = (p: number) => Math.sqrt(good.reduce((sum, g) => sum + (g[p]! - mean(p)) ** 2, 0) / good.length);
    const spreads = Array.from({ length: cells }, (_, p) => sd(p)).sort((a, b) => a - b);
    const median = (spreads[2]! + spreads[3]!) / 2;
    // The varying cell's spread is capped at PLACE_SPREAD_CAP medians; a quiet one is raised to the median cell's.
    assert.ok(sd(0) > PLACE_SPREAD_CAP * median);
    assert.ok(Math.abs(all.scale[0]! - PLACE_SPREAD_CAP * median) < 1e-5);
    for (let p = 1; p < cells; p++) assert.ok(Math.abs(all.scale[p]! - Math.min(PLACE_SPREAD_CAP * median, Math.max(sd(p), median))) < 1e-5, `scale ${p}`);
    // The same raise at the varying cell and at the offset cell: the offset cell, where good parts never vary, stands out.
    const patch = Float32Array.from(all.mean, (m, p) => m + (p === 0 || p === 5 ? 1 : 0));
    const z = standardised(patch, all);
    assert.ok(z[5]! > 1.5 * z[0]!, `${z[0]} vs ${z[5]}`);
    assert.ok(Math.abs(z[3]!) < 1e-5);
    assert.throws(() => placeSums([new Float32Array(3), new Float32Array(4)]), /cells/);
  });

  it('scores per place in the model graph as training standardises: the highest z, or the mean of the k highest', async () => {
    const size = 40;
    const bank = rows(size, 31);
    const neighbours = bruteNeighbours(bank, size);
    const perImage = 16;
    const images = [rows(perImage, 32), rows(perImage, 33)];
    const random = createRandom(34);
    const standard = { mean: Float32Array.from({ length: perImage }, () => random.next()), scale: Float32Array.from({ length: perImage }, () => 0.5 + random.next()) };
    const build = (topK?: number) => {
      const g = new GraphBuilder('per-place');
      const patches = g.input('patches', 'float32', ['batch', 'patches', DIMS]);
      const refs = bankRefs(g, g.input('bank', 'float32', ['bank', DIMS]), g.input('neighbours', 'int64', ['bank', REWEIGHT_NEIGHBOURS]));
      const { patchScores, imageScores } = addScoring(g, patches, refs, topK, standard);
      g.output(imageScores, 'float32', ['batch']);
      g.output(patchScores, 'float32', ['batch', 'patches']);
      return createSession(Buffer.from(encodeModel(buildModel(g))), { name: 'per-place' });
    };
    const data = new Float32Array(2 * perImage * DIMS);
    images.forEach((image, i) => data.set(image, i * perImage * DIMS));
    const feeds = { patches: { data, dims: [2, perImage, DIMS] }, bank: { data: bank, dims: [size, DIMS] }, neighbours: { data: BigInt64Array.from(neighbours.flat(), BigInt), dims: [size, REWEIGHT_NEIGHBOURS] } };
    for (const topK of [undefined, 4]) {
      const { session } = await build(topK);
      try {
        const out = await session.run(feeds);
        const scores = out.score!.data as Float32Array;
        const patchScores = out.patch_scores!.data as Float32Array;
        images.forEach((image, i) => {
          const z = standardised(Float32Array.from(bruteScore(image, perImage, bank, size, neighbours).patchScores), standard);
          z.forEach((value, p) => assert.ok(Math.abs(patchScores[i * perImage + p]! - value) < 1e-3, `patch ${p}: ${patchScores[i * perImage + p]} vs ${value}`));
          const sorted = Array.from(z).sort((a, b) => b - a);
          const expected = topK === undefined ? sorted[0]! : sorted.slice(0, topK).reduce((a, b) => a + b, 0) / topK;
          assert.ok(Math.abs(scores[i]! - expected) < 1e-3, `top ${topK}, image ${i}: ${scores[i]} vs ${expected}`);
        });
      } finally {
        await session.release();
      }
    }
  });
});
