/**
 * Reads a TF.js layers model (Keras topology JSON, Keras 2 `inbound_nodes` format) into ONNX through
 * the NCHW emitter. Only the layers the requested outputs depend on are converted. A convolution
 * followed only by BatchNormalization gets the batch norm folded into its weights; a ZeroPadding2D
 * feeding only a 'valid' convolution becomes that convolution's pads.
 */
import { activationNamed, type NchwEmitter, nchwAxis, type Activation, type BatchNorm, type Pads, type Tensor } from './nchw';
import type { Weight } from './tfjsArtifacts';

interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes?: unknown[];
}

/** The sources of each layer's (single) call, by layer name. */
function inboundOf(layer: KerasLayer): string[] {
  const nodes = layer.inbound_nodes ?? [];
  if (nodes.length === 0) return [];
  if (nodes.length > 1) throw new Error(`layer ${layer.name} is shared (called ${nodes.length} times), which the converter does not support`);
  const call = nodes[0];
  if (!Array.isArray(call)) throw new Error(`layer ${layer.name}: inbound nodes are not in the Keras 2 format`);
  return call.map((entry: unknown) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new Error(`layer ${layer.name}: inbound nodes are not in the Keras 2 format`);
    if (entry[2] !== 0 && entry[2] !== undefined) throw new Error(`layer ${layer.name}: reads output ${entry[2]} of ${entry[0]}, only single-output layers are supported`);
    return entry[0] as string;
  });
}

function layersOf(topology: Record<string, unknown>): KerasLayer[] {
  const modelConfig = (topology.model_config ?? topology) as { class_name?: string; config?: unknown };
  const config = modelConfig.config as { layers?: KerasLayer[] } | KerasLayer[] | undefined;
  const listed = Array.isArray(config) ? config : config?.layers;
  if (!Array.isArray(listed)) throw new Error('the Keras topology has no layers');
  // Sequential topologies may carry a layer's name only inside its config.
  const layers = listed.map((layer) => ({ ...layer, name: layer.name ?? String(layer.config.name) }));
  if (modelConfig.class_name === 'Sequential') {
    // Sequential models list layers without inbound nodes: each reads the one before.
    const first = layers[0];
    const inputShape = first?.config.batch_input_shape;
    const chained: KerasLayer[] = [];
    if (first?.class_name !== 'InputLayer') {
      if (!Array.isArray(inputShape)) throw new Error('the Sequential model does not declare its input shape');
      chained.push({ class_name: 'InputLayer', name: 'input', config: { batch_input_shape: inputShape }, inbound_nodes: [] });
    }
    for (const layer of layers) {
      const previous = chained[chained.length - 1];
      chained.push({ ...layer, inbound_nodes: previous ? [[[previous.name, 0, 0, {}]]] : [] });
    }
    return chained;
  }
  return layers;
}

const pair = (value: unknown, where: string): [number, number] => {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((item) => typeof item === 'number')) return [value[0] as number, value[1] as number];
  throw new Error(`${where}: expected a number or a pair, got ${JSON.stringify(value)}`);
};

/** ZeroPadding2D `padding` (n, [h, w] or [[top, bottom], [left, right]]) as [top, left, bottom, right]. */
function zeroPads(config: Record<string, unknown>, where: string): Pads {
  const padding = config.padding;
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (Array.isArray(padding) && padding.length === 2) {
    const [rows, cols] = padding as unknown[];
    if (typeof rows === 'number' && typeof cols === 'number') return [rows, cols, rows, cols];
    const [top, bottom] = pair(rows, where);
    const [left, right] = pair(cols, where);
    return [top, left, bottom, right];
  }
  throw new Error(`${where}: padding ${JSON.stringify(padding)} is not understood`);
}

export interface OutputRequest {
  /** The ONNX output name. */
  name: string;
  /** The layer (Keras) or node (graph model) whose value to expose. */
  from: string;
  /** 'global-average': mean over the spatial axes → [batch, channels]; 'none': the tensor as TF has it (NHWC). */
  pool: 'global-average' | 'none';
}

export function convertKerasLayers(
  topology: Record<string, unknown>,
  weights: Map<string, Weight>,
  emitter: NchwEmitter,
  inputName: string,
  requested: readonly OutputRequest[],
): Map<string, Tensor> {
  const layers = layersOf(topology);
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  const consumers = new Map<string, KerasLayer[]>();
  for (const layer of layers) {
    for (const source of inboundOf(layer)) consumers.set(source, [...(consumers.get(source) ?? []), layer]);
  }
  const requestedNames = new Set(requested.map((request) => request.from));
  const converted = new Map<string, Tensor>();
  const foldedBatchNorms = new Set<string>();

  const weight = (layer: KerasLayer, key: string): Weight => {
    const found = weights.get(`${layer.name}/${key}`) ?? weights.get(`${layer.name}/${key}:0`);
    if (!found) throw new Error(`layer ${layer.name}: weight ${key} is missing from the weights manifest`);
    return found;
  };
  const optionalVector = (layer: KerasLayer, key: string): Float32Array | undefined => {
    const found = weights.get(`${layer.name}/${key}`) ?? weights.get(`${layer.name}/${key}:0`);
    return found ? Float32Array.from(found.values) : undefined;
  };
  const batchNormOf = (layer: KerasLayer): BatchNorm => ({
    gamma: layer.config.scale === false ? undefined : optionalVector(layer, 'gamma'),
    beta: layer.config.center === false ? undefined : optionalVector(layer, 'beta'),
    mean: Float32Array.from(weight(layer, 'moving_mean').values),
    variance: Float32Array.from(weight(layer, 'moving_variance').values),
    epsilon: Number(layer.config.epsilon ?? 1e-3),
  });
  const soleConsumer = (layer: KerasLayer): KerasLayer | undefined => {
    const list = consumers.get(layer.name) ?? [];
    return list.length === 1 && !requestedNames.has(layer.name) ? list[0] : undefined;
  };
  const activationOf = (layer: KerasLayer): Activation => activationNamed(String(layer.config.activation ?? 'linear'), `layer ${layer.name}`);

  const convert = (name: string, stack: string[] = []): Tensor => {
    const done = converted.get(name);
    if (done) return done;
    const layer = byName.get(name);
    if (!layer) throw new Error(`the model has no layer named ${name}`);
    if (stack.includes(name)) throw new Error(`layer ${name} depends on itself`);
    const inputs = () => inboundOf(layer).map((source) => convert(source, [...stack, name]));
    const single = () => {
      const all = inputs();
      if (all.length !== 1) throw new Error(`layer ${name} (${layer.class_name}) expects one input, has ${all.length}`);
      return all[0] as Tensor;
    };
    const config = layer.config;
    if (config.data_format !== undefined && config.data_format !== 'channels_last') {
      throw new Error(`layer ${name}: data_format ${String(config.data_format)} is not supported (TF.js models are channels_last)`);
    }
    let result: Tensor;
    switch (layer.class_name) {
      case 'InputLayer': {
        const shape = (config.batch_input_shape ?? config.batch_shape) as (number | null)[] | undefined;
        if (!Array.isArray(shape)) throw new Error(`input layer ${name} has no batch_input_shape`);
        const dims = shape.map((dim) => dim ?? -1);
        if (dims.length === 4) {
          const [, height, width, channels] = dims as [number, number, number, number];
          result = emitter.imageInput(inputName, height, width, channels);
        } else {
          result = emitter.plainInput(inputName, dims);
        }
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const depthwise = layer.class_name === 'DepthwiseConv2D';
        let source = inboundOf(layer)[0] as string;
        let padding: 'same' | 'valid' | Pads = config.padding === 'same' ? 'same' : 'valid';
        const sourceLayer = byName.get(source);
        if (padding === 'valid' && sourceLayer?.class_name === 'ZeroPadding2D' && soleConsumer(sourceLayer) === layer) {
          padding = zeroPads(sourceLayer.config, `layer ${source}`);
          source = inboundOf(sourceLayer)[0] as string;
        }
        const activation = activationOf(layer);
        const next = soleConsumer(layer);
        const foldBatchNorm = activation === 'linear' && next?.class_name === 'BatchNormalization';
        if (foldBatchNorm) foldedBatchNorms.add(next.name);
        const kernel = weight(layer, depthwise ? 'depthwise_kernel' : 'kernel');
        if (!depthwise && kernel.dims[3] !== config.filters) throw new Error(`layer ${name}: kernel has ${kernel.dims[3]} filters, config says ${String(config.filters)}`);
        result = emitter.conv(convert(source, [...stack, name]), {
          name,
          kernel,
          depthwise,
          strides: pair(config.strides ?? 1, `layer ${name} strides`),
          dilations: pair(config.dilation_rate ?? 1, `layer ${name} dilation_rate`),
          padding,
          bias: config.use_bias === false ? undefined : Float32Array.from(weight(layer, 'bias').values),
          batchNorm: foldBatchNorm ? batchNormOf(next) : undefined,
          activation,
        });
        break;
      }
      case 'BatchNormalization': {
        const input = single();
        const axis = Number(config.axis ?? -1);
        if (!(axis === -1 || axis === input.shape.length - 1)) throw new Error(`layer ${name}: batch norm over axis ${axis} is not supported`);
        result = foldedBatchNorms.has(name) ? input : emitter.batchNorm(input, batchNormOf(layer), name);
        break;
      }
      case 'ReLU': {
        const maxValue = config.max_value;
        const slope = Number(config.negative_slope ?? 0);
        const threshold = Number(config.threshold ?? 0);
        if (threshold !== 0) throw new Error(`layer ${name}: ReLU with a threshold is not supported`);
        if (slope !== 0 && maxValue !== null && maxValue !== undefined) throw new Error(`layer ${name}: leaky ReLU with a maximum is not supported`);
        const input = single();
        if (slope !== 0) result = emitter.activation(input, { leakyAlpha: slope }, name);
        else if (maxValue === null || maxValue === undefined) result = emitter.activation(input, 'relu', name);
        else if (Number(maxValue) === 6) result = emitter.activation(input, 'relu6', name);
        else result = { ...input, value: emitter.g.op('Clip', [input.value, emitter.scalar(0), emitter.scalar(Number(maxValue))], {}, { name }) };
        break;
      }
      case 'LeakyReLU':
        result = emitter.activation(single(), { leakyAlpha: Number(config.alpha ?? 0.3) }, name);
        break;
      case 'Activation':
        result = emitter.activation(single(), activationOf(layer), name);
        break;
      case 'ZeroPadding2D':
        result = emitter.pad(single(), zeroPads(config, `layer ${name}`), name);
        break;
      case 'Add':
      case 'Multiply':
      case 'Subtract':
      case 'Maximum':
      case 'Minimum':
      case 'Average': {
        const all = inputs();
        if (all.length < 2) throw new Error(`layer ${name} needs at least two inputs`);
        if (all.some((input) => input.layout !== all[0]?.layout)) throw new Error(`layer ${name}: inputs mix image and plain tensors`);
        const opType = { Add: 'Sum', Multiply: 'Mul', Subtract: 'Sub', Maximum: 'Max', Minimum: 'Min', Average: 'Mean' }[layer.class_name] as string;
        if ((opType === 'Mul' || opType === 'Sub') && all.length !== 2) throw new Error(`layer ${name}: ${layer.class_name} of ${all.length} inputs`);
        const first = all[0] as Tensor;
        const variadic = opType === 'Sum' && all.length === 2 ? 'Add' : opType;
        result = { ...first, value: emitter.g.op(variadic, all.map((input) => input.value), {}, { name }) };
        break;
      }
      case 'Concatenate': {
        const all = inputs();
        const first = all[0] as Tensor;
        const axis = Number(config.axis ?? -1);
        const onnxAxis = first.layout === 'nchw' ? nchwAxis(axis) : axis;
        const shape = [...first.shape];
        const positive = onnxAxis < 0 ? onnxAxis + shape.length : onnxAxis;
        shape[positive] = all.reduce((sum, input) => (sum < 0 || (input.shape[positive] as number) < 0 ? -1 : sum + (input.shape[positive] as number)), 0);
        result = { layout: first.layout, shape, value: emitter.g.op('Concat', all.map((input) => input.value), { axis: onnxAxis }, { name }) };
        break;
      }
      case 'AveragePooling2D':
      case 'MaxPooling2D': {
        const kernel = pair(config.pool_size ?? 2, `layer ${name} pool_size`);
        const strides = config.strides === null || config.strides === undefined ? kernel : pair(config.strides, `layer ${name} strides`);
        const kind = layer.class_name === 'AveragePooling2D' ? 'average' : 'max';
        result = emitter.pool(single(), kind, kernel, strides, config.padding === 'same' ? 'same' : 'valid', name);
        break;
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D':
        result = emitter.globalPool(single(), layer.class_name === 'GlobalAveragePooling2D' ? 'average' : 'max', config.keepdims === true, name);
        break;
      case 'Flatten':
        result = emitter.flatten(single(), name);
        break;
      case 'Dense':
        result = emitter.dense(
          single(),
          weight(layer, 'kernel'),
          config.use_bias === false ? undefined : Float32Array.from(weight(layer, 'bias').values),
          activationOf(layer),
          name,
        );
        break;
      case 'Dropout':
      case 'SpatialDropout2D':
      case 'GaussianNoise':
      case 'GaussianDropout':
      case 'AlphaDropout':
        // Identity at inference.
        result = single();
        break;
      default:
        throw new Error(`layer ${name}: ${layer.class_name} layers are not supported by the converter`);
    }
    converted.set(name, result);
    return result;
  };

  return new Map(requested.map((request) => [request.from, convert(request.from)]));
}
