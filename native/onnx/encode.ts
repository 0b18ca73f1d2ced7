/** OnnxModel → ONNX protobuf bytes (a `.onnx` file). */
import { ATTRIBUTE_TYPE_CODES, modelProtoType } from './schema';
import {
  DATA_TYPE_CODES,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './types';

type Message = Record<string, unknown>;

const utf8 = new TextEncoder();

function tensorMessage(tensor: OnnxTensor): Message {
  const message: Message = { name: tensor.name, dataType: DATA_TYPE_CODES[tensor.dtype], dims: tensor.dims };
  if (tensor.docString) message.docString = tensor.docString;
  if (tensor.external) {
    message.dataLocation = 1;
    message.externalData = Object.entries(tensor.external).map(([key, value]) => ({ key, value }));
  } else if (tensor.dtype === 'string') {
    message.stringData = (tensor.strings ?? []).map((text) => utf8.encode(text));
  } else {
    message.rawData = tensor.raw;
  }
  return message;
}

function valueInfoMessage(info: OnnxValueInfo): Message {
  const message: Message = { name: info.name };
  if (info.docString) message.docString = info.docString;
  if (info.dtype !== null) {
    const tensorType: Message = { elemType: DATA_TYPE_CODES[info.dtype] };
    if (info.shape) {
      tensorType.shape = {
        dim: info.shape.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })),
      };
    }
    message.type = { tensorType };
  }
  return message;
}

function attributeMessage(name: string, attribute: OnnxAttribute): Message {
  const message: Message = { name, type: ATTRIBUTE_TYPE_CODES[attribute.type] };
  switch (attribute.type) {
    case 'float':
      message.f = attribute.value;
      break;
    case 'int':
      message.i = attribute.value;
      break;
    case 'string':
      message.s = utf8.encode(attribute.value);
      break;
    case 'tensor':
      message.t = tensorMessage(attribute.value);
      break;
    case 'graph':
      message.g = graphMessage(attribute.value);
      break;
    case 'floats':
      message.floats = attribute.value;
      break;
    case 'ints':
      message.ints = attribute.value;
      break;
    case 'strings':
      message.strings = attribute.value.map((text) => utf8.encode(text));
      break;
    case 'tensors':
      message.tensors = attribute.value.map(tensorMessage);
      break;
    case 'graphs':
      message.graphs = attribute.value.map(graphMessage);
      break;
  }
  return message;
}

function nodeMessage(node: OnnxNode): Message {
  const message: Message = {
    input: node.inputs,
    output: node.outputs,
    opType: node.opType,
    attribute: Object.entries(node.attributes).map(([name, attribute]) => attributeMessage(name, attribute)),
  };
  if (node.name) message.name = node.name;
  if (node.domain) message.domain = node.domain;
  if (node.docString) message.docString = node.docString;
  return message;
}

function graphMessage(graph: OnnxGraph): Message {
  const message: Message = {
    name: graph.name,
    node: graph.nodes.map(nodeMessage),
    initializer: graph.initializers.map(tensorMessage),
    input: graph.inputs.map(valueInfoMessage),
    output: graph.outputs.map(valueInfoMessage),
    valueInfo: graph.valueInfo.map(valueInfoMessage),
  };
  if (graph.docString) message.docString = graph.docString;
  return message;
}

/** The `.onnx` bytes of `model` (ONNX ModelProto, tensors as raw_data). */
export function encodeModel(model: OnnxModel): Uint8Array {
  const message: Message = {
    irVersion: model.irVersion,
    opsetImport: model.opsetImports.map(({ domain, version }) => ({ domain, version })),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    domain: model.domain,
    modelVersion: model.modelVersion,
    docString: model.docString,
    graph: graphMessage(model.graph),
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
  };
  return modelProtoType().encode(message).finish();
}
