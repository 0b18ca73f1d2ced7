import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { anomalyMaskCut, loadAnomalyModel, trainAnomalyVersion, viewPixels, type TrainedAnomalyModel } from '../../../main/engine/anomalyEngine';
import { tempDir } from '../../support/loupe';
import { aScratch, aTexture } from '../../support/textures';

const MODELS = join(import.meta.dirname, '../../../dist/models');
const modelsBuilt = existsSync(join(MODELS, 'nsfwjs-mobilenet-v2-140.onnx'));

describe('a good-only anomaly model trained on generated textures', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  const dir = tempDir('loupe-anomaly-');
  let trained: TrainedAnomalyModel;
  const clean: string[] = [];
  const scratched: { path: string; mask: string }[] = [];

  before(async () => {
    const good = await Promise.all(Array.from({ length: 12 }, (_, i) => aTexture(join(dir, 'train/normal', `${i}.png`), { seed: i })));
    for (let i = 0; i < 4; i++) clean.push(await aTexture(join(dir, 'test/normal', `${i}.png`), { seed: 100 + i }));
    for (let i = 0; i < 4; i++) {
      const path = join(dir, 'test/anomaly', `${i}.png`);
      const mask = join(dir, 'test/masks', `${i}.png`);
      await aTexture(path, { seed: 200 + i, scratch: aScratch(i) }, mask);
      scratched.push({ path, mask });
    }
    trained = await trainAnomalyVersion({
      good,
      test: [...clean.map((path) => ({ path, anomalous: false })), ...scratched.map(({ path, mask }) => ({ path, anomalous: true, mask }))],
      outputDir: join(dir, 'model'),
      modelsDir: MODELS,
      threads: 2,
    });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('scores every scratched texture above every clean one, and says so at its good-only threshold', () => {
    const e = trained.evaluation;
    assert.equal(e.imageAuroc, 1);
    for (const result of e.results) assert.equal(result.predictedAnomalous, result.anomalous, `${result.path}: score ${result.score}, threshold ${e.threshold}`);
    assert.equal(e.thresholdSource, 'good-only');
    assert.ok(e.heldOutFalseRejectRate <= 0.01);
    assert.ok(e.pixelAuroc !== null && e.pixelAuroc > 0.9, `pixel AUROC ${e.pixelAuroc}`);
  });

  it('scores its held-out good images as it scores fresh good ones (the threshold\'s evidence is not biased)', () => {
    const e = trained.evaluation;
    const held = [...e.heldOutGoodScores!].sort((a, b) => a - b);
    assert.equal(held.length, 12);
    const fresh = e.results.filter((r) => !r.anomalous).map((r) => r.score);
    const median = held[held.length / 2]!;
    assert.ok(median >= 0.9 * Math.min(...fresh) && median <= 1.1 * Math.max(...fresh), `held-out ${held.map((s) => s.toFixed(3))}, fresh ${fresh.map((s) => s.toFixed(3))}`);
  });

  it('writes the evaluation beside the model file, and the file alone analyses an image', async () => {
    const written = JSON.parse(readFileSync(join(dir, 'model', 'evaluation.json'), 'utf8')) as { imageAuroc: number; results: unknown[] };
    assert.equal(written.imageAuroc, 1);
    assert.equal(written.results.length, 8);
    assert.equal(readFileSync(join(dir, 'model', 'evaluation-manifest.jsonl'), 'utf8').trim().split('\n').length, 8);
    const model = await loadAnomalyModel(trained.modelPath, { threads: 2 });
    try {
      const cleanAnalysis = await model.analyze(readFileSync(clean[0]!));
      assert.equal(cleanAnalysis.isAnomalous, false);
      const { path, mask } = scratched[0]!;
      const analysis = await model.analyze(readFileSync(path));
      assert.equal(analysis.isAnomalous, true);
      assert.ok(analysis.confidence > 0.5 && analysis.confidence <= 1);
      // The heat map's hottest pixel lies on the scratch (its mask, on the view's grid, grown by 8 px).
      const { width, height } = analysis.view;
      const hottest = analysis.map.indexOf(Math.max(...analysis.map));
      const maskPixels = await viewPixels(mask, analysis.view);
      const hx = hottest % width;
      const hy = Math.floor(hottest / width);
      let near = false;
      for (let y = Math.max(0, hy - 8); y < Math.min(height, hy + 9); y++) for (let x = Math.max(0, hx - 8); x < Math.min(width, hx + 9); x++) if (maskPixels.data[(y * width + x) * 3]! > 127) near = true;
      assert.ok(near, `hottest pixel (${hx}, ${hy}) is not on the scratch`);
    } finally {
      await model.close();
    }
  });
});

describe('the cells an anomalous image\'s mask marks', () => {
  const metadata = { threshold: 4, normalMedian: 1 };
  it('are those halfway from the threshold to the map\'s peak', () => {
    assert.equal(anomalyMaskCut([0, 2, 5, 8, 3], metadata), 6);
  });
  it('where the blurred map stays under the threshold, those halfway from the normal median to its peak', () => {
    const map = [0.5, 1.5, 3, 2];
    const cut = anomalyMaskCut(map, metadata);
    assert.equal(cut, 2);
    assert.deepEqual(map.map((v) => v >= cut), [false, false, true, true]);
    // A peak under the normal median still marks the peak itself.
    assert.equal(anomalyMaskCut([0.2, 0.6, 0.4], metadata), 0.6);
  });
});
