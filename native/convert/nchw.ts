/**
 * The ONNX side of conversion, shared by the Keras and the TensorFlow-graph readers. TF.js computes in
 * NHWC; ONNX Conv and pooling are NCHW. The converted model keeps TF's NHWC input (what decoded
 * images and TF.js itself use) and transposes once after it; from there every image tensor is NCHW,
 * weights are rearranged once at conversion (HWIO → OIHW, depthwise HWCM → (C·M)1HW), batch norm is
 * folded into the convolution before it, and 'same' padding becomes explicit pads (TF puts the odd
 * pixel at the end, as ONNX SAME_UPPER does).
 */
import { attr, type GraphBuilder, type ValueRef } from '../onnx';
import type { Weight } from './tfjsArtifacts';

/** A converted value. `nchw`: a 4-D image tensor (TF's NHWC moved to NCHW); `plain`: TF's own axis order. */
export interface Tensor {
  value: ValueRef;
  layout: 'nchw' | 'plain';
  /** Dims in ONNX order; -1 = the batch or an unknown size. */
  shape: number[];
}

export type Activation =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'sigmoid'
  | 'tanh'
  | 'softmax'
  | 'elu'
  | 'selu'
  | 'softplus'
  | 'swish'
  | 'hard_sigmoid'
  | { leakyAlpha: number }
  | { preluSlope: Float32Array };

const ACTIVATION_NAMES = new Set(['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'swish', 'hard_sigmoid']);

/** A Keras / TF activation name as an Activation, or an error naming it. */
export function activationNamed(name: string, where: string): Activation {
  const normalised = name.toLowerCase();
  if (ACTIVATION_NAMES.has(normalised)) return normalised as Activation;
  throw new Error(`${where}: activation ${name} is not supported by the converter`);
}

export interface BatchNorm {
  gamma?: Float32Array;
  beta?: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/** [top, left, bottom, right] in pixels. */
export type Pads = [number, number, number, number];

export interface ConvSpec {
  name: string;
  /** HWIO for a convolution, HWCM (M = depth multiplier) for a depthwise one. */
  kernel: Weight;
  depthwise: boolean;
  strides: [number, number];
  dilations: [number, number];
  padding: 'same' | 'valid' | Pads;
  bias?: Float32Array;
  /** Folded into the weights, after the bias. */
  batchNorm?: BatchNorm;
  activation?: Activation;
}

function floats(values: Float32Array | Int32Array): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

/** TF 'SAME' padding along one axis: output ceil(in / stride), the odd pixel at the end. */
function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function outputSize(size: number, kernel: number, stride: number, dilation: number, before: number, after: number): number {
  if (size < 0) return -1;
  return Math.floor((size + before + after - ((kernel - 1) * dilation + 1)) / stride) + 1;
}

/** NHWC axis → NCHW axis (negative axes count from the end of a rank-4 tensor). */
export function nchwAxis(axis: number): number {
  const positive = axis < 0 ? axis + 4 : axis;
  return [0, 2, 3, 1][positive] as number;
}

export class NchwEmitter {
  private readonly scalars = new Map<number, ValueRef>();

  constructor(readonly g: GraphBuilder) {}

  /** The model input: NHWC float32 [batch, height, width, channels], transposed once to NCHW. */
  imageInput(name: string, height: number, width: number, channels: number): Tensor {
    const input = this.g.input(name, 'float32', ['batch', height, width, channels]);
    const value = this.g.op('Transpose', [input], { perm: [0, 3, 1, 2] }, { name: `${name}/to_nchw` });
    return { value, layout: 'nchw', shape: [-1, channels, height, width] };
  }

  /** A non-image input, kept as given (e.g. [batch, features]). */
  plainInput(name: string, dims: number[]): Tensor {
    const value = this.g.input(name, 'float32', dims.map((dim, axis) => (axis === 0 || dim < 0 ? 'batch' : dim)));
    return { value, layout: 'plain', shape: dims.map((dim, axis) => (axis === 0 ? -1 : dim)) };
  }

  /** A float scalar initializer, shared by every use of the same value. */
  scalar(value: number): ValueRef {
    let ref = this.scalars.get(value);
    if (!ref) {
      ref = this.g.float(this.g.uniqueName(`const_${value}`), value);
      this.scalars.set(value, ref);
    }
    return ref;
  }

  conv(x: Tensor, spec: ConvSpec): Tensor {
    if (x.layout !== 'nchw') throw new Error(`${spec.name}: convolution of a non-image tensor`);
    const [kh, kw, inChannels, last] = spec.kernel.dims as [number, number, number, number];
    const kernel = floats(spec.kernel.values);
    const outChannels = spec.depthwise ? inChannels * last : last;
    if (x.shape[1] !== -1 && x.shape[1] !== inChannels) {
      throw new Error(`${spec.name}: kernel expects ${inChannels} channels, input has ${x.shape[1]}`);
    }
    // Rearranged in float64, rounded once to float32 when stored.
    const weights = new Float64Array(outChannels * (spec.depthwise ? 1 : inChannels) * kh * kw);
    for (let y = 0; y < kh; y++) {
      for (let xx = 0; xx < kw; xx++) {
        for (let i = 0; i < inChannels; i++) {
          for (let o = 0; o < last; o++) {
            const source = kernel[((y * kw + xx) * inChannels + i) * last + o] as number;
            const target = spec.depthwise ? ((i * last + o) * kh + y) * kw + xx : ((o * inChannels + i) * kh + y) * kw + xx;
            weights[target] = source;
          }
        }
      }
    }
    const bias = new Float64Array(outChannels);
    if (spec.bias) bias.set(spec.bias);
    if (spec.batchNorm) {
      const { gamma, beta, mean, variance, epsilon } = spec.batchNorm;
      const perOutput = weights.length / outChannels;
      for (let o = 0; o < outChannels; o++) {
        const scale = (gamma ? (gamma[o] as number) : 1) / Math.sqrt((variance[o] as number) + epsilon);
        for (let k = 0; k < perOutput; k++) weights[o * perOutput + k] = (weights[o * perOutput + k] as number) * scale;
        bias[o] = ((bias[o] as number) - (mean[o] as number)) * scale + (beta ? (beta[o] as number) : 0);
      }
    }
    const [height, width] = [x.shape[2] as number, x.shape[3] as number];
    let pads: Pads;
    let autoPad: string | undefined;
    if (spec.padding === 'valid') pads = [0, 0, 0, 0];
    else if (Array.isArray(spec.padding)) pads = spec.padding;
    else if (height > 0 && width > 0) {
      const [top, bottom] = samePads(height, kh, spec.strides[0], spec.dilations[0]);
      const [left, right] = samePads(width, kw, spec.strides[1], spec.dilations[1]);
      pads = [top, left, bottom, right];
    } else {
      pads = [0, 0, 0, 0];
      autoPad = 'SAME_UPPER';
    }
    const w = this.g.initializer(this.g.uniqueName(`${spec.name}/weights`), Float32Array.from(weights), [outChannels, spec.depthwise ? 1 : inChannels, kh, kw]);
    const b = this.g.initializer(this.g.uniqueName(`${spec.name}/bias`), Float32Array.from(bias), [outChannels]);
    const value = this.g.op(
      'Conv',
      [x.value, w, b],
      {
        kernel_shape: [kh, kw],
        strides: [...spec.strides],
        dilations: [...spec.dilations],
        group: spec.depthwise ? inChannels : 1,
        ...(autoPad ? { auto_pad: autoPad } : { pads }),
      },
      { name: spec.name },
    );
    const shape = [
      x.shape[0] as number,
      outChannels,
      autoPad ? Math.ceil(height / spec.strides[0]) : outputSize(height, kh, spec.strides[0], spec.dilations[0], pads[0], pads[2]),
      autoPad ? Math.ceil(width / spec.strides[1]) : outputSize(width, kw, spec.strides[1], spec.dilations[1], pads[1], pads[3]),
    ];
    const result: Tensor = { value, layout: 'nchw', shape };
    return spec.activation ? this.activation(result, spec.activation, `${spec.name}/activation`) : result;
  }

  /** Inference-mode batch norm over the channel axis (when it could not be folded into a convolution). */
  batchNorm(x: Tensor, params: BatchNorm, name: string): Tensor {
    const channels = params.mean.length;
    const g = this.g;
    const value = g.op(
      'BatchNormalization',
      [
        x.value,
        g.float(g.uniqueName(`${name}/gamma`), params.gamma ?? new Float32Array(channels).fill(1)),
        g.float(g.uniqueName(`${name}/beta`), params.beta ?? new Float32Array(channels)),
        g.float(g.uniqueName(`${name}/mean`), params.mean),
        g.float(g.uniqueName(`${name}/variance`), params.variance),
      ],
      { epsilon: attr.float(params.epsilon) },
      { name },
    );
    return { ...x, value };
  }

  activation(x: Tensor, activation: Activation, name: string): Tensor {
    const g = this.g;
    const op = (type: string, inputs: (ValueRef | null)[], attributes = {}) => ({ ...x, value: g.op(type, inputs, attributes, { name }) });
    if (typeof activation === 'object') {
      if ('leakyAlpha' in activation) return op('LeakyRelu', [x.value], { alpha: attr.float(activation.leakyAlpha) });
      const slopeDims = x.layout === 'nchw' ? [activation.preluSlope.length, 1, 1] : [activation.preluSlope.length];
      return op('PRelu', [x.value, g.initializer(g.uniqueName(`${name}/slope`), activation.preluSlope, slopeDims)]);
    }
    switch (activation) {
      case 'linear':
        return x;
      case 'relu':
        return op('Relu', [x.value]);
      case 'relu6':
        return op('Clip', [x.value, this.scalar(0), this.scalar(6)]);
      case 'sigmoid':
        return op('Sigmoid', [x.value]);
      case 'tanh':
        return op('Tanh', [x.value]);
      case 'softmax':
        return op('Softmax', [x.value], { axis: x.layout === 'nchw' ? 1 : -1 });
      case 'elu':
        return op('Elu', [x.value], { alpha: attr.float(1) });
      case 'selu':
        return op('Selu', [x.value]);
      case 'softplus':
        return op('Softplus', [x.value]);
      case 'hard_sigmoid':
        // Keras and TF.js: clip(0.2 x + 0.5, 0, 1).
        return op('HardSigmoid', [x.value], { alpha: attr.float(0.2), beta: attr.float(0.5) });
      case 'swish': {
        const sigmoid = g.op('Sigmoid', [x.value], {}, { name: `${name}/sigmoid` });
        return op('Mul', [x.value, sigmoid]);
      }
    }
  }

  /** Zero (or `value`) padding of the spatial axes. */
  pad(x: Tensor, pads: Pads, name: string, value = 0): Tensor {
    const [top, left, bottom, right] = pads;
    const g = this.g;
    const inputs = [x.value, g.int64(g.uniqueName(`${name}/pads`), [0, 0, top, left, 0, 0, bottom, right])];
    if (value !== 0) inputs.push(this.scalar(value));
    const padded = g.op('Pad', inputs, { mode: 'constant' }, { name });
    const grow = (size: number, extra: number) => (size < 0 ? -1 : size + extra);
    return { value: padded, layout: 'nchw', shape: [x.shape[0] as number, x.shape[1] as number, grow(x.shape[2] as number, top + bottom), grow(x.shape[3] as number, left + right)] };
  }

  /** Average or max pooling; TF's average over 'same' windows counts only real pixels (ONNX count_include_pad = 0). */
  pool(x: Tensor, kind: 'average' | 'max', kernel: [number, number], strides: [number, number], padding: 'same' | 'valid', name: string): Tensor {
    const [height, width] = [x.shape[2] as number, x.shape[3] as number];
    let pads: Pads = [0, 0, 0, 0];
    if (padding === 'same') {
      if (height < 0 || width < 0) throw new Error(`${name}: 'same' pooling needs a known spatial size`);
      const [top, bottom] = samePads(height, kernel[0], strides[0], 1);
      const [left, right] = samePads(width, kernel[1], strides[1], 1);
      pads = [top, left, bottom, right];
    }
    const value = this.g.op(kind === 'average' ? 'AveragePool' : 'MaxPool', [x.value], { kernel_shape: kernel, strides, pads }, { name });
    return {
      value,
      layout: 'nchw',
      shape: [
        x.shape[0] as number,
        x.shape[1] as number,
        outputSize(height, kernel[0], strides[0], 1, pads[0], pads[2]),
        outputSize(width, kernel[1], strides[1], 1, pads[1], pads[3]),
      ],
    };
  }

  /** Mean or max over the spatial axes: [N, C] (plain), or [N, C, 1, 1] with keepDims. */
  globalPool(x: Tensor, kind: 'average' | 'max', keepDims: boolean, name: string, outputName?: string): Tensor {
    const pooled = this.g.op(kind === 'average' ? 'GlobalAveragePool' : 'GlobalMaxPool', [x.value], {}, { name: keepDims ? name : `${name}/pool`, ...(keepDims && outputName ? { outputs: [outputName] } : {}) });
    if (keepDims) return { value: pooled, layout: 'nchw', shape: [x.shape[0] as number, x.shape[1] as number, 1, 1] };
    const value = this.g.op('Flatten', [pooled], { axis: 1 }, { name, ...(outputName ? { outputs: [outputName] } : {}) });
    return { value, layout: 'plain', shape: [x.shape[0] as number, x.shape[1] as number] };
  }

  /** Back to TF's NHWC order (a Transpose) for an image tensor; plain tensors as they are. */
  toNhwc(x: Tensor, name: string, outputName?: string): Tensor {
    if (x.layout !== 'nchw') return x;
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const value = this.g.op('Transpose', [x.value], { perm: [0, 2, 3, 1] }, { name, ...(outputName ? { outputs: [outputName] } : {}) });
    return { value, layout: 'plain', shape: [n, h, w, c] };
  }

  /** Keras/TF flatten: row-major over NHWC, so an image tensor goes back to NHWC first. */
  flatten(x: Tensor, name: string): Tensor {
    const nhwc = this.toNhwc(x, `${name}/to_nhwc`);
    const value = this.g.op('Flatten', [nhwc.value], { axis: 1 }, { name });
    const features = nhwc.shape.slice(1).reduce((product, dim) => (dim < 0 || product < 0 ? -1 : product * dim), 1);
    return { value, layout: 'plain', shape: [nhwc.shape[0] as number, features] };
  }

  /** A constant operand for an element-wise op with `other`, laid out to broadcast the way TF's did. */
  constant(weight: Weight, other: Tensor, name: string): ValueRef {
    const values = floats(weight.values);
    const g = this.g;
    if (values.length === 1) return this.scalar(values[0] as number);
    if (other.layout === 'nchw') {
      if (weight.dims.length === 1) return g.initializer(g.uniqueName(name), values, [values.length, 1, 1]);
      if (weight.dims.length === 4) {
        const [n, h, w, c] = weight.dims as [number, number, number, number];
        const moved = new Float32Array(values.length);
        for (let i = 0; i < n; i++)
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) moved[((i * c + k) * h + y) * w + x] = values[((i * h + y) * w + x) * c + k] as number;
        return g.initializer(g.uniqueName(name), moved, [n, c, h, w]);
      }
      throw new Error(`${name}: cannot broadcast a constant of dims [${weight.dims.join(', ')}] against an image tensor`);
    }
    return g.initializer(g.uniqueName(name), values, weight.dims);
  }

  /** Fully connected: x [N, in] · kernel ([in, out], or [out, in] when transposed) + bias, then the activation. */
  dense(x: Tensor, kernel: Weight, bias: Float32Array | undefined, activation: Activation | undefined, name: string, kernelTransposed = false): Tensor {
    if (x.layout !== 'plain' || x.shape.length !== 2) throw new Error(`${name}: dense layers take [batch, features]`);
    const g = this.g;
    const [rows, cols] = kernel.dims as [number, number];
    const units = kernelTransposed ? rows : cols;
    const inputs = [x.value, g.initializer(g.uniqueName(`${name}/kernel`), floats(kernel.values), [rows, cols])];
    if (bias) inputs.push(g.float(g.uniqueName(`${name}/bias`), bias));
    const value = g.op('Gemm', inputs, { transB: kernelTransposed ? 1 : 0 }, { name });
    const result: Tensor = { value, layout: 'plain', shape: [x.shape[0] as number, units] };
    return activation ? this.activation(result, activation, `${name}/activation`) : result;
  }
}
