/**
 * Turns a downloaded ImageNet classifier into a backbone: its embedding (the last spatial average
 * pool, flattened) becomes the only output, the classifier and whatever else that output does not
 * need are pruned, the image input takes the spec's name and a free batch size. Found from the graph
 * itself rather than node names, which differ between exporters (PyTorch writes GlobalAveragePool,
 * TF converters ReduceMean or AveragePool); the caller checks the result in ONNX Runtime.
 */
import { GraphBuilder, tensorValues, type OnnxGraph, type OnnxModel, type OnnxNode } from '../onnx';
import type { FeatureCut } from './catalogue';

/** The graph has no cut Loupe can make; `message` says what is missing. */
export class FeatureCutError extends Error {
  override name = 'FeatureCutError';
}

export interface CutResult {
  model: OnnxModel;
  /** The pooling node the embedding is taken from (its name, else its output's). */
  poolNode: string;
  /** The file's own input name, before the rename. */
  originalInput: string;
  /** Nodes dropped because the embedding does not need them. */
  prunedNodes: number;
}

/** Rank-4 spatial axes: [1, 2] (NHWC) or [2, 3] (NCHW), negatives allowed. */
function isSpatialPair(axes: readonly number[]): boolean {
  if (axes.length !== 2) return false;
  const sorted = axes.map((axis) => (axis < 0 ? axis + 4 : axis)).sort((a, b) => a - b);
  return (sorted[0] === 1 && sorted[1] === 2) || (sorted[0] === 2 && sorted[1] === 3);
}

/** A constant's values by name (an initializer or a Constant node's tensor), as numbers. */
function constantNumbers(graph: OnnxGraph, name: string): number[] | undefined {
  const tensor =
    graph.initializers.find((init) => init.name === name) ??
    graph.nodes.flatMap((node) => {
      const value = node.attributes.value;
      return node.opType === 'Constant' && node.outputs[0] === name && value?.type === 'tensor' ? [value.value] : [];
    })[0];
  if (!tensor || tensor.external) return undefined;
  return Array.from(tensorValues(tensor) as ArrayLike<number | bigint>, (value) => Number(value));
}

function isAveragePool(graph: OnnxGraph, node: OnnxNode): boolean {
  if (node.domain && node.domain !== 'ai.onnx') return false;
  switch (node.opType) {
    case 'GlobalAveragePool':
      return true;
    case 'AveragePool':
      // A window smaller than the map shows up as the wrong size when the caller runs the cut.
      return true;
    case 'ReduceMean': {
      const attribute = node.attributes.axes;
      const axes = attribute?.type === 'ints' ? attribute.value : node.inputs[1] ? constantNumbers(graph, node.inputs[1]) : undefined;
      return axes !== undefined && isSpatialPair(axes);
    }
    default:
      return false;
  }
}

/** Nodes (by index) that the given values depend on, in the graph's order. */
function ancestors(graph: OnnxGraph, values: Iterable<string>): Set<number> {
  const producer = new Map<string, number>();
  graph.nodes.forEach((node, index) => node.outputs.forEach((output) => producer.set(output, index)));
  const needed = new Set<number>();
  const queue = [...values];
  while (queue.length > 0) {
    const index = producer.get(queue.pop()!);
    if (index === undefined || needed.has(index)) continue;
    needed.add(index);
    const node = graph.nodes[index]!;
    queue.push(...node.inputs.filter(Boolean), ...subgraphInputs(node));
  }
  return needed;
}

/** Outer values a node's subgraphs (If, Loop, Scan) read by name. */
function subgraphInputs(node: OnnxNode): string[] {
  return Object.values(node.attributes).flatMap((attribute) => {
    const graphs = attribute.type === 'graph' ? [attribute.value] : attribute.type === 'graphs' ? attribute.value : [];
    return graphs.flatMap((graph) => graph.nodes.flatMap((inner) => [...inner.inputs.filter(Boolean), ...subgraphInputs(inner)]));
  });
}

/**
 * Cut `model` at its last average pool: one input named `inputName` with a free batch size
 * ([batch, ...]), one float32 output `cut.output` of [batch, cut.size]. Throws FeatureCutError.
 */
export function cutAtAveragePool(model: OnnxModel, cut: FeatureCut, inputName: string): CutResult {
  const source = model.graph;
  const initializerNames = new Set(source.initializers.map((tensor) => tensor.name));
  const imageInputs = source.inputs.filter((input) => !initializerNames.has(input.name));
  if (imageInputs.length !== 1) {
    throw new FeatureCutError(`the model has ${imageInputs.length} inputs (${imageInputs.map((input) => input.name).join(', ')}); a backbone takes one image`);
  }
  const original = imageInputs[0]!;
  if (original.dtype !== 'float32' || original.shape?.length !== 4) {
    throw new FeatureCutError(`input "${original.name}" is ${original.dtype ?? 'not a tensor'} [${original.shape?.join(', ') ?? '?'}]; a backbone takes a float32 image of rank 4`);
  }
  const known = new Set([...initializerNames, ...source.nodes.flatMap((node) => node.outputs)]);
  for (const name of [inputName, cut.output]) {
    if (name !== original.name && known.has(name)) throw new FeatureCutError(`the model already has a value named "${name}"`);
  }

  const classifierNeeds = ancestors(source, source.outputs.map((output) => output.name));
  const poolIndex = source.nodes.findLastIndex((node, index) => classifierNeeds.has(index) && isAveragePool(source, node));
  if (poolIndex < 0) {
    throw new FeatureCutError('no average pool (GlobalAveragePool, ReduceMean over the spatial axes, AveragePool) feeds the model\'s output');
  }
  const pool = source.nodes[poolIndex]!;
  const pooled = pool.outputs[0]!;

  const rename = (name: string) => (name === original.name ? inputName : name);
  const builder = new GraphBuilder(source.name || 'backbone', {
    ...source,
    nodes: source.nodes.map((node) => ({ ...node, inputs: node.inputs.map(rename) })),
    inputs: source.inputs.map((input) => (input === original ? { ...original, name: inputName, shape: ['batch', ...original.shape!.slice(1)] } : input)),
    outputs: [],
    // Shape hints of inner values may pin the batch at 1; ONNX Runtime infers them again.
    valueInfo: [],
  });
  const embedding = builder.op('Flatten', [builder.value(rename(pooled))], { axis: 1 }, { name: `${cut.output}_flatten`, outputs: [cut.output] });
  builder.output(embedding, 'float32', ['batch', cut.size]);
  const graph = builder.build();

  const needed = ancestors(graph, [cut.output]);
  const nodes = graph.nodes.filter((_, index) => needed.has(index));
  const used = new Set(nodes.flatMap((node) => [...node.inputs, ...subgraphInputs(node)]));
  const pruned: OnnxGraph = {
    ...graph,
    nodes,
    initializers: graph.initializers.filter((tensor) => used.has(tensor.name)),
    inputs: graph.inputs.filter((input) => input.name === inputName || used.has(input.name)),
  };
  return {
    model: { ...model, graph: pruned },
    poolNode: pool.name || pooled,
    originalInput: original.name,
    prunedNodes: graph.nodes.length - nodes.length,
  };
}
