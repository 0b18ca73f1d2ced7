/**
 * Which backbone maps the patch features come from. The backbone registry names each feature
 * output with its role ('middle' for an earlier, more generic layer); the spatial map that output
 * pools is found in the graph (the value entering its GlobalAveragePool / spatial ReduceMean).
 * PatchCore takes a mid-level pair (ResNet layer2 + layer3: strides 8 and 16); the candidate finer
 * map is the last value before the middle map whose grid is twice as fine, found by running the
 * graph once, since converted graphs carry no shapes.
 */
import { buildModel, encodeModel, GraphBuilder, type OnnxModel } from '../onnx';
import { createSession } from '../ort';
import type { ModelSpec } from '../models';

const POOLING_OPS = new Set(['GlobalAveragePool', 'ReduceMean', 'Flatten', 'Reshape', 'Squeeze', 'Identity', 'AveragePool']);

/** The map (NCHW value name) the spec's output `outputName` is pooled from. Throws when there is none. */
export function pooledMap(model: OnnxModel, outputName: string): string {
  const producer = new Map(model.graph.nodes.flatMap((node) => node.outputs.map((output) => [output, node] as const)));
  let value = outputName;
  let sawPool = false;
  for (;;) {
    const node = producer.get(value);
    if (!node || !POOLING_OPS.has(node.opType)) break;
    if (node.opType === 'GlobalAveragePool' || node.opType === 'ReduceMean' || node.opType === 'AveragePool') sawPool = true;
    value = node.inputs[0]!;
  }
  if (!sawPool || value === outputName) throw new Error(`the backbone output ${outputName} is not a pooled spatial map`);
  return value;
}

export interface MapInfo {
  name: string;
  channels: number;
  /** Grid cells at the spec's input size. */
  height: number;
  width: number;
}

/**
 * Candidate maps: the middle output's map, and the last value before it (outputs of activation or
 * residual Add nodes) on a grid twice as fine. Runs the backbone once on a blank image.
 */
export async function candidateMaps(model: OnnxModel, spec: ModelSpec, threads?: number): Promise<{ middle: MapInfo; finer?: MapInfo }> {
  const middleOutput = spec.outputs.find((output) => output.role === 'middle') ?? spec.outputs[0]!;
  const middleName = pooledMap(model, middleOutput.name);
  const nodes = model.graph.nodes;
  const middleIndex = nodes.findIndex((node) => node.outputs.includes(middleName));
  const candidates = nodes
    .slice(0, middleIndex)
    .filter((node) => ['Clip', 'Relu', 'Add', 'Relu6'].includes(node.opType))
    .map((node) => node.outputs[0]!);
  const g = new GraphBuilder('probe', { ...model.graph, outputs: [], valueInfo: [] });
  for (const name of [middleName, ...candidates]) g.output(g.value(name), 'float32', undefined);
  const { session } = await createSession(Buffer.from(encodeModel(buildModel(g))), { ...(threads ? { threads } : {}), name: 'probe' });
  try {
    const { width, height, layout, name } = spec.input;
    const dims = layout === 'NHWC' ? [1, height, width, 3] : [1, 3, height, width];
    const out = await session.run({ [name]: { data: new Float32Array(width * height * 3), dims } });
    const info = (value: string): MapInfo => {
      const d = out[value]!.dims;
      return { name: value, channels: d[1]!, height: d[2]!, width: d[3]! };
    };
    const middle = info(middleName);
    const finer = candidates
      .map(info)
      .filter((map) => map.height === middle.height * 2 && map.width === middle.width * 2)
      .pop();
    return finer ? { middle, finer } : { middle };
  } finally {
    await session.release();
  }
}
