import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { convertTfjsModel, type TfjsArtifacts } from '../../../native/convert';
import { difference, runOnnx, seeded, tf, tfReady } from './tfjsHelpers';

/** Random weights (variances positive, gammas near 1) so that every layer's arithmetic shows. */
function randomiseWeights(model: tf.LayersModel, seed: number): void {
  const random = seeded(seed);
  model.setWeights(
    model.weights.map((weight) => {
      const count = weight.shape.reduce((product: number, dim) => product * (dim as number), 1);
      const values = Float32Array.from({ length: count }, () => {
        const r = random() * 2 - 1;
        if (weight.name.includes('moving_variance')) return 0.5 + Math.abs(r);
        if (weight.name.includes('gamma')) return 1 + r / 2;
        return r / 2;
      });
      return tf.tensor(values, weight.shape as number[]);
    }),
  );
}

async function artifactsOf(model: tf.LayersModel): Promise<TfjsArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved?.weightSpecs || !(saved.weightData instanceof ArrayBuffer)) throw new Error('TF.js saved no weights');
  return {
    format: 'layers-model',
    modelTopology: saved.modelTopology as Record<string, unknown>,
    weightSpecs: saved.weightSpecs,
    weightData: new Uint8Array(saved.weightData),
  };
}

function randomInput(dims: number[], seed: number): Float32Array {
  const random = seeded(seed);
  return Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => random());
}

before(tfReady);

describe('convertTfjsModel on Keras layers models', () => {
  it('matches TF.js through padding, folded and standalone batch norm, depthwise, add, concat, pooling, flatten and dense', async () => {
    const input = tf.input({ shape: [12, 10, 3], name: 'pixels' });
    const padded = tf.layers.zeroPadding2d({ padding: [[0, 1], [1, 0]], name: 'pad' }).apply(input) as tf.SymbolicTensor;
    const conv = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'valid', useBias: false, name: 'conv1' }).apply(padded);
    const bn = tf.layers.batchNormalization({ name: 'bn1', epsilon: 1e-3 }).apply(conv);
    const relu = tf.layers.reLU({ maxValue: 6, name: 'relu1' }).apply(bn) as tf.SymbolicTensor;
    const depthwise = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu', name: 'dw' }).apply(relu);
    const pointwise = tf.layers.conv2d({ filters: 16, kernelSize: 1, padding: 'same', name: 'pw' }).apply(relu);
    const sum = tf.layers.add({ name: 'add' }).apply([depthwise, pointwise] as tf.SymbolicTensor[]);
    const normed = tf.layers.batchNormalization({ name: 'bn2' }).apply(sum) as tf.SymbolicTensor;
    const gated = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'sigmoid', name: 'conv2' }).apply(normed);
    const joined = tf.layers.concatenate({ name: 'cat' }).apply([normed, gated] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
    const averaged = tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'avg' }).apply(joined);
    const maxed = tf.layers.maxPooling2d({ poolSize: 2, strides: 1, name: 'max' }).apply(averaged);
    const flat = tf.layers.flatten({ name: 'flat' }).apply(maxed);
    const dropped = tf.layers.dropout({ rate: 0.5, name: 'drop' }).apply(flat);
    const probabilities = tf.layers.dense({ units: 5, activation: 'softmax', name: 'dense' }).apply(dropped) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [probabilities, joined] });
    randomiseWeights(model, 7);

    const onnx = convertTfjsModel(await artifactsOf(model), {
      outputs: [
        { name: 'probabilities', from: 'dense', pool: 'none' },
        { name: 'pooled', from: 'cat', pool: 'global-average' },
        { name: 'grid', from: 'cat', pool: 'none' },
      ],
    });
    assert.deepEqual(
      onnx.graph.outputs.map((output) => `${output.name} [${output.shape?.join(', ')}]`),
      ['probabilities [batch, 5]', 'pooled [batch, 20]', 'grid [batch, 6, 5, 20]'],
    );
    // bn1 is folded into conv1 and the padding into its pads; bn2 follows an Add, so it stays.
    const ops = onnx.graph.nodes.map((node) => node.opType);
    assert.equal(ops.filter((op) => op === 'BatchNormalization').length, 1);
    assert.equal(ops.filter((op) => op === 'Pad').length, 0);

    const dims = [2, 12, 10, 3];
    const x = randomInput(dims, 11);
    const out = await runOnnx(onnx, x, dims);
    const [expectedProbabilities, expectedGrid] = model.predict(tf.tensor(x, dims)) as tf.Tensor[];
    const checks = {
      probabilities: expectedProbabilities?.dataSync(),
      pooled: expectedGrid?.mean([1, 2]).dataSync(),
      grid: expectedGrid?.dataSync(),
    };
    for (const [name, expected] of Object.entries(checks)) {
      const { maxAbs } = difference(out[name]?.data as Float32Array, expected as Float32Array);
      assert.ok(maxAbs <= 1e-5, `${name}: max |ONNX − TF.js| = ${maxAbs}`);
    }
  });

  it('reads Sequential models, whose layers have no inbound nodes', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu6', name: 'c' }),
        tf.layers.globalAveragePooling2d({ name: 'gap' }),
        tf.layers.dense({ units: 3, activation: 'tanh', name: 'd' }),
      ],
    });
    randomiseWeights(model, 3);
    const onnx = convertTfjsModel(await artifactsOf(model), { outputs: [{ name: 'y', from: 'd', pool: 'none' }] });
    const dims = [3, 8, 8, 3];
    const x = randomInput(dims, 5);
    const out = await runOnnx(onnx, x, dims);
    const expected = (model.predict(tf.tensor(x, dims)) as tf.Tensor).dataSync();
    assert.ok(difference(out.y?.data as Float32Array, expected).maxAbs <= 1e-5);
  });

  it('names the layer and class it cannot convert', async () => {
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 1, kernelSize: 1, name: 'c' }), tf.layers.upSampling2d({ name: 'up' })] });
    assert.throws(() => convertTfjsModel(artifactsSync(model), { outputs: [{ name: 'y', from: 'up', pool: 'none' }] }), /layer up: UpSampling2D layers are not supported/);
    assert.throws(() => convertTfjsModel(artifactsSync(model), { outputs: [{ name: 'y', from: 'nope', pool: 'none' }] }), /no layer named nope/);
  });
});

/** Topology only (these conversions fail before reading weights). */
function artifactsSync(model: tf.LayersModel): TfjsArtifacts {
  const weights = model.weights.map((weight) => ({ name: weight.originalName, shape: weight.shape as number[], dtype: 'float32' }));
  const bytes = weights.reduce((sum, weight) => sum + weight.shape.reduce((a, b) => a * b, 1) * 4, 0);
  return { format: 'layers-model', modelTopology: model.toJSON(null, false) as Record<string, unknown>, weightSpecs: weights, weightData: new Uint8Array(bytes) };
}
