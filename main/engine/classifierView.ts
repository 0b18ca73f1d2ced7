/**
 * What a classifier sees of an image: its VIEW. Candidates — the whole image stretched to the
 * backbone's square input, the whole image letterboxed (aspect kept, padded with grey), the
 * central crop of 87.5 % of the shorter side, and for elongated images overlapping square tiles
 * along the long side at a higher resolution whose features are pooled (mean or max) or whose most
 * confident tile decides — each at the backbone's input side or a larger one (320, 448: the
 * backbone's outputs are pooled over the whole map, so any multiple of 32 runs) — are chosen by
 * validation inside the training data (see viewSearch.ts), never fixed in advance.
 *
 * Where each part lives, so that what is evaluated is what runs: decoding, cropping, stretching
 * and letterboxing happen in the pipeline in front of the model file (`prepareInput`, from the
 * view recorded in the file's metadata); cutting the tiles, mirroring, pooling the tiles' features
 * and averaging an image with its mirror happen inside the ONNX graph (`appendClassifier`), whose
 * input is then the whole tile strip.
 */
import { GraphBuilder, type OnnxGraph, type ValueRef } from '../../native/onnx';
import { decodeForModel } from '../../native/preprocess';
import type { ModelSpec, RgbPixels } from '../../native/models';
import type { HeadModel } from '../../native/train';

/** The view of models written before views were chosen: the central 87.5 % square. */
export const LEGACY_CROP = 0.875;
/** Longest side images are decoded at for square views (JPEGs shrink on load). */
const DECODE_SIDE = 512;
/** Images whose long side is at least this many times the short side (median over the training set) get tiled candidates. */
export const TILE_ASPECT = 1.6;
/** Images this much longer than wide (median) get a letterboxed candidate; below it, letterboxing is stretching. */
export const LETTERBOX_ASPECT = 1.15;
/** Tiles overlap: each starts at most this share of a tile after the previous one. */
const TILE_STEP = 0.75;
const MAX_TILES = 5;

export interface TileLayout {
  /** Tiles cut from the strip, evenly spaced from one end to the other. */
  count: number;
  /** The strip's long side in pixels (its short side is the backbone's input side). */
  length: number;
  along: 'width' | 'height';
  /**
   * How the tiles become one answer: their features averaged or their maximum taken (one head on
   * the pooled vector), or `confident`: the head scores every tile and the tile whose top score is
   * highest gives the image's scores.
   */
  pooling: 'mean' | 'max' | 'confident';
}

/** Input sides a classifier may run its backbone at, beyond the backbone's own (multiples of 32). */
export const LARGER_SIDES = [320, 448] as const;

export interface ClassifierView {
  /** crop: the central square of `crop` × the shorter side; stretch: each axis on its own; letterbox: aspect kept, padded. */
  fit: 'crop' | 'stretch' | 'letterbox';
  crop?: number;
  /** Set: the image is stretched to a strip of these tiles (fit is 'stretch'). */
  tiles?: TileLayout;
  /** The backbone's (square) input side the view is made for; absent: the backbone's own. Tiles are squares of this side. */
  side?: number;
  /** The backbone outputs the head reads, side by side in this order. */
  features: string[];
  /** The model averages each image's scores with its mirror's. */
  mirror: boolean;
}

/** The part of a view that decides the pixels (what a feature cache entry is keyed by). */
export type PixelView = Pick<ClassifierView, 'fit' | 'crop' | 'side'> & { tiles?: Omit<TileLayout, 'pooling'> };

/** A short name for the pixels of a view: the feature cache's key and the name shown for the choice. */
export function viewName(view: PixelView): string {
  if (view.tiles) return `tiles-${view.tiles.along === 'width' ? 'w' : 'h'}${view.tiles.count}x${view.tiles.length}`;
  if (view.fit === 'crop') return `crop${Math.round((view.crop ?? LEGACY_CROP) * 1000)}`;
  return view.fit;
}

/** The features cache's name for a view's pixels: its name, and the input side when it is not the backbone's. */
export function cacheName(view: PixelView): string {
  return view.side === undefined ? viewName(view) : `${viewName(view)}@${view.side}`;
}

/** The square side the backbone runs at for a view (the tiles' side). */
export function squareSide(view: Pick<PixelView, 'side' | 'tiles'>, input: ModelSpec['input']): number {
  return view.side ?? (view.tiles?.along === 'height' ? input.width : input.height);
}

/** The backbone's spec with its input made `side` pixels square (the spec itself when unchanged). */
export function specAt(spec: ModelSpec, side: number | undefined): ModelSpec {
  if (side === undefined || (side === spec.input.width && side === spec.input.height)) return spec;
  return { ...spec, input: { ...spec.input, width: side, height: side } };
}

/**
 * The same view for a backbone input of `side` pixels (from one made for `from`): a tile strip
 * keeps its tiles and grows in proportion.
 */
export function viewAtSide(view: PixelView, side: number, from: number): PixelView {
  const tiles = view.tiles ? { ...view.tiles, length: Math.round((view.tiles.length * side) / from) } : undefined;
  return { ...view, side, ...(tiles ? { tiles } : {}) };
}

/**
 * The larger input sides worth comparing for these images: those the images' median shorter side
 * reaches at least as far as the side (a view never enlarges its images only to look closer).
 */
export function candidateSides(sizes: readonly { width: number; height: number }[], input: ModelSpec['input']): number[] {
  if (sizes.length === 0 || input.width !== input.height) return [];
  const shorter = sizes.map((s) => Math.min(s.width, s.height)).sort((a, b) => a - b);
  const median = shorter[Math.floor(shorter.length / 2)]!;
  return LARGER_SIDES.filter((side) => side > input.width && median >= side);
}

/** The size of the model file's input for a view: the backbone's square, or the tile strip. */
export function inputSize(view: PixelView, input: ModelSpec['input']): { width: number; height: number } {
  const side = view.side;
  if (!view.tiles) return side === undefined ? { width: input.width, height: input.height } : { width: side, height: side };
  return view.tiles.along === 'width' ? { width: view.tiles.length, height: side ?? input.height } : { width: side ?? input.width, height: view.tiles.length };
}

/** Decoded pixels exactly as the model file takes them for this view (its input size). */
export function prepareInput(source: string | Buffer, view: PixelView, input: ModelSpec['input'], mirror = false): Promise<RgbPixels> {
  const size = inputSize(view, input);
  const maxSide = Math.max(DECODE_SIDE, Math.ceil(Math.max(size.width, size.height) * 2));
  return decodeForModel(source, {
    ...size,
    maxSide,
    mirror,
    ...(view.fit === 'crop' ? { crop: view.crop ?? LEGACY_CROP } : {}),
    fit: view.fit === 'letterbox' ? 'contain' : 'fill',
  });
}

/** Where each tile starts along the strip's long side (pixels). */
export function tileOffsets(tiles: Pick<TileLayout, 'count' | 'length'>, side: number): number[] {
  if (tiles.count === 1) return [0];
  return Array.from({ length: tiles.count }, (_, i) => Math.round(((tiles.length - side) * i) / (tiles.count - 1)));
}

/** The backbone-sized squares of a prepared strip (or the image itself when the view has no tiles). */
export function cutTiles(image: RgbPixels, view: PixelView, input: ModelSpec['input']): RgbPixels[] {
  if (!view.tiles) return [image];
  const side = squareSide(view, input);
  return tileOffsets(view.tiles, side).map((offset) => {
    const out = new Uint8Array(side * side * 3);
    for (let y = 0; y < side; y++) {
      const sy = view.tiles!.along === 'height' ? y + offset : y;
      const sx = view.tiles!.along === 'width' ? offset : 0;
      const from = (sy * image.width + sx) * 3;
      out.set(image.data.subarray(from, from + side * 3), y * side * 3);
    }
    return { data: out, width: side, height: side };
  });
}

/**
 * The views worth comparing for a training set, from its images' sizes: the three whole-image
 * views (letterboxing only when the images are not square enough for it to differ from
 * stretching), and for elongated images a tile strip in their usual orientation.
 */
export function candidateViews(sizes: readonly { width: number; height: number }[], input: ModelSpec['input']): PixelView[] {
  const views: PixelView[] = [{ fit: 'stretch' }, { fit: 'crop', crop: LEGACY_CROP }];
  if (sizes.length === 0 || input.width !== input.height) return views;
  const aspects = sizes.map((s) => Math.max(s.width, s.height) / Math.min(s.width, s.height)).sort((a, b) => a - b);
  const median = aspects[Math.floor(aspects.length / 2)]!;
  if (median >= LETTERBOX_ASPECT) views.push({ fit: 'letterbox' });
  if (median >= TILE_ASPECT) {
    const wide = sizes.filter((s) => s.width > s.height).length;
    const along = wide * 2 >= sizes.length ? 'width' : 'height';
    const side = input.width;
    const length = Math.round(side * Math.min(median, 1 + TILE_STEP * (MAX_TILES - 1)));
    const count = Math.min(MAX_TILES, Math.ceil((length - side) / (side * TILE_STEP)) + 1);
    views.push({ fit: 'stretch', tiles: { count, length, along } });
  }
  return views;
}

/**
 * The backbone graph with a classifier on top, as one model: input `inputName` at the view's size
 * (the tile strip, or the backbone's square), output `scores` [batch, classes]. In the graph: the
 * image and (with `view.mirror`) its mirror become one batch, each is cut into tiles, the backbone
 * runs on all of them, the chosen feature outputs are joined, the tiles' features pooled, the head
 * scores each view and the scores of an image and its mirror are averaged. `extraScores`, when
 * given, turns the head's per-view scores into the final per-view scores (a blend with another
 * head).
 */
export function appendClassifier(
  base: OnnxGraph,
  spec: ModelSpec,
  view: ClassifierView,
  head: HeadModel,
  classes: number,
  extraScores?: (builder: GraphBuilder, features: ValueRef, scores: ValueRef) => ValueRef,
): GraphBuilder {
  const inputName = spec.input.name;
  const inner = `${inputName}_tiles`;
  const size = inputSize(view, spec.input);
  const side = squareSide(view, spec.input);
  const nhwc = spec.input.layout === 'NHWC';
  const builder = new GraphBuilder('loupe', {
    ...base,
    outputs: [],
    inputs: base.inputs.map((value) =>
      value.name === inputName ? { ...value, shape: nhwc ? ['batch', size.height, size.width, 3] : ['batch', 3, size.height, size.width] } : value,
    ),
    nodes: base.nodes.map((node) => ({ ...node, inputs: node.inputs.map((i) => (i === inputName ? inner : i)) })),
  });
  const widthAxis = nhwc ? 2 : 3;
  const heightAxis = nhwc ? 1 : 2;
  let images = builder.value(inputName);
  if (view.mirror) {
    const mirrored = builder.op('Slice', [
      images,
      builder.int64('mirror_starts', [-1]),
      builder.int64('mirror_ends', [-(2 ** 62)]),
      builder.int64('mirror_axes', [widthAxis]),
      builder.int64('mirror_steps', [-1]),
    ]);
    images = builder.op('Concat', [images, mirrored], { axis: 0 });
  }
  const offsets = view.tiles ? tileOffsets(view.tiles, side) : [0];
  if (view.tiles) {
    const axis = view.tiles.along === 'width' ? widthAxis : heightAxis;
    const tiles = offsets.map((offset, i) =>
      builder.op('Slice', [
        images,
        builder.int64(`tile${i}_starts`, [offset]),
        builder.int64(`tile${i}_ends`, [offset + side]),
        builder.int64(`tile${i}_axes`, [axis]),
      ]),
    );
    builder.op('Concat', tiles, { axis: 0 }, { outputs: [inner] });
  } else {
    builder.op('Identity', [images], {}, { outputs: [inner] });
  }
  let features =
    view.features.length === 1 ? builder.value(view.features[0]!) : builder.op('Concat', view.features.map((name) => builder.value(name)), { axis: 1 });
  const dims = view.features.reduce((sum, name) => sum + spec.outputs.find((o) => o.name === name)!.size, 0);
  const confident = view.tiles?.pooling === 'confident';
  if (view.tiles && !confident) {
    // Tile-major batch: [tiles, views × images, D] → pooled over the tiles.
    const perTile = builder.op('Reshape', [features, builder.int64('tiles_shape', [offsets.length, -1, dims])]);
    features = builder.op(view.tiles.pooling === 'max' ? 'ReduceMax' : 'ReduceMean', [perTile], { axes: [0], keepdims: 0 });
  }
  let perView = head.toInferenceGraph(builder, features);
  if (extraScores) perView = extraScores(builder, features, perView);
  if (confident) {
    // Every tile scored: [tiles, views × images, C]; the tile whose top score is highest answers
    // (tiles tied for it are averaged).
    const perTile = builder.op('Reshape', [perView, builder.int64('tile_scores_shape', [offsets.length, -1, classes])]);
    const top = builder.op('ReduceMax', [perTile], { axes: [2], keepdims: 1 });
    const best = builder.op('ReduceMax', [top], { axes: [0], keepdims: 1 });
    const chosen = builder.op('Cast', [builder.op('Equal', [top, best])], { to: 1 });
    perView = builder.op('Div', [
      builder.op('ReduceMean', [builder.op('Mul', [perTile, chosen])], { axes: [0], keepdims: 0 }),
      builder.op('ReduceMean', [chosen], { axes: [0], keepdims: 0 }),
    ]);
  }
  const scores = view.mirror
    ? builder.op('ReduceMean', [builder.op('Reshape', [perView, builder.int64('views_shape', [2, -1, classes])])], { axes: [0], keepdims: 0 })
    : perView;
  builder.output(scores, 'float32', ['batch', classes], 'scores');
  return builder;
}
