/**
 * A trained version's model file as a SERVING GRAPH for engines that only run ONNX (Triton, KServe,
 * OpenVINO Model Server): uint8 HWC RGB images in, any height × width, a batch of one size per call,
 * and Loupe's answer out, with nothing to do on the client but decode the image.
 *
 * The graph is the version's model.onnx unchanged, with what Loupe does around it added as ONNX
 * nodes in front and behind:
 * - in front, what classifierView.ts `prepareInput` (classifiers: central crop, stretch or
 *   letterbox) and native/models `toModelBatch` (the resize, channel order, scale, mean, std, layout)
 *   do. The resize is Loupe's own triangle filter (native/models modelInput.ts `taps`: bilinear with
 *   half-pixel centres, the triangle widened by the shrink factor when shrinking) written as two
 *   weight matrices built from the image's size in the graph, so it is the same arithmetic;
 * - behind, for detectors, native/detect `decodeDetections`: peaks (a cell equal to the maximum of
 *   its 3 × 3 neighbourhood) at or above `minScore`, the best `topK`, boxes clipped to the image,
 *   per-class NMS (ONNX NonMaxSuppression, suppressing above `nmsIou` as Loupe does), in score order.
 *
 * Where Loupe's app differs, and the export says so in loupe.json (`servingContract`): the app
 * decodes large images smaller first (JPEG shrink-on-load, native/preprocess `decodeRgb` maxSide),
 * and a classifier's crop / stretch / letterbox resize is libvips' linear kernel to 8 bits, where the
 * graph resamples once in float. Images already at the size the view reads (`nativeSize`) go through
 * both unchanged, which is how the export's parity check compares them exactly. A tiled detector's
 * graph takes TILES (each one an image: the graph is the same), and the tiling around it — decode at
 * the tiles' scale, grid, cut, merge — is stated in `contract.tiling` with a reference implementation
 * (tiledServing.ts: the merge is a sequential loop, not an ONNX graph without a Loop subgraph).
 * Anomaly models: the whole image stretched to the view, then `anomaly_score`, `is_anomalous`, `anomaly_map`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildModel, decodeModel, encodeModel, GraphBuilder, type OnnxGraph, type ValueRef } from '../../native/onnx';
import { LETTERBOX_GREY } from '../../native/preprocess';
import { codedError } from '../errors';
import { LEGACY_CROP, inputSize, type ClassifierView } from './classifierView';
import type { AnomalyMetadata } from './anomalyEngine';
import { tilingContract } from './tiledServing';
import { MODEL_FILE, type ClassifierMetadata, type DetectorMetadata, type ModelMetadata } from './modelFile';

export interface TensorSpec {
  name: string;
  datatype: 'UINT8' | 'FP32' | 'INT32' | 'INT64' | 'BOOL';
  /** -1 = dynamic; the batch dimension first. */
  shape: number[];
}

export interface ServingGraph {
  onnx: Uint8Array;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  labels: string[];
  maxBatchSize: number;
  useCase: 'classification' | 'multi-label' | 'detection' | 'anomaly';
  /** The model file's metadata (labels, thresholds, view, detection settings; an anomaly model's view and threshold). */
  metadata: ModelMetadata | AnomalyMetadata;
  /** The image size the app's pipeline reads without resampling (see the header): parity images have it. */
  nativeSize: { width: number; height: number };
  /** How the graph turns an image into Loupe's answer, in words and numbers (for loupe.json and the README). */
  contract: Record<string, unknown>;
}

/** The serving graph's one input: a batch of HWC RGB images, all of one size. */
export const IMAGE_INPUT = 'image';
/** The largest batch the exported config lets Triton form (dynamic batching joins requests up to it). */
export const MAX_BATCH_SIZE = 16;
const P = 'serving/';

/** A name Triton accepts for a model folder: characters outside [A-Za-z0-9_.-] become '_'. */
export function servingModelName(projectName: string, versionName: string): string {
  return `${projectName}-${versionName}`.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** The serving graph of the model file in `modelDir` (its model.onnx with Loupe metadata). */
export async function buildServingGraph(modelDir: string): Promise<ServingGraph> {
  return servingGraphOf(await readFile(join(modelDir, MODEL_FILE)));
}

/** The serving graph of model-file bytes. */
export function servingGraphOf(bytes: Uint8Array): ServingGraph {
  const model = decodeModel(bytes);
  const raw = model.metadata.loupe;
  if (!raw) throw codedError('InvalidParameterException', 'ModelFileNotLoupe');
  const metadata = JSON.parse(raw) as ModelMetadata | AnomalyMetadata;
  if (metadata.useCase !== 'IMAGE_LEVEL_LABELS' && metadata.useCase !== 'OBJECT_LOCALIZATION' && metadata.useCase !== 'ANOMALY_DETECTION') {
    throw codedError('InvalidParameterException', 'UseCaseNotServable', { useCase: String((metadata as { useCase?: unknown }).useCase) });
  }
  const spec = metadata.input;
  const b = new GraphBuilder('serving_pre');
  const image = b.input(IMAGE_INPUT, 'uint8', ['batch', 'height', 'width', 3]);
  const shape = b.op('Shape', [image]);
  let height = b.op('Gather', [shape, b.int64(`${P}h_at`, 1)]);
  let width = b.op('Gather', [shape, b.int64(`${P}w_at`, 2)]);
  let pixels = b.op('Cast', [image], { to: 1 });
  let target: { width: number; height: number };
  let fit: 'stretch' | 'letterbox' = 'stretch';
  let contract: Record<string, unknown>;
  let nativeSize: { width: number; height: number };
  if (metadata.useCase === 'IMAGE_LEVEL_LABELS') {
    const view: ClassifierView = metadata.view ?? { fit: 'crop', crop: LEGACY_CROP, features: [], mirror: true };
    target = inputSize(view, spec);
    nativeSize = target;
    if (view.fit === 'crop') {
      const share = view.crop ?? LEGACY_CROP;
      const cropped = centralSquare(b, pixels, height, width, share);
      pixels = cropped.pixels;
      height = cropped.side;
      width = cropped.side;
      nativeSize = cropNativeSize(target.width, share);
    }
    if (view.fit === 'letterbox') fit = 'letterbox';
    contract = {
      view: { fit: view.fit, ...(view.fit === 'crop' ? { crop: view.crop ?? LEGACY_CROP } : {}), ...(view.tiles ? { tiles: view.tiles } : {}), mirror: view.mirror },
    };
  } else if (metadata.useCase === 'OBJECT_LOCALIZATION') {
    target = { width: spec.width, height: spec.height };
    nativeSize = target;
    contract = { detection: { ...metadata.detection }, ...(metadata.detection.tiling ? { tiling: tilingContract(metadata) } : {}) };
  } else {
    // anomalyEngine.ts viewPixels: the whole image stretched to the view.
    target = metadata.view;
    nativeSize = target;
    contract = { anomaly: { view: metadata.view, threshold: metadata.threshold, thresholdSource: metadata.thresholdSource, normalMedian: metadata.normalMedian, verdict: 'anomalous when anomaly_score ≥ threshold' } };
  }
  let nchw = fit === 'letterbox' ? letterbox(b, pixels, height, width, target) : resize(b, pixels, height, width, target);
  nchw = normalise(b, nchw, spec);
  // The model's own input becomes an inner value (its name may well be 'image' too).
  const modelInput = `${P}model_input`;
  const final = spec.layout === 'NHWC' ? b.op('Transpose', [nchw], { perm: [0, 2, 3, 1] }, { outputs: [modelInput] }) : b.op('Identity', [nchw], {}, { outputs: [modelInput] });
  b.output(final, 'float32', undefined);
  const pre = b.build();

  const base = model.graph;
  const combined: OnnxGraph = {
    name: 'loupe_serving',
    nodes: [...pre.nodes, ...base.nodes.map((node) => ({ ...node, inputs: node.inputs.map((name) => (name === spec.name ? modelInput : name)) }))],
    initializers: [...pre.initializers, ...base.initializers],
    inputs: pre.inputs,
    outputs: [],
    valueInfo: base.valueInfo.filter((info) => info.name !== spec.name),
  };
  const g = new GraphBuilder('loupe_serving', combined);
  let outputs: TensorSpec[];
  if (metadata.useCase === 'ANOMALY_DETECTION') {
    outputs = appendAnomaly(g, metadata);
  } else if (metadata.useCase === 'IMAGE_LEVEL_LABELS') {
    const classes = metadata.labels.length;
    g.output(g.value(metadata.output), 'float32', ['batch', classes], 'scores');
    outputs = [{ name: 'scores', datatype: 'FP32', shape: [-1, classes] }];
  } else {
    outputs = appendDecode(g, g.value(metadata.output), metadata);
  }
  const serving = buildModel(g, {
    opset: model.opsetImports.find((o) => o.domain === '')?.version ?? 17,
    extraOpsets: model.opsetImports.filter((o) => o.domain !== ''),
    irVersion: model.irVersion,
    docString: 'Loupe serving graph: uint8 HWC RGB images in, the model\'s answer out.',
    metadata: { ...model.metadata },
  });
  return {
    onnx: encodeModel(serving),
    inputs: [{ name: IMAGE_INPUT, datatype: 'UINT8', shape: [-1, -1, -1, 3] }],
    outputs,
    labels: metadata.useCase === 'ANOMALY_DETECTION' ? ['anomaly'] : metadata.labels,
    maxBatchSize: MAX_BATCH_SIZE,
    useCase: useCaseOf(metadata),
    metadata,
    nativeSize,
    contract: {
      input: { name: IMAGE_INPUT, datatype: 'UINT8', layout: 'NHWC', colourOrder: 'RGB', shape: [-1, -1, -1, 3], note: 'One call takes images of one size; EXIF orientation is applied by the client before sending pixels.' },
      resize: {
        to: target,
        fit,
        kernel: 'triangle (bilinear), half-pixel centres, support widened to the shrink factor when shrinking, weights normalised per output pixel',
        ...(fit === 'letterbox' ? { padValue: LETTERBOX_GREY, placement: 'scale = min(W/w, H/h); size = round(w·scale) × round(h·scale); offset = floor((target − size) / 2)' } : {}),
      },
      normalisation: { layout: spec.layout, colourOrder: spec.colourOrder, scale: spec.scale, mean: spec.mean, std: spec.std, formula: 'value = (pixel × scale − mean[c]) / std[c]' },
      nativeSize,
      ...contract,
    },
  };
}

function useCaseOf(metadata: ClassifierMetadata | DetectorMetadata | AnomalyMetadata): ServingGraph['useCase'] {
  if (metadata.useCase === 'ANOMALY_DETECTION') return 'anomaly';
  if (metadata.useCase === 'OBJECT_LOCALIZATION') return 'detection';
  return metadata.multiLabel ? 'multi-label' : 'classification';
}

/** The image side whose central crop of `share` is exactly `side` (decodeForModel's centralSquare), so it is read unresampled. */
function cropNativeSize(side: number, share: number): { width: number; height: number } {
  for (let delta = 0; delta < 64; delta++) {
    for (const s of [Math.round(side / share) + delta, Math.round(side / share) - delta]) {
      if (s >= side && Math.max(1, Math.round(s * share)) === side) return { width: s, height: s };
    }
  }
  return { width: side, height: side };
}

const scalarInt = (b: GraphBuilder, name: string, value: number) => b.int64(b.uniqueName(`${P}${name}`), value);
const oneD = (b: GraphBuilder, v: ValueRef) => b.op('Unsqueeze', [v, b.int64(b.uniqueName(`${P}axes0`), [0])]);

/** decodeForModel's central square: side = max(1, round(min(h, w) × share)), offsets floor((dim − side) / 2). */
function centralSquare(b: GraphBuilder, pixels: ValueRef, height: ValueRef, width: ValueRef, share: number) {
  const short = b.op('Cast', [b.op('Min', [height, width])], { to: 1 });
  const rounded = b.op('Floor', [b.op('Add', [b.op('Mul', [short, b.float(`${P}crop_share`, share)]), b.float(`${P}half`, 0.5)])]);
  const side = b.op('Max', [b.op('Cast', [rounded], { to: 7 }), scalarInt(b, 'one', 1)]);
  const two = scalarInt(b, 'two', 2);
  const top = b.op('Div', [b.op('Sub', [height, side]), two]);
  const left = b.op('Div', [b.op('Sub', [width, side]), two]);
  const starts = b.op('Concat', [oneD(b, top), oneD(b, left)], { axis: 0 });
  const ends = b.op('Concat', [oneD(b, b.op('Add', [top, side])), oneD(b, b.op('Add', [left, side]))], { axis: 0 });
  return { pixels: b.op('Slice', [pixels, starts, ends, b.int64(`${P}crop_axes`, [1, 2])]), side };
}

/**
 * Loupe's resize weights along one axis as a matrix [out, in] (modelInput.ts `taps`): output pixel o
 * is centred at (o + 0.5) × in/out in the source; source pixel i weighs max(0, 1 − |i + 0.5 − centre| /
 * support), support = max(1, in/out); each row is normalised to sum 1.
 */
function taps(b: GraphBuilder, inSize: ValueRef, outSize: ValueRef): ValueRef {
  const inF = b.op('Cast', [inSize], { to: 1 });
  const outF = b.op('Cast', [outSize], { to: 1 });
  const scale = b.op('Div', [inF, outF]);
  const support = b.op('Max', [scale, b.float(b.uniqueName(`${P}one_f`), 1)]);
  const half = b.float(b.uniqueName(`${P}half_f`), 0.5);
  const zero = scalarInt(b, 'zero', 0);
  const step = scalarInt(b, 'step', 1);
  const o = b.op('Unsqueeze', [b.op('Cast', [b.op('Range', [zero, outSize, step])], { to: 1 }), b.int64(b.uniqueName(`${P}ax1`), [1])]);
  const i = b.op('Unsqueeze', [b.op('Cast', [b.op('Range', [zero, inSize, step])], { to: 1 }), b.int64(b.uniqueName(`${P}ax0`), [0])]);
  const centre = b.op('Mul', [b.op('Add', [o, half]), scale]);
  const distance = b.op('Abs', [b.op('Sub', [b.op('Add', [i, half]), centre])]);
  const weights = b.op('Relu', [b.op('Sub', [b.float(b.uniqueName(`${P}one_w`), 1), b.op('Div', [distance, support])])]);
  const total = b.op('ReduceSum', [weights, b.int64(b.uniqueName(`${P}sum_axis`), [1])], { keepdims: 1 });
  return b.op('Div', [weights, total]);
}

/** NHWC float pixels [N, h, w, 3] resized (horizontal pass, then vertical, as Loupe does) to NCHW [N, 3, outH, outW]. */
function resizeTo(b: GraphBuilder, pixels: ValueRef, height: ValueRef, width: ValueRef, outH: ValueRef, outW: ValueRef): ValueRef {
  const horizontal = b.op('Transpose', [taps(b, width, outW)], { perm: [1, 0] }); // [w, outW]
  const vertical = b.op('Transpose', [taps(b, height, outH)], { perm: [1, 0] }); // [h, outH]
  const rows = b.op('MatMul', [b.op('Transpose', [pixels], { perm: [0, 1, 3, 2] }), horizontal]); // [N, h, 3, outW]
  const columns = b.op('MatMul', [b.op('Transpose', [rows], { perm: [0, 2, 3, 1] }), vertical]); // [N, 3, outW, outH]
  return b.op('Transpose', [columns], { perm: [0, 1, 3, 2] }); // [N, 3, outH, outW]
}

function resize(b: GraphBuilder, pixels: ValueRef, height: ValueRef, width: ValueRef, target: { width: number; height: number }): ValueRef {
  return resizeTo(b, pixels, height, width, scalarInt(b, 'target_h', target.height), scalarInt(b, 'target_w', target.width));
}

/** sharp's `contain`: the image scaled to fit, round(w·scale) × round(h·scale), centred (floor) on grey. */
function letterbox(b: GraphBuilder, pixels: ValueRef, height: ValueRef, width: ValueRef, target: { width: number; height: number }): ValueRef {
  const hF = b.op('Cast', [height], { to: 1 });
  const wF = b.op('Cast', [width], { to: 1 });
  const scale = b.op('Min', [b.op('Div', [b.float(`${P}lb_tw`, target.width), wF]), b.op('Div', [b.float(`${P}lb_th`, target.height), hF])]);
  const round = (v: ValueRef, limit: number) =>
    b.op('Min', [b.op('Max', [b.op('Cast', [b.op('Floor', [b.op('Add', [b.op('Mul', [v, scale]), b.float(b.uniqueName(`${P}lb_half`), 0.5)])])], { to: 7 }), scalarInt(b, 'lb_min', 1)]), scalarInt(b, 'lb_max', limit)]);
  const outH = round(hF, target.height);
  const outW = round(wF, target.width);
  const resized = resizeTo(b, pixels, height, width, outH, outW);
  const two = scalarInt(b, 'lb_two', 2);
  const top = b.op('Div', [b.op('Sub', [scalarInt(b, 'lb_ih', target.height), outH]), two]);
  const left = b.op('Div', [b.op('Sub', [scalarInt(b, 'lb_iw', target.width), outW]), two]);
  const bottom = b.op('Sub', [b.op('Sub', [scalarInt(b, 'lb_ih2', target.height), outH]), top]);
  const right = b.op('Sub', [b.op('Sub', [scalarInt(b, 'lb_iw2', target.width), outW]), left]);
  const z = b.int64(`${P}lb_zeros`, [0, 0]);
  const pads = b.op('Concat', [z, oneD(b, top), oneD(b, left), z, oneD(b, bottom), oneD(b, right)], { axis: 0 });
  return b.op('Pad', [resized, pads, b.float(`${P}lb_grey`, LETTERBOX_GREY)], { mode: 'constant' });
}

/**
 * (pixel × scale − mean[c]) / std[c] on NCHW [N, 3, h, w], channel c read from pixel channel order[c].
 * As native/models toModelBatch computes it: pixel × gain + bias in double precision, rounded to float
 * once — so a pixel the graph reads unresampled gives the model bit for bit the app's input (in float
 * the two roundings differed by an ulp, which an anomaly model's distances near zero magnified).
 */
function normalise(b: GraphBuilder, nchw: ValueRef, spec: ModelMetadata['input']): ValueRef {
  const order = spec.colourOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const ordered = spec.colourOrder === 'RGB' ? nchw : b.op('Gather', [nchw, b.int64(`${P}bgr`, order)], { axis: 1 });
  const gain = b.initializer(`${P}gain`, Float64Array.from([0, 1, 2], (c) => spec.scale / spec.std[c]!), [1, 3, 1, 1]);
  const bias = b.initializer(`${P}bias`, Float64Array.from([0, 1, 2], (c) => -spec.mean[c]! / spec.std[c]!), [1, 3, 1, 1]);
  const wide = b.op('Cast', [ordered], { to: 11 });
  return b.op('Cast', [b.op('Add', [b.op('Mul', [wide, gain]), bias])], { to: 1 });
}

/**
 * An anomaly model's answer per image: `anomaly_score` [N, 1] (the model's score units: a distance, or with per-place scores a distance standardised per cell),
 * `is_anomalous` [N, 1] (score ≥ the model's threshold, as DetectAnomalies decides) and the model's
 * `anomaly_map` [N, 1, H, W] on the view's grid.
 */
function appendAnomaly(g: GraphBuilder, metadata: AnomalyMetadata): TensorSpec[] {
  const score = g.op('Reshape', [g.value(metadata.outputs.score), g.int64(`${P}score_shape`, [-1, 1])]);
  g.output(score, 'float32', ['batch', 1], 'anomaly_score');
  g.output(g.op('GreaterOrEqual', [score, g.float(`${P}threshold`, metadata.threshold)]), 'bool', ['batch', 1], 'is_anomalous');
  const { width, height } = metadata.view;
  g.output(g.value(metadata.outputs.map), 'float32', ['batch', 1, height, width]);
  return [
    { name: 'anomaly_score', datatype: 'FP32', shape: [-1, 1] },
    { name: 'is_anomalous', datatype: 'BOOL', shape: [-1, 1] },
    { name: metadata.outputs.map, datatype: 'FP32', shape: [-1, 1, height, width] },
  ];
}

/**
 * native/detect decodeDetections on [N, C + 4, H, W] as ONNX nodes: outputs `boxes` [N, K, 4]
 * (left, top, width, height as shares of the image, as the service's BoundingBox), `scores` [N, K],
 * `classes` [N, K] (label index, −1 past `count`), `count` [N, 1]; K = min(topK, C·H·W).
 */
function appendDecode(g: GraphBuilder, detections: ValueRef, metadata: DetectorMetadata): TensorSpec[] {
  const C = metadata.labels.length;
  const { mapWidth: W, mapHeight: H, minScore, topK, nmsIou } = metadata.detection;
  const plane = W * H;
  const K = Math.min(topK, C * plane);
  const i64 = (name: string, values: number | number[]) => g.int64(g.uniqueName(`${P}${name}`), values);
  const f32 = (name: string, value: number) => g.float(g.uniqueName(`${P}${name}`), value);
  const heat = g.op('Slice', [detections, i64('heat_start', [0]), i64('heat_end', [C]), i64('ch_axis', [1])]);
  const regression = g.op('Reshape', [g.op('Slice', [detections, i64('reg_start', [C]), i64('reg_end', [C + 4]), i64('ch_axis2', [1])]), i64('reg_shape', [0, 4, plane])]);
  const pooled = g.op('MaxPool', [heat], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] });
  const isPeak = g.op('And', [g.op('Equal', [heat, pooled]), g.op('GreaterOrEqual', [heat, f32('min_score', minScore)])]);
  const masked = g.op('Reshape', [g.op('Where', [isPeak, heat, f32('minus_one', -1)]), i64('flat_shape', [0, C * plane])]);
  const [peakScores, peakIndex] = g.opMulti('TopK', [masked, i64('k', [K])], 2, { axis: 1, largest: 1, sorted: 1 }) as [ValueRef, ValueRef];
  const cls = g.op('Div', [peakIndex, i64('plane', plane)]);
  const cell = g.op('Mod', [peakIndex, i64('plane2', plane)]);
  const x = g.op('Cast', [g.op('Mod', [cell, i64('map_w', W)])], { to: 1 });
  const y = g.op('Cast', [g.op('Div', [cell, i64('map_w2', W)])], { to: 1 });
  const cells = g.op('Expand', [g.op('Unsqueeze', [cell, i64('ax1', [1])]), i64('cells_shape', [1, 4, 1])]);
  const reg = g.op('GatherElements', [regression, cells], { axis: 2 }); // [N, 4, K]
  const channel = (c: number) => g.op('Squeeze', [g.op('Slice', [reg, i64(`r${c}_s`, [c]), i64(`r${c}_e`, [c + 1]), i64(`r${c}_a`, [1])]), i64(`r${c}_sq`, [1])]);
  const zero = f32('zero', 0);
  const one = f32('one', 1);
  const cx = g.op('Div', [g.op('Add', [x, channel(0)]), f32('map_wf', W)]);
  const cy = g.op('Div', [g.op('Add', [y, channel(1)]), f32('map_hf', H)]);
  const halfW = g.op('Mul', [g.op('Div', [g.op('Max', [channel(2), zero]), f32('map_wf2', W)]), f32('halve', 0.5)]);
  const halfH = g.op('Mul', [g.op('Div', [g.op('Max', [channel(3), zero]), f32('map_hf2', H)]), f32('halve2', 0.5)]);
  const left = g.op('Max', [g.op('Sub', [cx, halfW]), zero]);
  const top = g.op('Max', [g.op('Sub', [cy, halfH]), zero]);
  const right = g.op('Min', [g.op('Add', [cx, halfW]), one]);
  const bottom = g.op('Min', [g.op('Add', [cy, halfH]), one]);
  const width = g.op('Max', [g.op('Sub', [right, left]), zero]);
  const height = g.op('Max', [g.op('Sub', [bottom, top]), zero]);
  const valid = g.op('And', [g.op('Greater', [peakScores, zero]), g.op('And', [g.op('Greater', [width, zero]), g.op('Greater', [height, zero])])]);
  // Per-class NMS: each class sees its own candidates' scores, the others' as −1 (below the threshold 0).
  const classRange = g.int64(`${P}class_range`, Array.from({ length: C }, (_, c) => c), [1, C, 1]);
  const ofClass = g.op('And', [g.op('Equal', [g.op('Unsqueeze', [cls, i64('ax1b', [1])]), classRange]), g.op('Unsqueeze', [valid, i64('ax1c', [1])])]);
  const classScores = g.op('Where', [ofClass, g.op('Unsqueeze', [peakScores, i64('ax1d', [1])]), f32('minus_one2', -1)]); // [N, C, K]
  const corners = g.op('Concat', [top, left, bottom, right].map((v) => g.op('Unsqueeze', [v, i64('ax2', [2])])), { axis: 2 }); // [N, K, 4]
  const selected = g.op('NonMaxSuppression', [corners, classScores, i64('nms_max', [K]), g.float(`${P}nms_iou`, [nmsIou]), g.float(`${P}nms_score`, [0])], { center_point_box: 0 });
  const where = g.op('Gather', [selected, i64('nms_cols', [0, 2])], { axis: 1 }); // [M, 2]: batch, candidate
  const updates = g.op('Cast', [g.op('Gather', [selected, i64('nms_col0', 0)], { axis: 1 })], { to: 1 });
  const kept = g.op('ScatterND', [g.op('Mul', [peakScores, zero]), where, g.op('Add', [g.op('Mul', [updates, zero]), one])]); // [N, K] 1 = kept
  const isKept = g.op('Greater', [kept, zero]);
  const [finalScores, order] = g.opMulti('TopK', [g.op('Where', [isKept, peakScores, f32('minus_one3', -1)]), i64('k2', [K])], 2, { axis: 1, largest: 1, sorted: 1 }) as [ValueRef, ValueRef];
  const shown = g.op('Greater', [finalScores, zero]);
  const pick = (v: ValueRef) => g.op('GatherElements', [v, order], { axis: 1 });
  const boxes = g.op('Concat', [left, top, width, height].map((v) => g.op('Unsqueeze', [pick(v), i64('ax2b', [2])])), { axis: 2 });
  const shown3 = g.op('Unsqueeze', [shown, i64('ax2c', [2])]);
  g.output(g.op('Where', [shown3, boxes, zero]), 'float32', ['batch', K, 4], 'boxes');
  g.output(g.op('Where', [shown, finalScores, zero]), 'float32', ['batch', K], 'scores');
  g.output(g.op('Cast', [g.op('Where', [shown, pick(cls), i64('minus_one_i', -1)])], { to: 6 }), 'int32', ['batch', K], 'classes');
  g.output(g.op('Cast', [g.op('ReduceSum', [g.op('Cast', [isKept], { to: 6 }), i64('count_axis', [1])], { keepdims: 1 })], { to: 6 }), 'int32', ['batch', 1], 'count');
  return [
    { name: 'boxes', datatype: 'FP32', shape: [-1, K, 4] },
    { name: 'scores', datatype: 'FP32', shape: [-1, K] },
    { name: 'classes', datatype: 'INT32', shape: [-1, K] },
    { name: 'count', datatype: 'INT32', shape: [-1, 1] },
  ];
}
