/** The view-search probe: kernel, folds, and out-of-fold scores on data with a known answer. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addKernels, linearKernel, probeScore, stratifiedFolds } from '../../../native/train/probe';
import { createRandom } from '../../../native/train';

/** Two Gaussian classes in `dims` dimensions whose means differ by `gap` along the first `informative` axes. */
function blobs(perClass: [number, number], dims: number, gap: number, informative: number, seed: number) {
  const random = createRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(random.next() || 1e-12)) * Math.cos(2 * Math.PI * random.next());
  const rows = perClass[0] + perClass[1];
  const features = new Float32Array(rows * dims);
  const classOf = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    classOf[i] = i < perClass[0] ? 0 : 1;
    for (let d = 0; d < dims; d++) features[i * dims + d] = normal() + (d < informative && classOf[i] === 1 ? gap : 0);
  }
  const targets = new Float32Array(rows * 2);
  classOf.forEach((c, i) => (targets[i * 2 + c] = 1));
  return { features, classOf, targets, rows };
}

describe('probe', () => {
  it('computes the kernel of standardised features, and the kernels of blocks add up to the whole', () => {
    const { features, rows } = blobs([5, 5], 6, 1, 2, 1);
    const whole = linearKernel(features, rows, 6);
    const left = new Float32Array(rows * 4);
    const right = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      left.set(features.subarray(i * 6, i * 6 + 4), i * 4);
      right.set(features.subarray(i * 6 + 4, i * 6 + 6), i * 2);
    }
    const sum = addKernels(linearKernel(left, rows, 4), linearKernel(right, rows, 2));
    whole.forEach((value, k) => assert.ok(Math.abs(value - sum[k]!) < 1e-6));
    // The diagonal of a standardised kernel averages to the number of features.
    let trace = 0;
    for (let i = 0; i < rows; i++) trace += whole[i * rows + i]!;
    assert.ok(Math.abs(trace / rows - 6) < 1e-4, String(trace / rows));
  });

  it('deals each class evenly over the folds; with k = the smallest class, one of it per fold', () => {
    const strata = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    const folds = stratifiedFolds(strata, 4, 0);
    for (let f = 0; f < 4; f++) {
      assert.equal([...strata].filter((s, i) => s === 1 && folds[i] === f).length, 1);
      assert.equal([...strata].filter((s, i) => s === 0 && folds[i] === f).length, 2);
    }
  });

  it('scores separable classes near 1 and unrelated labels near chance', () => {
    const separable = blobs([30, 30], 40, 3, 5, 2);
    const folds = stratifiedFolds(separable.classOf, 5, 0);
    const good = probeScore({ kind: 'softmax', kernel: linearKernel(separable.features, separable.rows, 40), rows: separable.rows, targets: separable.targets, classes: 2, folds });
    assert.equal(good.metric, 'macro-recall');
    assert.ok(good.score >= 0.95, String(good.score));
    const noise = blobs([30, 30], 40, 0, 0, 3);
    const bad = probeScore({ kind: 'softmax', kernel: linearKernel(noise.features, noise.rows, 40), rows: noise.rows, targets: noise.targets, classes: 2, folds });
    assert.ok(bad.score < 0.75, String(bad.score));
  });

  it('with balanced weights keeps the rare class found on imbalanced data, and mirror averaging counts an image once', () => {
    const data = blobs([90, 10], 30, 1.2, 4, 4);
    const folds = stratifiedFolds(data.classOf, 5, 0);
    const kernel = linearKernel(data.features, data.rows, 30);
    const plain = probeScore({ kind: 'softmax', kernel, rows: data.rows, targets: data.targets, classes: 2, folds });
    const weights = Float32Array.from(data.classOf, (c) => (c === 1 ? 5 : 100 / 180));
    const weighted = probeScore({ kind: 'softmax', kernel, rows: data.rows, targets: data.targets, classes: 2, folds, weights });
    assert.ok(weighted.perClass[1]! >= plain.perClass[1]!, `${weighted.perClass[1]} vs ${plain.perClass[1]}`);
    assert.ok(weighted.perClass[0]! >= 0.8, `majority recall ${weighted.perClass[0]}`);
    const scoredAs = Int32Array.from({ length: data.rows }, (_, i) => (i % 2 === 0 ? i : i - 1));
    const paired = probeScore({ kind: 'softmax', kernel, rows: data.rows, targets: data.targets, classes: 2, folds: Int32Array.from(folds, (_, i) => folds[i - (i % 2)]!), scoredAs });
    assert.ok(paired.score >= 0 && paired.score <= 1);
  });

  it('lets the most confident tile answer: a defect in one tile of four is found, each image scored once', () => {
    const images = 60;
    const tiles = 4;
    const dims = 24;
    const random = createRandom(9);
    const normal = () => Math.sqrt(-2 * Math.log(random.next() || 1e-12)) * Math.cos(2 * Math.PI * random.next());
    const classOf = Int32Array.from({ length: images }, (_, i) => i % 2);
    // Per image, four tiles of noise; a defective image has the defect in one tile (any of them).
    const perTile = new Float32Array(images * tiles * dims);
    for (let i = 0; i < images; i++) {
      const defectTile = classOf[i] === 1 ? Math.floor(random.next() * tiles) : -1;
      for (let t = 0; t < tiles; t++) for (let d = 0; d < dims; d++) perTile[(i * tiles + t) * dims + d] = normal() + (t === defectTile && d < 3 ? 4 : 0);
    }
    const pooled = new Float32Array(images * dims);
    for (let i = 0; i < images; i++) for (let t = 0; t < tiles; t++) for (let d = 0; d < dims; d++) pooled[i * dims + d] = pooled[i * dims + d]! + perTile[(i * tiles + t) * dims + d]! / tiles;
    const folds = stratifiedFolds(classOf, 5, 0);
    const targets = new Float32Array(images * 2);
    classOf.forEach((c, i) => (targets[i * 2 + c] = 1));
    const mean = probeScore({ kind: 'softmax', kernel: linearKernel(pooled, images, dims), rows: images, targets, classes: 2, folds });
    const rows = images * tiles;
    const image = Int32Array.from({ length: rows }, (_, r) => Math.floor(r / tiles));
    const perTileOptions = {
      kind: 'softmax' as const,
      kernel: linearKernel(perTile, rows, dims),
      rows,
      targets: Float32Array.from({ length: rows * 2 }, (_, k) => targets[image[k >> 1]! * 2 + (k & 1)]!),
      classes: 2,
      folds: Int32Array.from(image, (i) => folds[i]!),
      // Each tile scored as its image's first tile.
      scoredAs: Int32Array.from(image, (i) => i * tiles),
    };
    const confident = probeScore({ ...perTileOptions, combine: 'confident' });
    const averaged = probeScore(perTileOptions);
    assert.ok(confident.score >= 0.8, `most confident tile: ${confident.score}`);
    assert.ok(mean.score >= 0.8, `features averaged over the tiles: ${mean.score}`);
    // The defect-free tiles of a defective image are labelled defective too: averaging every tile's scores blurs what the most confident tile sees.
    assert.ok(confident.score > averaged.score, `most confident tile ${confident.score} vs tiles' scores averaged ${averaged.score}`);
    // Each image is scored once: the per-class recalls are shares of 30 images.
    for (const recall of confident.perClass) assert.ok(Math.abs(recall * 30 - Math.round(recall * 30)) < 1e-9, String(recall));
  });
});
