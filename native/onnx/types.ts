/**
 * The ONNX model as plain data: what the builder produces, the encoder writes and the decoder reads
 * back. Tensors keep their values as little-endian bytes (ONNX `raw_data`), whatever their type.
 */

/** Element types by ONNX `TensorProto.DataType` code (onnx.proto). */
export const DATA_TYPE_CODES = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
  bfloat16: 16,
} as const;

export type OnnxDataType = keyof typeof DATA_TYPE_CODES;

/** Bytes per element in `raw_data` (strings have none: they live in `string_data`). */
export const DATA_TYPE_BYTES: Record<OnnxDataType, number> = {
  float32: 4,
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  int32: 4,
  int64: 8,
  string: 0,
  bool: 1,
  float16: 2,
  float64: 8,
  uint32: 4,
  uint64: 8,
  bfloat16: 2,
};

const TYPE_BY_CODE = new Map<number, OnnxDataType>(
  Object.entries(DATA_TYPE_CODES).map(([name, code]) => [code, name as OnnxDataType]),
);

/** The element type for an ONNX data-type code, or undefined for codes Loupe does not handle. */
export function dataTypeOf(code: number): OnnxDataType | undefined {
  return TYPE_BY_CODE.get(code);
}

/** A dimension: a size, or a symbolic name such as 'batch' (ONNX `dim_param`). */
export type Dim = number | string;

/** A graph input, output or annotated value. `shape` undefined = rank unknown; `dtype` null = not a tensor. */
export interface OnnxValueInfo {
  name: string;
  dtype: OnnxDataType | null;
  shape?: Dim[];
  docString?: string;
}

/** A constant tensor. `raw` holds the values little-endian (ONNX `raw_data`); strings use `strings`. */
export interface OnnxTensor {
  name: string;
  dtype: OnnxDataType;
  dims: number[];
  raw: Uint8Array;
  strings?: string[];
  /** Present when the values live in a file beside the model (ONNX `external_data`); `raw` is then empty. */
  external?: Record<string, string>;
  docString?: string;
}

export type OnnxAttribute =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: OnnxTensor }
  | { type: 'graph'; value: OnnxGraph }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensors'; value: OnnxTensor[] }
  | { type: 'graphs'; value: OnnxGraph[] };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** '' (or absent) = the default ONNX domain. */
  domain?: string;
  attributes: Record<string, OnnxAttribute>;
  docString?: string;
}

export interface OnnxGraph {
  name: string;
  /** In topological order. */
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
  docString?: string;
}

export interface OpsetImport {
  /** '' = the default ONNX domain. */
  domain: string;
  version: number;
}

export interface OnnxModel {
  irVersion: number;
  opsetImports: OpsetImport[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  graph: OnnxGraph;
  /** ONNX `metadata_props`: labels, thresholds, provenance. */
  metadata: Record<string, string>;
}
