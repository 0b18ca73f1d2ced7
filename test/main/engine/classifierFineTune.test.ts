/**
 * Fine-tuning the classifier's last block as a candidate chosen by validation: on generated images,
 * the head alone, the frozen model as chosen, the fine-tuned block and the fine-tuned block with augmented copies are compared on
 * held-out training images, the choice is recorded on the version (DescribeEvaluation `Choices`, the
 * model file), and the written model classifies the test set; augmentation keeps the image's size and
 * most of its content.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import * as q from '../../../main/db/queries';
import { waitForJob } from '../../../main/jobs';
import { createOnnxEngine } from '../../../main/engine/onnxEngine';
import { readModelMetadata } from '../../../main/engine/modelFile';
import { lastPointwise } from '../../../main/engine/classifierFineTune';
import { findTail, spatialFeatureModel } from '../../../native/detect';
import { decodeModel } from '../../../native/onnx';
import { DEFAULT_BACKBONE_ID, readBuiltBackbone } from '../../../native/models';
import { readFileSync } from 'node:fs';
import { createRandom } from '../../../native/train';
import { augmentImage } from '../../../native/train/augment';
import { MODELS_DIR } from '../../eval/train';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';
import { xorshift } from '../../support/random';

const SIDE = 160;

/** Textured grey; `kind` 1 adds three dark stripes, at a random place and angle. */
async function picture(path: string, kind: number, seed: number): Promise<void> {
  const next = xorshift(seed * 31 + kind);
  const data = Buffer.alloc(SIDE * SIDE * 3);
  const angle = next() * Math.PI;
  const offset = next() * 40;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const along = x * Math.cos(angle) + y * Math.sin(angle);
      const stripe = kind === 1 && Math.sin((along + offset) / 5) > 0.6;
      const value = stripe ? 60 : 150 + Math.sin(x / 7) * 20 + (next() - 0.5) * 40;
      const i = (y * SIDE + x) * 3;
      data[i] = Math.round(Math.max(0, Math.min(255, value)));
      data[i + 1] = data[i]!;
      data[i + 2] = Math.round(Math.max(0, Math.min(255, value * 0.9)));
    }
  }
  mkdirSync(join(path, '..'), { recursive: true });
  await sharp(data, { raw: { width: SIDE, height: SIDE, channels: 3 } }).png().toFile(path);
}

describe('fine-tuning the classifier', () => {
  const opened: TestLoupe[] = [];
  after(() => opened.forEach((loupe) => loupe.dispose()));

  it('augments an image into a copy of its size that keeps most of it', () => {
    const data = new Uint8Array(64 * 48 * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 256;
    const image = { data, width: 64, height: 48 };
    const a = augmentImage(image, createRandom(1));
    const b = augmentImage(image, createRandom(1));
    const c = augmentImage(image, createRandom(2));
    assert.deepEqual([a.width, a.height, a.data.length], [64, 48, data.length]);
    assert.deepEqual(a.data, b.data, 'seeded');
    assert.notDeepEqual(a.data, c.data);
    assert.notDeepEqual(a.data, data);
    const mean = (d: Uint8Array) => d.reduce((s, v) => s + v, 0) / d.length;
    assert.ok(Math.abs(mean(a.data) - mean(data)) < 0.25 * mean(data), `${mean(a.data)} vs ${mean(data)}`);
  });

  it("fine-tunes the backbone's final 1 × 1 convolution: the tail from the last residual junction, cut down to it", async () => {
    const backbone = (await readBuiltBackbone(MODELS_DIR, DEFAULT_BACKBONE_ID))!;
    const base = decodeModel(readFileSync(backbone.modelPath));
    const final = backbone.spec.outputs.find((o) => o.role === 'final')!;
    const tail = findTail(base, spatialFeatureModel(base, [final.name], 'map')!.value, 1);
    const last = lastPointwise(tail);
    assert.deepEqual(last.layers.map((l) => l.kind), ['pointwise', 'relu6']);
    assert.equal(last.channels, final.size);
    assert.ok(last.cutChannels < tail.channels && last.cut !== tail.cut);
    assert.equal(last.initial.size, 2, 'its weight and bias');
    assert.ok(tail.layers.length > last.layers.length);
  });

  it('compares the frozen backbone with its last block fine-tuned, with and without augmentation, and records the choice', async () => {
    const root = tempDir();
    for (const [split, count, first] of [['train', 14, 0], ['test', 5, 100]] as const) {
      for (let i = 0; i < count; i++) {
        await picture(join(root, split, 'plain', `${first + i}.png`), 0, first + i);
        await picture(join(root, split, 'striped', `${first + i}.png`), 1, first + i);
      }
    }
    // The cost rule's threshold raised above any score, so that fine-tuning is always compared.
    const loupe = aLoupe({ engine: createOnnxEngine({ modelsDir: MODELS_DIR, threads: 2, classifierViews: [{ fit: 'stretch' }], classifierSides: [], classifierFineTuneBelow: 1.01 }) });
    opened.push(loupe);
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'tuned' });
    for (const [type, folder] of [['TRAIN', 'train'], ['TEST', 'test']] as const) {
      const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: type });
      await waitForJob(loupe.ctx, (await loupe.ok('ImportFolder', { DatasetArn, Folder: join(root, folder) })).JobId);
    }
    const { ProjectVersionArn } = await loupe.ok('CreateProjectVersion', { ProjectArn, VersionName: 'v1' });
    await waitForJob(loupe.ctx, (await loupe.ok('ListJobs', { ResourceArn: ProjectVersionArn })).Jobs[0]!.JobId);
    const [version] = (await loupe.ok('DescribeProjectVersions', { ProjectArn })).ProjectVersionDescriptions;
    assert.equal(version!.Status, 'TRAINING_COMPLETED', version!.StatusMessage);
    const evaluation = await loupe.ok('DescribeEvaluation', { ProjectVersionArn });
    const choices = evaluation.Choices!;
    const tried = choices.candidates.filter((c) => c.settings.fineTune !== undefined);
    // The frozen model as it would be made (the chosen layers, the head's own search) is compared too.
    assert.deepEqual(tried.map((c) => `${String(c.settings.fineTune)}${c.settings.features ? `/${String(c.settings.features)}` : ''}`), ['none', 'tail', 'tailAugmented', 'none/chosen']);
    for (const c of tried) assert.ok(c.metric === 'macro-recall' && c.score >= 0 && c.score <= 1 && (c.seconds ?? 0) > 0);
    assert.ok(['none', 'tail', 'tailAugmented'].includes(String(choices.chosen.fineTune)));
    if (choices.chosen.fineTune !== 'none') {
      const frozenBest = Math.max(...tried.filter((c) => c.settings.fineTune === 'none').map((c) => c.score));
      assert.ok(tried.find((c) => c.settings.fineTune === choices.chosen.fineTune)!.score > frozenBest, 'fine-tuning beats both frozen candidates');
    }
    const metadata = await readModelMetadata(q.findVersionByArn(loupe.ctx.db, ProjectVersionArn)!.modelPath!);
    assert.deepEqual(metadata.choices, choices);
    if (choices.chosen.fineTune !== 'none') {
      assert.ok(metadata.useCase === 'IMAGE_LEVEL_LABELS' && metadata.view?.features.length === 1, 'a fine-tuned model reads the final embedding');
    }
    let correct = 0;
    for (const image of evaluation.TestResults) {
      const truth = image.Labels.find((l) => l.Result === 'TRUE_POSITIVE' || l.Result === 'FALSE_NEGATIVE')!.Name;
      const top = image.Labels.reduce((a, b) => (b.Confidence > a.Confidence ? b : a)).Name;
      if (top === truth) correct++;
    }
    assert.ok(correct / evaluation.TestResults.length >= 0.8, `accuracy ${correct / evaluation.TestResults.length} with fine-tuning ${String(choices.chosen.fineTune)}`);
  });
});
