/**
 * Features at stride 8 for small boxes, on generated 320 × 320 images: each holds two dark 10 px
 * squares whose centres are 18 px apart (side by side or one above the other) on a noisy light
 * background. At the 320 input the stride-16 map puts both centres in the same or neighbouring
 * cells, where the decoding's 3 × 3 peaks keep one; the stride-8 map puts them two cells apart.
 * The detector forced to read the stride-8 map finds both squares of most test images through its
 * written model file, served as evaluated, and records the stride on the version; the same training
 * at stride 16 finds fewer. Needs the built backbones.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { trainDetector } from '../../../main/engine/detectionEngine';
import type { Analysis, Sample } from '../../../main/engine/engine';
import { readModelMetadata } from '../../../main/engine/modelFile';
import { createOnnxEngine } from '../../../main/engine/onnxEngine';
import { DEFAULT_BACKBONE_ID, readBuiltBackbone } from '../../../native/models';
import { iou } from '../../../native/metrics';
import { tempDir } from '../../support/loupe';
import { quietJob } from '../../support/training';
import { xorshift } from '../../support/random';

const MODELS = join(import.meta.dirname, '../../../dist/models');
const modelsBuilt = existsSync(join(MODELS, `${DEFAULT_BACKBONE_ID}.onnx`));
const SIZE = 320;
const SQUARE = 10;
const APART = 18;

async function pairImage(dir: string, seed: number): Promise<Sample> {
  const next = xorshift(seed * 2654435761 + 7);
  const across = next() < 0.5;
  const left = 20 + Math.floor(next() * (SIZE - 40 - APART - SQUARE));
  const top = 20 + Math.floor(next() * (SIZE - 40 - APART - SQUARE));
  const boxes = [
    { label: 'spot', left, top, width: SQUARE, height: SQUARE },
    { label: 'spot', left: across ? left + APART : left, top: across ? top : top + APART, width: SQUARE, height: SQUARE },
  ];
  const data = Buffer.alloc(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const inside = boxes.some((b) => x >= b.left && x < b.left + b.width && y >= b.top && y < b.top + b.height);
      const value = Math.max(0, Math.min(255, (inside ? 50 : 200 + 20 * Math.sin(x / 9 + y / 23)) + (next() - 0.5) * 40));
      data.fill(value, (y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3);
    }
  }
  const path = join(dir, `pair-${seed}.png`);
  await sharp(data, { raw: { width: SIZE, height: SIZE, channels: 3 } }).png().toFile(path);
  return { entryId: seed, sourceRef: path, path, contentHash: createHash('sha256').update(readFileSync(path)).digest('hex'), width: SIZE, height: SIZE, labels: ['spot'], boxes };
}

/** Squares found: a box within IoU 0.4 of each at confidence ≥ 0.2, each box used once. */
function found(test: readonly Sample[], analysis: (sample: Sample) => Analysis | undefined): number {
  let count = 0;
  for (const sample of test) {
    const boxes = (analysis(sample)?.boxes ?? []).filter((box) => box.confidence >= 0.2);
    const used = new Set<number>();
    for (const truth of sample.boxes) {
      const match = boxes.findIndex((box, k) => !used.has(k) && iou(box, truth) >= 0.4);
      if (match >= 0) {
        used.add(match);
        count++;
      }
    }
  }
  return count;
}

describe('a detector reading the stride-8 map', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  let train: Sample[];
  let test: Sample[];
  let cacheDir: string;
  const job = quietJob();

  before(async () => {
    const dir = tempDir();
    cacheDir = join(dir, 'cache');
    train = await Promise.all(Array.from({ length: 6 }, (_, k) => pairImage(dir, k + 1)));
    test = await Promise.all(Array.from({ length: 4 }, (_, k) => pairImage(dir, 100 + k)));
  });

  it('finds both squares of close pairs that the stride-16 map merges, as served and as evaluated', async () => {
    const built = (await readBuiltBackbone(MODELS, DEFAULT_BACKBONE_ID))!;
    const backbone = { id: DEFAULT_BACKBONE_ID, spec: built.spec, modelPath: built.modelPath };
    const options = { useCase: 'OBJECT_LOCALIZATION' as const, multiLabel: false, labels: ['spot'], train, test, cacheDir, job };

    const fine = await trainDetector({ ...options, outputDir: join(cacheDir, 'fine') }, backbone, { featureStride: 8 });
    const metadata = await readModelMetadata(fine.modelPath);
    assert.ok(metadata.useCase === 'OBJECT_LOCALIZATION');
    assert.equal(metadata.detection.featureStride, 8);
    assert.equal(metadata.detection.mapWidth, SIZE / 8);
    // The stride-8 head also reads the stride-16 map, with the backbone's own weights.
    assert.equal(metadata.detection.contextStride, 16);
    assert.equal(typeof metadata.detection.contextLayer, 'string');
    assert.equal(metadata.choices?.chosen.featureStride, 8);
    assert.equal(metadata.choices.chosen.reason, 'forced');
    // The size rule names the stride-8 view among its candidates: 10 px boxes are under two cells at stride 16.
    assert.ok(metadata.choices.candidates.some((c) => c.settings.featureStride === 8));
    const byFine = found(test, (sample) => fine.predictions.get(sample.entryId));

    const loaded = await createOnnxEngine({ modelsDir: MODELS }).load(fine.modelPath, { minUnits: 1, maxUnits: 1 });
    const served = new Map<number, Analysis>();
    try {
      for (const sample of test) served.set(sample.entryId, await loaded.analyze(readFileSync(sample.path)));
    } finally {
      await loaded.close();
    }
    assert.equal(found(test, (sample) => served.get(sample.entryId)), byFine, 'served as evaluated');

    const coarse = await trainDetector({ ...options, outputDir: join(cacheDir, 'coarse') }, backbone, { view: 'whole' });
    const coarseMetadata = await readModelMetadata(coarse.modelPath);
    assert.ok(coarseMetadata.useCase === 'OBJECT_LOCALIZATION' && coarseMetadata.detection.featureStride === 16);
    const byCoarse = found(test, (sample) => coarse.predictions.get(sample.entryId));
    const squares = test.length * 2;
    console.log(`stride 8 found ${byFine} of ${squares} squares, stride 16 ${byCoarse}`);
    assert.ok(byFine >= squares - 2, `stride 8 found ${byFine} of ${squares}`);
    assert.ok(byFine > byCoarse, `stride 8 ${byFine}, stride 16 ${byCoarse}`);
  });
});
