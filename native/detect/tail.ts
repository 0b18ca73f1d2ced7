/**
 * The last blocks of a MobileNetV2-style backbone as data, so that they can be fine-tuned with the
 * detection head: found in the converted graph between a cut value and the feature map, run forward
 * on cached cut maps, differentiated by hand, and written back into the backbone for export.
 *
 * The tail works on location rows x [N, C] (N = images · H · W), the layout the head trains on:
 *
 *   pointwise  y = x·Wᵀ + b                W [Co, Ci] (the Conv kernel [Co, Ci, 1, 1]), b [Co]
 *              dx = dy·W,  dW = dyᵀ·x,  db = Σ_rows dy
 *   depthwise  y[c, p] = Σ_k K[c, k]·x[c, p + k − 1] + b[c]   (3 × 3, stride 1, pads 1; NCHW Conv, group C)
 *              dx = the same depthwise Conv of dy with each 3 × 3 kernel flipped (rotated 180°)
 *              dK[c, i, j] = Σ_{b,y,x} dy[b, y, x, c] · xpad[b, y + i, x + j, c]  (x zero-padded by 1)
 *              db = Σ_rows dy
 *   relu6      y = min(max(x, 0), 6),  dx = dy · [0 < x < 6]
 *   add        y = a + b,  da = db' = dy  (the residual connection; gradients of a value used twice add up)
 *
 * Batch-norm is already folded into the converted Conv weights and biases; any other op in the tail
 * (a BatchNormalization node included) is refused.
 */
import { makeTensor, tensorValues, type GraphBuilder, type OnnxModel, type OnnxNode, type OnnxTensor, type ValueRef } from '../onnx';

export interface MapSize {
  /** Feature map columns and rows. */
  width: number;
  height: number;
}

export type TailLayer =
  | { kind: 'pointwise'; input: string; output: string; weight: string; bias: string; inChannels: number; outChannels: number }
  | { kind: 'depthwise'; input: string; output: string; weight: string; bias: string; channels: number }
  | { kind: 'relu6'; input: string; output: string }
  | { kind: 'add'; inputs: [string, string]; output: string };

export interface BackboneTail {
  /** The value the tail starts from ([B, cutChannels, H, W] in the backbone); what is cached per image. */
  cut: string;
  cutChannels: number;
  /** The feature map the head reads ([B, channels, H, W] in the backbone). */
  output: string;
  channels: number;
  /** In graph order; empty when the cut is the feature map itself (nothing fine-tuned). */
  layers: TailLayer[];
  /** The backbone's weights and biases of the layers by initializer name (pointwise [Co·Ci], depthwise [C·9]). */
  initial: ReadonlyMap<string, Float32Array>;
}

/** A trainable tensor of the tail: its name in the step graph, its initializer in the backbone, its dims in the step graph. */
export interface TailParameter {
  name: string;
  initializer: string;
  dims: number[];
}

/** The tail's parameters in layer order (each layer's weight, then its bias). */
export function tailParameters(tail: BackboneTail): TailParameter[] {
  return tail.layers.flatMap((layer, i): TailParameter[] => {
    if (layer.kind === 'pointwise') {
      return [
        { name: `tail${i}_w`, initializer: layer.weight, dims: [layer.outChannels, layer.inChannels] },
        { name: `tail${i}_b`, initializer: layer.bias, dims: [layer.outChannels] },
      ];
    }
    if (layer.kind === 'depthwise') {
      return [
        { name: `tail${i}_w`, initializer: layer.weight, dims: [layer.channels, 1, 3, 3] },
        { name: `tail${i}_b`, initializer: layer.bias, dims: [layer.channels] },
      ];
    }
    return [];
  });
}

function ints(node: OnnxNode, name: string): number[] | undefined {
  const attribute = node.attributes[name];
  return attribute?.type === 'ints' ? attribute.value : undefined;
}

function int(node: OnnxNode, name: string): number | undefined {
  const attribute = node.attributes[name];
  return attribute?.type === 'int' ? attribute.value : undefined;
}

const allEqual = (values: readonly number[] | undefined, expected: number) => values === undefined || values.every((value) => value === expected);

/**
 * The tail of `model` that ends at `featureValue` and spans `blocks` inverted-residual stages:
 * 0 = nothing (the cut is the feature map); 1 = back to the first residual junction (in MobileNetV2,
 * the stride-16 expand alone: its 1 × 1 Conv and ReLU6); each further block adds the residual block
 * before it (expand, depthwise, project, add). Throws when the graph does not have that shape.
 */
export function findTail(model: OnnxModel, featureValue: string, blocks: number): BackboneTail {
  const { graph } = model;
  const producer = new Map<string, OnnxNode>();
  for (const node of graph.nodes) for (const output of node.outputs) producer.set(output, node);
  const initializers = new Map<string, OnnxTensor>(graph.initializers.map((tensor) => [tensor.name, tensor]));
  const isAncestor = (ancestor: string, of: string): boolean => {
    const seen = new Set<string>();
    const stack = [of];
    while (stack.length > 0) {
      const value = stack.pop()!;
      if (value === ancestor) return true;
      if (seen.has(value)) continue;
      seen.add(value);
      for (const input of producer.get(value)?.inputs ?? []) if (input && !initializers.has(input)) stack.push(input);
    }
    return false;
  };

  let cut = featureValue;
  for (let k = 0; k < blocks; k++) {
    if (k === 0) {
      let node = producer.get(cut);
      while (node && node.opType !== 'Add') {
        cut = node.inputs[0]!;
        node = producer.get(cut);
      }
      if (!node) throw new Error(`no residual junction before ${featureValue}`);
    } else {
      const add = producer.get(cut);
      if (add?.opType !== 'Add') throw new Error(`the backbone has fewer than ${blocks} residual blocks before its feature map`);
      const [a, b] = add.inputs as [string, string];
      cut = isAncestor(a, b) ? a : b;
    }
  }

  // The nodes on a path from the cut to the feature map, in graph order.
  const reached = new Set([cut]);
  const fromCut = graph.nodes.filter((node) => {
    if (!node.inputs.some((input) => reached.has(input))) return false;
    for (const output of node.outputs) reached.add(output);
    return true;
  });
  const needed = new Set([featureValue]);
  for (let i = fromCut.length - 1; i >= 0; i--) {
    const node = fromCut[i]!;
    if (node.outputs.some((output) => needed.has(output))) for (const input of node.inputs) needed.add(input);
  }
  const nodes = fromCut.filter((node) => node.outputs.some((output) => needed.has(output)));
  const known = new Set([cut]);
  const layers: TailLayer[] = [];
  const initial = new Map<string, Float32Array>();
  const weightOf = (name: string | undefined, node: OnnxNode): { name: string; tensor: OnnxTensor } => {
    const tensor = name ? initializers.get(name) : undefined;
    if (!tensor || tensor.dtype !== 'float32') throw new Error(`${node.opType} ${node.name ?? ''}: weights and bias must be float32 initializers`);
    return { name: name!, tensor };
  };
  for (const node of nodes) {
    const input = node.inputs[0]!;
    const output = node.outputs[0]!;
    const dataInputs = node.inputs.filter((name) => name && !initializers.has(name));
    for (const name of dataInputs) if (!known.has(name)) throw new Error(`${node.opType} ${node.name ?? ''} reads ${name}, which the tail does not compute`);
    if (node.opType === 'Conv') {
      const weight = weightOf(node.inputs[1], node);
      const bias = weightOf(node.inputs[2], node);
      const [co, ciPerGroup, kh, kw] = weight.tensor.dims as [number, number, number, number];
      const group = int(node, 'group') ?? 1;
      const plain = allEqual(ints(node, 'strides'), 1) && allEqual(ints(node, 'dilations'), 1) && !node.attributes.auto_pad;
      if (plain && kh === 1 && kw === 1 && group === 1 && allEqual(ints(node, 'pads'), 0)) {
        layers.push({ kind: 'pointwise', input, output, weight: weight.name, bias: bias.name, inChannels: ciPerGroup, outChannels: co });
      } else if (plain && kh === 3 && kw === 3 && ciPerGroup === 1 && group === co && allEqual(ints(node, 'pads'), 1)) {
        layers.push({ kind: 'depthwise', input, output, weight: weight.name, bias: bias.name, channels: co });
      } else {
        throw new Error(`Conv ${node.name ?? ''}: only 1 × 1 and 3 × 3 depthwise (stride 1, pads 1) convolutions can be fine-tuned`);
      }
      initial.set(weight.name, tensorValues(weight.tensor) as Float32Array);
      initial.set(bias.name, tensorValues(bias.tensor) as Float32Array);
    } else if (node.opType === 'Clip') {
      const bound = (name: string | undefined) => (name && initializers.has(name) ? (tensorValues(initializers.get(name)!) as Float32Array)[0] : undefined);
      if (bound(node.inputs[1]) !== 0 || bound(node.inputs[2]) !== 6) throw new Error(`Clip ${node.name ?? ''}: only ReLU6 (Clip to [0, 6]) can be fine-tuned`);
      layers.push({ kind: 'relu6', input, output });
    } else if (node.opType === 'Add' && dataInputs.length === 2) {
      layers.push({ kind: 'add', inputs: [node.inputs[0]!, node.inputs[1]!], output });
    } else {
      throw new Error(`${node.opType} ${node.name ?? ''}: not an op the tail can be fine-tuned through`);
    }
    known.add(output);
  }
  if (layers.length > 0 && !known.has(featureValue)) throw new Error(`the tail does not compute ${featureValue}`);
  const channelsOf = (value: string): number => {
    for (const layer of layers) {
      if (layer.kind === 'pointwise' && layer.input === value) return layer.inChannels;
      if (layer.kind === 'depthwise' && layer.input === value) return layer.channels;
      if (layer.output === value) {
        if (layer.kind === 'pointwise') return layer.outChannels;
        if (layer.kind === 'depthwise') return layer.channels;
        return channelsOf(layer.kind === 'add' ? layer.inputs[0] : layer.input);
      }
    }
    // A value outside the tail: the Conv that computes it (through activations and adds) says.
    const node = producer.get(value);
    if (node?.opType === 'Conv' && initializers.has(node.inputs[1]!)) return initializers.get(node.inputs[1]!)!.dims[0]!;
    if (node && ['Clip', 'Relu', 'Add', 'Identity'].includes(node.opType)) return channelsOf(node.inputs[0]!);
    throw new Error(`cannot tell how many channels ${value} has`);
  };
  return { cut, cutChannels: channelsOf(cut), output: featureValue, channels: channelsOf(featureValue), layers, initial };
}

/** Graph-building context: the map's size, for the depthwise layers' reshapes. */
interface TailGraph {
  g: GraphBuilder;
  map: MapSize;
  prefix: string;
}

function toNhwc({ g, map, prefix }: TailGraph, rows: ValueRef, channels: number): ValueRef {
  return g.op('Reshape', [rows, g.int64(g.uniqueName(`${prefix}/nhwc`), [-1, map.height, map.width, channels])]);
}

function toRows({ g, prefix }: TailGraph, nchw: ValueRef, channels: number): ValueRef {
  return g.op('Reshape', [g.op('Transpose', [nchw], { perm: [0, 2, 3, 1] }), g.int64(g.uniqueName(`${prefix}/rows`), [-1, channels])]);
}

/**
 * The tail's forward pass on cut rows x [N, cutChannels] (N = images · H · W, location-major per image);
 * `params` maps each weight's initializer name to its value in `g`. Returns every value the tail
 * computes by its name in the backbone (the cut included); the feature rows are `tail.output`.
 */
export function tailForward(g: GraphBuilder, tail: BackboneTail, x: ValueRef, params: ReadonlyMap<string, ValueRef>, map: MapSize, prefix = 'tail'): Map<string, ValueRef> {
  const context: TailGraph = { g, map, prefix };
  const values = new Map<string, ValueRef>([[tail.cut, x]]);
  const zero = tail.layers.some((layer) => layer.kind === 'relu6') ? g.float(g.uniqueName(`${prefix}/zero`), 0) : undefined;
  const six = zero ? g.float(g.uniqueName(`${prefix}/six`), 6) : undefined;
  for (const layer of tail.layers) {
    let y: ValueRef;
    switch (layer.kind) {
      case 'pointwise':
        y = g.op('Gemm', [values.get(layer.input)!, params.get(layer.weight)!, params.get(layer.bias)!], { transB: 1 });
        break;
      case 'depthwise': {
        const nchw = g.op('Transpose', [toNhwc(context, values.get(layer.input)!, layer.channels)], { perm: [0, 3, 1, 2] });
        const conv = g.op('Conv', [nchw, params.get(layer.weight)!, params.get(layer.bias)!], { group: layer.channels, kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
        y = toRows(context, conv, layer.channels);
        break;
      }
      case 'relu6':
        y = g.op('Clip', [values.get(layer.input)!, zero!, six!]);
        break;
      case 'add':
        y = g.op('Add', [values.get(layer.inputs[0])!, values.get(layer.inputs[1])!]);
        break;
    }
    values.set(layer.output, y);
  }
  return values;
}

/**
 * The tail's backward pass (see the file header) from dL/d(feature rows) [N, channels]; `values` is
 * tailForward's result. Returns dL/d(weight) by initializer name, in the step graph's dims
 * (pointwise [Co, Ci], depthwise [C, 1, 3, 3]). Nothing flows into the cut (it is fixed).
 */
export function tailBackward(g: GraphBuilder, tail: BackboneTail, values: ReadonlyMap<string, ValueRef>, gradOutput: ValueRef, params: ReadonlyMap<string, ValueRef>, map: MapSize, prefix = 'tail_grad'): Map<string, ValueRef> {
  const context: TailGraph = { g, map, prefix };
  const grads = new Map<string, ValueRef>([[tail.output, gradOutput]]);
  const weights = new Map<string, ValueRef>();
  const flow = (value: string, gradient: () => ValueRef) => {
    if (value === tail.cut) return;
    const earlier = grads.get(value);
    grads.set(value, earlier ? g.op('Add', [earlier, gradient()]) : gradient());
  };
  const rowsAxis = tail.layers.length > 0 ? g.int64(g.uniqueName(`${prefix}/axis0`), [0]) : undefined;
  const zero = tail.layers.some((layer) => layer.kind === 'relu6') ? g.float(g.uniqueName(`${prefix}/zero`), 0) : undefined;
  const six = zero ? g.float(g.uniqueName(`${prefix}/six`), 6) : undefined;
  for (let i = tail.layers.length - 1; i >= 0; i--) {
    const layer = tail.layers[i]!;
    const dy = grads.get(layer.output);
    if (!dy) throw new Error(`no gradient reaches ${layer.output}`);
    switch (layer.kind) {
      case 'pointwise': {
        const x = values.get(layer.input)!;
        weights.set(layer.weight, g.op('Gemm', [dy, x], { transA: 1 }));
        weights.set(layer.bias, g.op('ReduceSum', [dy, rowsAxis!], { keepdims: 0 }));
        flow(layer.input, () => g.op('MatMul', [dy, params.get(layer.weight)!]));
        break;
      }
      case 'depthwise': {
        const C = layer.channels;
        const dyNhwc = toNhwc(context, dy, C);
        const padded = g.op('Pad', [toNhwc(context, values.get(layer.input)!, C), g.int64(g.uniqueName(`${prefix}/pads`), [0, 1, 1, 0, 0, 1, 1, 0])]);
        const spatial = g.int64(g.uniqueName(`${prefix}/axes12`), [1, 2]);
        const sumAxes = g.int64(g.uniqueName(`${prefix}/axes012`), [0, 1, 2]);
        const one = g.int64(g.uniqueName(`${prefix}/axis1`), [1]);
        const taps: ValueRef[] = [];
        for (let ky = 0; ky < 3; ky++) {
          for (let kx = 0; kx < 3; kx++) {
            const shifted = g.op('Slice', [padded, g.int64(g.uniqueName(`${prefix}/start`), [ky, kx]), g.int64(g.uniqueName(`${prefix}/end`), [ky + map.height, kx + map.width]), spatial]);
            taps.push(g.op('Unsqueeze', [g.op('ReduceSum', [g.op('Mul', [shifted, dyNhwc]), sumAxes], { keepdims: 0 }), one])); // [C, 1]
          }
        }
        weights.set(layer.weight, g.op('Reshape', [g.op('Concat', taps, { axis: 1 }), g.int64(g.uniqueName(`${prefix}/kernel`), [C, 1, 3, 3])]));
        weights.set(layer.bias, g.op('ReduceSum', [dy, rowsAxis!], { keepdims: 0 }));
        flow(layer.input, () => {
          // Rotating a 3 × 3 kernel by 180° reverses its 9 taps in row-major order.
          const flat = g.op('Reshape', [params.get(layer.weight)!, g.int64(g.uniqueName(`${prefix}/flat`), [C, 9])]);
          const reversed = g.op('Gather', [flat, g.int64(g.uniqueName(`${prefix}/reverse`), [8, 7, 6, 5, 4, 3, 2, 1, 0])], { axis: 1 });
          const flipped = g.op('Reshape', [reversed, g.int64(g.uniqueName(`${prefix}/kernel`), [C, 1, 3, 3])]);
          const dyNchw = g.op('Transpose', [dyNhwc], { perm: [0, 3, 1, 2] });
          return toRows(context, g.op('Conv', [dyNchw, flipped], { group: C, kernel_shape: [3, 3], pads: [1, 1, 1, 1] }), C);
        });
        break;
      }
      case 'relu6': {
        const x = values.get(layer.input)!;
        const open = g.op('Cast', [g.op('And', [g.op('Greater', [x, zero!]), g.op('Less', [x, six!])])], { to: 1 });
        flow(layer.input, () => g.op('Mul', [dy, open]));
        break;
      }
      case 'add':
        flow(layer.inputs[0], () => dy);
        flow(layer.inputs[1], () => dy);
        break;
    }
  }
  return weights;
}

/** The model with the tail's weights replaced by `weights` (by initializer name; dims as in the model). */
export function withTailWeights(model: OnnxModel, weights: ReadonlyMap<string, Float32Array>): OnnxModel {
  return {
    ...model,
    graph: {
      ...model.graph,
      initializers: model.graph.initializers.map((tensor) => {
        const values = weights.get(tensor.name);
        return values ? makeTensor(tensor.name, values, tensor.dims) : tensor;
      }),
    },
  };
}

/**
 * The model with a second copy of the tail (the nodes from `tail.cut` to `tail.output`) carrying
 * `weights`, its values and weights renamed with `suffix`, while the backbone keeps its own weights:
 * for a head that reads both the fine-tuned tail and a later map of the backbone that was trained
 * on the backbone's own weights. Returns the model and the copy's output value.
 */
export function withTunedBranch(model: OnnxModel, tail: BackboneTail, weights: ReadonlyMap<string, Float32Array>, suffix: string): { model: OnnxModel; output: string } {
  const { graph } = model;
  const producer = new Map<string, OnnxNode>();
  for (const node of graph.nodes) for (const output of node.outputs) producer.set(output, node);
  const initializers = new Map<string, OnnxTensor>(graph.initializers.map((tensor) => [tensor.name, tensor]));
  // The values between the cut and the output, found walking back from the output.
  const inside = new Set<string>();
  const stack = [tail.output];
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (value === tail.cut || inside.has(value) || initializers.has(value)) continue;
    const node = producer.get(value);
    if (!node) throw new Error(`the tail's value ${value} has no producer`);
    inside.add(value);
    for (const input of node.inputs) if (input) stack.push(input);
  }
  const nodes = graph.nodes.filter((node) => node.outputs.some((output) => inside.has(output)));
  const rename = (name: string) => (inside.has(name) || weights.has(name) ? `${name}${suffix}` : name);
  const copies = nodes.map((node) => ({ ...node, ...(node.name ? { name: `${node.name}${suffix}` } : {}), inputs: node.inputs.map((input) => (input ? rename(input) : input)), outputs: node.outputs.map(rename) }));
  const tuned = [...weights].map(([name, values]) => {
    const original = initializers.get(name);
    if (!original) throw new Error(`the tail's weight ${name} is not in the model`);
    return makeTensor(`${name}${suffix}`, values, original.dims);
  });
  return {
    model: { ...model, graph: { ...graph, nodes: [...graph.nodes, ...copies], initializers: [...graph.initializers, ...tuned] } },
    output: rename(tail.output),
  };
}
