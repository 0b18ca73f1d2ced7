/**
 * A version's model file: the metadata written before testing reads back as written, finalising
 * rewrites it with the thresholds and writes the signature beside it (classifier and detector
 * outputs told apart), the file still runs, and an ONNX file that is not Loupe's is refused.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ServiceError } from '../../../main/errors';
import { readModelMetadata, SIGNATURE_FILE, writeModelFile, type ClassifierMetadata, type DetectorMetadata, type ModelChoices } from '../../../main/engine/modelFile';
import type { ModelSpec } from '../../../native/models';
import { buildModel, encodeModel, GraphBuilder, type OnnxModel } from '../../../native/onnx';
import { createSession } from '../../../native/ort';
import { tempDir } from '../../support/loupe';

const input: ModelSpec['input'] = { name: 'image', width: 4, height: 4, layout: 'NHWC', colourOrder: 'RGB', resize: 'stretch', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] };

function meanModel(): OnnxModel {
  const g = new GraphBuilder('channel-mean');
  const image = g.input('image', 'float32', ['batch', 4, 4, 3]);
  g.output(g.op('ReduceMean', [image], { axes: [1, 2], keepdims: 0 }), 'float32', ['batch', 3], 'scores');
  return buildModel(g);
}

const classifier: ClassifierMetadata = { format: 1, useCase: 'IMAGE_LEVEL_LABELS', multiLabel: true, labels: ['a', 'b', 'c'], thresholds: {}, backbone: 'tiny', input, output: 'scores' };

const detector: DetectorMetadata = {
  format: 1,
  useCase: 'OBJECT_LOCALIZATION',
  multiLabel: false,
  labels: ['cat'],
  thresholds: {},
  backbone: 'tiny',
  input,
  output: 'scores',
  detection: { mapWidth: 2, mapHeight: 2, featureStride: 2, featureLayer: 'x', layout: 'heat-offset-size', minScore: 0.05, topK: 10, nmsIou: 0.5, resize: 'stretch', mirrorAveraged: true },
};

describe('model file', () => {
  it('reads back what was written, then the thresholds and a signature once finalised; the file runs', async () => {
    const dir = tempDir();
    const written = await writeModelFile(dir, meanModel(), classifier);
    assert.equal(written.path, join(dir, 'model.onnx'));
    assert.deepEqual(await readModelMetadata(written.path), classifier);

    await written.finalize({ a: 0.25, b: 0.5, c: 0.75 });
    const final = await readModelMetadata(written.path);
    assert.deepEqual(final, { ...classifier, thresholds: { a: 0.25, b: 0.5, c: 0.75 } });
    const signature = JSON.parse(readFileSync(join(dir, SIGNATURE_FILE), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(signature.outputs, [{ name: 'scores', labels: ['a', 'b', 'c'], activation: 'sigmoid' }]);
    assert.deepEqual(signature.thresholds, { a: 0.25, b: 0.5, c: 0.75 });
    assert.equal(signature.detection, undefined);

    const { session } = await createSession(written.path);
    try {
      const out = await session.run({ image: { data: new Float32Array(48).fill(2), dims: [1, 4, 4, 3] } });
      assert.deepEqual([...(out.scores!.data as Float32Array)], [2, 2, 2]);
    } finally {
      await session.release();
    }
  });

  it("describes a detector's output by its layout and map, with its decoding settings", async () => {
    const dir = tempDir();
    const written = await writeModelFile(dir, meanModel(), detector);
    await written.finalize({ cat: 0.4 });
    const signature = JSON.parse(readFileSync(join(dir, SIGNATURE_FILE), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(signature.outputs, [{ name: 'scores', labels: ['cat'], layout: 'heat-offset-size', mapWidth: 2, mapHeight: 2 }]);
    assert.deepEqual(signature.detection, detector.detection);
    assert.equal(signature.useCase, 'OBJECT_LOCALIZATION');
  });

  it("records a tiled detector's view and the choice among the candidates, in the file and its signature", async () => {
    const dir = tempDir();
    const choices: ModelChoices = {
      chosen: { mode: 'tiled', inputSide: 320, tileSide: 340, tileOverlap: 40, featureStride: 16 },
      candidates: [
        { settings: { mode: 'whole', inputSide: 320 }, metric: 'median box shorter side at the input (px)', score: 10 },
        { settings: { mode: 'tiled', inputSide: 320, tileSide: 340, tileOverlap: 40 }, metric: 'median box shorter side at the input (px)', score: 18.8, seconds: 3 },
      ],
    };
    const tiled: DetectorMetadata = { ...detector, detection: { ...detector.detection, tiling: { side: 340, overlap: 40 } }, choices };
    const written = await writeModelFile(dir, meanModel(), tiled);
    await written.finalize({ cat: 0.4 });
    const read = await readModelMetadata(written.path);
    assert.deepEqual(read, { ...tiled, thresholds: { cat: 0.4 } });
    const signature = JSON.parse(readFileSync(join(dir, SIGNATURE_FILE), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(signature.choices, choices);
    assert.deepEqual((signature.detection as DetectorMetadata['detection']).tiling, { side: 340, overlap: 40 });
  });

  it('refuses an ONNX file that is not a Loupe model', async () => {
    const path = join(tempDir(), 'other.onnx');
    writeFileSync(path, encodeModel(meanModel()));
    await assert.rejects(readModelMetadata(path), (error: unknown) => error instanceof ServiceError && error.code === 'InvalidParameterException' && /not a Loupe model/.test(error.message));
  });
});
