import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  attr,
  buildModel,
  decodeModel,
  describeModel,
  encodeModel,
  GraphBuilder,
  makeTensor,
  OnnxDecodeError,
  tensorValues,
  type OnnxModel,
} from '../../../native/onnx';

const folder = mkdtempSync(join(tmpdir(), 'loupe-onnx-'));
after(() => rmSync(folder, { recursive: true, force: true }));

/** A backbone-like model: NHWC image with a symbolic batch, two named feature outputs, metadata. */
function aBackbone(): OnnxModel {
  const g = new GraphBuilder('backbone');
  const image = g.input('image', 'float32', ['batch', 8, 8, 3]);
  const nchw = g.op('Transpose', [image], { perm: [0, 3, 1, 2] });
  const conv = g.op('Conv', [nchw, g.initializer('w', Float32Array, [4, 3, 1, 1]), g.float('b', [0, 1, 2, 3])], {
    kernel_shape: [1, 1],
    auto_pad: 'NOTSET',
  });
  const clipped = g.op('Clip', [conv, g.float('zero', 0), g.float('six', 6)]);
  const pooled = g.op('GlobalAveragePool', [clipped]);
  g.output(g.op('Flatten', [pooled], { axis: 1 }), 'float32', ['batch', 4], 'embedding');
  g.output(g.op('Reshape', [clipped, g.int64('flat', [0, -1])]), 'float32', ['batch', 256], 'grid');
  const model = buildModel(g, { metadata: { 'loupe.backbone': 'test', licence: 'MIT' }, producerVersion: '0.1.0' });
  // Every attribute kind, on a node the round trip must keep as written.
  model.graph.nodes.push({
    opType: 'Custom',
    domain: 'loupe.test',
    inputs: [''],
    outputs: ['unused'],
    attributes: {
      f: attr.float(0.5),
      i: attr.int(-3),
      s: attr.string('héllo'),
      t: attr.tensor(makeTensor('t', BigInt64Array.from([1n, -2n]), [2])),
      fs: attr.floats([0.25, 1.5]),
      is: attr.ints([7, -1, 2 ** 40]),
      ss: attr.strings(['a', 'β']),
    },
  });
  return model;
}

describe('decodeModel', () => {
  it('reads back exactly what encodeModel wrote', () => {
    const model = aBackbone();
    assert.deepEqual(decodeModel(encodeModel(model)), model);
  });

  it('keeps tensor values bit for bit', () => {
    const g = new GraphBuilder('values');
    const weights = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e3);
    g.output(g.initializer('w', weights, [10, 100]), 'float32', [10, 100]);
    g.int64('big', [2n ** 60n, -1n]);
    const decoded = decodeModel(encodeModel(buildModel(g)));
    const [w, big] = decoded.graph.initializers;
    assert.deepEqual(w && tensorValues(w), weights);
    assert.deepEqual(big && tensorValues(big), BigInt64Array.from([2n ** 60n, -1n]));
  });

  it('refuses bytes that are not a model', () => {
    assert.throws(() => decodeModel(Uint8Array.from([0xff, 0xff, 0xff, 0xff])), OnnxDecodeError);
    assert.throws(() => decodeModel(new Uint8Array(0)), /has no graph/);
  });
});

describe('describeModel', () => {
  it('lists inputs and outputs with symbolic dims, initializer shapes and metadata, from bytes or a file', async () => {
    const bytes = encodeModel(aBackbone());
    const path = join(folder, 'backbone.onnx');
    writeFileSync(path, bytes);
    for (const source of [bytes, path]) {
      const description = await describeModel(source);
      assert.deepEqual(description.inputs, [{ name: 'image', dtype: 'float32', shape: ['batch', 8, 8, 3] }]);
      assert.deepEqual(description.outputs, [
        { name: 'embedding', dtype: 'float32', shape: ['batch', 4] },
        { name: 'grid', dtype: 'float32', shape: ['batch', 256] },
      ]);
      assert.deepEqual(
        description.initializers.map(({ name, dims }) => `${name} [${dims.join(',')}]`),
        ['w [4,3,1,1]', 'b [4]', 'zero []', 'six []', 'flat [2]'],
      );
      assert.deepEqual(description.metadata, { 'loupe.backbone': 'test', licence: 'MIT' });
      assert.equal(description.producerName, 'Loupe');
      assert.deepEqual(description.opsetImports, [{ domain: '', version: 17 }]);
    }
  });

  it('does not count initializers listed as graph inputs (IR < 4) as inputs', async () => {
    const model = aBackbone();
    model.graph.inputs.push({ name: 'w', dtype: 'float32', shape: [4, 3, 1, 1] });
    const description = await describeModel(encodeModel(model));
    assert.deepEqual(description.inputs.map((input) => input.name), ['image']);
  });

  it('says which file it cannot read', async () => {
    await assert.rejects(describeModel(join(folder, 'missing.onnx')), /cannot read .*missing\.onnx/);
  });
});
