import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildModel, describeModel, encodeModel, GraphBuilder } from '../../../native/onnx';
import { createSession } from '../../../native/ort';
import { HeadModel, trainHead, type HeadKind } from '../../../native/train';
import { assertRelativelyClose, gaussianBlobs, multiLabelData, normal, uniform } from './helpers';

/** y = x·W + b for x [N, I], W [I, O], in float64. */
function affine(x: Float32Array, rows: number, W: Float32Array, b: Float32Array, inputs: number, outputs: number): Float32Array {
  const out = new Float32Array(rows * outputs);
  for (let i = 0; i < rows; i++) {
    for (let o = 0; o < outputs; o++) {
      let sum = b[o] as number;
      for (let k = 0; k < inputs; k++) sum += (x[i * inputs + k] as number) * (W[k * outputs + o] as number);
      out[i * outputs + o] = sum;
    }
  }
  return out;
}

/** The head computed by hand from its trained (standardised-space) parameters. */
function referenceProbabilities(model: HeadModel, features: Float32Array): Float32Array {
  const { features: D, hidden, classes: C, kind } = model.spec;
  const rows = features.length / D;
  const { mean, std } = model.standardisation;
  const x = features.map((value, k) => (value - (mean[k % D] as number)) / (std[k % D] as number));
  const p = model.parameters;
  let z = affine(x, rows, p.W1 as Float32Array, p.b1 as Float32Array, D, hidden || C);
  if (hidden > 0) z = affine(z.map((value) => Math.max(0, value)), rows, p.W2 as Float32Array, p.b2 as Float32Array, hidden, C);
  if (kind === 'sigmoid') return z.map((value) => 1 / (1 + Math.exp(-value)));
  const out = new Float32Array(z.length);
  for (let i = 0; i < rows; i++) {
    const row = Array.from(z.subarray(i * C, (i + 1) * C));
    const top = Math.max(...row);
    const sum = row.reduce((total, value) => total + Math.exp(value - top), 0);
    row.forEach((value, c) => (out[i * C + c] = Math.exp(value - top) / sum));
  }
  return out;
}

async function trainedHead(kind: HeadKind, hidden: number): Promise<{ model: HeadModel; features: Float32Array }> {
  if (kind === 'softmax') {
    const data = gaussianBlobs({ classes: 3, dims: 12, perClass: 40, separation: 0.4, seed: 21 });
    return { model: await trainHead({ ...data, dims: 12, kind, classes: 3, hidden, epochs: 5, batchSize: 16, learningRate: 1e-2 }), features: data.features };
  }
  const data = multiLabelData({ labels: 3, dims: 12, rows: 120, strength: 0.5, seed: 22 });
  const shifted = data.features.map((value, k) => 4 + value * (1 + (k % 5)));
  return {
    model: await trainHead({ features: shifted, targets: data.targets, dims: 12, kind, classes: 3, hidden, epochs: 5, batchSize: 16, learningRate: 1e-2 }),
    features: shifted,
  };
}

describe('HeadModel', () => {
  for (const [kind, hidden] of [
    ['softmax', 0],
    ['softmax', 6],
    ['sigmoid', 0],
    ['sigmoid', 6],
  ] as const) {
    it(`${kind} head, hidden ${hidden}: predict folds the standardisation in and matches the head computed by hand`, async () => {
      const { model, features } = await trainedHead(kind, hidden);
      const probabilities = await model.predict(features);
      assert.equal(probabilities.length, (features.length / 12) * 3);
      assertRelativelyClose(probabilities, referenceProbabilities(model, features), 1e-5, 'probabilities');
      assertRelativelyClose(await model.predict(features, { batchSize: 7 }), probabilities, 1e-6, 'probabilities in chunks of 7');
    });

    it(`${kind} head, hidden ${hidden}: appended to a backbone graph, gives what predict gives`, async () => {
      const { model } = await trainedHead(kind, hidden);
      // A stand-in backbone: image [batch, 5] → Gemm → Relu → features [batch, 12].
      const next = normal(uniform(8));
      const Wb = Float32Array.from({ length: 5 * 12 }, () => next());
      const bb = Float32Array.from({ length: 12 }, () => 2 + next());
      const g = new GraphBuilder('backbone');
      const image = g.input('image', 'float32', ['batch', 5]);
      const embedding = g.op('Relu', [g.op('Gemm', [image, g.initializer('backbone/W', Wb, [5, 12]), g.initializer('backbone/b', bb, [12])])]);
      g.output(embedding, 'float32', ['batch', 12], 'embedding');
      g.output(model.toInferenceGraph(g, embedding), 'float32', ['batch', 3], 'probabilities');
      const bytes = encodeModel(buildModel(g, { metadata: { head: JSON.stringify(model.headSpec()) } }));
      assert.deepEqual(JSON.parse((await describeModel(bytes)).metadata.head as string), { kind, hidden, classes: 3, features: 12 });

      const images = Float32Array.from({ length: 30 * 5 }, () => next());
      const { session } = await createSession(bytes, { providers: ['cpu'] });
      try {
        const out = await session.run({ image: { data: images, dims: [30, 5] } });
        const composed = out.probabilities?.data as Float32Array;
        const direct = await model.predict(out.embedding?.data as Float32Array);
        assertRelativelyClose(composed, direct, 1e-6, 'composed vs predict');
        assertRelativelyClose(composed, referenceProbabilities(model, affine(images, 30, Wb, bb, 5, 12).map((value) => Math.max(0, value))), 1e-5, 'composed vs by hand');
        if (kind === 'softmax') for (let i = 0; i < 30; i++) assert.ok(Math.abs(composed.subarray(i * 3, i * 3 + 3).reduce((a, b) => a + b, 0) - 1) < 1e-5);
      } finally {
        await session.release();
      }
    });
  }

  it('appends twice to one graph under distinct names', async () => {
    const { model } = await trainedHead('softmax', 0);
    const g = new GraphBuilder('two heads');
    const x = g.input('features', 'float32', ['batch', 12]);
    g.output(model.toInferenceGraph(g, x), 'float32', ['batch', 3], 'first');
    g.output(model.toInferenceGraph(g, x, { prefix: 'other' }), 'float32', ['batch', 3], 'second');
    const { session } = await createSession(encodeModel(buildModel(g)), { providers: ['cpu'] });
    try {
      const out = await session.run({ features: { data: new Float32Array(24).fill(1), dims: [2, 12] } });
      assert.deepEqual(out.first?.data, out.second?.data);
    } finally {
      await session.release();
    }
  });

  it('round-trips through plain data and checks its sizes', async () => {
    const { model, features } = await trainedHead('sigmoid', 6);
    const copy = HeadModel.fromData(structuredClone(model.toData()));
    assert.deepEqual(await copy.predict(features), await model.predict(features));
    assert.deepEqual(JSON.parse(JSON.stringify(copy.headSpec())), { kind: 'sigmoid', hidden: 6, classes: 3, features: 12 });
    const data = model.toData();
    assert.throws(() => new HeadModel({ ...data, parameters: { ...data.parameters, W2: new Float32Array(3) } }), /W2 must hold 18 values/);
    assert.throws(() => new HeadModel({ ...data, standardisation: { mean: new Float32Array(3), std: new Float32Array(3) } }), /12 means/);
    await assert.rejects(model.predict(new Float32Array(13)), /not a multiple of 12/);
  });
});
