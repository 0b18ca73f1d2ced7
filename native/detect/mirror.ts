/**
 * Mirror averaging (flip test-time augmentation) inside the exported model: every image runs
 * through the backbone and head together with its left–right mirror, and the two outputs are
 * averaged back in the image's own orientation. The model keeps its input and output contract
 * ([B, …] image in, [B, C + 4, H, W] out); it just does twice the backbone work.
 *
 * With the mirror's output m flipped back along the map's columns (m'), per cell:
 *   heat, offset y, width, height:  (a + m') / 2
 *   offset x:                       (a + 1 − m') / 2
 * because a centre at column x' + o' in the mirror is at W − x' − o' = x + (1 − o') in the image
 * (x = W − 1 − x'). The result is mirror-equivariant: a mirrored image gives the mirrored output.
 */
import { GraphBuilder, type OnnxModel, type ValueRef } from '../onnx';

const INT64_MIN = -(2n ** 63n);

/** `value` reversed along `axis` (an ONNX Slice with step −1). */
function reversed(g: GraphBuilder, value: ValueRef, axis: number, prefix: string): ValueRef {
  return g.op('Slice', [value, g.int64(`${prefix}/start`, [-1]), g.int64(`${prefix}/end`, [INT64_MIN]), g.int64(`${prefix}/axis`, [axis]), g.int64(`${prefix}/step`, [-1])]);
}

/**
 * The model with its image input `inputName` ([B, H, W, 3] NHWC or [B, 3, H, W] NCHW) feeding the
 * rest of the graph as [2B, …]: the batch followed by its mirror. Pair it with mirrorAveraged on
 * the output.
 */
export function withMirroredBatch(model: OnnxModel, inputName: string, layout: 'NHWC' | 'NCHW'): OnnxModel {
  const input = model.graph.inputs.find((candidate) => candidate.name === inputName);
  if (!input) throw new Error(`the model has no input named ${inputName}`);
  const pair = `${inputName}_and_mirror`;
  const prefix = new GraphBuilder('mirror');
  const dtype = input.dtype ?? 'float32';
  const image = prefix.input(inputName, dtype, input.shape ?? []);
  const both = prefix.op('Concat', [image, reversed(prefix, image, layout === 'NHWC' ? 2 : 3, 'mirror/input')], { axis: 0 }, { outputs: [pair] });
  prefix.output(both, dtype, undefined);
  const added = prefix.build();
  const rename = (name: string) => (name === inputName ? pair : name);
  return {
    ...model,
    graph: {
      ...model.graph,
      // The new nodes first, so the node list stays in topological order.
      nodes: [...added.nodes, ...model.graph.nodes.map((node) => ({ ...node, inputs: node.inputs.map(rename) }))],
      initializers: [...added.initializers, ...model.graph.initializers],
    },
  };
}

/**
 * The average of a [2B, C + 4, H, W] output of withMirroredBatch's pair back to [B, C + 4, H, W]
 * in the image's orientation (see the file's comment for the offset x rule).
 */
export function mirrorAveraged(g: GraphBuilder, pairOutput: ValueRef, classes: number, prefix = 'mirror'): ValueRef {
  const [own, mirror] = g.opMulti('Split', [pairOutput], 2, { axis: 0 });
  const back = reversed(g, mirror!, 3, `${prefix}/output`);
  const channels = classes + 4;
  const sign = new Float32Array(channels).fill(1);
  const shift = new Float32Array(channels);
  sign[classes] = -1;
  shift[classes] = 1;
  const aligned = g.op('Add', [g.op('Mul', [back, g.float(`${prefix}/sign`, sign, [1, channels, 1, 1])]), g.float(`${prefix}/shift`, shift, [1, channels, 1, 1])]);
  return g.op('Mul', [g.op('Add', [own!, aligned]), g.float(`${prefix}/half`, 0.5)]);
}
