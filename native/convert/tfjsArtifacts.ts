/**
 * TensorFlow.js model artifacts: the topology (a Keras layers model or a TensorFlow graph model) and
 * the weights binary described by the weights manifest. Quantized weights are expanded to float32 the
 * way TF.js does when it loads them (uint8/uint16: q × scale + min; float16: IEEE half).
 */

export interface WeightQuantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  min?: number;
  scale?: number;
}

/** One entry of a TF.js weights manifest. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: WeightQuantization;
}

export type TfjsFormat = 'layers-model' | 'graph-model';

export interface TfjsArtifacts {
  format: TfjsFormat;
  /** Keras `{ model_config, ... }` for layers models, GraphDef `{ node: [...] }` for graph models. */
  modelTopology: Record<string, unknown>;
  weightSpecs: WeightSpec[];
  /** The manifest's shards, concatenated in manifest order. */
  weightData: Uint8Array;
}

/** A weight as float32 (or int32 for integer weights), row-major in its TF layout. */
export interface Weight {
  dims: number[];
  values: Float32Array | Int32Array;
}

/** The TF.js format of a model.json: its own `format` field, else guessed from the topology. */
export function formatOf(modelJson: { format?: unknown; modelTopology?: unknown }): TfjsFormat {
  if (modelJson.format === 'layers-model' || modelJson.format === 'graph-model') return modelJson.format;
  const topology = modelJson.modelTopology as Record<string, unknown> | undefined;
  if (topology && Array.isArray(topology.node)) return 'graph-model';
  if (topology && (topology.model_config || topology.class_name)) return 'layers-model';
  throw new Error('model.json is neither a TF.js layers model nor a graph model');
}

/** IEEE 754 half → number. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Split and expand the weights binary into named weights. Throws on a size mismatch or an unknown dtype. */
export function decodeWeights(specs: readonly WeightSpec[], data: Uint8Array): Map<string, Weight> {
  const weights = new Map<string, Weight>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((product, dim) => product * dim, 1);
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const bytesPer = STORED_BYTES[stored];
    if (bytesPer === undefined) throw new Error(`weight ${spec.name}: stored as ${stored}, which the converter does not read`);
    if (offset + count * bytesPer > data.byteLength) {
      throw new Error(`weight ${spec.name} runs past the end of the weights data (${data.byteLength} bytes)`);
    }
    const isInteger = spec.dtype === 'int32' || spec.dtype === 'bool';
    const values = isInteger ? new Int32Array(count) : new Float32Array(count);
    const quantization = spec.quantization;
    for (let i = 0; i < count; i++) {
      const at = offset + i * bytesPer;
      let value: number;
      switch (stored) {
        case 'float32':
          value = view.getFloat32(at, true);
          break;
        case 'int32':
          value = view.getInt32(at, true);
          break;
        case 'bool':
        case 'uint8':
          value = view.getUint8(at);
          break;
        case 'uint16':
          value = view.getUint16(at, true);
          break;
        default:
          value = halfToFloat(view.getUint16(at, true));
      }
      if (quantization && quantization.dtype !== 'float16') {
        if (quantization.scale === undefined || quantization.min === undefined) {
          throw new Error(`weight ${spec.name}: ${quantization.dtype} quantization without min and scale`);
        }
        value = value * quantization.scale + quantization.min;
        if (isInteger) value = Math.round(value);
      }
      values[i] = value;
    }
    weights.set(spec.name, { dims: [...spec.shape], values });
    offset += count * bytesPer;
  }
  if (offset !== data.byteLength) throw new Error(`the weights manifest describes ${offset} bytes, the data has ${data.byteLength}`);
  return weights;
}
