/**
 * Tensor data as the Open Inference Protocol carries it: JSON arrays (flat or nested, row-major) or
 * raw little-endian bytes (the binary-data extension; BOOL one byte each). Every decode checks
 * types and counts and says what was wrong; nothing here knows about models.
 */
import { allocateTensorData, DATATYPE_BYTES, type Datatype, type Tensor, type TensorData } from '../engine/servedModel';

export class TensorFormatError extends Error {}

const INTEGER_RANGES: Partial<Record<Datatype, [number, number]>> = {
  UINT8: [0, 255],
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  UINT16: [0, 65535],
  INT32: [-2147483648, 2147483647],
  UINT32: [0, 4294967295],
};

/** Row-major elements of `data`, which may nest arrays as deep as it likes. */
function flatten(data: unknown[], into: unknown[]): unknown[] {
  for (const item of data) {
    if (Array.isArray(item)) flatten(item, into);
    else into.push(item);
  }
  return into;
}

/** A JSON `data` field → the typed array of `count` elements of `datatype`, for input `name`. */
export function decodeJsonData(name: string, datatype: Datatype, count: number, data: unknown): TensorData {
  if (!Array.isArray(data)) throw new TensorFormatError(`Input '${name}': "data" must be an array (or send it as binary data).`);
  const values = flatten(data, []);
  if (values.length !== count) {
    throw new TensorFormatError(`Input '${name}' has ${values.length} values in "data", but its shape holds ${count}.`);
  }
  const out = allocateTensorData(datatype, count);
  const range = INTEGER_RANGES[datatype];
  for (let i = 0; i < count; i++) {
    const value = values[i];
    if (datatype === 'BOOL') {
      if (typeof value !== 'boolean') throw new TensorFormatError(`Input '${name}' is BOOL: value ${i} must be true or false, not ${JSON.stringify(value)}.`);
      out[i] = value ? 1 : 0;
    } else if (typeof value !== 'number') {
      throw new TensorFormatError(`Input '${name}' is ${datatype}: value ${i} must be a number, not ${JSON.stringify(value)}.`);
    } else if (datatype === 'FP32' || datatype === 'FP64') {
      out[i] = value;
    } else {
      if (!Number.isInteger(value) || (range && (value < range[0] || value > range[1]))) {
        throw new TensorFormatError(`Input '${name}' is ${datatype}: value ${i} (${value}) is not ${range ? `a whole number in ${range[0]}–${range[1]}` : 'a whole number'}.`);
      }
      if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
        if (datatype === 'UINT64' && value < 0) throw new TensorFormatError(`Input '${name}' is UINT64: value ${i} (${value}) is negative.`);
        out[i] = BigInt(value);
      } else out[i] = value;
    }
  }
  return out;
}

/** Raw bytes (little-endian) → the typed array of `count` elements of `datatype`, copied so it is aligned. */
export function decodeBinaryData(name: string, datatype: Datatype, count: number, bytes: Uint8Array): TensorData {
  const expected = count * DATATYPE_BYTES[datatype];
  if (bytes.byteLength !== expected) {
    throw new TensorFormatError(`Input '${name}' has ${bytes.byteLength} bytes of binary data, but ${count} ${datatype} values take ${expected}.`);
  }
  const out = allocateTensorData(datatype, count);
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
  if (datatype === 'BOOL' && (out as Uint8Array).some((value) => value > 1)) {
    throw new TensorFormatError(`Input '${name}' is BOOL: each byte must be 0 or 1.`);
  }
  return out;
}

/** A tensor's values for a JSON response: flat, row-major; 64-bit integers as numbers, BOOL as booleans. */
export function encodeJsonData(tensor: Tensor): (number | boolean)[] {
  const { data } = tensor;
  if (tensor.datatype === 'BOOL') return Array.from(data as Uint8Array, (value) => value !== 0);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, Number);
  return Array.from(data as ArrayLike<number>);
}

/** A tensor's raw bytes for a binary response (a view, not a copy). */
export function encodeBinaryData(tensor: Tensor): Buffer {
  return Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
}

/** Elements a shape holds. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}
