/**
 * A fluent way to write ONNX graphs so that conversion, training and export code reads like the maths:
 *
 *   const g = new GraphBuilder('head');
 *   const x = g.input('features', 'float32', ['batch', 1280]);
 *   const w = g.initializer('w', weights, [1280, 2]);
 *   const y = g.op('Gemm', [x, w, b], { transB: 0 });
 *   g.output(g.op('Softmax', [y], { axis: -1 }), 'float32', ['batch', 2], 'probabilities');
 *   const bytes = encodeModel(buildModel(g, { metadata: { labels: '["cat","dog"]' } }));
 *
 * Attribute values are typed by their JavaScript value: a whole number is an INT, any other number a
 * FLOAT, arrays likewise, strings STRING, tensors TENSOR. A float attribute with a whole value
 * (alpha = 1) must say so: `{ alpha: attr.float(1) }`.
 */
import { makeTensor, type TensorData } from './tensor';
import type { Dim, OnnxAttribute, OnnxDataType, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo, OpsetImport } from './types';

/** A named value in the graph: an input, an initializer or a node output. */
export interface ValueRef {
  readonly name: string;
}

/** Where an input is optional and left out, pass null (written as ONNX's empty name). */
export type InputRef = ValueRef | string | null;

export type AttributeInput = number | string | number[] | string[] | OnnxTensor | OnnxAttribute;

/** Explicitly typed attribute values, for where the JavaScript value is ambiguous. */
export const attr = {
  float: (value: number): OnnxAttribute => ({ type: 'float', value }),
  int: (value: number): OnnxAttribute => ({ type: 'int', value }),
  floats: (value: readonly number[]): OnnxAttribute => ({ type: 'floats', value: [...value] }),
  ints: (value: readonly number[]): OnnxAttribute => ({ type: 'ints', value: [...value] }),
  string: (value: string): OnnxAttribute => ({ type: 'string', value }),
  strings: (value: readonly string[]): OnnxAttribute => ({ type: 'strings', value: [...value] }),
  tensor: (value: OnnxTensor): OnnxAttribute => ({ type: 'tensor', value }),
  graph: (value: OnnxGraph): OnnxAttribute => ({ type: 'graph', value }),
};

function isTaggedAttribute(value: object): value is OnnxAttribute {
  return 'type' in value && 'value' in value && !('dtype' in value);
}

function toAttribute(name: string, value: AttributeInput): OnnxAttribute {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { type: 'int', value } : { type: 'float', value };
  }
  if (typeof value === 'string') return { type: 'string', value };
  if (Array.isArray(value)) {
    if (value.every((item): item is string => typeof item === 'string') && value.length > 0) {
      return { type: 'strings', value: [...value] };
    }
    const numbers = value as number[];
    if (numbers.some((item) => typeof item !== 'number')) throw new TypeError(`attribute ${name}: mixed array`);
    return numbers.every((item) => Number.isInteger(item)) ? { type: 'ints', value: [...numbers] } : { type: 'floats', value: [...numbers] };
  }
  if (isTaggedAttribute(value)) return value;
  return { type: 'tensor', value };
}

type ZerosConstructor = Float32ArrayConstructor | BigInt64ArrayConstructor | Int32ArrayConstructor;

export interface OpOptions {
  /** Node name (default: `<OpType>_<n>`). */
  name?: string;
  /** Output names (default: generated from the node name). */
  outputs?: string[];
  /** Operator domain ('' = ONNX). */
  domain?: string;
}

export class GraphBuilder {
  private readonly names = new Set<string>();
  private readonly reserved = new Set<string>();
  private readonly graph: OnnxGraph;
  private counter = 0;

  /** A new graph, or one that continues `base` (its nodes, initializers and inputs are kept; outputs too). */
  constructor(name: string, base?: OnnxGraph) {
    this.graph = base
      ? {
          ...base,
          name,
          nodes: [...base.nodes],
          initializers: [...base.initializers],
          inputs: [...base.inputs],
          outputs: [...base.outputs],
          valueInfo: [...base.valueInfo],
        }
      : { name, nodes: [], initializers: [], inputs: [], outputs: [], valueInfo: [] };
    for (const input of this.graph.inputs) this.names.add(input.name);
    for (const tensor of this.graph.initializers) this.names.add(tensor.name);
    for (const node of this.graph.nodes) for (const output of node.outputs) if (output) this.names.add(output);
  }

  /** A value already in the graph (e.g. a base graph's node output), by name. */
  value(name: string): ValueRef {
    if (!this.names.has(name)) throw new Error(`graph ${this.graph.name} has no value named ${name}`);
    return { name };
  }

  /** Whether a value with this name exists. */
  has(name: string): boolean {
    return this.names.has(name);
  }

  /** A name not used (nor reserved) yet, built from `prefix`. */
  uniqueName(prefix: string): string {
    let name = prefix;
    while (this.names.has(name) || this.reserved.has(name)) name = `${prefix}_${++this.counter}`;
    return name;
  }

  /** Keep `name` out of generated names, for an output declared later (e.g. 'embedding'). */
  reserve(name: string): void {
    if (this.names.has(name)) throw new Error(`graph ${this.graph.name} already has a value named ${name}`);
    this.reserved.add(name);
  }

  private claim(name: string): string {
    if (!name) throw new Error('ONNX value names must not be empty');
    if (this.names.has(name)) throw new Error(`graph ${this.graph.name} already has a value named ${name}`);
    this.reserved.delete(name);
    this.names.add(name);
    return name;
  }

  /** A graph input of `dtype` and `shape` (strings are symbolic dims such as 'batch'). */
  input(name: string, dtype: OnnxDataType, shape: readonly Dim[]): ValueRef {
    this.graph.inputs.push({ name: this.claim(name), dtype, shape: [...shape] });
    return { name };
  }

  /**
   * A constant tensor: a copy of `data` with `dims` (default 1-D; [] = scalar), or zeros when given
   * an array constructor (Float32Array, BigInt64Array, Int32Array) and dims.
   */
  initializer(name: string, data: TensorData | ZerosConstructor, dims?: readonly number[], dtype?: OnnxDataType): ValueRef {
    let values: TensorData;
    if (typeof data === 'function') {
      if (!dims) throw new Error(`initializer ${name}: zeros need dims`);
      values = new data(dims.reduce((count, dim) => count * dim, 1));
    } else {
      values = data;
    }
    this.claim(name);
    this.graph.initializers.push(makeTensor(name, values, dims, dtype));
    return { name };
  }

  /** A float32 constant; a lone number becomes a scalar (dims []). */
  float(name: string, values: number | readonly number[] | Float32Array, dims?: readonly number[]): ValueRef {
    if (typeof values === 'number') return this.initializer(name, Float32Array.of(values), dims ?? []);
    return this.initializer(name, values instanceof Float32Array ? values : Float32Array.from(values), dims);
  }

  /** An int64 constant (shapes, axes, pads); a lone number becomes a scalar (dims []). */
  int64(name: string, values: number | readonly (number | bigint)[], dims?: readonly number[]): ValueRef {
    if (typeof values === 'number') return this.initializer(name, BigInt64Array.of(BigInt(values)), dims ?? []);
    return this.initializer(name, BigInt64Array.from(values, (value) => BigInt(value)), dims);
  }

  /** Add a node with one output and return that output. */
  op(opType: string, inputs: readonly InputRef[], attributes: Record<string, AttributeInput | undefined> = {}, options: OpOptions = {}): ValueRef {
    const [output] = this.opMulti(opType, inputs, options.outputs?.length ?? 1, attributes, options);
    return output as ValueRef;
  }

  /** Add a node with `outputCount` outputs and return them in order. */
  opMulti(
    opType: string,
    inputs: readonly InputRef[],
    outputCount: number,
    attributes: Record<string, AttributeInput | undefined> = {},
    options: OpOptions = {},
  ): ValueRef[] {
    const nodeName = options.name ?? this.uniqueName(`${opType}_${this.graph.nodes.length}`);
    const outputNames = options.outputs ?? Array.from({ length: outputCount }, (_, i) => this.uniqueName(outputCount === 1 ? nodeName : `${nodeName}_${i}`));
    if (outputNames.length !== outputCount) throw new Error(`${opType}: ${outputNames.length} output names for ${outputCount} outputs`);
    const node: OnnxNode = {
      opType,
      name: nodeName,
      inputs: inputs.map((input) => (input === null ? '' : typeof input === 'string' ? input : input.name)),
      outputs: outputNames.map((name) => this.claim(name)),
      attributes: {},
    };
    if (options.domain) node.domain = options.domain;
    for (const input of node.inputs) {
      if (input && !this.names.has(input)) throw new Error(`${opType} ${nodeName}: input ${input} is not defined yet`);
    }
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== undefined) node.attributes[name] = toAttribute(name, value);
    }
    this.graph.nodes.push(node);
    return node.outputs.map((name) => ({ name }));
  }

  /** Declare `value` a graph output of `dtype`/`shape`; with `name`, an Identity node gives it that name. */
  output(value: ValueRef, dtype: OnnxDataType, shape: readonly Dim[] | undefined, name?: string): ValueRef {
    const output = name && name !== value.name ? this.op('Identity', [value], {}, { outputs: [name] }) : value;
    const info: OnnxValueInfo = { name: output.name, dtype };
    if (shape) info.shape = [...shape];
    this.graph.outputs.push(info);
    return output;
  }

  /** Drop every graph output (before declaring new ones on a base graph). */
  clearOutputs(): void {
    this.graph.outputs = [];
  }

  /** Annotate an inner value's type and shape (ONNX value_info). */
  annotate(value: ValueRef, dtype: OnnxDataType, shape: readonly Dim[]): void {
    this.graph.valueInfo.push({ name: value.name, dtype, shape: [...shape] });
  }

  /** The graph so far (a snapshot; later additions do not change it). */
  build(): OnnxGraph {
    if (this.graph.outputs.length === 0) throw new Error(`graph ${this.graph.name} has no outputs`);
    return {
      ...this.graph,
      nodes: [...this.graph.nodes],
      initializers: [...this.graph.initializers],
      inputs: [...this.graph.inputs],
      outputs: [...this.graph.outputs],
      valueInfo: [...this.graph.valueInfo],
    };
  }
}

/** ONNX opset Loupe writes (ONNX 1.12); IR version 8 is the one that opset belongs to. */
export const DEFAULT_OPSET = 17;
export const DEFAULT_IR_VERSION = 8;

export interface ModelOptions {
  /** Default-domain opset (default DEFAULT_OPSET). */
  opset?: number;
  /** Opsets of other domains the graph uses (e.g. com.microsoft). */
  extraOpsets?: OpsetImport[];
  irVersion?: number;
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

/** Wrap a graph into a model produced by Loupe. */
export function buildModel(graph: OnnxGraph | GraphBuilder, options: ModelOptions = {}): OnnxModel {
  return {
    irVersion: options.irVersion ?? DEFAULT_IR_VERSION,
    opsetImports: [{ domain: '', version: options.opset ?? DEFAULT_OPSET }, ...(options.extraOpsets ?? [])],
    producerName: 'Loupe',
    producerVersion: options.producerVersion ?? '',
    domain: '',
    modelVersion: 0,
    docString: options.docString ?? '',
    graph: graph instanceof GraphBuilder ? graph.build() : graph,
    metadata: { ...(options.metadata ?? {}) },
  };
}
