/**
 * Cutting a classifier's embedding out: found in PyTorch-style (GlobalAveragePool) and TF-style
 * (ReduceMean over NHWC's spatial axes, axes as attribute or input) graphs, the classifier pruned,
 * the input renamed with a free batch, and the values those of the original graph at its pool.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutAtAveragePool, FeatureCutError, validateBackbone, type ModelSpec } from '../../../native/models';
import { decodeModel, encodeModel } from '../../../native/onnx';
import { createSession } from '../../../native/ort';
import { TINY_CHANNELS, TINY_SIDE, tinyClassifier, tinyImages } from '../../support/classifiers';

const cut = { at: 'last-average-pool', output: 'embedding', size: TINY_CHANNELS } as const;

async function run(bytes: Uint8Array, feeds: Record<string, { data: Float32Array; dims: number[] }>) {
  const { session } = await createSession(bytes, { providers: ['cpu'], name: 'cut' });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function specFor(layout: 'NCHW' | 'NHWC'): ModelSpec {
  return {
    id: 'tiny',
    title: 'tiny',
    fileName: 'tiny.onnx',
    input: { name: 'image', width: TINY_SIDE, height: TINY_SIDE, layout, colourOrder: 'RGB', resize: 'stretch', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
    outputs: [{ name: 'embedding', size: TINY_CHANNELS, role: 'final', pooling: 'global-average' }],
    licence: 'test',
    source: { kind: 'file' },
  };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < 1e-5, `${i}: ${actual[i]} vs ${expected[i]}`);
}

describe('cutting the embedding out of a classifier', () => {
  describe('when the classifier is a PyTorch export (GlobalAveragePool → Flatten → Gemm)', () => {
    it('gives the pooled features, named and shaped as the spec says, and drops the classifier', async () => {
      const result = cutAtAveragePool(decodeModel(tinyClassifier()), cut, 'image');
      assert.equal(result.originalInput, 'input');
      assert.match(result.poolNode, /GlobalAveragePool/);
      const ops = result.model.graph.nodes.map((node) => node.opType);
      assert.deepEqual(ops, ['Conv', 'Relu', 'GlobalAveragePool', 'Flatten']);
      assert.deepEqual(result.model.graph.initializers.map((tensor) => tensor.name).sort(), ['conv_b', 'conv_w']);
      const bytes = encodeModel(result.model);
      assert.deepEqual(await validateBackbone(bytes, specFor('NCHW')), { ok: true, problems: [], warnings: [] });

      const images = tinyImages(3);
      const reference = await run(tinyClassifier({ withPooledOutput: true }), { input: images });
      const embedded = await run(bytes, { image: images });
      assert.deepEqual(embedded.embedding!.dims, [3, TINY_CHANNELS]);
      assertClose(embedded.embedding!.data as Float32Array, reference.pooled!.data as Float32Array);
    });
  });

  for (const axesAsInput of [false, true]) {
    describe(`when the classifier is a TF export (NHWC, batch 1, ReduceMean with axes as ${axesAsInput ? 'an input' : 'an attribute'})`, () => {
      it('cuts at the ReduceMean and frees the batch', async () => {
        const result = cutAtAveragePool(decodeModel(tinyClassifier({ layout: 'NHWC', axesAsInput })), cut, 'image');
        assert.equal(result.originalInput, 'images:0');
        assert.ok(!result.model.graph.nodes.some((node) => node.opType === 'MatMul' || node.opType === 'Reshape'));
        assert.deepEqual(result.model.graph.inputs.map((input) => [input.name, input.shape]), [['image', ['batch', TINY_SIDE, TINY_SIDE, 3]]]);
        const bytes = encodeModel(result.model);
        assert.equal((await validateBackbone(bytes, specFor('NHWC'))).ok, true);

        const one = tinyImages(1, 'NHWC');
        const reference = await run(tinyClassifier({ layout: 'NHWC', axesAsInput, withPooledOutput: true }), { 'images:0': one });
        assertClose((await run(bytes, { image: one })).embedding!.data as Float32Array, reference.pooled!.data as Float32Array);
        const two = tinyImages(2, 'NHWC');
        assert.deepEqual((await run(bytes, { image: two })).embedding!.dims, [2, TINY_CHANNELS]);
      });
    });
  }

  describe('when nothing averages the feature map', () => {
    it('refuses, saying what it looked for', () => {
      assert.throws(
        () => cutAtAveragePool(decodeModel(tinyClassifier({ withoutPool: true })), cut, 'image'),
        (error: unknown) => error instanceof FeatureCutError && /no average pool/.test(error.message),
      );
    });
  });
});
