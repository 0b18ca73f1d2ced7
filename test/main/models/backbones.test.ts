/**
 * The backbone registry: a user's ONNX backbone, checked against its spec, registered, made the
 * default and trained on. The "backbone" here is tiny (mean colour of a 32×32 image), made with
 * Loupe's own graph builder, and still separates the generated classes.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildModel, encodeModel, GraphBuilder } from '../../../native/onnx';
import { trainOnClassFolders } from '../../support/training';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

const spec = {
  id: 'mean-colour',
  title: 'Mean colour (test)',
  fileName: 'mean-colour.onnx',
  input: { name: 'image', width: 32, height: 32, layout: 'NHWC', colourOrder: 'RGB', resize: 'stretch', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] },
  outputs: [{ name: 'features', size: 3, role: 'final', pooling: 'global-average' }],
  licence: 'test fixture',
  source: { kind: 'file' },
};

function meanColourModel(outputName = 'features'): Uint8Array {
  const g = new GraphBuilder('mean-colour');
  const image = g.input('image', 'float32', ['batch', 32, 32, 3]);
  const pooled = g.op('ReduceMean', [image], { axes: [1, 2], keepdims: 0 });
  g.output(pooled, 'float32', ['batch', 3], outputName);
  return encodeModel(buildModel(g));
}

describe('the backbone registry', () => {
  let loupe: TestLoupe;
  before(() => {
    loupe = aLoupe();
  });
  after(() => loupe.dispose());

  it('lists the built-in backbones with the default marked', async () => {
    const { Backbones } = await loupe.ok('ListBackbones', {});
    assert.ok(Backbones.some((b) => b.Id === 'nsfwjs-mobilenet-v2-140' && b.Default && b.Source === 'BUILT_IN'));
  });

  it('refuses a model ONNX Runtime cannot load', async () => {
    const g = new GraphBuilder('broken');
    const image = g.input('image', 'float32', ['batch', 32, 32, 3]);
    g.output(g.op('ReduceMean', [image, g.int64('axes', [1, 2])], { keepdims: 0 }), 'float32', ['batch', 3], 'features');
    const file = join(tempDir(), 'broken.onnx');
    writeFileSync(file, encodeModel(buildModel(g)));
    const error = await loupe.fails('RegisterBackbone', { ModelFile: file, Spec: spec });
    assert.match(error.message, /ONNX Runtime cannot load the model/);
  });

  it('refuses a file that does not fit its spec, saying why', async () => {
    const file = join(tempDir(), 'wrong.onnx');
    writeFileSync(file, meanColourModel('embedding'));
    const error = await loupe.fails('RegisterBackbone', { ModelFile: file, Spec: spec });
    assert.equal(error.code, 'InvalidParameterException');
    assert.match(error.message, /no output named "features"/);
  });

  it('registers a backbone, makes it the default, and trains on it', async () => {
    const file = join(tempDir(), 'mean.onnx');
    writeFileSync(file, meanColourModel());
    const { Backbone } = await loupe.ok('RegisterBackbone', { ModelFile: file, Spec: spec });
    assert.deepEqual([Backbone.Id, Backbone.Source, Backbone.Default], ['mean-colour', 'REGISTERED', false]);
    await loupe.ok('SetDefaultBackbone', { Id: 'mean-colour' });
    assert.equal((await loupe.ok('ListBackbones', {})).Backbones.find((b) => b.Default)?.Id, 'mean-colour');
    assert.equal((await loupe.fails('SetDefaultBackbone', { Id: 'nope' })).code, 'ResourceNotFoundException');

    const version = await trainOnClassFolders(loupe, 'colours', { train: 10, test: 4 });
    assert.equal(version.Status, 'TRAINING_COMPLETED', version.StatusMessage);
    assert.ok(version.EvaluationResult!.F1Score >= 0.9, String(version.EvaluationResult!.F1Score));
  });
});
