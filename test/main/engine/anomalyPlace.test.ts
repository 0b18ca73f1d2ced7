/**
 * The patch's place in its features (native/anomaly train.ts PLACE_SPREADS): the graph appends each
 * cell's centre times the weight; a normal texture at the wrong place scores high once the place is
 * weighed; and training, where asked (`place: true`), compares the place on the candidate chosen without it and records it
 * (generated parts: woven above the middle, plain below, some with a woven square below).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { classMapOf, trainAnomalyVersion, type AnomalyTestImage, type TrainedAnomalyModel } from '../../../main/engine/anomalyEngine';
import { buildModel, encodeModel, GraphBuilder } from '../../../native/onnx';
import { createSession } from '../../../native/ort';
import { buildFeatureGraph, buildScoringGraph, REWEIGHT_NEIGHBOURS } from '../../../native/anomaly/patchGraph';
import { withPlaceWeight } from '../../../native/anomaly/train';
import { createRandom } from '../../../native/train';
import { tempDir } from '../../support/loupe';

const MODELS = join(import.meta.dirname, '../../../dist/models');
const modelsBuilt = existsSync(join(MODELS, 'nsfwjs-mobilenet-v2-140.onnx'));
const SIDE = 224;

/** A part: woven above the middle, plain below; `square` puts a woven square of that side in the lower half. */
async function aPart(path: string, seed: number, square?: { x: number; y: number; side: number }): Promise<string> {
  const random = createRandom(seed);
  const phase = random.next() * 12;
  const data = Buffer.alloc(SIDE * SIDE * 3);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const woven = y < SIDE / 2 || (square !== undefined && x >= square.x && x < square.x + square.side && y >= square.y && y < square.y + square.side);
      const weave = Math.sin((2 * Math.PI * (x + phase)) / 12) * Math.sin((2 * Math.PI * (y + phase)) / 12);
      const v = 150 + (woven ? 45 * weave : 0) + (random.next() - 0.5) * 16;
      const o = (y * SIDE + x) * 3;
      data[o] = Math.max(0, Math.min(255, Math.round(v)));
      data[o + 1] = Math.max(0, Math.min(255, Math.round(v * 0.85)));
      data[o + 2] = Math.max(0, Math.min(255, Math.round(v * 0.6)));
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  await sharp(data, { raw: { width: SIDE, height: SIDE, channels: 3 } }).png().toFile(path);
  return path;
}

describe('the place in the patch features', () => {
  it('ends each patch with its cell\'s centre, x then y in 0–1 of the grid, times the weight', async () => {
    // A stand-in backbone: the image's channels averaged over 8 × 8 cells (NHWC in, NCHW map out).
    const g = new GraphBuilder('cells');
    const image = g.input('input', 'float32', [1, 24, 40, 3]);
    g.op('AveragePool', [g.op('Transpose', [image], { perm: [0, 3, 1, 2] })], { kernel_shape: [8, 8], strides: [8, 8] }, { outputs: ['map'] });
    g.output(g.value('map'), 'float32', [1, 3, 3, 5]);
    const backbone = buildModel(g);
    const weight = 2.5;
    const projection = Float32Array.from([1, 0, 0, 1, 0, 0]); // [3, 2]: the first two channels
    const features = buildModel(buildFeatureGraph(backbone, 'input', 'NHWC', [{ maps: ['map'], channels: 3, projection, dims: 4, position: weight }]));
    const { session } = await createSession(Buffer.from(encodeModel(features)), { name: 'place' });
    try {
      const pixels = Float32Array.from({ length: 24 * 40 * 3 }, (_, i) => i % 7);
      const out = await session.run({ image: { data: pixels, dims: [1, 24, 40, 3] } });
      const patches = out.patches_0!;
      assert.deepEqual(patches.dims, [1, 15, 4]);
      const rows = patches.data as Float32Array;
      for (let p = 0; p < 15; p++) {
        const [row, column] = [Math.floor(p / 5), p % 5];
        assert.ok(Math.abs(rows[p * 4 + 2]! - (weight * (column + 0.5)) / 5) < 1e-5, `patch ${p} x`);
        assert.ok(Math.abs(rows[p * 4 + 3]! - (weight * (row + 0.5)) / 3) < 1e-5, `patch ${p} y`);
      }
    } finally {
      await session.release();
    }
  });
});

describe('a normal texture at the wrong place', () => {
  it('scores higher once the place is weighed: its twin among the good patches lies elsewhere', async () => {
    // Good patches: texture a on the left (x 0.1), texture b on the right (x 0.9); the patch under
    // test is texture a on the right. Rows end with the place at weight 1, as training embeds them.
    const dims = 6;
    const a = [1, 0, 0, 0];
    const b = [0, 1, 0, 0];
    const row = (features: number[], x: number) => [...features, x, 0.5];
    const bankRows = Array.from({ length: 12 }, (_, k) => row(k % 2 === 0 ? a.map((v) => v + 0.01 * k) : b.map((v) => v + 0.01 * k), k % 2 === 0 ? 0.1 : 0.9)).flat();
    const size = 12;
    const neighbours = Array.from({ length: size }, (_, k) => Array.from({ length: REWEIGHT_NEIGHBOURS }, (_, n) => (k + n) % size)).flat();
    const { session } = await createSession(Buffer.from(encodeModel(buildModel(buildScoringGraph(dims)))), { name: 'scoring' });
    try {
      const score = async (weight: number) => {
        const patches = withPlaceWeight(Float32Array.from([...row(a, 0.9), ...row(b, 0.9)]), dims, weight);
        const bank = withPlaceWeight(Float32Array.from(bankRows), dims, weight);
        const out = await session.run({
          patches: { data: patches, dims: [1, 2, dims] },
          bank: { data: bank, dims: [size, dims] },
          neighbours: { data: BigInt64Array.from(neighbours, BigInt), dims: [size, REWEIGHT_NEIGHBOURS] },
        });
        return Array.from(out.patch_scores!.data as Float32Array);
      };
      const [without, placed] = [await score(0), await score(4)];
      assert.ok(without[0]! < 0.1, `texture a has a twin on the left: ${without[0]}`);
      assert.ok(placed[0]! > 1, `weighed by its place it has none: ${placed[0]}`);
      assert.ok(Math.abs(placed[1]! - without[1]!) < 0.05, `texture b on the right is as normal as before: ${placed[1]} vs ${without[1]}`);
    } finally {
      await session.release();
    }
  });
});

describe('an anomaly class named with the place in the features', () => {
  it('is named by what the patch looks like, not by where the class was learnt', () => {
    // Two classes learnt at opposite ends (place x 0.1 and 0.9, weight 10); the patch looks like
    // the first and lies where the second was learnt.
    const classes = [
      { name: 'scratch', colour: '#FF0000', prototype: [1, 0, 1, 5] },
      { name: 'dent', colour: '#00FF00', prototype: [0, 1, 9, 5] },
    ];
    const patch = Float32Array.from([0.9, 0.1, 9, 5]);
    assert.deepEqual([...classMapOf(classes, patch, { width: 2, height: 1 }, true)], [1, 1]);
    assert.deepEqual([...classMapOf(classes, patch, { width: 2, height: 1 })], [2, 2]);
  });
});

describe('the place candidate in training', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  const dir = tempDir('loupe-anomaly-place-');
  const good: string[] = [];
  const test: AnomalyTestImage[] = [];
  let chosen: TrainedAnomalyModel;
  let unplaced: TrainedAnomalyModel;

  before(async () => {
    for (let i = 0; i < 12; i++) good.push(await aPart(join(dir, 'train', `${i}.png`), i));
    for (let i = 0; i < 3; i++) test.push({ path: await aPart(join(dir, 'test', `clean-${i}.png`), 100 + i), anomalous: false });
    for (let i = 0; i < 3; i++) {
      const random = createRandom(300 + i);
      const square = { x: Math.round(20 + random.next() * 140), y: Math.round(130 + random.next() * 40), side: 48 };
      test.push({ path: await aPart(join(dir, 'test', `misplaced-${i}.png`), 200 + i, square), anomalous: true });
    }
    chosen = await trainAnomalyVersion({ good, test, outputDir: join(dir, 'chosen'), modelsDir: MODELS, threads: 2, place: true });
    unplaced = await trainAnomalyVersion({ good, test, outputDir: join(dir, 'unplaced'), modelsDir: MODELS, threads: 2 });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('compares the place last, on the layer set and bank size chosen without it, with every image score', () => {
    const validation = chosen.evaluation.validation;
    const placed = validation.filter((v) => (v.placeWeight ?? 0) > 0);
    const before = validation.filter((v) => v.placeWeight === 0);
    assert.ok(placed.length >= 2 && before.length > placed.length, JSON.stringify(validation));
    assert.deepEqual(validation.slice(-placed.length), placed);
    assert.equal(new Set(placed.map((v) => `${v.featureMaps.join('+')}|${v.bankSize}|${v.placeWeight}`)).size, 1);
    // The same layer set, and a bank of the same size give or take the rounding of its folds' shares.
    assert.ok(before.some((v) => v.featureMaps.join('+') === placed[0]!.featureMaps.join('+') && Math.abs(v.bankSize! - placed[0]!.bankSize!) <= 0.02 * v.bankSize!), JSON.stringify(validation));
    assert.equal(new Set(placed.map((v) => v.imageScore)).size, placed.length);
    // Recorded on the version, with the weight chosen.
    const weight = Number(chosen.metadata.choices!.chosen.placeWeight);
    assert.ok(weight === 0 || Math.abs(weight - placed[0]!.placeWeight!) < 1e-3, String(weight));
    assert.ok(chosen.metadata.choices!.candidates.some((c) => Number(c.settings.placeWeight) > 0));
    assert.equal(chosen.evaluation.imageAuroc, 1, JSON.stringify(chosen.evaluation.results.map((r) => [r.anomalous, r.score.toFixed(3)])));
  });

  it('leaves the place out unless asked', () => {
    assert.deepEqual(new Set(unplaced.evaluation.validation.map((v) => v.placeWeight)), new Set([0]));
    assert.equal(unplaced.metadata.choices!.chosen.placeWeight, 0);
  });
});
