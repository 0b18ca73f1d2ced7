import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { attr, buildModel, encodeModel, GraphBuilder, makeTensor, type OnnxModel } from '../../../native/onnx';

/** Runs `model` in ONNX Runtime (CPU) and returns its outputs' values and dims. */
async function runModel(model: OnnxModel, feeds: Record<string, ort.Tensor>): Promise<Record<string, { data: number[]; dims: number[] }>> {
  const session = await ort.InferenceSession.create(encodeModel(model), { executionProviders: ['cpu'] });
  try {
    const results = await session.run(feeds);
    return Object.fromEntries(
      Object.entries(results).map(([name, tensor]) => [name, { data: Array.from(tensor.data as Float32Array, Number), dims: [...tensor.dims] }]),
    );
  } finally {
    await session.release();
  }
}

function assertClose(actual: number[], expected: number[], tolerance = 1e-6): void {
  assert.equal(actual.length, expected.length, `length ${actual.length} ≠ ${expected.length}`);
  actual.forEach((value, i) => {
    assert.ok(Math.abs(value - (expected[i] as number)) <= tolerance, `[${i}] ${value} ≠ ${expected[i]}`);
  });
}

describe('GraphBuilder', () => {
  it('builds Gemm + Softmax over a symbolic batch that ONNX Runtime runs as computed by hand', async () => {
    const g = new GraphBuilder('head');
    const x = g.input('features', 'float32', ['batch', 3]);
    const w = g.initializer('w', Float32Array.from([1, 0, 0, 1, 1, 1]), [3, 2]);
    const b = g.float('b', [0, 1]);
    const logits = g.op('Gemm', [x, w, b], { transB: 0, alpha: attr.float(1), beta: attr.float(1) });
    g.output(g.op('Softmax', [logits], { axis: -1 }), 'float32', ['batch', 2], 'probabilities');
    const out = await runModel(buildModel(g), {
      features: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 0, 0, 0]), [2, 3]),
    });
    // Row 1: logits [1 + 3, 2 + 3 + 1] = [4, 6]; row 2: [0, 1].
    const softmax = (a: number, c: number) => [Math.exp(a) / (Math.exp(a) + Math.exp(c)), Math.exp(c) / (Math.exp(a) + Math.exp(c))];
    assert.deepEqual(out.probabilities?.dims, [2, 2]);
    assertClose(out.probabilities?.data ?? [], [...softmax(4, 6), ...softmax(0, 1)]);
  });

  it('builds Conv + Relu (NCHW, OIHW weights, bias, pads) that matches a hand-worked convolution', async () => {
    const g = new GraphBuilder('conv');
    const x = g.input('image', 'float32', [1, 1, 3, 3]);
    const w = g.initializer('w', Float32Array.from([1, 0, 0, -1, 2, 2, 2, 2]), [2, 1, 2, 2]);
    const b = g.float('b', [0, -20]);
    const y = g.op('Conv', [x, w, b], { kernel_shape: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0], group: 1 });
    g.output(g.op('Relu', [y]), 'float32', [1, 2, 2, 2], 'features');
    // image 1..9 row-major; filter 0 = top-left minus bottom-right (always −4); filter 1 = 2 × window sum − 20.
    const out = await runModel(buildModel(g), { image: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3]) });
    assert.deepEqual(out.features?.dims, [1, 2, 2, 2]);
    const sums = [1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9];
    assertClose(out.features?.data ?? [], [0, 0, 0, 0, ...sums.map((sum) => Math.max(0, 2 * sum - 20))]);
  });

  it('builds Reshape with an int64 shape initializer', async () => {
    const g = new GraphBuilder('reshape');
    const x = g.input('x', 'float32', [2, 3]);
    const shape = g.int64('shape', [3, -1]);
    g.output(g.op('Reshape', [x, shape]), 'float32', [3, 2], 'y');
    const out = await runModel(buildModel(g), { x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]) });
    assert.deepEqual(out.y, { data: [1, 2, 3, 4, 5, 6], dims: [3, 2] });
  });

  it('writes float, floats, ints, string and tensor attributes that ONNX Runtime reads', async () => {
    const g = new GraphBuilder('attributes');
    const x = g.input('x', 'float32', [1, 4]);
    const leaky = g.op('LeakyRelu', [x], { alpha: 0.25 });
    const padded = g.op('Pad', [leaky, g.int64('pads', [0, 1, 0, 1])], { mode: 'reflect' });
    const floats = g.op('Constant', [], { value_floats: [0.5, 1.5, 2.5, 3.5, 4.5, 5.5] });
    const tensor = g.op('Constant', [], { value: makeTensor('c', Float32Array.from([10, 20]), [2, 1]) });
    const transposed = g.op('Transpose', [tensor], { perm: [1, 0] });
    g.output(padded, 'float32', [1, 6], 'padded');
    g.output(floats, 'float32', [6], 'floats');
    g.output(transposed, 'float32', [1, 2], 'transposed');
    const out = await runModel(buildModel(g), { x: new ort.Tensor('float32', Float32Array.from([-4, 1, 2, 3]), [1, 4]) });
    // LeakyRelu: [-1, 1, 2, 3]; reflect-pad one each side: [1, -1, 1, 2, 3, 2].
    assert.deepEqual(out.padded?.data, [1, -1, 1, 2, 3, 2]);
    assert.deepEqual(out.floats?.data, [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    assert.deepEqual(out.transposed, { data: [10, 20], dims: [1, 2] });
  });

  it('types whole-number attributes as INT unless marked float', () => {
    const g = new GraphBuilder('types');
    const x = g.input('x', 'float32', [1]);
    g.output(g.op('Elu', [x], { alpha: attr.float(1), n: 2, list: [1, 2], mixed: [1, 2.5], names: ['a', 'b'] }), 'float32', [1]);
    const attributes = g.build().nodes[0]?.attributes;
    assert.deepEqual(attributes, {
      alpha: { type: 'float', value: 1 },
      n: { type: 'int', value: 2 },
      list: { type: 'ints', value: [1, 2] },
      mixed: { type: 'floats', value: [1, 2.5] },
      names: { type: 'strings', value: ['a', 'b'] },
    });
  });

  it('sets producer Loupe, IR 8, opset 17 in the default domain and metadata_props', () => {
    const g = new GraphBuilder('meta');
    g.output(g.input('x', 'float32', [1]), 'float32', [1]);
    const model = buildModel(g, { metadata: { labels: '["a","b"]' }, extraOpsets: [{ domain: 'com.microsoft', version: 1 }] });
    assert.equal(model.producerName, 'Loupe');
    assert.equal(model.irVersion, 8);
    assert.deepEqual(model.opsetImports, [
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ]);
    assert.deepEqual(model.metadata, { labels: '["a","b"]' });
  });

  describe('when the graph is wired wrong', () => {
    it('refuses a name used twice', () => {
      const g = new GraphBuilder('dup');
      g.input('x', 'float32', [1]);
      assert.throws(() => g.float('x', 1), /already has a value named x/);
    });

    it('refuses an input that is not defined yet', () => {
      const g = new GraphBuilder('order');
      assert.throws(() => g.op('Relu', ['later']), /input later is not defined yet/);
    });

    it('refuses a graph without outputs', () => {
      const g = new GraphBuilder('empty');
      g.input('x', 'float32', [1]);
      assert.throws(() => g.build(), /has no outputs/);
    });

    it('refuses values that do not fill the dims', () => {
      const g = new GraphBuilder('fill');
      assert.throws(() => g.initializer('w', new Float32Array(5), [2, 3]), /5 values do not fill dims \[2, 3\]/);
    });
  });

  it('continues an existing graph: a head appended to a backbone keeps the backbone and replaces its outputs', async () => {
    const backbone = new GraphBuilder('backbone');
    const x = backbone.input('image', 'float32', ['batch', 2]);
    backbone.output(backbone.op('Relu', [x], {}, { outputs: ['embedding'] }), 'float32', ['batch', 2]);
    const g = new GraphBuilder('classifier', backbone.build());
    g.clearOutputs();
    const scores = g.op('Gemm', [g.value('embedding'), g.initializer('w', Float32Array.from([1, 1]), [2, 1])]);
    g.output(scores, 'float32', ['batch', 1], 'score');
    const out = await runModel(buildModel(g), { image: new ort.Tensor('float32', Float32Array.from([-1, 3]), [1, 2]) });
    assert.deepEqual(Object.keys(out), ['score']);
    assert.deepEqual(out.score, { data: [3], dims: [1, 1] });
  });
});
