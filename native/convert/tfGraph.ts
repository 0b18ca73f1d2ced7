/**
 * Reads a TF.js graph model (a frozen TensorFlow GraphDef in JSON, with the TF.js converter's fused
 * ops) into ONNX through the NCHW emitter. Constants stay as data until an op consumes them, so a
 * convolution's filter becomes an OIHW initializer and a per-channel constant broadcasts over NCHW.
 * Only the nodes the requested outputs depend on are converted.
 */
import type { OutputRequest } from './kerasLayers';
import { activationNamed, type NchwEmitter, nchwAxis, type Activation, type Pads, type Tensor } from './nchw';
import type { Weight } from './tfjsArtifacts';

interface TfAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  list?: { i?: (string | number)[]; s?: string[]; f?: number[] };
  shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
}

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

type Converted = { kind: 'tensor'; tensor: Tensor } | { kind: 'constant'; weight: Weight };

const base64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

const attrs = (node: TfNode) => ({
  string: (key: string) => (node.attr?.[key]?.s === undefined ? undefined : base64(node.attr[key].s as string)),
  strings: (key: string) => (node.attr?.[key]?.list?.s ?? []).map(base64),
  ints: (key: string) => (node.attr?.[key]?.list?.i ?? []).map(Number),
  int: (key: string) => (node.attr?.[key]?.i === undefined ? undefined : Number(node.attr[key].i)),
  float: (key: string) => node.attr?.[key]?.f,
  bool: (key: string) => node.attr?.[key]?.b === true,
});

/** `name`, `name:0` → name; `^name` (control edges) → undefined. Other output indices are refused. */
function sourceOf(input: string, where: string): string | undefined {
  if (input.startsWith('^')) return undefined;
  const match = /^(.*?)(?::(\d+))?$/.exec(input);
  const [, name, index] = match ?? [];
  if (index !== undefined && index !== '0') throw new Error(`${where}: reads output ${index} of ${name}; only first outputs are supported`);
  return name;
}

/** Activations the TF.js converter fuses into convolutions and matmuls. */
function fusedActivation(op: string | undefined, node: TfNode, args: Weight[]): Activation | undefined {
  switch (op) {
    case undefined:
      return undefined;
    case 'Relu':
      return 'relu';
    case 'Relu6':
      return 'relu6';
    case 'Elu':
      return 'elu';
    case 'Sigmoid':
      return 'sigmoid';
    case 'Tanh':
      return 'tanh';
    case 'LeakyRelu':
      return { leakyAlpha: attrs(node).float('leakyrelu_alpha') ?? 0.2 };
    case 'Prelu': {
      const slope = args[0];
      if (!slope) throw new Error(`node ${node.name}: Prelu without its alpha`);
      return { preluSlope: Float32Array.from(slope.values) };
    }
    default:
      throw new Error(`node ${node.name}: fused ${op} is not supported by the converter`);
  }
}

function padding(node: TfNode): 'same' | 'valid' | Pads {
  const a = attrs(node);
  const mode = a.string('padding');
  if (mode === 'SAME') return 'same';
  if (mode === 'VALID') return 'valid';
  if (mode === 'EXPLICIT') {
    const p = a.ints('explicit_paddings');
    return [p[2] ?? 0, p[4] ?? 0, p[3] ?? 0, p[5] ?? 0];
  }
  throw new Error(`node ${node.name}: padding ${String(mode)} is not supported`);
}

function nhwcPair(values: number[], where: string): [number, number] {
  if (values.length === 0) return [1, 1];
  if (values.length !== 4) throw new Error(`${where}: expected 4 NHWC values, got [${values.join(', ')}]`);
  return [values[1] as number, values[2] as number];
}

export function convertTfGraph(
  topology: Record<string, unknown>,
  weights: Map<string, Weight>,
  emitter: NchwEmitter,
  inputName: string,
  requested: readonly OutputRequest[],
): Map<string, Tensor> {
  const nodes = topology.node as TfNode[];
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const converted = new Map<string, Converted>();
  const g = emitter.g;

  /** A requested node by full name, or by a unique '/'-suffix ('MobilenetV2/Conv_1/Relu6'). */
  const resolve = (name: string): string => {
    if (byName.has(name)) return name;
    const matches = nodes.filter((node) => node.name.endsWith(`/${name}`));
    if (matches.length === 1) return (matches[0] as TfNode).name;
    throw new Error(matches.length === 0 ? `the graph has no node named ${name}` : `${name} matches ${matches.length} nodes; give the full name`);
  };

  const convert = (name: string, stack: string[] = []): Converted => {
    const done = converted.get(name);
    if (done) return done;
    const node = byName.get(name);
    if (!node) throw new Error(`the graph has no node named ${name}`);
    if (stack.includes(name)) throw new Error(`node ${name} depends on itself`);
    const where = `node ${name} (${node.op})`;
    const a = attrs(node);
    const sources = (node.input ?? []).map((input) => sourceOf(input, where)).filter((source): source is string => source !== undefined);
    const input = (i: number): Converted => {
      const source = sources[i];
      if (source === undefined) throw new Error(`${where}: missing input ${i}`);
      return convert(source, [...stack, name]);
    };
    const tensorInput = (i: number): Tensor => {
      const value = input(i);
      if (value.kind !== 'tensor') throw new Error(`${where}: input ${i} is a constant; constant folding is not supported`);
      return value.tensor;
    };
    const constantInput = (i: number): Weight => {
      const value = input(i);
      if (value.kind !== 'constant') throw new Error(`${where}: input ${i} must be a constant`);
      return value.weight;
    };
    const vector = (i: number) => Float32Array.from(constantInput(i).values);
    const tensor = (result: Tensor): Converted => ({ kind: 'tensor', tensor: result });
    if (a.string('data_format') !== undefined && a.string('data_format') !== 'NHWC') {
      throw new Error(`${where}: data_format ${a.string('data_format')} is not supported`);
    }

    let result: Converted;
    switch (node.op) {
      case 'Const': {
        const weight = weights.get(name);
        if (!weight) throw new Error(`${where}: value missing from the weights manifest`);
        result = { kind: 'constant', weight };
        break;
      }
      case 'Placeholder': {
        const dims = (node.attr?.shape?.shape?.dim ?? []).map((dim) => Number(dim.size ?? -1));
        if (dims.length === 4) {
          const [, height, width, channels] = dims as [number, number, number, number];
          result = tensor(emitter.imageInput(inputName, height, width, channels));
        } else {
          result = tensor(emitter.plainInput(inputName, dims));
        }
        break;
      }
      case 'Identity':
      case 'StopGradient':
      case 'Snapshot':
        result = input(0);
        break;
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative': {
        const depthwise = node.op.includes('Depthwise');
        const fused = a.strings('fused_ops');
        const args = sources.slice(2).map((_, i) => constantInput(i + 2));
        // The TF.js converter fuses BiasAdd then at most one activation (TF.js cannot run a fused batch norm).
        if (fused.length > 0 && fused[0] !== 'BiasAdd') throw new Error(`${where}: fused ops ${fused.join(', ')} are not supported`);
        if (fused.length > 2) throw new Error(`${where}: fused ops ${fused.join(', ')} are not supported`);
        const bias = fused[0] === 'BiasAdd' ? Float32Array.from((args[0] as Weight).values) : undefined;
        result = tensor(
          emitter.conv(tensorInput(0), {
            name,
            kernel: constantInput(1),
            depthwise,
            strides: nhwcPair(a.ints('strides'), `${where} strides`),
            dilations: nhwcPair(a.ints('dilations'), `${where} dilations`),
            padding: padding(node),
            bias,
            activation: fusedActivation(fused[1], node, args.slice(1)),
          }),
        );
        break;
      }
      case 'MatMul':
      case '_FusedMatMul': {
        const fused = a.strings('fused_ops');
        if (a.bool('transpose_a')) throw new Error(`${where}: transpose_a is not supported`);
        const args = sources.slice(2).map((_, i) => constantInput(i + 2));
        if (fused.length > 0 && fused[0] !== 'BiasAdd') throw new Error(`${where}: fused ops ${fused.join(', ')} are not supported`);
        const bias = fused[0] === 'BiasAdd' ? Float32Array.from((args[0] as Weight).values) : undefined;
        const activation = fusedActivation(fused[1], node, args.slice(1));
        result = tensor(emitter.dense(tensorInput(0), constantInput(1), bias, activation, name, a.bool('transpose_b')));
        break;
      }
      case 'BiasAdd':
      case 'Add':
      case 'AddV2':
      case 'Sub':
      case 'Mul':
      case 'RealDiv':
      case 'Maximum':
      case 'Minimum': {
        const opType = { BiasAdd: 'Add', Add: 'Add', AddV2: 'Add', Sub: 'Sub', Mul: 'Mul', RealDiv: 'Div', Maximum: 'Max', Minimum: 'Min' }[node.op] as string;
        const [left, right] = [input(0), input(1)];
        if (left.kind === 'constant' && right.kind === 'constant') throw new Error(`${where}: both inputs are constants; constant folding is not supported`);
        const like = (left.kind === 'tensor' ? left.tensor : (right as { tensor: Tensor }).tensor) as Tensor;
        if (left.kind === 'tensor' && right.kind === 'tensor' && left.tensor.layout !== right.tensor.layout) {
          throw new Error(`${where}: inputs mix image and plain tensors`);
        }
        const operand = (value: Converted, side: string) => (value.kind === 'tensor' ? value.tensor.value : emitter.constant(value.weight, like, `${name}/${side}`));
        const value = g.op(opType, [operand(left, 'a'), operand(right, 'b')], {}, { name });
        result = tensor({ ...like, value });
        break;
      }
      case 'Relu':
      case 'Relu6':
      case 'Elu':
      case 'Sigmoid':
      case 'Tanh':
      case 'Selu':
      case 'Softplus':
        result = tensor(emitter.activation(tensorInput(0), activationNamed(node.op === 'Relu6' ? 'relu6' : node.op, where), name));
        break;
      case 'LeakyRelu':
        result = tensor(emitter.activation(tensorInput(0), { leakyAlpha: a.float('alpha') ?? 0.2 }, name));
        break;
      case 'Softmax':
        result = tensor(emitter.activation(tensorInput(0), 'softmax', name));
        break;
      case 'FusedBatchNorm':
      case 'FusedBatchNormV2':
      case 'FusedBatchNormV3':
        result = tensor(
          emitter.batchNorm(tensorInput(0), { gamma: vector(1), beta: vector(2), mean: vector(3), variance: vector(4), epsilon: a.float('epsilon') ?? 1e-3 }, name),
        );
        break;
      case 'Pad':
      case 'PadV2': {
        const x = tensorInput(0);
        const p = Array.from(constantInput(1).values);
        if (x.layout !== 'nchw' || p.length !== 8 || p[0] || p[1] || p[6] || p[7]) throw new Error(`${where}: only spatial padding of image tensors is supported`);
        const value = node.op === 'PadV2' ? (constantInput(2).values[0] ?? 0) : 0;
        result = tensor(emitter.pad(x, [p[2], p[4], p[3], p[5]] as Pads, name, value));
        break;
      }
      case 'AvgPool':
      case 'MaxPool': {
        const mode = a.string('padding');
        if (mode !== 'SAME' && mode !== 'VALID') throw new Error(`${where}: padding ${String(mode)} is not supported`);
        result = tensor(
          emitter.pool(
            tensorInput(0),
            node.op === 'AvgPool' ? 'average' : 'max',
            nhwcPair(a.ints('ksize'), `${where} ksize`),
            nhwcPair(a.ints('strides'), `${where} strides`),
            mode === 'SAME' ? 'same' : 'valid',
            name,
          ),
        );
        break;
      }
      case 'Mean':
      case 'Max': {
        const x = tensorInput(0);
        const axes = Array.from(constantInput(1).values, (axis) => (axis < 0 ? axis + x.shape.length : axis)).sort((p, q) => p - q);
        const keepDims = a.bool('keep_dims') || a.bool('keepdims');
        if (x.layout === 'nchw' && axes.join() === '1,2') {
          result = tensor(emitter.globalPool(x, node.op === 'Mean' ? 'average' : 'max', keepDims, name));
        } else {
          if (x.layout === 'nchw' && !keepDims) throw new Error(`${where}: reducing an image tensor over axes [${axes.join(', ')}] is not supported`);
          const onnxAxes = x.layout === 'nchw' ? axes.map(nchwAxis) : axes;
          const value = g.op(node.op === 'Mean' ? 'ReduceMean' : 'ReduceMax', [x.value], { axes: onnxAxes, keepdims: keepDims ? 1 : 0 }, { name });
          const shape = keepDims ? x.shape.map((dim, axis) => (onnxAxes.includes(axis) ? 1 : dim)) : x.shape.filter((_, axis) => !onnxAxes.includes(axis));
          result = tensor({ layout: x.layout, shape, value });
        }
        break;
      }
      case 'Squeeze': {
        const x = tensorInput(0);
        const dims = a.ints('squeeze_dims').length > 0 ? a.ints('squeeze_dims') : a.ints('axis');
        const axes = dims.map((axis) => (axis < 0 ? axis + x.shape.length : axis)).sort((p, q) => p - q);
        if (x.layout === 'nchw') {
          if (axes.join() !== '1,2' || x.shape[2] !== 1 || x.shape[3] !== 1) throw new Error(`${where}: only squeezing a 1 × 1 image to [batch, channels] is supported`);
          const value = g.op('Flatten', [x.value], { axis: 1 }, { name });
          result = tensor({ layout: 'plain', shape: [x.shape[0] as number, x.shape[1] as number], value });
        } else {
          const value = g.op('Squeeze', [x.value, g.int64(g.uniqueName(`${name}/axes`), axes)], {}, { name });
          result = tensor({ layout: 'plain', shape: x.shape.filter((_, axis) => !axes.includes(axis)), value });
        }
        break;
      }
      case 'Reshape': {
        const x = tensorInput(0);
        const target = Array.from(constantInput(1).values);
        const nhwc = emitter.toNhwc(x, `${name}/to_nhwc`);
        const reshaped = g.op('Reshape', [nhwc.value, g.int64(g.uniqueName(`${name}/shape`), target)], {}, { name });
        const plain: Tensor = { layout: 'plain', shape: target.map((dim, axis) => (axis === 0 ? -1 : dim)), value: reshaped };
        if (target.length === 4) {
          const [, height, width, channels] = plain.shape as [number, number, number, number];
          const value = g.op('Transpose', [reshaped], { perm: [0, 3, 1, 2] }, { name: `${name}/to_nchw` });
          result = tensor({ layout: 'nchw', shape: [-1, channels, height, width], value });
        } else {
          result = tensor(plain);
        }
        break;
      }
      case 'ConcatV2': {
        const count = sources.length - 1;
        const parts = Array.from({ length: count }, (_, i) => tensorInput(i));
        const first = parts[0] as Tensor;
        const axis = Number(constantInput(count).values[0]);
        const onnxAxis = first.layout === 'nchw' ? nchwAxis(axis) : axis;
        const positive = onnxAxis < 0 ? onnxAxis + first.shape.length : onnxAxis;
        const shape = [...first.shape];
        shape[positive] = parts.reduce((sum, part) => (sum < 0 || (part.shape[positive] as number) < 0 ? -1 : sum + (part.shape[positive] as number)), 0);
        result = tensor({ layout: first.layout, shape, value: g.op('Concat', parts.map((part) => part.value), { axis: onnxAxis }, { name }) });
        break;
      }
      default:
        throw new Error(`${where}: ${node.op} is not supported by the converter`);
    }
    converted.set(name, result);
    return result;
  };

  return new Map(
    requested.map((request) => {
      const value = convert(resolve(request.from));
      if (value.kind !== 'tensor') throw new Error(`${request.from} is a constant, not a computed value`);
      return [request.from, value.tensor];
    }),
  );
}
