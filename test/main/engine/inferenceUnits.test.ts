/**
 * Inference units in worker threads, on a small real model (a per-channel mean of the normalised
 * image): the units' answers equal the same model run on this thread, requests beyond the units
 * wait in the one queue and beyond the queue are refused, units in service scale up while requests
 * queue, a model that cannot load is refused, and a closed set of units says so.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openInferenceUnits } from '../../../main/engine/inferenceUnits';
import { toModelBatch, type ModelSpec, type RgbPixels } from '../../../native/models';
import { buildModel, encodeModel, GraphBuilder } from '../../../native/onnx';
import { createSession } from '../../../native/ort';
import { createRandom } from '../../../native/train';
import { tempDir } from '../../support/loupe';

const SIDE = 8;
const input: ModelSpec['input'] = { name: 'image', width: SIDE, height: SIDE, layout: 'NHWC', colourOrder: 'BGR', resize: 'stretch', scale: 1 / 255, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] };

function meanModel(): string {
  const g = new GraphBuilder('channel-mean');
  const image = g.input('image', 'float32', ['batch', SIDE, SIDE, 3]);
  g.output(g.op('ReduceMean', [image], { axes: [1, 2], keepdims: 0 }), 'float32', ['batch', 3], 'scores');
  const path = join(tempDir(), 'mean.onnx');
  writeFileSync(path, encodeModel(buildModel(g)));
  return path;
}

function images(count: number): RgbPixels[] {
  const random = createRandom(3);
  // Some at the input size, some larger (the unit resizes them as toModelBatch does).
  return Array.from({ length: count }, (_, i) => {
    const side = i % 2 === 0 ? SIDE : SIDE * 2;
    return { width: side, height: side, data: Uint8Array.from({ length: side * side * 3 }, () => random.int(256)) };
  });
}

describe('inference units', () => {
  it('answer like the model run on this thread, more requests than units included', async () => {
    const path = meanModel();
    const units = await openInferenceUnits(path, { units: 2, input, output: 'scores' });
    const { session } = await createSession(path, { name: 'here' });
    try {
      assert.equal(units.provider, 'cpu');
      const batch = images(7);
      // The pixels move to a unit (not copied): each call gets its own copy here.
      const copy = (image: RgbPixels): RgbPixels => ({ ...image, data: image.data.slice() });
      const sent = batch.map(copy);
      const got = await Promise.all(sent.map((image) => units.run(image)));
      assert.ok(sent.every((image) => image.data.byteLength === 0), 'the pixels were moved, not copied');
      for (const [i, image] of batch.entries()) {
        const expected = (await session.run({ image: toModelBatch([image], { input } as ModelSpec) })).scores!.data as Float32Array;
        assert.deepEqual(got[i]!.dims, [1, 3]);
        assert.deepEqual([...got[i]!.data], [...expected]);
      }
    } finally {
      await session.release();
      await units.close();
    }
  });

  it('start with the units in service asked for, answer alike there, and put one more in service while requests queue', async () => {
    const path = meanModel();
    const scaled: number[] = [];
    const all = await openInferenceUnits(path, { units: 2, input, output: 'scores' });
    const units = await openInferenceUnits(path, { units: 2, minUnits: 1, onScaled: (count) => scaled.push(count), input, output: 'scores' });
    try {
      const batch = images(5);
      const copy = (image: RgbPixels): RgbPixels => ({ ...image, data: image.data.slice() });
      const got = await Promise.all(batch.slice(0, 3).map((image) => all.run(copy(image))));
      assert.equal(units.inService, 1);
      const one = await Promise.all(batch.slice(0, 3).map((image) => units.run(copy(image))));
      assert.deepEqual(one.map((r) => [...r.data]), got.map((r) => [...r.data]));
      assert.deepEqual(scaled, [], 'two requests in progress and none waiting keep one unit');
      // One unit takes 2 in progress: the next 2 wait, and a queue as long as the units in service adds a unit.
      await Promise.all(batch.map((image) => units.run(copy(image))));
      assert.deepEqual(scaled, [2]);
      assert.equal(units.inService, 2);
    } finally {
      await all.close();
      await units.close();
    }
  });

  it('refuse a request beyond the queue with ProvisionedThroughputExceededException and answer the ones admitted', async () => {
    const units = await openInferenceUnits(meanModel(), { units: 1, input, output: 'scores' });
    try {
      // 1 unit: 2 in progress and 16 waiting; the 19th and later are refused at once.
      const results = await Promise.allSettled(images(24).map((image) => units.run(image)));
      const refused = results.flatMap((result) => (result.status === 'rejected' ? [(result.reason as { code?: string }).code] : []));
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 18);
      assert.deepEqual(refused, Array(6).fill('ProvisionedThroughputExceededException'));
      assert.equal((await units.run(images(1)[0]!)).dims[1], 3, 'the queue drains');
    } finally {
      await units.close();
    }
  });

  const bundled = join(import.meta.dirname, '../../../dist/app/inference.cjs');
  it('run from the bundled script the app starts them with', { skip: existsSync(bundled) ? false : 'dist/app is not built: run npm run build:app' }, async () => {
    const path = meanModel();
    const units = await openInferenceUnits(path, { units: 1, input, output: 'scores', entry: bundled });
    const { session } = await createSession(path, { name: 'here' });
    try {
      const [image] = images(1);
      const expected = (await session.run({ image: toModelBatch([image!], { input } as ModelSpec) })).scores!.data as Float32Array;
      assert.deepEqual([...(await units.run({ ...image!, data: image!.data.slice() })).data], [...expected]);
    } finally {
      await session.release();
      await units.close();
    }
  });

  it('refuses a model that does not load', async () => {
    const path = join(tempDir(), 'broken.onnx');
    writeFileSync(path, 'not a model');
    await assert.rejects(openInferenceUnits(path, { units: 2, input, output: 'scores' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'InternalServerError');
      assert.match(error.message, /could not be loaded/);
      return true;
    });
  });

  it('says why a unit could not start', async () => {
    const entry = join(tempDir(), 'unit.cjs');
    writeFileSync(entry, "throw new Error('no runtime here');\n");
    await assert.rejects(openInferenceUnits(meanModel(), { units: 1, input, output: 'scores', entry }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'InternalServerError');
      assert.match(error.message, /stopped while loading the model: no runtime here/);
      return true;
    });
  });

  it('says the model has stopped once closed', async () => {
    const units = await openInferenceUnits(meanModel(), { units: 1, input, output: 'scores' });
    const pending = units.run(images(1)[0]!);
    await units.close();
    await units.close();
    assert.equal((await pending).dims[1], 3, 'the image in progress is finished');
    await assert.rejects(units.run(images(1)[0]!), (error: Error & { code?: string }) => error.code === 'ResourceNotReadyException');
  });
});
