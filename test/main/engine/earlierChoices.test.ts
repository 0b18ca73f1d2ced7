/**
 * A retrain that only adds a few images keeps what the earlier version chose by validation (and
 * says whose choices they are); more new images, or changed ones, search afresh.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { after, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { onlyAdds, REUSE_GROWTH } from '../../../main/engine/earlierChoices';
import type { Sample } from '../../../main/engine/engine';
import { createOnnxEngine } from '../../../main/engine/onnxEngine';
import { autoTrainHead } from '../../../native/train';
import { trainDetector } from '../../../main/engine/detectionEngine';
import { readModelMetadata } from '../../../main/engine/modelFile';
import { DEFAULT_BACKBONE_ID, readBuiltBackbone } from '../../../native/models';
import { quietJob } from '../../support/training';
import { xorshift } from '../../support/random';
import { MODELS_DIR } from '../../eval/train';
import { classImage } from '../../support/classes';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';
import { accuracy, argmaxRows, gaussianBlobs } from '../../native/train/helpers';

/** A 192 px board with one dark 24 px square somewhere on it. */
async function board(dir: string, seed: number): Promise<Sample> {
  const size = 192;
  const next = xorshift(seed * 40503 + 11);
  const left = 16 + Math.floor(next() * (size - 56));
  const top = 16 + Math.floor(next() * (size - 56));
  const data = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = x >= left && x < left + 24 && y >= top && y < top + 24;
      data.fill(Math.max(0, Math.min(255, (inside ? 40 : 200) + (next() - 0.5) * 40)), (y * size + x) * 3, (y * size + x) * 3 + 3);
    }
  }
  const path = join(dir, `board-${seed}.png`);
  await sharp(data, { raw: { width: size, height: size, channels: 3 } }).png().toFile(path);
  const contentHash = createHash('sha256').update(readFileSync(path)).digest('hex');
  return { entryId: seed, sourceRef: path, path, contentHash, width: size, height: size, labels: ['pad'], boxes: [{ label: 'pad', left, top, width: 24, height: 24 }] };
}

const image = (contentHash: string, ...labels: string[]) => ({ contentHash, labels, boxes: [] as Sample['boxes'] });
const box = (left: number) => ({ label: 'pin', left, top: 10, width: 20, height: 20 });

describe('building on an earlier version', () => {
  const opened: TestLoupe[] = [];
  after(() => opened.forEach((loupe) => loupe.dispose()));

  it('counts a training set as only added to where every earlier image is there with its labels and few are new', () => {
    const earlier = Array.from({ length: 20 }, (_, i) => image(`h${i}`, i % 2 ? 'a' : 'b'));
    assert.equal(REUSE_GROWTH, 0.1);
    assert.ok(onlyAdds(earlier, earlier), 'the same images');
    assert.ok(onlyAdds(earlier, [...earlier.slice().reverse(), image('new1', 'a'), image('new2', 'b')]), 'two new, in any order');
    assert.ok(!onlyAdds(earlier, [...earlier, image('n1', 'a'), image('n2', 'a'), image('n3', 'b')]), 'three new of twenty is more than 10 %');
    assert.ok(!onlyAdds(earlier, [...earlier.slice(1), image('n1', 'a')]), 'one removed');
    assert.ok(!onlyAdds(earlier, [image('h0', 'a'), ...earlier.slice(1)]), 'one relabelled');
    // Labels are a set; copies of one image count once each.
    assert.ok(onlyAdds([image('x', 'a', 'b'), image('x', 'a', 'b')], [image('x', 'b', 'a'), image('x', 'a', 'b')]));
    assert.ok(!onlyAdds([image('x', 'a'), image('x', 'a')], [image('x', 'a'), image('y', 'a')]));
    assert.ok(!onlyAdds([], [image('x', 'a')]), 'nothing earlier to build on');
    // A detector's images: boxes as a set, a moved box is a changed image.
    const boxed = { ...image('b'), boxes: [box(5), box(50)] };
    assert.ok(onlyAdds([boxed], [{ ...boxed, boxes: [box(50), box(5)] }]));
    assert.ok(!onlyAdds([boxed], [{ ...boxed, boxes: [box(6), box(50)] }]));
  });

  it('trains a head of given settings without a search', async () => {
    const data = gaussianBlobs({ classes: 3, dims: 8, perClass: [60, 60, 60], separation: 3, seed: 4 });
    const fixed = { hidden: 0, learningRate: 1e-3, weightDecay: 1e-2, epochs: 7 };
    const result = await autoTrainHead({ ...data, dims: 8, kind: 'softmax', classes: 3, fixed, seed: 1, threads: 2 });
    assert.deepEqual(result.trials, []);
    assert.equal(result.validation, null);
    assert.equal(result.fallback, 'settings given');
    assert.deepEqual({ hidden: result.settings.hidden, learningRate: result.settings.learningRate, weightDecay: result.settings.weightDecay, epochs: result.settings.epochs }, fixed);
    const predicted = argmaxRows(await result.model.predict(data.features), 3);
    assert.ok(accuracy(predicted, data.targets) > 0.9, `training accuracy ${accuracy(predicted, data.targets)}`);
    await assert.rejects(autoTrainHead({ ...data, dims: 8, kind: 'softmax', classes: 3, fixed: { ...fixed, epochs: 0 } }), /fixed settings are not valid/);
  });

  it('keeps v1’s choices for v2 after four images are added, and searches again for v3 after ten more', async () => {
    const root = tempDir();
    const generate = async (folder: string, count: number, firstSeed: number) => {
      for (let i = 0; i < count; i++) for (const kind of ['blobs', 'stripes'] as const) await classImage(join(root, folder, kind, `${firstSeed + i}.jpg`), kind, firstSeed + i, 96);
    };
    await generate('train', 30, 0);
    await generate('test', 8, 1000);
    await generate('few', 2, 2000);
    await generate('more', 5, 3000);
    const loupe = aLoupe({ engine: createOnnxEngine({ modelsDir: MODELS_DIR, threads: 2 }) });
    opened.push(loupe);
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'retrains' });
    const datasets: Record<string, string> = {};
    for (const type of ['TRAIN', 'TEST'] as const) datasets[type] = (await loupe.ok('CreateDataset', { ProjectArn, DatasetType: type })).DatasetArn;
    const importFolder = async (type: 'TRAIN' | 'TEST', folder: string) =>
      waitForJob(loupe.ctx, (await loupe.ok('ImportFolder', { DatasetArn: datasets[type]!, Folder: join(root, folder) })).JobId);
    const train = async (name: string) => {
      const { ProjectVersionArn } = await loupe.ok('CreateProjectVersion', { ProjectArn, VersionName: name });
      await waitForJob(loupe.ctx, (await loupe.ok('ListJobs', { ResourceArn: ProjectVersionArn })).Jobs[0]!.JobId);
      const [version] = (await loupe.ok('DescribeProjectVersions', { ProjectArn, VersionNames: [name] })).ProjectVersionDescriptions;
      assert.equal(version!.Status, 'TRAINING_COMPLETED', version!.StatusMessage);
      const evaluation = await loupe.ok('DescribeEvaluation', { ProjectVersionArn });
      return evaluation.Choices!;
    };
    await importFolder('TRAIN', 'train');
    await importFolder('TEST', 'test');
    const v1 = await train('v1');
    assert.equal(v1.chosen.reusedFrom, undefined);
    assert.ok(v1.candidates.length > 0, 'v1 compared views');

    await importFolder('TRAIN', 'few');
    const v2 = await train('v2');
    assert.equal(v2.chosen.reusedFrom, 'v1');
    assert.equal(v2.chosen.addedImages, 4);
    for (const key of ['view', 'features', 'mirrorAveraging', 'hidden', 'learningRate', 'weightDecay', 'epochs']) assert.equal(v2.chosen[key], v1.chosen[key], key);
    assert.deepEqual(v2.candidates, v1.candidates, 'the candidates that chose them, with their scores');

    // 10 more on v2's 64 images is past 10 %: a search of its own.
    await importFolder('TRAIN', 'more');
    const v3 = await train('v3');
    assert.equal(v3.chosen.reusedFrom, undefined);
    assert.equal(v3.chosen.addedImages, undefined);
  });

  it('keeps a detector’s view and fine-tuned depth for a retrain that adds one image', async () => {
    const dir = tempDir();
    const built = (await readBuiltBackbone(MODELS_DIR, DEFAULT_BACKBONE_ID))!;
    const backbone = { id: DEFAULT_BACKBONE_ID, spec: built.spec, modelPath: built.modelPath };
    const train = await Promise.all(Array.from({ length: 10 }, (_, k) => board(dir, k + 1)));
    const test = await Promise.all(Array.from({ length: 2 }, (_, k) => board(dir, 100 + k)));
    const options = { useCase: 'OBJECT_LOCALIZATION' as const, multiLabel: false, labels: ['pad'], test, cacheDir: join(dir, 'cache'), job: quietJob() };
    const v1 = await trainDetector({ ...options, train, outputDir: join(dir, 'v1') }, backbone, { threads: 2, wallSeconds: 1 });
    const first = (await readModelMetadata(v1.modelPath)).choices!;
    assert.equal(first.chosen.reusedFrom, undefined);
    const earlier = { name: 'v1', modelPath: v1.modelPath, train };
    const v2 = await trainDetector({ ...options, train: [...train, await board(dir, 50)], earlier, outputDir: join(dir, 'v2') }, backbone, { threads: 2, wallSeconds: 1 });
    const second = (await readModelMetadata(v2.modelPath)).choices!;
    assert.equal(second.chosen.reusedFrom, 'v1');
    assert.equal(second.chosen.addedImages, 1);
    for (const key of ['mode', 'inputSide', 'featureStride', 'tunedBlocks', 'reason']) assert.equal(second.chosen[key], first.chosen[key], key);
    assert.deepEqual(second.candidates, first.candidates);
  });
});
