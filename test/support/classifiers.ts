/**
 * Tiny ImageNet-style classifiers built with Loupe's graph builder, shaped as the downloadable
 * backbones' exporters write them: PyTorch (NCHW, Conv → Relu → GlobalAveragePool → Flatten → Gemm)
 * and a TF converter (NHWC with a fixed batch of 1, Transpose → Conv → Relu → Transpose →
 * ReduceMean over the spatial axes → Reshape → MatMul → Add). Weights are seeded, so a test can
 * pin the file's SHA-256 it computes.
 */
import { buildModel, encodeModel, GraphBuilder, type ValueRef } from '../../native/onnx';
import { xorshift } from './random';

export const TINY_SIDE = 16;
export const TINY_CHANNELS = 4;
export const TINY_CLASSES = 5;

/** Seeded values in [−0.5, 0.5). */
function seeded(seed: number): () => number {
  const next = xorshift(seed);
  return () => next() - 0.5;
}

const values = (count: number, next: () => number) => Float32Array.from({ length: count }, next);

export interface TinyClassifierOptions {
  layout?: 'NCHW' | 'NHWC';
  /** Also declare the pooled features ([batch, channels]) as an output named `pooled`: the reference for a cut. */
  withPooledOutput?: boolean;
  /** TF style only: give ReduceMean its axes as an input (opset 18) rather than an attribute. */
  axesAsInput?: boolean;
  /** Leave the pool out (a graph with nothing to cut at). */
  withoutPool?: boolean;
}

/** The `.onnx` bytes of a tiny classifier: input `input`, output `logits` [batch, TINY_CLASSES]. */
export function tinyClassifier(options: TinyClassifierOptions = {}): Uint8Array {
  const layout = options.layout ?? 'NCHW';
  const next = seeded(layout === 'NCHW' ? 7 : 11);
  const g = new GraphBuilder(`tiny-${layout}`);
  const kernel = g.initializer('conv_w', values(TINY_CHANNELS * 3 * 3 * 3, next), [TINY_CHANNELS, 3, 3, 3]);
  const bias = g.initializer('conv_b', values(TINY_CHANNELS, next), [TINY_CHANNELS]);
  let pooled: ValueRef;
  let logits: ValueRef;
  if (layout === 'NCHW') {
    const image = g.input('input', 'float32', ['batch_size', 3, TINY_SIDE, TINY_SIDE]);
    const conv = g.op('Relu', [g.op('Conv', [image, kernel, bias], { pads: [1, 1, 1, 1] })]);
    const map = options.withoutPool ? g.op('MaxPool', [conv], { kernel_shape: [TINY_SIDE, TINY_SIDE] }) : g.op('GlobalAveragePool', [conv]);
    pooled = g.op('Flatten', [map], { axis: 1 });
    const w = g.initializer('fc_w', values(TINY_CLASSES * TINY_CHANNELS, next), [TINY_CLASSES, TINY_CHANNELS]);
    const b = g.initializer('fc_b', values(TINY_CLASSES, next), [TINY_CLASSES]);
    logits = g.op('Gemm', [pooled, w, b], { transB: 1 });
  } else {
    const image = g.input('images:0', 'float32', [1, TINY_SIDE, TINY_SIDE, 3]);
    const nchw = g.op('Transpose', [image], { perm: [0, 3, 1, 2] });
    const conv = g.op('Relu', [g.op('Conv', [nchw, kernel, bias], { pads: [1, 1, 1, 1] })]);
    const nhwc = g.op('Transpose', [conv], { perm: [0, 2, 3, 1] });
    pooled = options.axesAsInput
      ? g.op('ReduceMean', [nhwc, g.int64('mean_axes', [1, 2])], { keepdims: 0 })
      : g.op('ReduceMean', [nhwc], { axes: [1, 2], keepdims: 0 });
    const flat = g.op('Reshape', [pooled, g.int64('flat_shape', [1, TINY_CHANNELS])]);
    const w = g.initializer('fc_w', values(TINY_CHANNELS * TINY_CLASSES, next), [TINY_CHANNELS, TINY_CLASSES]);
    const b = g.initializer('fc_b', values(TINY_CLASSES, next), [TINY_CLASSES]);
    logits = g.op('Add', [g.op('MatMul', [flat, w]), b]);
  }
  g.output(g.op('Softmax', [logits], { axis: -1 }), 'float32', [layout === 'NCHW' ? 'batch_size' : 1, TINY_CLASSES], 'probabilities');
  if (options.withPooledOutput) g.output(pooled, 'float32', [layout === 'NCHW' ? 'batch_size' : 1, TINY_CHANNELS], 'pooled');
  return encodeModel(buildModel(g, options.axesAsInput ? { opset: 18 } : {}));
}

/** A seeded image batch of `count` in `layout`, values in [−0.5, 0.5). */
export function tinyImages(count: number, layout: 'NCHW' | 'NHWC' = 'NCHW'): { data: Float32Array; dims: number[] } {
  const next = seeded(count * 31 + 3);
  const dims = layout === 'NCHW' ? [count, 3, TINY_SIDE, TINY_SIDE] : [count, TINY_SIDE, TINY_SIDE, 3];
  return { data: values(count * 3 * TINY_SIDE * TINY_SIDE, next), dims };
}
