/**
 * Typed arrays in and out of ONNX tensors. ONNX `raw_data` is little-endian; so is every platform
 * Loupe ships on, so values are copied byte for byte (and a big-endian host is refused, not miswritten).
 */
import { endianness } from 'node:os';
import { DATA_TYPE_BYTES, type OnnxDataType, type OnnxTensor } from './types';

export type TensorData =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('ONNX raw tensor data is little-endian; this host is big-endian');
}

/** The ONNX element type of a typed array (Uint16Array = uint16; float16 data must say so explicitly). */
export function dataTypeOfArray(data: TensorData): OnnxDataType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof BigUint64Array) return 'uint64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int8Array) return 'int8';
  return 'uint8';
}

/** Product of `dims` ([] = a scalar: 1 element). */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((count, dim) => count * dim, 1);
}

/**
 * A tensor holding a copy of `data` with shape `dims` (default: 1-D of data.length; [] = scalar).
 * `dtype` overrides the array's own type where the bits mean something else ('float16', 'bool').
 */
export function makeTensor(name: string, data: TensorData, dims?: readonly number[], dtype?: OnnxDataType): OnnxTensor {
  assertLittleEndian();
  const type = dtype ?? dataTypeOfArray(data);
  const shape = dims ? [...dims] : [data.length];
  if (elementCount(shape) !== data.length) {
    throw new RangeError(`tensor ${name}: ${data.length} values do not fill dims [${shape.join(', ')}]`);
  }
  if (DATA_TYPE_BYTES[type] !== data.BYTES_PER_ELEMENT) {
    throw new TypeError(`tensor ${name}: ${type} needs ${DATA_TYPE_BYTES[type]}-byte elements, got ${data.constructor.name}`);
  }
  const raw = new Uint8Array(data.byteLength);
  raw.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { name, dtype: type, dims: shape, raw };
}

/**
 * A copy of a tensor's values as the matching typed array (float16/bfloat16 as their Uint16 bits,
 * bool as Uint8). Throws for string and external tensors.
 */
export function tensorValues(tensor: OnnxTensor): TensorData {
  assertLittleEndian();
  if (tensor.dtype === 'string') throw new TypeError(`tensor ${tensor.name} holds strings; read tensor.strings`);
  if (tensor.external) throw new TypeError(`tensor ${tensor.name} keeps its values in an external file`);
  const expected = elementCount(tensor.dims) * DATA_TYPE_BYTES[tensor.dtype];
  if (tensor.raw.byteLength !== expected) {
    throw new RangeError(`tensor ${tensor.name}: ${tensor.raw.byteLength} bytes for dims [${tensor.dims.join(', ')}] (${expected} expected)`);
  }
  const copy = new Uint8Array(tensor.raw.byteLength);
  copy.set(tensor.raw);
  const buffer = copy.buffer;
  switch (tensor.dtype) {
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
    case 'int64':
      return new BigInt64Array(buffer);
    case 'uint64':
      return new BigUint64Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'uint32':
      return new Uint32Array(buffer);
    case 'int16':
      return new Int16Array(buffer);
    case 'uint16':
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'uint8':
    case 'bool':
      return copy;
  }
}
