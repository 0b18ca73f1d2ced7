import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { convertTfjsModel, type TfjsArtifacts, type WeightSpec } from '../../../native/convert';
import { difference, ioArtifacts, runOnnx, seeded, tf, tfReady } from './tfjsHelpers';

/** A GraphDef in TF.js's JSON form, built node by node, with its constants in a weights manifest. */
class GraphDef {
  readonly nodes: Record<string, unknown>[] = [];
  private readonly specs: WeightSpec[] = [];
  private readonly values: ArrayBufferView[] = [];
  private readonly random = seeded(17);

  constant(name: string, dims: number[], values?: number[], dtype: 'float32' | 'int32' = 'float32'): string {
    const count = dims.reduce((a, b) => a * b, 1);
    const data = values ?? Array.from({ length: count }, () => this.random() - 0.5);
    const tfType = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    this.nodes.push({
      name,
      op: 'Const',
      attr: { value: { tensor: { dtype: tfType, tensorShape: { dim: dims.map((size) => ({ size: String(size) })) } } }, dtype: { type: tfType } },
    });
    this.specs.push({ name, shape: dims, dtype });
    this.values.push(dtype === 'float32' ? Float32Array.from(data) : Int32Array.from(data));
    return name;
  }

  op(name: string, op: string, inputs: string[], attr: Record<string, unknown> = {}): string {
    this.nodes.push({ name, op, input: inputs, attr: { T: { type: 'DT_FLOAT' }, ...attr } });
    return name;
  }

  artifacts(): TfjsArtifacts {
    const bytes = new Uint8Array(this.values.reduce((sum, value) => sum + value.byteLength, 0));
    let offset = 0;
    for (const value of this.values) {
      bytes.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), offset);
      offset += value.byteLength;
    }
    return { format: 'graph-model', modelTopology: { node: this.nodes, versions: { producer: 1 } }, weightSpecs: this.specs, weightData: bytes };
  }
}

const text = (value: string) => ({ s: Buffer.from(value).toString('base64') });
const ints = (...values: number[]) => ({ list: { i: values.map(String) } });
const texts = (...values: string[]) => ({ list: { s: values.map((value) => Buffer.from(value).toString('base64')) } });
const nhwc = { data_format: text('NHWC') };

before(tfReady);

describe('convertTfjsModel on TF.js graph models', () => {
  it('matches TF.js through scaling, Pad, fused and plain convolutions, BiasAdd, AddV2, batch norm, pooling, Squeeze, Mean and matmuls', async () => {
    const g = new GraphDef();
    g.nodes.push({ name: 'input', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [-1, 9, 9, 3].map((size) => ({ size: String(size) })) } } } });
    const scaled = g.op('scale', 'Mul', [g.constant('scale/y', [], [2]), 'input']);
    const shifted = g.op('shift', 'Sub', [scaled, g.constant('shift/y', [], [1])]);
    const padded = g.op('pad', 'Pad', [shifted, g.constant('pad/paddings', [4, 2], [0, 0, 1, 1, 0, 1, 0, 0], 'int32')]);
    const conv = g.op('conv1', '_FusedConv2D', [padded, g.constant('conv1/w', [3, 3, 3, 8]), g.constant('conv1/b', [8])], {
      ...nhwc,
      strides: ints(1, 2, 2, 1),
      dilations: ints(1, 1, 1, 1),
      padding: text('VALID'),
      fused_ops: texts('BiasAdd', 'Relu6'),
      num_args: { i: '1' },
      explicit_paddings: { list: {} },
      epsilon: { f: 0 },
    });
    const depthwise = g.op('dw', 'FusedDepthwiseConv2dNative', [conv, g.constant('dw/w', [3, 3, 8, 2]), g.constant('dw/b', [16])], {
      ...nhwc,
      strides: ints(1, 2, 2, 1),
      dilations: ints(1, 1, 1, 1),
      padding: text('SAME'),
      fused_ops: texts('BiasAdd', 'Relu'),
      num_args: { i: '1' },
    });
    const pointwise = g.op('pw', 'Conv2D', [depthwise, g.constant('pw/w', [1, 1, 16, 16])], { ...nhwc, strides: ints(1, 1, 1, 1), dilations: ints(1, 1, 1, 1), padding: text('SAME') });
    const biased = g.op('pw_bias', 'BiasAdd', [pointwise, g.constant('pw/b', [16])], nhwc);
    const sum = g.op('add', 'AddV2', [depthwise, biased]);
    const clipped = g.op('relu6', 'Relu6', [sum]);
    const variance = Array.from({ length: 16 }, (_, i) => 0.5 + i / 16);
    const normed = g.op('bn', 'FusedBatchNormV3', [clipped, g.constant('bn/scale', [16]), g.constant('bn/offset', [16]), g.constant('bn/mean', [16]), g.constant('bn/variance', [16], variance)], {
      ...nhwc,
      epsilon: { f: 0.001 },
      is_training: { b: false },
    });
    const averaged = g.op('avg', 'AvgPool', [normed], { ...nhwc, ksize: ints(1, 2, 2, 1), strides: ints(1, 2, 2, 1), padding: text('SAME') });
    const maxed = g.op('max', 'MaxPool', [averaged], { ...nhwc, ksize: ints(1, 2, 1, 1), strides: ints(1, 1, 1, 1), padding: text('VALID') });
    g.op('squeeze', 'Squeeze', [maxed], { squeeze_dims: ints(1, 2) });
    const mean = g.op('mean', 'Mean', [normed, g.constant('mean/axes', [2], [1, 2], 'int32')], { keep_dims: { b: false }, Tidx: { type: 'DT_INT32' } });
    const hidden = g.op('fc', '_FusedMatMul', [mean, g.constant('fc/w', [16, 6]), g.constant('fc/b', [6])], {
      fused_ops: texts('BiasAdd', 'Relu'),
      num_args: { i: '1' },
      transpose_a: { b: false },
      transpose_b: { b: false },
      epsilon: { f: 0 },
    });
    const logits = g.op('logits', 'MatMul', [hidden, g.constant('out/w', [4, 6])], { transpose_a: { b: false }, transpose_b: { b: true } });
    g.op('Identity', 'Identity', [g.op('probs', 'Softmax', [logits])]);
    const artifacts = g.artifacts();

    const onnx = convertTfjsModel(artifacts, {
      outputs: [
        { name: 'probabilities', from: 'Identity', pool: 'none' },
        { name: 'squeezed', from: 'squeeze', pool: 'none' },
        { name: 'depthwise_pooled', from: 'dw', pool: 'global-average' },
        { name: 'normed', from: 'bn', pool: 'none' },
      ],
    });
    assert.deepEqual(
      onnx.graph.outputs.map((output) => `${output.name} [${output.shape?.join(', ')}]`),
      ['probabilities [batch, 4]', 'squeezed [batch, 16]', 'depthwise_pooled [batch, 16]', 'normed [batch, 3, 2, 16]'],
    );

    const dims = [2, 9, 9, 3];
    const random = seeded(23);
    const x = Float32Array.from({ length: 2 * 9 * 9 * 3 }, () => random());
    const out = await runOnnx(onnx, x, dims);
    const model = await tf.loadGraphModel(tf.io.fromMemory(ioArtifacts(artifacts)));
    const [probabilities, squeezed, depthwiseMap, normedMap] = model.execute(tf.tensor(x, dims), ['Identity', 'squeeze', 'dw', 'bn']) as tf.Tensor[];
    const checks = {
      probabilities: probabilities?.dataSync(),
      squeezed: squeezed?.dataSync(),
      depthwise_pooled: depthwiseMap?.mean([1, 2]).dataSync(),
      normed: normedMap?.dataSync(),
    };
    for (const [name, expected] of Object.entries(checks)) {
      const { maxAbs } = difference(out[name]?.data as Float32Array, expected as Float32Array);
      assert.ok(maxAbs <= 1e-5, `${name}: max |ONNX − TF.js| = ${maxAbs}`);
    }
  });

  it('finds a node by a unique end of its name and names the op it cannot convert', () => {
    const g = new GraphDef();
    g.nodes.push({ name: 'model/input', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '4' }] } } } });
    g.op('model/block/Erf', 'Erf', ['model/input']);
    assert.throws(() => convertTfjsModel(g.artifacts(), { outputs: [{ name: 'y', from: 'block/Erf', pool: 'none' }] }), /node model\/block\/Erf \(Erf\): Erf is not supported/);
    assert.throws(() => convertTfjsModel(g.artifacts(), { outputs: [{ name: 'y', from: 'Missing', pool: 'none' }] }), /no node named Missing/);
  });
});
