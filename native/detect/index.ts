/**
 * CenterNet-style object detection on a backbone's feature map: target encoding from boxes, training
 * of a 1×1-convolution head with the backbone's last blocks (finetune.ts), the head as ONNX nodes for
 * export, and decoding (peaks, top-K, per-class NMS, boxes back in image pixels). See README.md.
 */
import { buildModel, GraphBuilder, type OnnxModel, type ValueRef } from '../onnx';
import { iou, type BoxPx } from '../metrics';
import type { MapSize } from './tail';

export type { MapSize } from './tail';
export { findTail, tailBackward, tailForward, tailParameters, withTailWeights, withTunedBranch, type BackboneTail, type TailLayer, type TailParameter } from './tail';
export { buildTunedStepGraph, contextRows, regressionMedians, tailFeatureModel, trainTunedDetector, type TrainTunedDetectorOptions, type TunedDetector } from './finetune';
export { mirrorAveraged, withMirroredBatch } from './mirror';
export { MERGE_DEFAULTS, mergeTiledDetections, tileGrid, type MergeOptions, type Region, type TileDetections } from './tiles';
export { buildDetectionStepGraph, detectionStepModel, DETECT_PARAMETERS, DETECT_STEP_NAMES } from './graphs';

export type { BoxPx } from '../metrics';

export interface LabelledBox extends BoxPx {
  /** Index into the labels. */
  classIndex: number;
}

export interface DetectionTargets {
  /** [H·W, C]: Gaussian heatmap per class, 1 at each object's centre cell. */
  heatmap: Float32Array;
  /** [H·W, 4]: offset x, offset y, width, height (feature cells) at centre cells. */
  regression: Float32Array;
  /** [H·W]: 1 at centre cells. */
  mask: Float32Array;
  objects: number;
}

/**
 * Encode boxes of one image (image pixels; the image is stretched to the backbone's input, so the
 * map covers the whole image): a box's centre in map coordinates is (cx · W / imageWidth,
 * cy · H / imageHeight); its cell is the floor of that, its offset the fraction, its size the box's
 * size in the same units. Each object adds a Gaussian of σ = max(0.5, diagonal/6 in cells) around
 * its cell to its class's heatmap (the maximum where objects overlap).
 */
export function encodeTargets(boxes: readonly LabelledBox[], image: { width: number; height: number }, map: MapSize, classes: number): DetectionTargets {
  const cells = map.width * map.height;
  const heatmap = new Float32Array(cells * classes);
  const regression = new Float32Array(cells * 4);
  const mask = new Float32Array(cells);
  let objects = 0;
  const sx = map.width / image.width;
  const sy = map.height / image.height;
  for (const box of boxes) {
    const w = box.width * sx;
    const h = box.height * sy;
    if (!(w > 0 && h > 0)) continue;
    const cx = Math.min(map.width - 1e-3, Math.max(0, (box.left + box.width / 2) * sx));
    const cy = Math.min(map.height - 1e-3, Math.max(0, (box.top + box.height / 2) * sy));
    const i = Math.floor(cx);
    const j = Math.floor(cy);
    const sigma = Math.max(0.5, Math.hypot(w, h) / 6);
    for (let y = 0; y < map.height; y++) {
      for (let x = 0; x < map.width; x++) {
        const value = x === i && y === j ? 1 : Math.exp(-((x - i) ** 2 + (y - j) ** 2) / (2 * sigma * sigma));
        const at = (y * map.width + x) * classes + box.classIndex;
        if (value > heatmap[at]!) heatmap[at] = value;
      }
    }
    const cell = j * map.width + i;
    regression.set([cx - i, cy - j, w, h], cell * 4);
    mask[cell] = 1;
    objects++;
  }
  return { heatmap, regression, mask, objects };
}

export interface Detection extends BoxPx {
  classIndex: number;
  confidence: number;
}

export interface DecodeOptions {
  /** Peaks below this are dropped (default 0.05). */
  minScore?: number;
  /** At most this many peaks over all classes (default 100). */
  topK?: number;
  /** Per-class NMS IoU (default 0.5). */
  nmsIou?: number;
}

/**
 * Decode one image's head output, channel-major [C + 4, H, W] (heat probabilities, then offset x,
 * offset y, width, height in cells), into boxes in image pixels: peaks are cells that equal the
 * maximum of their 3×3 neighbourhood, the best topK are kept, boxes are clipped to the image, then
 * per-class NMS.
 */
export function decodeDetections(output: Float32Array, classes: number, map: MapSize, image: { width: number; height: number }, options: DecodeOptions = {}): Detection[] {
  const minScore = options.minScore ?? 0.05;
  const topK = options.topK ?? 100;
  const nmsIou = options.nmsIou ?? 0.5;
  const { width: W, height: H } = map;
  const plane = W * H;
  const peaks: { c: number; x: number; y: number; score: number }[] = [];
  for (let c = 0; c < classes; c++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const score = output[c * plane + y * W + x]!;
        if (score < minScore) continue;
        let peak = true;
        for (let dy = -1; dy <= 1 && peak; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
            if (output[c * plane + yy * W + xx]! > score) {
              peak = false;
              break;
            }
          }
        }
        if (peak) peaks.push({ c, x, y, score });
      }
    }
  }
  peaks.sort((a, b) => b.score - a.score);
  const sx = image.width / W;
  const sy = image.height / H;
  const candidates: Detection[] = peaks.slice(0, topK).map(({ c, x, y, score }) => {
    const cell = y * W + x;
    const cx = (x + output[classes * plane + cell]!) * sx;
    const cy = (y + output[(classes + 1) * plane + cell]!) * sy;
    const w = Math.max(0, output[(classes + 2) * plane + cell]!) * sx;
    const h = Math.max(0, output[(classes + 3) * plane + cell]!) * sy;
    const left = Math.max(0, cx - w / 2);
    const top = Math.max(0, cy - h / 2);
    const right = Math.min(image.width, cx + w / 2);
    const bottom = Math.min(image.height, cy + h / 2);
    return { classIndex: c, confidence: score, left, top, width: Math.max(0, right - left), height: Math.max(0, bottom - top) };
  });
  const kept: Detection[] = [];
  for (const candidate of candidates) {
    if (candidate.width <= 0 || candidate.height <= 0) continue;
    if (kept.some((other) => other.classIndex === candidate.classIndex && iou(other, candidate) > nmsIou)) continue;
    kept.push(candidate);
  }
  return kept;
}

/** A trained head: W [D, C + 4] (row-major), b [C + 4], on raw (not standardised) features. */
export interface DetectionHead {
  features: number;
  classes: number;
  W: Float32Array;
  b: Float32Array;
  /**
   * A second input the head also reads: a map of half the resolution (the backbone's stride-16
   * map under a stride-8 head), each of its cells standing for the 2 × 2 cells under it;
   * W [features, C + 4] on its raw values, added before the sigmoid.
   */
  context?: { features: number; W: Float32Array };
}

/** A row-major W [D, O] as a 1 × 1 Conv kernel [O, D, 1, 1]. */
function convKernel(W: Float32Array, features: number, outputs: number): Float32Array {
  const kernel = new Float32Array(outputs * features);
  for (let d = 0; d < features; d++) for (let o = 0; o < outputs; o++) kernel[o * features + d] = W[d * outputs + o]!;
  return kernel;
}

/**
 * The head as nodes on a feature map [B, D, H, W] (NCHW): a 1×1 Conv, Sigmoid on the heat
 * channels; returns [B, C + 4, H, W] in decodeDetections's channel order. With `head.context`,
 * `contextMap` [B, Dc, H/2, W/2] goes through its own 1×1 Conv, each cell repeated over the 2 × 2
 * cells under it (nearest, as contextRows does in training), and is added before the sigmoid.
 */
export function detectionHeadGraph(g: GraphBuilder, featureMap: ValueRef, head: DetectionHead, prefix = 'detect', contextMap?: ValueRef): ValueRef {
  const outputs = head.classes + 4;
  let conv = g.op('Conv', [featureMap, g.initializer(`${prefix}/W`, convKernel(head.W, head.features, outputs), [outputs, head.features, 1, 1]), g.initializer(`${prefix}/b`, head.b, [outputs])], { kernel_shape: [1, 1] });
  if (head.context) {
    if (!contextMap) throw new Error('the head reads a context map and none was given');
    const coarse = g.op('Conv', [contextMap, g.initializer(`${prefix}/context_W`, convKernel(head.context.W, head.context.features, outputs), [outputs, head.context.features, 1, 1])], { kernel_shape: [1, 1] });
    const fine = g.op('Resize', [coarse, null, g.initializer(`${prefix}/context_scales`, Float32Array.of(1, 1, 2, 2), [4])], {
      mode: 'nearest',
      coordinate_transformation_mode: 'asymmetric',
      nearest_mode: 'floor',
    });
    conv = g.op('Add', [conv, fine]);
  }
  const axis = g.int64(`${prefix}/axis1`, [1]);
  const heat = g.op('Sigmoid', [g.op('Slice', [conv, g.int64(`${prefix}/start`, [0]), g.int64(`${prefix}/classes`, [head.classes]), axis])]);
  const regression = g.op('Slice', [conv, g.int64(`${prefix}/classes2`, [head.classes]), g.int64(`${prefix}/end`, [outputs]), axis]);
  return g.op('Concat', [heat, regression], { axis: 1 });
}

/** A feature map [D, H, W] (channel-major, one image) as location-major rows [H·W, D]. */
export function toLocationRows(map: Float32Array, dims: number, cells: number): Float32Array {
  const out = new Float32Array(map.length);
  for (let d = 0; d < dims; d++) for (let c = 0; c < cells; c++) out[c * dims + d] = map[d * cells + c]!;
  return out;
}

export interface SpatialFeatures {
  /** The backbone with the feature map as its only output, named as asked. */
  model: OnnxModel;
  /** Which pooled output's map it is. */
  source: string;
  /** The map's value name inside the backbone graph ([B, D, H, W], NCHW). */
  value: string;
}

/**
 * The un-pooled map behind a backbone's pooled feature output: the converter writes a pooled output
 * as GlobalAveragePool → Flatten over an NCHW map, so the map is the pool's input. The first of
 * `pooledOutputs` found is used; undefined when none is.
 */
export function spatialFeatureModel(base: OnnxModel, pooledOutputs: readonly string[], outputName: string): SpatialFeatures | undefined {
  for (const source of pooledOutputs) {
    const flatten = base.graph.nodes.find((node) => node.outputs.includes(source));
    const pool = flatten && base.graph.nodes.find((node) => node.opType === 'GlobalAveragePool' && node.outputs.includes(flatten.inputs[0]!));
    if (!pool) continue;
    const value = pool.inputs[0]!;
    const builder = new GraphBuilder('feature_map', { ...base.graph, outputs: [] });
    builder.output(builder.value(value), 'float32', undefined, outputName);
    return { model: pruneModel(buildModel(builder, { metadata: base.metadata })), source, value };
  }
  return undefined;
}

/**
 * The map one stride finer than `featureValue` (stride 8 under a stride-16 map in MobileNetV2): walking
 * back from `featureValue` along each node's first data input, the first depthwise Conv with stride 2
 * (group = its output channels) halves the resolution; its input — through any Pad — is the finer map
 * (in MobileNetV2, block 6's 1 × 1 expand after its ReLU6, the input of the stride-8 → 16 step).
 * Undefined when the graph has no such step.
 */
export function finerFeatureValue(model: OnnxModel, featureValue: string): string | undefined {
  const producer = new Map<string, OnnxModel['graph']['nodes'][number]>();
  for (const node of model.graph.nodes) for (const output of node.outputs) producer.set(output, node);
  const initializers = new Set(model.graph.initializers.map((tensor) => tensor.name));
  const ints = (node: OnnxModel['graph']['nodes'][number], name: string) => {
    const attribute = node.attributes[name];
    return attribute?.type === 'ints' ? attribute.value : undefined;
  };
  const groups = (node: OnnxModel['graph']['nodes'][number]) => {
    const attribute = node.attributes.group;
    return attribute?.type === 'int' ? attribute.value : 1;
  };
  const dataInput = (node: OnnxModel['graph']['nodes'][number]) => node.inputs.find((name) => name && !initializers.has(name));
  let value: string | undefined = featureValue;
  for (let steps = 0; value !== undefined && steps < 10_000; steps++) {
    const node = producer.get(value);
    if (!node) return undefined;
    if (node.opType === 'Conv' && groups(node) > 1 && (ints(node, 'strides') ?? []).some((stride) => stride === 2)) {
      let finer = dataInput(node);
      while (finer !== undefined && producer.get(finer)?.opType === 'Pad') finer = dataInput(producer.get(finer)!);
      return finer;
    }
    value = dataInput(node);
  }
  return undefined;
}

/** The model without the nodes, initializers and inputs that none of its outputs needs. */
export function pruneModel(model: OnnxModel): OnnxModel {
  const { graph } = model;
  const needed = new Set(graph.outputs.map((output) => output.name));
  const kept: typeof graph.nodes = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (!node.outputs.some((output) => needed.has(output))) continue;
    kept.push(node);
    for (const input of node.inputs) if (input) needed.add(input);
  }
  kept.reverse();
  return {
    ...model,
    graph: {
      ...graph,
      nodes: kept,
      initializers: graph.initializers.filter((tensor) => needed.has(tensor.name)),
      inputs: graph.inputs.filter((input) => needed.has(input.name)),
      valueInfo: graph.valueInfo.filter((info) => needed.has(info.name)),
    },
  };
}

/**
 * The model with its image input declared at another spatial size (NHWC [batch, height, width, 3] or
 * NCHW [batch, 3, height, width]). Only sound for a fully convolutional graph whose padding does not
 * depend on the size: the converted backbones write TF's 'same' padding as explicit pads, which are
 * the same for every size whose feature maps stay even at each stride-2 step — multiples of 32.
 */
export function withInputSize(model: OnnxModel, inputName: string, layout: 'NHWC' | 'NCHW', width: number, height: number): OnnxModel {
  if (width % 32 !== 0 || height % 32 !== 0) throw new RangeError(`the input size must be a multiple of 32, not ${width} × ${height}`);
  return {
    ...model,
    graph: {
      ...model.graph,
      inputs: model.graph.inputs.map((input) => {
        if (input.name !== inputName) return input;
        const shape = input.shape ?? [];
        return { ...input, shape: layout === 'NHWC' ? [shape[0] ?? 'batch', height, width, shape[3] ?? 3] : [shape[0] ?? 'batch', shape[1] ?? 3, height, width] };
      }),
    },
  };
}
