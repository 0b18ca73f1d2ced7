/**
 * ONNX protobuf bytes → OnnxModel, and the summary a backbone registration needs (inputs, outputs,
 * initializer shapes, metadata) without touching tensor values.
 */
import { readFile } from 'node:fs/promises';
import { modelProtoType } from './schema';
import { elementCount } from './tensor';
import {
  DATA_TYPE_BYTES,
  dataTypeOf,
  type Dim,
  type OnnxAttribute,
  type OnnxDataType,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
  type OpsetImport,
} from './types';

/** Thrown when bytes are not an ONNX model Loupe can read; `detail` says why. */
export class OnnxDecodeError extends Error {
  override name = 'OnnxDecodeError';
  constructor(readonly detail: string) {
    super(`not a readable ONNX model: ${detail}`);
  }
}

// protobufjs hands int64 fields back as Long objects (or numbers when Long is absent).
type Int64 = number | { toNumber(): number };
type Message = Record<string, unknown>;

const utf8 = new TextDecoder();

function int(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' ? value : (value as Exclude<Int64, number>).toNumber();
}

function list<T = Message>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Bytes as a plain Uint8Array view (protobufjs gives Node Buffers, which compare and slice differently). */
function bytes(value: unknown): Uint8Array {
  return value instanceof Uint8Array ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(0);
}

function dtypeFrom(code: unknown, where: string): OnnxDataType {
  const dtype = dataTypeOf(int(code));
  if (!dtype) throw new OnnxDecodeError(`${where} has element type ${int(code)}, which Loupe does not handle`);
  return dtype;
}

/** Copies typed-field values (float_data, int64_data, ...) into little-endian raw bytes. */
function rawFromFields(message: Message, dtype: OnnxDataType, count: number, name: string): Uint8Array {
  const raw = new Uint8Array(count * DATA_TYPE_BYTES[dtype]);
  const view = new DataView(raw.buffer);
  const floats = list<number>(message.floatData);
  const doubles = list<number>(message.doubleData);
  const int32s = list<number>(message.int32Data);
  const int64s = list<Int64>(message.int64Data);
  const uint64s = list<Int64>(message.uint64Data);
  const source =
    dtype === 'float32' ? floats : dtype === 'float64' ? doubles : dtype === 'int64' ? int64s : dtype === 'uint64' || dtype === 'uint32' ? uint64s : int32s;
  if (source.length === 0 && count > 0) return new Uint8Array(0);
  if (source.length !== count) throw new OnnxDecodeError(`tensor ${name} holds ${source.length} values for ${count} elements`);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'float32':
        view.setFloat32(i * 4, floats[i] as number, true);
        break;
      case 'float64':
        view.setFloat64(i * 8, doubles[i] as number, true);
        break;
      case 'int64':
        view.setBigInt64(i * 8, BigInt(String(int64s[i])), true);
        break;
      case 'uint64':
        view.setBigUint64(i * 8, BigInt.asUintN(64, BigInt(String(uint64s[i]))), true);
        break;
      case 'uint32':
        view.setUint32(i * 4, int(uint64s[i]), true);
        break;
      case 'int32':
        view.setInt32(i * 4, int32s[i] as number, true);
        break;
      case 'int16':
        view.setInt16(i * 2, int32s[i] as number, true);
        break;
      case 'uint16':
      case 'float16':
      case 'bfloat16':
        view.setUint16(i * 2, int32s[i] as number, true);
        break;
      case 'int8':
        view.setInt8(i, int32s[i] as number);
        break;
      case 'uint8':
      case 'bool':
        view.setUint8(i, int32s[i] as number);
        break;
      case 'string':
        break;
    }
  }
  return raw;
}

function tensorFrom(message: Message, withValues: boolean): OnnxTensor {
  const name = text(message.name);
  const dtype = dtypeFrom(message.dataType, `tensor ${name}`);
  const dims = list<Int64>(message.dims).map(int);
  const tensor: OnnxTensor = { name, dtype, dims, raw: new Uint8Array(0) };
  if (message.docString) tensor.docString = text(message.docString);
  if (int(message.dataLocation) === 1) {
    tensor.external = Object.fromEntries(list(message.externalData).map((entry) => [text(entry.key), text(entry.value)]));
  } else if (dtype === 'string') {
    tensor.strings = list(message.stringData).map((value) => utf8.decode(bytes(value)));
  } else if (withValues) {
    const raw = bytes(message.rawData);
    tensor.raw = raw.byteLength > 0 ? raw : rawFromFields(message, dtype, elementCount(dims), name);
  }
  return tensor;
}

function valueInfoFrom(message: Message): OnnxValueInfo {
  const info: OnnxValueInfo = { name: text(message.name), dtype: null };
  if (message.docString) info.docString = text(message.docString);
  const tensorType = (message.type as Message | undefined)?.tensorType as Message | undefined;
  if (tensorType) {
    info.dtype = dtypeFrom(tensorType.elemType, `value ${info.name}`);
    const shape = tensorType.shape as Message | undefined;
    if (shape) {
      info.shape = list(shape.dim).map((dim): Dim => {
        // Unset fields read as protobufjs's prototype defaults (0), so presence is an own property.
        if (Object.hasOwn(dim, 'dimValue')) return int(dim.dimValue);
        // A dimension with neither a size nor a name is unknown; keep it symbolic.
        return text(dim.dimParam) || '?';
      });
    }
  }
  return info;
}

const ATTRIBUTE_TYPES = ['', 'float', 'int', 'string', 'tensor', 'graph', 'floats', 'ints', 'strings', 'tensors', 'graphs'] as const;

function attributeFrom(message: Message, withValues: boolean): OnnxAttribute | undefined {
  const type = ATTRIBUTE_TYPES[int(message.type)];
  switch (type) {
    case 'float':
      return { type, value: Number(message.f ?? 0) };
    case 'int':
      return { type, value: int(message.i) };
    case 'string':
      return { type, value: utf8.decode(bytes(message.s)) };
    case 'tensor':
      return { type, value: tensorFrom(message.t as Message, withValues) };
    case 'graph':
      return { type, value: graphFrom(message.g as Message, withValues) };
    case 'floats':
      return { type, value: list<number>(message.floats).map(Number) };
    case 'ints':
      return { type, value: list<Int64>(message.ints).map(int) };
    case 'strings':
      return { type, value: list(message.strings).map((value) => utf8.decode(bytes(value))) };
    case 'tensors':
      return { type, value: list(message.tensors).map((tensor) => tensorFrom(tensor, withValues)) };
    case 'graphs':
      return { type, value: list(message.graphs).map((graph) => graphFrom(graph, withValues)) };
    default:
      // Sparse tensors and type protos are not in Loupe's schema.
      return undefined;
  }
}

function nodeFrom(message: Message, withValues: boolean): OnnxNode {
  const node: OnnxNode = {
    opType: text(message.opType),
    inputs: list<string>(message.input),
    outputs: list<string>(message.output),
    attributes: {},
  };
  if (message.name) node.name = text(message.name);
  if (message.domain) node.domain = text(message.domain);
  if (message.docString) node.docString = text(message.docString);
  for (const attribute of list(message.attribute)) {
    const value = attributeFrom(attribute, withValues);
    if (value) node.attributes[text(attribute.name)] = value;
  }
  return node;
}

function graphFrom(message: Message, withValues: boolean): OnnxGraph {
  const graph: OnnxGraph = {
    name: text(message.name),
    nodes: list(message.node).map((node) => nodeFrom(node, withValues)),
    initializers: list(message.initializer).map((tensor) => tensorFrom(tensor, withValues)),
    inputs: list(message.input).map(valueInfoFrom),
    outputs: list(message.output).map(valueInfoFrom),
    valueInfo: list(message.valueInfo).map(valueInfoFrom),
  };
  if (message.docString) graph.docString = text(message.docString);
  return graph;
}

function modelFrom(bytesIn: Uint8Array, withValues: boolean): OnnxModel {
  let message: Message;
  try {
    message = modelProtoType().decode(bytesIn) as unknown as Message;
  } catch (error) {
    throw new OnnxDecodeError(error instanceof Error ? error.message : String(error));
  }
  if (!message.graph) throw new OnnxDecodeError('the model has no graph');
  const opsetImports: OpsetImport[] = list(message.opsetImport).map((entry) => ({
    domain: text(entry.domain),
    version: int(entry.version),
  }));
  return {
    irVersion: int(message.irVersion),
    opsetImports,
    producerName: text(message.producerName),
    producerVersion: text(message.producerVersion),
    domain: text(message.domain),
    modelVersion: int(message.modelVersion),
    docString: text(message.docString),
    graph: graphFrom(message.graph as Message, withValues),
    metadata: Object.fromEntries(list(message.metadataProps).map((entry) => [text(entry.key), text(entry.value)])),
  };
}

/** Decode `.onnx` bytes into an OnnxModel (tensor values included; `raw` may view `bytes`). Throws OnnxDecodeError. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  return modelFrom(bytes, true);
}

/** What a model takes and gives: graph inputs (initializers excluded), outputs, initializer shapes, metadata. */
export interface ModelDescription {
  irVersion: number;
  opsetImports: OpsetImport[];
  producerName: string;
  producerVersion: string;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: { name: string; dtype: OnnxDataType; dims: number[] }[];
  metadata: Record<string, string>;
}

/** Summarise a model (bytes, a file path or a decoded model) without copying tensor values. Throws OnnxDecodeError. */
export async function describeModel(source: Uint8Array | string | OnnxModel): Promise<ModelDescription> {
  let model: OnnxModel;
  if (typeof source === 'string') {
    let fileBytes: Uint8Array;
    try {
      fileBytes = await readFile(source);
    } catch (error) {
      throw new OnnxDecodeError(`cannot read ${source}: ${error instanceof Error ? error.message : String(error)}`);
    }
    model = modelFrom(fileBytes, false);
  } else if (source instanceof Uint8Array) {
    model = modelFrom(source, false);
  } else {
    model = source;
  }
  const { graph } = model;
  // Before IR 4, initializers were also listed as graph inputs; they are not inputs a caller feeds.
  const initializerNames = new Set(graph.initializers.map((tensor) => tensor.name));
  return {
    irVersion: model.irVersion,
    opsetImports: model.opsetImports,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    inputs: graph.inputs.filter((input) => !initializerNames.has(input.name)),
    outputs: graph.outputs,
    initializers: graph.initializers.map(({ name, dtype, dims }) => ({ name, dtype, dims })),
    metadata: model.metadata,
  };
}
