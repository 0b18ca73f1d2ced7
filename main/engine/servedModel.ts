/**
 * A served model: what the Open Inference Protocol (KServe v2, Triton's HTTP API) needs of a model,
 * whichever way it is loaded — a RUNNING project version (main/models/served.ts) or an exported
 * model repository read without a home (exportedModel.ts). Names and datatypes are the protocol's.
 */

/** The protocol's tensor datatypes that Loupe's graphs use (BYTES and FP16 are not served). */
export type Datatype = 'BOOL' | 'UINT8' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'UINT16' | 'UINT32' | 'UINT64' | 'FP32' | 'FP64';

/** An input or output as declared: `shape` has -1 for a dynamic dim, the batch dim first. */
export interface TensorSpec {
  name: string;
  datatype: Datatype;
  shape: number[];
}

/** The typed array each datatype travels in (row-major, little-endian on the wire). */
export type TensorData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

export interface Tensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TensorData;
}

export interface ServedModel {
  name: string;
  /** The protocol's version string ('1' for an export's `1/` folder). */
  version: string;
  /** Triton's platform name for the model's format. */
  platform: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Largest batch (first dim) a request may send; 0 = the model has no batch dim. */
  maxBatchSize: number;
  isReady(): boolean;
  /** Run the model on inputs already checked against `inputs`; the outputs named (all when none is). */
  infer(inputs: Tensor[], outputs?: string[]): Promise<Tensor[]>;
}

/** Where the protocol finds its models: the served names, and one by name (undefined when unknown). */
export interface ServedModels {
  list(): Promise<ServedModel[]>;
  get(name: string): Promise<ServedModel | undefined>;
}

const ONNX_DATATYPES: Record<string, Datatype> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  float32: 'FP32',
  float: 'FP32',
  float64: 'FP64',
  double: 'FP64',
};

/** The protocol's datatype of an ONNX element type name (as ONNX Runtime or native/onnx spell it); undefined when not served. */
export function datatypeOfOnnx(dtype: string): Datatype | undefined {
  return ONNX_DATATYPES[dtype];
}

/** Bytes per element of each datatype on the wire. */
export const DATATYPE_BYTES: Record<Datatype, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  UINT16: 2,
  UINT32: 4,
  UINT64: 8,
  FP32: 4,
  FP64: 8,
};

/** A typed array of `length` elements for `datatype`. */
export function allocateTensorData(datatype: Datatype, length: number): TensorData {
  switch (datatype) {
    case 'BOOL':
    case 'UINT8':
      return new Uint8Array(length);
    case 'INT8':
      return new Int8Array(length);
    case 'INT16':
      return new Int16Array(length);
    case 'INT32':
      return new Int32Array(length);
    case 'INT64':
      return new BigInt64Array(length);
    case 'UINT16':
      return new Uint16Array(length);
    case 'UINT32':
      return new Uint32Array(length);
    case 'UINT64':
      return new BigUint64Array(length);
    case 'FP32':
      return new Float32Array(length);
    case 'FP64':
      return new Float64Array(length);
  }
}

/** The datatype a typed array coming out of ONNX Runtime carries (`hint` tells BOOL from UINT8). */
export function datatypeOfData(data: TensorData, hint?: Datatype): Datatype {
  if (data instanceof Uint8Array) return hint === 'BOOL' ? 'BOOL' : 'UINT8';
  if (data instanceof Int8Array) return 'INT8';
  if (data instanceof Int16Array) return 'INT16';
  if (data instanceof Int32Array) return 'INT32';
  if (data instanceof BigInt64Array) return 'INT64';
  if (data instanceof Uint16Array) return 'UINT16';
  if (data instanceof Uint32Array) return 'UINT32';
  if (data instanceof BigUint64Array) return 'UINT64';
  if (data instanceof Float32Array) return 'FP32';
  return 'FP64';
}
