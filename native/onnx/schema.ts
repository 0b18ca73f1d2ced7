/**
 * The ONNX protobuf messages Loupe reads and writes, as a protobufjs descriptor object rather than a
 * .proto file so that bundling needs no file at run time. Field numbers and packing are onnx/onnx.proto's
 * (proto2). Only what Loupe uses is declared: on decode, fields outside this list (sparse tensors,
 * training info, local functions, sequence and map types) are skipped, so re-encoding a decoded model
 * drops them.
 */
import protobuf from 'protobufjs';

type Fields = Record<string, { type: string; id: number; rule?: 'repeated'; options?: { packed: boolean } }>;

const one = (type: string, id: number) => ({ type, id });
const many = (type: string, id: number) => ({ type, id, rule: 'repeated' as const });
const packed = (type: string, id: number) => ({ type, id, rule: 'repeated' as const, options: { packed: true } });
const unpacked = (type: string, id: number) => ({ type, id, rule: 'repeated' as const, options: { packed: false } });

const attributeProto: Fields = {
  name: one('string', 1),
  refAttrName: one('string', 21),
  docString: one('string', 13),
  type: one('AttributeType', 20),
  f: one('float', 2),
  i: one('int64', 3),
  s: one('bytes', 4),
  t: one('TensorProto', 5),
  g: one('GraphProto', 6),
  floats: unpacked('float', 7),
  ints: unpacked('int64', 8),
  strings: many('bytes', 9),
  tensors: many('TensorProto', 10),
  graphs: many('GraphProto', 11),
};

const descriptor: protobuf.INamespace = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: attributeProto,
          nested: {
            AttributeType: {
              values: {
                UNDEFINED: 0,
                FLOAT: 1,
                INT: 2,
                STRING: 3,
                TENSOR: 4,
                GRAPH: 5,
                FLOATS: 6,
                INTS: 7,
                STRINGS: 8,
                TENSORS: 9,
                GRAPHS: 10,
                SPARSE_TENSOR: 11,
                SPARSE_TENSORS: 12,
                TYPE_PROTO: 13,
                TYPE_PROTOS: 14,
              },
            },
          },
        },
        ValueInfoProto: {
          fields: { name: one('string', 1), type: one('TypeProto', 2), docString: one('string', 3) },
        },
        NodeProto: {
          fields: {
            input: many('string', 1),
            output: many('string', 2),
            name: one('string', 3),
            opType: one('string', 4),
            domain: one('string', 7),
            attribute: many('AttributeProto', 5),
            docString: one('string', 6),
          },
        },
        ModelProto: {
          fields: {
            irVersion: one('int64', 1),
            opsetImport: many('OperatorSetIdProto', 8),
            producerName: one('string', 2),
            producerVersion: one('string', 3),
            domain: one('string', 4),
            modelVersion: one('int64', 5),
            docString: one('string', 6),
            graph: one('GraphProto', 7),
            metadataProps: many('StringStringEntryProto', 14),
          },
        },
        StringStringEntryProto: {
          fields: { key: one('string', 1), value: one('string', 2) },
        },
        GraphProto: {
          fields: {
            node: many('NodeProto', 1),
            name: one('string', 2),
            initializer: many('TensorProto', 5),
            docString: one('string', 10),
            input: many('ValueInfoProto', 11),
            output: many('ValueInfoProto', 12),
            valueInfo: many('ValueInfoProto', 13),
          },
        },
        TensorProto: {
          fields: {
            dims: unpacked('int64', 1),
            dataType: one('int32', 2),
            floatData: packed('float', 4),
            int32Data: packed('int32', 5),
            stringData: many('bytes', 6),
            int64Data: packed('int64', 7),
            name: one('string', 8),
            docString: one('string', 12),
            rawData: one('bytes', 9),
            externalData: many('StringStringEntryProto', 13),
            dataLocation: one('DataLocation', 14),
            doubleData: packed('double', 10),
            uint64Data: packed('uint64', 11),
          },
          nested: { DataLocation: { values: { DEFAULT: 0, EXTERNAL: 1 } } },
        },
        TensorShapeProto: {
          fields: { dim: many('Dimension', 1) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: { dimValue: one('int64', 1), dimParam: one('string', 2), denotation: one('string', 3) },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: { tensorType: one('Tensor', 1), denotation: one('string', 6) },
          nested: {
            Tensor: { fields: { elemType: one('int32', 1), shape: one('TensorShapeProto', 2) } },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: one('string', 1), version: one('int64', 2) },
        },
      },
    },
  },
};

let modelProto: protobuf.Type | undefined;

/** The resolved `onnx.ModelProto` type (built once, on first use). */
export function modelProtoType(): protobuf.Type {
  modelProto ??= protobuf.Root.fromJSON(descriptor).lookupType('onnx.ModelProto');
  return modelProto;
}

/** AttributeProto.AttributeType codes (onnx.proto). */
export const ATTRIBUTE_TYPE_CODES = {
  float: 1,
  int: 2,
  string: 3,
  tensor: 4,
  graph: 5,
  floats: 6,
  ints: 7,
  strings: 8,
  tensors: 9,
  graphs: 10,
} as const;
