/**
 * A tiny exported model repository, built at test time with native/onnx: `tiny/config.pbtxt`,
 * `tiny/labels.txt` and `tiny/1/model.onnx` — a uint8 HWC image batch of any size in, the mean
 * colour through a fixed linear layer and softmax out as `scores` FP32 [batch, 2], and the top
 * class as `top` INT64 [batch]. Shaped like an export's classifier so the protocol is tested on
 * the same kinds of tensors.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel, encodeModel, GraphBuilder } from '../../native/onnx';

export const TINY_LABELS = ['dark', 'bright'];

export function tinyModelBytes(): Uint8Array {
  const g = new GraphBuilder('tiny-classifier');
  const image = g.input('image', 'uint8', ['batch', 'height', 'width', 3]);
  const pixels = g.op('Cast', [image], { to: 1 });
  const mean = g.op('ReduceMean', [pixels], { axes: [1, 2], keepdims: 0 });
  const weights = g.float('weights', [-0.02, 0.02, -0.01, 0.01, -0.03, 0.03], [3, 2]);
  const bias = g.float('bias', [3, -3], [2]);
  const logits = g.op('Add', [g.op('MatMul', [mean, weights]), bias]);
  const scores = g.op('Softmax', [logits], { axis: -1 });
  g.output(scores, 'float32', ['batch', 2], 'scores');
  g.output(g.op('ArgMax', [scores], { axis: 1, keepdims: 0 }), 'int64', ['batch'], 'top');
  return encodeModel(buildModel(g));
}

/** Write the repository under `root` (a new or empty folder); returns the model's folder. */
export function writeTinyRepository(root: string, name = 'tiny', maxBatchSize = 16): string {
  const folder = join(root, name);
  mkdirSync(join(folder, '1'), { recursive: true });
  writeFileSync(join(folder, '1', 'model.onnx'), tinyModelBytes());
  writeFileSync(join(folder, 'labels.txt'), `${TINY_LABELS.join('\n')}\n`);
  writeFileSync(
    join(folder, 'config.pbtxt'),
    [
      `name: "${name}"`,
      'backend: "onnxruntime"',
      `max_batch_size: ${maxBatchSize}`,
      'input [ { name: "image" data_type: TYPE_UINT8 dims: [ -1, -1, 3 ] } ]',
      'output [',
      '  { name: "scores" data_type: TYPE_FP32 dims: [ 2 ] label_filename: "labels.txt" },',
      '  { name: "top" data_type: TYPE_INT64 dims: [ ] }',
      ']',
      'dynamic_batching { }',
      'instance_group [ { count: 1 kind: KIND_CPU } ]',
      '',
    ].join('\n'),
  );
  return folder;
}
