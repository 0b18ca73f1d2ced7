/**
 * The text and binary files of an exported model repository (repository.ts): Triton's
 * config.pbtxt (protobuf text format of `inference.ModelConfig`), NumPy .npy tensors, KServe's
 * InferenceService and the README. Pure functions of the serving graph and names, so tests read
 * what the export writes.
 */
import type { TensorSpec } from '../engine/servingGraph';
import { TILES_REFERENCE_PY } from './tilesReference';

const TRITON_TYPES: Record<TensorSpec['datatype'], string> = { UINT8: 'TYPE_UINT8', FP32: 'TYPE_FP32', INT32: 'TYPE_INT32', INT64: 'TYPE_INT64', BOOL: 'TYPE_BOOL' };

export interface ConfigOptions {
  name: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  maxBatchSize: number;
  kind: 'KIND_CPU' | 'KIND_GPU';
  /** The output that holds a score per label, for Triton's classification extension (label_filename). */
  labelledOutput?: string;
  /** Height and width of the warm-up image. */
  warmup: { width: number; height: number };
}

/** Triton's config.pbtxt: dims without the batch dimension (max_batch_size > 0 makes it implicit). */
export function configPbtxt(options: ConfigOptions): string {
  const tensor = (spec: TensorSpec, extra = '') =>
    `  {\n    name: "${spec.name}"\n    data_type: ${TRITON_TYPES[spec.datatype]}\n    dims: [ ${spec.shape.slice(1).join(', ')} ]\n${extra}  }`;
  const image = options.inputs[0]!;
  return [
    `name: "${options.name}"`,
    'backend: "onnxruntime"',
    `max_batch_size: ${options.maxBatchSize}`,
    `input [\n${options.inputs.map((spec) => tensor(spec)).join(',\n')}\n]`,
    `output [\n${options.outputs.map((spec) => tensor(spec, spec.name === options.labelledOutput ? '    label_filename: "labels.txt"\n' : '')).join(',\n')}\n]`,
    'dynamic_batching {\n  max_queue_delay_microseconds: 2000\n}',
    `instance_group [\n  {\n    count: 1\n    kind: ${options.kind}\n  }\n]`,
    [
      'model_warmup [',
      '  {',
      '    name: "loupe-warmup"',
      '    batch_size: 1',
      '    inputs {',
      `      key: "${image.name}"`,
      '      value {',
      `        data_type: ${TRITON_TYPES[image.datatype]}`,
      `        dims: [ ${options.warmup.height}, ${options.warmup.width}, 3 ]`,
      '        zero_data: true',
      '      }',
      '    }',
      '  }',
      ']',
    ].join('\n'),
    '',
  ].join('\n');
}

const NPY_DESCR: Record<TensorSpec['datatype'], string> = { UINT8: '|u1', FP32: '<f4', INT32: '<i4', INT64: '<i8', BOOL: '|b1' };

/**
 * A NumPy .npy file (format version 1.0): the magic `\x93NUMPY`, version 1 0, a little-endian
 * uint16 header length, a Python dict literal padded with spaces to a multiple of 64 bytes and
 * ending in a newline, then the C-order data (numpy/lib/format.py documents the layout).
 */
export function npy(datatype: TensorSpec['datatype'], shape: readonly number[], data: ArrayBufferView): Buffer {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${NPY_DESCR[datatype]}', 'fortran_order': False, 'shape': ${dims}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (shape.reduce((n, d) => n * d, 1) * (datatype === 'UINT8' || datatype === 'BOOL' ? 1 : datatype === 'INT64' ? 8 : 4) !== body.length) {
    throw new Error(`npy: ${body.length} bytes do not hold ${datatype} [${shape.join(', ')}]`);
  }
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]);
}

/** KServe's InferenceService on its Triton runtime (Open Inference Protocol v2), loading only this model. */
export function kserveYaml(modelName: string, rootName: string): string {
  const service = modelName.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, 'm-').replace(/-+$/, '').slice(0, 60) || 'loupe-model';
  return [
    '# KServe InferenceService for this model repository. Copy this folder (the repository root) to',
    '# storage your cluster reads (a PVC, S3, GCS) and set storageUri to it.',
    'apiVersion: serving.kserve.io/v1beta1',
    'kind: InferenceService',
    'metadata:',
    `  name: ${service}`,
    'spec:',
    '  predictor:',
    '    model:',
    '      modelFormat:',
    '        name: onnx',
    '      protocolVersion: v2',
    '      runtime: kserve-tritonserver',
    `      storageUri: pvc://loupe-models/${rootName}`,
    '      args:',
    '        - --model-control-mode=explicit',
    `        - --load-model=${modelName}`,
    '',
  ].join('\n');
}

export interface ReadmeFacts {
  modelName: string;
  project: string;
  version: string;
  useCase: string;
  labels: string[];
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  nativeSize: { width: number; height: number };
  goldenCount: number;
  /** A tiled detector: the graph takes tiles, and loupe_tiles.py does the tiling around it. */
  tiled?: boolean;
}

/** The README at the repository root: what the model takes and gives, and how to run it elsewhere. */
export function readme(facts: ReadmeFacts): string {
  const { modelName: m } = facts;
  const tensors = (list: TensorSpec[]) => list.map((t) => `| \`${t.name}\` | ${t.datatype} | [${t.shape.join(', ')}] |`).join('\n');
  const detection = facts.useCase === 'detection';
  return `# ${facts.project} / ${facts.version} — a Triton model repository exported by Loupe

This folder is a model repository root: \`${m}/\` is the model (\`config.pbtxt\`, \`1/model.onnx\`,
\`labels.txt\`, \`loupe.json\`), \`golden/\` holds ${facts.goldenCount} test images with the outputs Loupe
computed, \`kserve.yaml\` is a KServe InferenceService. Use case: **${facts.useCase}**; labels, in output
order: ${facts.labels.map((l) => `\`${l}\``).join(', ')}.

## What goes in and what comes out

| input | type | shape (-1 = any) |
| --- | --- | --- |
${tensors(facts.inputs)}

| output | type | shape |
| --- | --- | --- |
${tensors(facts.outputs)}

Send decoded images: HWC, RGB, 8 bits, upright (apply EXIF orientation before), all images of one call the
same size. Resizing, cropping and normalisation happen inside the graph exactly as Loupe does them
(\`loupe.json\` → \`servingContract\`). Images of ${facts.nativeSize.width} × ${facts.nativeSize.height} pixels are read as
they are; Loupe's app shrinks very large images while decoding them, so for the same answers as the app
send images no larger than it reads (${detection ? 'shorter side at most the input side' : 'the native size above'}).
${
  detection
    ? `
\`boxes\` are left, top, width, height as shares of the image${facts.tiled ? ' (of the tile: this detector reads images by tiles, below)' : ''} (the service's BoundingBox), \`scores\` are
confidences in [0, 1], \`classes\` index \`labels.txt\` (−1 past \`count\`), \`count\` is the number of boxes.
A box is reported when its score is at least its label's threshold in \`loupe.json\` (\`thresholds.effective\`).
`
    : `
\`scores\` holds one score in [0, 1] per label (\`labels.txt\`); a label is present when its score is at least its
threshold in \`loupe.json\` (\`thresholds.effective\`).
`
}
${facts.tiled ? tiledSection(m) : ''}## Triton

\`golden/\` is not a model, so load the model by name:

\`\`\`sh
docker run --rm -p 8000:8000 -p 8001:8001 -v "$PWD":/models nvcr.io/nvidia/tritonserver:24.08-py3 \\
  tritonserver --model-repository=/models --model-control-mode=explicit --load-model=${m}
# on a GPU: add --gpus=all before the image and --model-config-name=gpu (configs/gpu.pbtxt) after it
\`\`\`

## KServe

Copy this folder where the cluster can read it, set \`storageUri\` in \`kserve.yaml\`, then
\`kubectl apply -f kserve.yaml\`.

## OpenVINO Model Server

\`\`\`sh
docker run --rm -p 9000:9000 -p 8000:8000 -v "$PWD/${m}":/model openvino/model_server:latest \\
  --model_path /model --model_name ${m} --port 9000 --rest_port 8000
\`\`\`

## A call (Open Inference Protocol v2, JSON)

A 2 × 2 grey image:

\`\`\`sh
curl -s localhost:8000/v2/models/${m}/infer -H 'Content-Type: application/json' -d '{
  "inputs": [{"name": "image", "datatype": "UINT8", "shape": [1, 2, 2, 3], "data": [128,128,128, 128,128,128, 128,128,128, 128,128,128]}]
}'
\`\`\`

## Checking a server against Loupe

Each \`golden/NNN/\` holds \`image.npy\` (the input) and one \`.npy\` per output as Loupe computed it. With
Python: \`onnxruntime.InferenceSession("${m}/1/model.onnx").run(None, {"image": numpy.load("golden/000/image.npy")})\`
gives the same values (scores within 1e-4, boxes within 1e-3).
`;
}

/** A tiled detector's README section: the graph takes tiles; the reference implementation of the rest, printed in full. */
function tiledSection(m: string): string {
  return `## Tiles: this detector reads an image by tiles

Loupe analyses an image with this model tile by tile: the graph above is the detector on ONE TILE (send
tiles as images; boxes come back as shares of the tile). The tiling around it — decode at the tiles' scale,
the tile grid, the cut, and the merge of the tiles' boxes — is stated with its numbers in \`loupe.json\`
(\`servingContract.tiling\`) and done by \`loupe_tiles.py\` (below, also beside this README). Its merge is a
sequential loop (a whole box replaces a cut-off fragment of itself), which an ONNX graph could only hold as a
Loop subgraph. Each \`golden/NNN/\` of this export also holds \`source_image.npy\` (the image as Loupe decoded
it at the tiles' scale), \`source_size.npy\` (the original width and height) and \`merged_*.npy\` (the answer:
boxes as shares of the image, scores, classes, count), and \`image.npy\` is its tiles.

\`\`\`python
import json, numpy, onnxruntime, loupe_tiles
session = onnxruntime.InferenceSession("${m}/1/model.onnx")
names = [o.name for o in session.get_outputs()]
run = lambda tiles: dict(zip(names, session.run(None, {"image": tiles})))
tiling = json.load(open("${m}/loupe.json"))["servingContract"]["tiling"]
width, height = numpy.load("golden/000/source_size.npy")
boxes, scores, classes = loupe_tiles.analyse(run, numpy.load("golden/000/source_image.npy"), int(width), int(height), tiling)
\`\`\`

\`\`\`python
${TILES_REFERENCE_PY}\`\`\`

`;
}
