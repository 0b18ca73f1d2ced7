/**
 * native/onnx — ONNX models as data: a graph builder, a protobuf writer and a reader. Used by the
 * TF.js converter, the training-step graphs and model export. No ONNX Runtime here (that is native/ort).
 */

/** GraphBuilder: input/initializer/float/int64/op/opMulti/output/build; attr.float/int/... for explicit attribute types. */
export { GraphBuilder, attr, buildModel, DEFAULT_IR_VERSION, DEFAULT_OPSET } from './graphBuilder';
export type { AttributeInput, InputRef, ModelOptions, OpOptions, ValueRef } from './graphBuilder';

/** encodeModel(model): the `.onnx` bytes (ModelProto, tensors as little-endian raw_data). */
export { encodeModel } from './encode';

/** decodeModel(bytes): the whole model; describeModel(bytes | path | model): inputs, outputs, initializer shapes, metadata. */
export { decodeModel, describeModel, OnnxDecodeError, type ModelDescription } from './decode';

/** makeTensor(name, typedArray, dims?, dtype?) / tensorValues(tensor): typed arrays in and out of tensors. */
export { dataTypeOfArray, elementCount, makeTensor, tensorValues, type TensorData } from './tensor';

export { DATA_TYPE_BYTES, DATA_TYPE_CODES, dataTypeOf } from './types';
export type { Dim, OnnxAttribute, OnnxDataType, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo, OpsetImport } from './types';
