/** TF.js model (layers or graph) → ONNX model exposing the requested values as named outputs. */
import { buildModel, GraphBuilder, type Dim, type OnnxModel } from '../onnx';
import { convertKerasLayers, type OutputRequest } from './kerasLayers';
import { NchwEmitter, type Tensor } from './nchw';
import { convertTfGraph } from './tfGraph';
import { decodeWeights, type TfjsArtifacts } from './tfjsArtifacts';

export interface ConvertOptions {
  /** The ONNX input's name (default 'image'): NHWC float32 [batch, height, width, channels]. */
  inputName?: string;
  /** What to expose, in output order. */
  outputs: readonly OutputRequest[];
  graphName?: string;
  producerVersion?: string;
  /** Written to the model's metadata_props. */
  metadata?: Record<string, string>;
}

function dimsOf(tensor: Tensor, outputName: string): Dim[] {
  return tensor.shape.map((dim, axis) => (dim >= 0 ? dim : axis === 0 ? 'batch' : `${outputName}_${axis}`));
}

/** Convert TF.js artifacts; throws an Error naming the layer or node and the op when something is not supported. */
export function convertTfjsModel(artifacts: TfjsArtifacts, options: ConvertOptions): OnnxModel {
  if (options.outputs.length === 0) throw new Error('nothing to convert: no outputs were requested');
  const weights = decodeWeights(artifacts.weightSpecs, artifacts.weightData);
  const g = new GraphBuilder(options.graphName ?? 'backbone');
  const emitter = new NchwEmitter(g);
  const inputName = options.inputName ?? 'image';
  g.reserve(inputName);
  for (const request of options.outputs) g.reserve(request.name);
  const convert = artifacts.format === 'layers-model' ? convertKerasLayers : convertTfGraph;
  const tensors = convert(artifacts.modelTopology, weights, emitter, inputName, options.outputs);
  for (const request of options.outputs) {
    const tensor = tensors.get(request.from) as Tensor;
    let output: Tensor;
    if (request.pool === 'global-average') {
      if (tensor.layout !== 'nchw') throw new Error(`output ${request.name}: ${request.from} is not an image tensor, there is nothing to pool`);
      output = emitter.globalPool(tensor, 'average', false, `${request.name}/pool`, request.name);
    } else {
      output = emitter.toNhwc(tensor, `${request.name}/to_nhwc`, request.name);
    }
    g.output(output.value, 'float32', dimsOf(output, request.name), request.name);
  }
  return buildModel(g, { metadata: options.metadata, producerVersion: options.producerVersion });
}
