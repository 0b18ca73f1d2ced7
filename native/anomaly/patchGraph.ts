/**
 * The anomaly model as ONNX graphs (PatchCore, Roth et al. 2022), so that training, evaluation and
 * analysis run the same operators:
 *
 *   features  backbone maps F_l [B, C_l, h_l, w_l] (NCHW values inside the backbone graph) →
 *             3 × 3 local average (stride 1, edges averaged over what exists) → each resized
 *             (bilinear) to the finest map's h × w → concatenated [B, ΣC, h, w] → rows
 *             [B, h·w, ΣC] · R [ΣC, D − 2] (a fixed random projection), then each cell's place
 *             (x, y in 0–1) times a weight (0 where validation left the place out) = patches [B, P, D]
 *   scoring   d²(p, m) = |p|² + [p, 1]·[−2m; |m|²] against the memory bank M [K, D] (one MatMul
 *             with the bank stored as [−2Mᵀ; |m|²]), s(p) = √(|p|² + min_m of that) (ReduceMin, then
 *             the [B, P] term): the patch scores;
 *             p* = argmax_p s(p), m* = argmin_m d(p*, m), N = the 9 nearest bank rows of m* (m* first);
 *             image score = (1 − softmax_N(d(p*, ·))[m*]) · s(p*)   (PatchCore eq. 7),
 *             or (a validated candidate) the mean of the k highest s(p);
 *             per place (a validated candidate): s(p) first standardised against the held-out good
 *             images' scores at the same cell, z(p) = (s(p) − μ_p) / σ_p, the image score the
 *             highest z(p) or the mean of the k highest (a view of exactly the training view's size)
 *   map       s reshaped [B, 1, h, w], resized (bilinear) to the input's size, smoothed by a
 *             Gaussian (σ = 4 px, separable Conv)
 *
 * The input keeps free height and width: a view of any size the backbone's strides divide runs.
 */
import { attr, GraphBuilder, makeTensor, type OnnxModel, type ValueRef } from '../onnx';

export const PATCH_NAMES = { image: 'image', patches: 'patches', score: 'score', map: 'anomaly_map', patchScores: 'patch_scores' } as const;
/** How many bank neighbours of m* the re-weighting looks at (m* included), as PatchCore's code does. */
export const REWEIGHT_NEIGHBOURS = 9;
export const MAP_SIGMA_PX = 4;

export interface FeatureLayers {
  /** NCHW values of the backbone graph, finest first. */
  maps: string[];
  /** The concatenated channels (Σ C_l). */
  channels: number;
  /** R [channels, dims − 2] where `position` is set, else [channels, dims]; row-major. */
  projection: Float32Array;
  dims: number;
  /**
   * Where set (models since the place candidate), the last two of the `dims` are the patch's place
   * — its cell's centre (x, y) in 0–1 of the grid — times this weight (0: zeros, the place unused).
   */
  position?: number;
}

export interface Bank {
  /** M [size, dims], row-major. */
  rows: Float32Array;
  size: number;
  /** For each bank row its REWEIGHT_NEIGHBOURS nearest rows (itself first), [size, REWEIGHT_NEIGHBOURS]. */
  neighbours: Int32Array;
}

/** The backbone graph made to take `image` [batch, height, width, 3] (NHWC) or [batch, 3, height, width] of any size. */
function freeSizeBackbone(backbone: OnnxModel, inputName: string, layout: 'NHWC' | 'NCHW'): GraphBuilder {
  const graph = backbone.graph;
  const rename = (name: string) => (name === inputName ? PATCH_NAMES.image : name);
  return new GraphBuilder('loupe-anomaly', {
    ...graph,
    nodes: graph.nodes.map((node) => ({ ...node, inputs: node.inputs.map(rename) })),
    inputs: graph.inputs.map((input) =>
      input.name === inputName
        ? { ...input, name: PATCH_NAMES.image, shape: layout === 'NHWC' ? ['batch', 'height', 'width', 3] : ['batch', 3, 'height', 'width'] }
        : input,
    ),
    outputs: [],
    valueInfo: [],
  });
}

/** Adds the feature stage to `g`: patches [B, P, D] (named `outputName`) and the finest map's [h, w] as an int64 [2]. */
function addFeatures(g: GraphBuilder, layers: FeatureLayers, outputName: string = PATCH_NAMES.patches): { patches: ValueRef; gridSize: ValueRef } {
  const pooled = layers.maps.map((name) =>
    g.op('AveragePool', [g.value(name)], { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], count_include_pad: 0 }),
  );
  const slice = (value: ValueRef, from: number, to: number) => g.op('Slice', [g.op('Shape', [value]), g.int64(g.uniqueName('from'), [from]), g.int64(g.uniqueName('to'), [to])]);
  const gridSize = slice(pooled[0]!, 2, 4);
  const aligned = pooled.map((map, i) =>
    i === 0
      ? map
      : g.op('Resize', [map, null, null, g.op('Concat', [slice(map, 0, 2), gridSize], { axis: 0 })], {
          mode: 'linear',
          coordinate_transformation_mode: 'half_pixel',
        }),
  );
  const joined = aligned.length === 1 ? aligned[0]! : g.op('Concat', aligned, { axis: 1 });
  const rows = g.op('Reshape', [g.op('Transpose', [joined], { perm: [0, 2, 3, 1] }), g.int64(g.uniqueName('rows_shape'), [0, -1, layers.channels])]);
  const projected = layers.dims - (layers.position === undefined ? 0 : 2);
  const projection = g.initializer(g.uniqueName('projection'), layers.projection, [layers.channels, projected]);
  if (layers.position === undefined) return { patches: g.op('MatMul', [rows, projection], {}, { outputs: [outputName] }), gridSize };
  const features = g.op('MatMul', [rows, projection]);
  // Each cell's centre in 0–1 of the grid, (x, y), weighted, as [B, h·w, 2].
  const scalar = (from: number) => g.op('Squeeze', [g.op('Slice', [gridSize, g.int64(g.uniqueName('at'), [from]), g.int64(g.uniqueName('to'), [from + 1])]), g.int64(g.uniqueName('axes'), [0])]);
  const centres = (count: ValueRef) => {
    const total = g.op('Cast', [count], { to: 1 });
    const range = g.op('Range', [g.float(g.uniqueName('zero'), 0), total, g.float(g.uniqueName('step'), 1)]);
    return g.op('Mul', [g.op('Div', [g.op('Add', [range, g.float(g.uniqueName('half'), 0.5)]), total]), g.float(g.uniqueName('weight'), layers.position ?? 0)]);
  };
  const h = scalar(0);
  const w = scalar(1);
  const ys = g.op('Unsqueeze', [centres(h), g.int64(g.uniqueName('axes'), [1])]); // [h, 1]
  const xs = g.op('Unsqueeze', [centres(w), g.int64(g.uniqueName('axes'), [0])]); // [1, w]
  const hw = g.op('Concat', [g.op('Unsqueeze', [h, g.int64(g.uniqueName('axes'), [0])]), g.op('Unsqueeze', [w, g.int64(g.uniqueName('axes'), [0])])], { axis: 0 });
  const place = g.op('Concat', [g.op('Unsqueeze', [g.op('Expand', [xs, hw]), g.int64(g.uniqueName('axes'), [2])]), g.op('Unsqueeze', [g.op('Expand', [ys, hw]), g.int64(g.uniqueName('axes'), [2])])], { axis: 2 }); // [h, w, 2]
  const flat = g.op('Reshape', [place, g.int64(g.uniqueName('place_shape'), [1, -1, 2])]);
  const batched = g.op('Expand', [flat, g.op('Concat', [g.op('Slice', [g.op('Shape', [features]), g.int64(g.uniqueName('b0'), [0]), g.int64(g.uniqueName('b1'), [2])]), g.int64(g.uniqueName('place_dims'), [2])], { axis: 0 })]);
  return { patches: g.op('Concat', [features, batched], { axis: 2 }, { outputs: [outputName] }), gridSize };
}

export interface BankRefs {
  /**
   * [−2 Mᵀ; |m|²] [D + 1, K]: a patch with a 1 appended times this is −2 p·m + |m|², so that
   * d²(p, m) = |p|² + that, and the nearest row needs no other pass over the [B, P, K] distances.
   */
  augmented: ValueRef;
  /** [K, REWEIGHT_NEIGHBOURS] int64. */
  neighbours: ValueRef;
}

/**
 * How a model makes its image score from the patch scores; `perPlace`: from the patch scores
 * standardised against the good images' scores at the same place (PlaceStandard).
 */
export type ImageScore = { kind: 'max'; perPlace?: boolean } | { kind: 'top-mean'; topK: number; perPlace?: boolean };

/**
 * What good images score at each cell of the view: a patch score s at cell p becomes
 * (s − mean[p]) / scale[p] (scale > 0), so that a place where good parts vary counts less.
 */
export interface PlaceStandard {
  mean: Float32Array;
  scale: Float32Array;
}

/**
 * Adds the scoring stage: patch scores [B, P] and image scores [B] — PatchCore's re-weighted worst
 * patch, or with `topK` the mean of the topK highest patch scores. With `perPlace` the patch scores
 * are standardised per cell first, and the image score is the highest (or the topK mean) of those.
 */
export function addScoring(g: GraphBuilder, patches: ValueRef, bank: BankRefs, topK?: number, perPlace?: PlaceStandard): { patchScores: ValueRef; imageScores: ValueRef } {
  const squared = g.op('ReduceSum', [g.op('Mul', [patches, patches]), g.int64('sq_axes', [2])], { keepdims: 1 }); // [B, P, 1]
  // [patches, 1] · [−2 Mᵀ; |m|²] = d² − |p|² [B, P, K]: |p|² is added after the minimum (it does not depend on m).
  const ones = g.op('ConstantOfShape', [g.op('Shape', [squared])], { value: attr.tensor(makeTensor('one_column', new Float32Array([1]), [1])) });
  const partial = g.op('MatMul', [g.op('Concat', [patches, ones], { axis: 2 }), bank.augmented]);
  const nearest = g.op('Relu', [g.op('Add', [g.op('ReduceMin', [partial], { axes: [2], keepdims: 0 }), g.op('Squeeze', [squared, g.int64('sq_last', [2])])])]);
  const patchScores = perPlace
    ? g.op('Div', [g.op('Sub', [g.op('Sqrt', [nearest]), g.initializer('place_mean', perPlace.mean, [perPlace.mean.length])]), g.initializer('place_scale', perPlace.scale, [perPlace.scale.length])], {}, { outputs: [PATCH_NAMES.patchScores] })
    : g.op('Sqrt', [nearest], {}, { outputs: [PATCH_NAMES.patchScores] });
  if (topK !== undefined) {
    const [highest] = g.opMulti('TopK', [patchScores, g.int64('top_k', [topK])], 2, { axis: 1, largest: 1, sorted: 1 });
    return { patchScores, imageScores: g.op('ReduceMean', [highest!], { axes: [1], keepdims: 0 }, { outputs: [PATCH_NAMES.score] }) };
  }
  // Standardised per place, the highest cell (the re-weighting below reads raw distances).
  if (perPlace) return { patchScores, imageScores: g.op('ReduceMax', [patchScores], { axes: [1], keepdims: 0 }, { outputs: [PATCH_NAMES.score] }) };
  // The most anomalous patch, its nearest bank row m* and m*'s neighbourhood in the bank.
  const worst = g.op('ArgMax', [patchScores], { axis: 1, keepdims: 1 }); // [B, 1]
  const worstScore = g.op('ReduceMax', [patchScores], { axes: [1], keepdims: 0 }); // [B]
  const kShape = g.op('Slice', [g.op('Shape', [bank.augmented]), g.int64('k_from', [1]), g.int64('k_to', [2])]); // [K]
  const rowIndex = g.op('Expand', [g.op('Unsqueeze', [worst, g.int64('unsq2', [2])]), g.op('Concat', [g.op('Slice', [g.op('Shape', [worst]), g.int64('b_from', [0]), g.int64('b_to', [1])]), g.int64('one', [1]), kShape], { axis: 0 })]);
  // The worst patch's squared distances to every bank row: its row of the partial sums plus its |p|².
  const worstSquared = g.op('Squeeze', [g.op('GatherElements', [squared, g.op('Unsqueeze', [worst, g.int64('unsq_w', [2])])], { axis: 1 }), g.int64('sq_w', [1])]); // [B, 1]
  const row = g.op('Relu', [g.op('Add', [g.op('Squeeze', [g.op('GatherElements', [partial, rowIndex], { axis: 1 }), g.int64('sq1', [1])]), worstSquared])]); // [B, K]
  const nearestRow = g.op('ArgMin', [row], { axis: 1, keepdims: 0 }); // [B]
  const support = g.op('Gather', [bank.neighbours, nearestRow], { axis: 0 }); // [B, 9]
  const supportDistances = g.op('Sqrt', [g.op('GatherElements', [row, support], { axis: 1 })]);
  const softmax = g.op('Softmax', [supportDistances], { axis: 1 });
  const first = g.op('Squeeze', [g.op('Slice', [softmax, g.int64('f_from', [0]), g.int64('f_to', [1]), g.int64('f_axes', [1])]), g.int64('sqf', [1])]);
  const weight = g.op('Sub', [g.float('one_f', 1), first]);
  const imageScores = g.op('Mul', [weight, worstScore], {}, { outputs: [PATCH_NAMES.score] });
  return { patchScores, imageScores };
}

/** 1-D Gaussian taps of σ pixels, radius ⌈3σ⌉, summing to 1. */
export function gaussianTaps(sigma: number): Float32Array {
  const radius = Math.ceil(3 * sigma);
  const taps = Float32Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const sum = taps.reduce((a, b) => a + b, 0);
  return taps.map((t) => t / sum);
}

/** Adds the map stage: [B, 1, H, W] at the input's size. */
function addMap(g: GraphBuilder, patchScores: ValueRef, gridSize: ValueRef, layout: 'NHWC' | 'NCHW'): ValueRef {
  const image = g.value(PATCH_NAMES.image);
  const imageShape = g.op('Shape', [image]);
  const [hFrom, hTo] = layout === 'NHWC' ? [1, 3] : [2, 4];
  const inputSize = g.op('Slice', [imageShape, g.int64('in_from', [hFrom]), g.int64('in_to', [hTo])]);
  const batch = g.op('Slice', [imageShape, g.int64('ib_from', [0]), g.int64('ib_to', [1])]);
  const grid = g.op('Reshape', [patchScores, g.op('Concat', [batch, g.int64('one_c', [1]), gridSize], { axis: 0 })]);
  const full = g.op('Resize', [grid, null, null, g.op('Concat', [batch, g.int64('one_c2', [1]), inputSize], { axis: 0 })], {
    mode: 'linear',
    coordinate_transformation_mode: 'half_pixel',
  });
  const taps = gaussianTaps(MAP_SIGMA_PX);
  const radius = (taps.length - 1) / 2;
  const across = g.op('Conv', [full, g.initializer('blur_x', taps, [1, 1, 1, taps.length])], { pads: [0, radius, 0, radius] });
  // Edges: divide by the blur of ones so the border is not darkened by the zero padding.
  const ones = g.op('ConstantOfShape', [g.op('Shape', [full])], { value: attr.tensor(makeTensor('one_value', new Float32Array([1]), [1])) });
  const blur = (x: ValueRef) => g.op('Conv', [x, g.initializer(g.uniqueName('blur_y'), taps, [1, 1, taps.length, 1])], { pads: [radius, 0, radius, 0] });
  const weights = blur(g.op('Conv', [ones, g.value('blur_x')], { pads: [0, radius, 0, radius] }));
  return g.op('Div', [blur(across), weights], {}, { outputs: [PATCH_NAMES.map] });
}

/** Backbone → `patches_<i>` [batch, P_i, D] for each candidate layer set (what training embeds, one backbone pass for all). */
export function buildFeatureGraph(backbone: OnnxModel, inputName: string, layout: 'NHWC' | 'NCHW', candidates: readonly FeatureLayers[]): GraphBuilder {
  const g = freeSizeBackbone(backbone, inputName, layout);
  candidates.forEach((layers, i) => {
    const { patches } = addFeatures(g, layers, `${PATCH_NAMES.patches}_${i}`);
    g.output(patches, 'float32', ['batch', `patches_${i}`, layers.dims]);
  });
  return g;
}

/** Bank constants as initializers. */
function bankInitializers(g: GraphBuilder, bank: Bank, dims: number): BankRefs {
  const augmented = new Float32Array((dims + 1) * bank.size);
  for (let k = 0; k < bank.size; k++) {
    let sum = 0;
    for (let j = 0; j < dims; j++) {
      const v = bank.rows[k * dims + j]!;
      augmented[j * bank.size + k] = -2 * v;
      sum += v * v;
    }
    augmented[dims * bank.size + k] = sum;
  }
  return {
    augmented: g.initializer('bank_augmented', augmented, [dims + 1, bank.size]),
    neighbours: g.initializer('bank_neighbours', BigInt64Array.from(bank.neighbours, (i) => BigInt(i)), [bank.size, REWEIGHT_NEIGHBOURS]),
  };
}

/**
 * The whole model: image → score [batch], anomaly_map [batch, 1, H, W], patch_scores [batch, P],
 * patches [batch, P, D] (the patch features, which name an anomaly's class where the model has
 * classes; not fetched, they cost nothing).
 */
export function buildAnomalyGraph(backbone: OnnxModel, inputName: string, layout: 'NHWC' | 'NCHW', layers: FeatureLayers, bank: Bank, options: { topK?: number; perPlace?: PlaceStandard } = {}): GraphBuilder {
  const g = freeSizeBackbone(backbone, inputName, layout);
  const { patches, gridSize } = addFeatures(g, layers);
  const { patchScores, imageScores } = addScoring(g, patches, bankInitializers(g, bank, layers.dims), options.topK, options.perPlace);
  const map = addMap(g, patchScores, gridSize, layout);
  g.output(imageScores, 'float32', ['batch'], PATCH_NAMES.score);
  g.output(map, 'float32', ['batch', 1, 'height', 'width'], PATCH_NAMES.map);
  g.output(patchScores, 'float32', ['batch', 'patches'], PATCH_NAMES.patchScores);
  g.output(patches, 'float32', ['batch', 'patches', layers.dims]);
  return g;
}

/** The scoring stage's bank references from a bank given as a value M [K, D] (an input) and its neighbour table. */
export function bankRefs(g: GraphBuilder, bank: ValueRef, neighbours: ValueRef): BankRefs {
  const norms = g.op('ReduceSum', [g.op('Mul', [bank, bank]), g.int64('bank_axes', [1])], { keepdims: 1 }); // [K, 1]
  const augmented = g.op('Transpose', [g.op('Concat', [g.op('Mul', [bank, g.float('minus_two', -2)]), norms], { axis: 1 })], { perm: [1, 0] });
  return { augmented, neighbours };
}

/**
 * The scoring stage on its own, the bank an input: patches [B, P, D], bank [K, D], neighbours
 * [K, 9] int64 → patch_scores [B, P], score [B]. Training scores held-out folds with it.
 */
export function buildScoringGraph(dims: number): GraphBuilder {
  const g = new GraphBuilder('loupe-anomaly-scoring');
  const patches = g.input(PATCH_NAMES.patches, 'float32', ['batch', 'patches', dims]);
  const bank = g.input('bank', 'float32', ['bank', dims]);
  const neighbours = g.input('neighbours', 'int64', ['bank', REWEIGHT_NEIGHBOURS]);
  const { patchScores, imageScores } = addScoring(g, patches, bankRefs(g, bank, neighbours));
  g.output(imageScores, 'float32', ['batch'], PATCH_NAMES.score);
  g.output(patchScores, 'float32', ['batch', 'patches'], PATCH_NAMES.patchScores);
  return g;
}

/**
 * The graph that finds each row's nearest rows among `bank` (itself first): rows [N, D], bank [K, D]
 * → indices [N, count] int64 and squared distances [N, count]. Used for the bank's neighbour table.
 */
export function buildNeighbourGraph(dims: number, count: number): GraphBuilder {
  const g = new GraphBuilder('loupe-anomaly-neighbours');
  const rows = g.input('rows', 'float32', ['rows', dims]);
  const bank = g.input('bank', 'float32', ['bank', dims]);
  const rowNorms = g.op('ReduceSum', [g.op('Mul', [rows, rows]), g.int64('r_axes', [1])], { keepdims: 1 });
  const bankNorms = g.op('ReduceSum', [g.op('Mul', [bank, bank]), g.int64('b_axes', [1])], { keepdims: 0 });
  const cross = g.op('MatMul', [rows, g.op('Transpose', [bank], { perm: [1, 0] })]);
  const d2 = g.op('Relu', [g.op('Add', [g.op('Sub', [rowNorms, g.op('Mul', [cross, g.float('two', 2)])]), bankNorms])]);
  const [values, indices] = g.opMulti('TopK', [d2, g.int64('k', [count])], 2, { axis: 1, largest: 0, sorted: 1 });
  g.output(values!, 'float32', ['rows', count], 'distances');
  g.output(indices!, 'int64', ['rows', count], 'indices');
  return g;
}

