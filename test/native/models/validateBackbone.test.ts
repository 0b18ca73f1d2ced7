import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { validateBackbone, type ModelSpec } from '../../../native/models';
import { buildModel, encodeModel, GraphBuilder, type Dim } from '../../../native/onnx';

const folder = mkdtempSync(join(tmpdir(), 'loupe-validate-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const spec: ModelSpec = {
  id: 'user-backbone',
  title: 'A user backbone',
  fileName: 'user-backbone.onnx',
  input: { name: 'pixels', width: 8, height: 6, layout: 'NCHW', colourOrder: 'RGB', resize: 'stretch', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  outputs: [
    { name: 'features', size: 4, role: 'final', pooling: 'global-average' },
    { name: 'early', size: 3, role: 'middle', pooling: 'global-average' },
  ],
  licence: 'Apache-2.0',
  source: { kind: 'file', originalName: 'backbone.onnx' },
};

/** A tiny NCHW backbone: `features` = pooled 1 × 1 conv to `channels`, `early` = pooled input. */
function aBackbone(options: { input?: string; shape?: Dim[]; channels?: number; outputs?: string[]; extraInput?: boolean } = {}): Uint8Array {
  const g = new GraphBuilder('backbone');
  const x = g.input(options.input ?? 'pixels', 'float32', options.shape ?? ['batch', 3, 6, 8]);
  if (options.extraInput) g.input('mask', 'float32', ['batch', 1]);
  const channels = options.channels ?? 4;
  const conv = g.op('Conv', [x, g.initializer('w', Float32Array, [channels, 3, 1, 1])]);
  const [features, early] = options.outputs ?? ['features', 'early'];
  g.output(g.op('Flatten', [g.op('GlobalAveragePool', [conv])]), 'float32', ['batch', channels], features);
  g.output(g.op('Flatten', [g.op('GlobalAveragePool', [x])]), 'float32', ['batch', 3], early);
  return encodeModel(buildModel(g));
}

describe('validateBackbone', () => {
  it('accepts a file whose input and outputs fit the spec, from bytes or a path', async () => {
    const path = join(folder, 'ok.onnx');
    writeFileSync(path, aBackbone());
    for (const source of [aBackbone(), path]) assert.deepEqual(await validateBackbone(source, spec), { ok: true, problems: [], warnings: [] });
  });

  it('warns, but accepts, a batch size fixed at 1', async () => {
    const check = await validateBackbone(aBackbone({ shape: [1, 3, 6, 8] }), spec);
    assert.equal(check.ok, true);
    assert.deepEqual(check.warnings, ['input "pixels" has its batch size fixed at 1, so images run one at a time']);
  });

  const cases: [string, Parameters<typeof aBackbone>[0], string][] = [
    ['a differently named input', { input: 'images' }, 'the model has no input named "pixels" (its inputs: images)'],
    ['NHWC dims where the spec says NCHW', { shape: ['batch', 6, 8, 3] }, 'input "pixels" is [batch, 6, 8, 3]; the spec (NCHW, 8 × 6) needs [batch, 3, 6, 8]'],
    ['a missing feature output', { outputs: ['embedding', 'early'] }, 'the model has no output named "features" (its outputs: embedding, early)'],
    ['a feature of another size', { channels: 5 }, 'output "features" is [batch, 5]; the spec needs [batch, 4]'],
    ['an input the spec does not feed', { extraInput: true }, 'the model has inputs the spec does not feed: mask'],
  ];
  for (const [situation, options, problem] of cases) {
    it(`says what is wrong with ${situation}`, async () => {
      const check = await validateBackbone(aBackbone(options), spec);
      assert.equal(check.ok, false);
      assert.deepEqual(check.problems, [problem]);
    });
  }

  it('says when the file is not an ONNX model', async () => {
    const check = await validateBackbone(Uint8Array.from([1, 2, 3]), spec);
    assert.equal(check.ok, false);
    assert.match(check.problems[0] ?? '', /not a readable ONNX model/);
  });
});
