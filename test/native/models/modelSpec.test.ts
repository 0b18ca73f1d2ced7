import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BACKBONE_ID, DEFAULT_BACKBONES, defaultBackboneSpec, ModelSpecError, parseModelSpec } from '../../../native/models';

describe('the backbone registry', () => {
  it('lists the default first, each with a unique id, its own file name and at least a final feature', () => {
    assert.equal(DEFAULT_BACKBONES[0]?.id, DEFAULT_BACKBONE_ID);
    assert.equal(new Set(DEFAULT_BACKBONES.map((spec) => spec.id)).size, DEFAULT_BACKBONES.length);
    for (const spec of DEFAULT_BACKBONES) {
      assert.equal(spec.fileName, `${spec.id}.onnx`);
      assert.ok(spec.outputs.some((output) => output.role === 'final'));
      assert.deepEqual(parseModelSpec(JSON.parse(JSON.stringify(spec))), spec);
      assert.equal(defaultBackboneSpec(spec.id), spec);
    }
    assert.equal(defaultBackboneSpec('missing'), undefined);
  });
});

describe('parseModelSpec', () => {
  it('lists every problem of a bad spec at once', () => {
    const bad = {
      id: '../etc',
      title: '',
      fileName: 'model.bin',
      input: { name: 'image', width: 0, height: 224, layout: 'HWC', colourOrder: 'RGB', resize: 'stretch', scale: 1, mean: [0, 0], std: [1, 0, 1] },
      outputs: [
        { name: 'a', size: 3, role: 'final', pooling: 'global-average' },
        { name: 'a', size: 1.5, role: 'last', pooling: 'max' },
      ],
      licence: 'MIT',
      source: { kind: 'url' },
    };
    assert.throws(
      () => parseModelSpec(bad),
      (error: unknown) => {
        assert.ok(error instanceof ModelSpecError);
        assert.deepEqual(error.problems, [
          'id must be 1–100 letters, digits, ".", "_" or "-"',
          'title must be a non-empty string',
          'fileName must be a file name ending in .onnx',
          'input.width and input.height must be whole numbers of pixels',
          'input.layout must be NHWC or NCHW',
          'input.mean must be three numbers',
          'input.std must be three positive numbers',
          'outputs[1].name a is listed twice',
          'outputs[1].size must be a whole number',
          'outputs[1].role must be "final" or "middle"',
          'outputs[1].pooling must be "global-average" or "none"',
          'source.kind must be "npm", "file" or "download"',
        ]);
        return true;
      },
    );
  });

  it('refuses what is not an object', () => {
    assert.throws(() => parseModelSpec([]), /the spec is not an object/);
  });
});
