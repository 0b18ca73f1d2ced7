/**
 * The anomaly model's view candidates on a long strip: a short, thin scratch that squeezing the
 * strip to 224 pixels blurs away is found by the native-resolution view, which training picks by
 * validation on synthetic defects drawn on good strips, and records with the other candidates.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { trainAnomalyVersion, viewCandidates, type AnomalyTestImage, type TrainedAnomalyModel } from '../../../main/engine/anomalyEngine';
import { tempDir } from '../../support/loupe';
import { aTexture } from '../../support/textures';
import { createRandom } from '../../../native/train';

const MODELS = join(import.meta.dirname, '../../../dist/models');
const modelsBuilt = existsSync(join(MODELS, 'nsfwjs-mobilenet-v2-140.onnx'));
const STRIP = { width: 352, height: 1408 };

describe('view candidates', () => {
  it('offers the native view only for parts clearly larger than the whole-image view', () => {
    assert.deepEqual(viewCandidates([{ width: 160, height: 160 }]).map((c) => c.kind), ['whole']);
    assert.deepEqual(viewCandidates([{ width: 300, height: 900 }]).map((c) => c.kind), ['whole']);
    const strip = viewCandidates([STRIP, STRIP, { width: 360, height: 1400 }]);
    assert.deepEqual(strip, [
      { kind: 'whole', view: { width: 224, height: 672 } },
      { kind: 'native', view: { width: 352, height: 1408 } },
    ]);
    // Large photos are shrunk to the native view's pixel budget, keeping their shape.
    const [, large] = viewCandidates([{ width: 4000, height: 3000 }]);
    assert.ok(large && large.view.width * large.view.height <= 640 * 1024 && Math.abs(large.view.width / large.view.height - 4 / 3) < 0.05, JSON.stringify(large));
  });
});

describe('a small scratch on a long strip', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  const dir = tempDir('loupe-anomaly-views-');
  const good: string[] = [];
  const test: AnomalyTestImage[] = [];
  let chosen: TrainedAnomalyModel;
  let whole: TrainedAnomalyModel;
  let hashes: string[];

  before(async () => {
    for (let i = 0; i < 8; i++) good.push(await aTexture(join(dir, 'train', `${i}.png`), { seed: i, ...STRIP }));
    for (let i = 0; i < 3; i++) test.push({ path: await aTexture(join(dir, 'test', `clean-${i}.png`), { seed: 100 + i, ...STRIP }), anomalous: false });
    for (let i = 0; i < 3; i++) {
      const random = createRandom(300 + i);
      const x = 60 + random.next() * 230;
      const y = 200 + random.next() * 1000;
      const scratch = { from: [x, y] as [number, number], to: [x + 6, y + 8] as [number, number], width: 2 };
      test.push({ path: await aTexture(join(dir, 'test', `scratch-${i}.png`), { seed: 200 + i, ...STRIP, scratch }), anomalous: true });
    }
    whole = await trainAnomalyVersion({ good, test, outputDir: join(dir, 'whole'), modelsDir: MODELS, threads: 2, viewKinds: ['whole'] });
    hashes = good.map((path) => createHash('sha256').update(readFileSync(path)).digest('hex'));
    chosen = await trainAnomalyVersion({ good, test, outputDir: join(dir, 'chosen'), modelsDir: MODELS, threads: 2, hashes: { good: hashes, anomalous: [] } });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the whole-image view misses a scratch the native view finds, and validation picks the native view', () => {
    const missed = whole.evaluation.results.filter((r) => r.anomalous && !r.predictedAnomalous);
    assert.ok(missed.length > 0, `whole view: ${JSON.stringify(whole.evaluation.results.map((r) => [r.anomalous, r.score.toFixed(3)]))}, threshold ${whole.evaluation.threshold}`);
    assert.equal(chosen.metadata.viewKind, 'native');
    assert.deepEqual(chosen.metadata.view, STRIP);
    assert.equal(chosen.evaluation.imageAuroc, 1);
    for (const r of chosen.evaluation.results) assert.equal(r.predictedAnomalous, r.anomalous, `${r.path}: ${r.score} against ${chosen.evaluation.threshold}`);
  });

  it('records every candidate with its validation score, and the choice', () => {
    const choices = chosen.metadata.choices!;
    assert.equal(choices.chosen.view, 'native');
    assert.deepEqual([...new Set(choices.candidates.map((c) => c.settings.view))], ['whole', 'native']);
    for (const c of choices.candidates) assert.ok(['auroc-synthetic-defects', 'recall-at-good-only-threshold-synthetic-defects'].includes(c.metric) && c.score >= 0 && c.score <= 1, JSON.stringify(c));
    assert.ok(choices.candidates.every((c) => /^expanded_conv_\d+( \+ expanded_conv_\d+)?$/.test(String(c.settings.featureMaps))), JSON.stringify(choices.candidates.map((c) => c.settings.featureMaps)));
    // The native view catches more of the drawn defects at its good-only threshold, and separates them no worse.
    const best = (view: string, metric: string) => Math.max(...choices.candidates.filter((c) => c.settings.view === view && c.metric.startsWith(metric)).map((c) => c.score));
    assert.ok(best('native', 'recall') > best('whole', 'recall') && best('native', 'auroc') >= best('whole', 'auroc'), JSON.stringify(choices.candidates));
    assert.deepEqual(chosen.evaluation.validation.flatMap((v) => [v.view, v.view]), choices.candidates.map((c) => c.settings.view));
  });

  it('keeps the native view for a retrain that adds nothing, and compares the views again once an image changed', async () => {
    assert.deepEqual(chosen.metadata.trainedOn, { good: [...hashes].sort(), anomalous: [] });
    const earlier = { name: '1', modelPath: chosen.modelPath };
    const again = await trainAnomalyVersion({ good, outputDir: join(dir, 'again'), modelsDir: MODELS, threads: 2, hashes: { good: hashes, anomalous: [] }, earlier });
    assert.equal(again.metadata.viewKind, 'native');
    assert.equal(again.metadata.choices?.chosen.reusedFrom, '1');
    assert.equal(again.metadata.choices.chosen.addedImages, 0);
    // Only the native view trained again; the whole image's candidates as the earlier version scored them.
    assert.deepEqual(new Set(again.evaluation.validation.map((v) => v.view)), new Set(['native']));
    const wholeOf = (model: TrainedAnomalyModel) => model.metadata.choices!.candidates.filter((c) => c.settings.view === 'whole');
    assert.ok(wholeOf(again).length > 0);
    assert.deepEqual(wholeOf(again), wholeOf(chosen));
    const changed = await trainAnomalyVersion({ good, outputDir: join(dir, 'changed'), modelsDir: MODELS, threads: 2, hashes: { good: ['0'.repeat(64), ...hashes.slice(1)], anomalous: [] }, earlier });
    assert.equal(changed.metadata.choices?.chosen.reusedFrom, undefined);
    assert.deepEqual(new Set(changed.evaluation.validation.map((v) => v.view)), new Set(['whole', 'native']));
  });
});
