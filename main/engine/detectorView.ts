/**
 * What a detector sees: the input side (224 or 320, the sizes the converted backbones run at with
 * the block structure the fine-tuning knows), and for images much larger than the input, tiles at
 * native resolution (training on crops around objects plus background crops; analysis by
 * overlapping tiles merged by NMS, native/detect tiles.ts).
 *
 * The training boxes' sizes propose (a rule: tiles when objects would shrink below SMALL_BOX_PX) and
 * name the views worth comparing (`alternatives`); detectionEngine.ts's view search decides among
 * them by mAP@0.5 on held-out training images. The sizes and the held-out scores are written on the
 * version as `choices` (candidates with the figure each was judged by).
 */
import type { ModelChoices } from './modelFile';
import type { Sample } from './engine';

/** The whole image at 224 (14 × 14 map) unless the median object spans fewer than SMALL_OBJECT_CELLS cells there; then 320 (20 × 20). */
export const INPUT_SIDES = [224, 320] as const;
/**
 * Measured with block 12 and the stride-16 expand fine-tuned: BCCD (median object side 0.18 of the
 * image) mAP@0.5 0.58 at 224, 0.65 at 320; raccoon (0.69) 0.71 at 224, 0.58 at 320.
 */
const SMALL_OBJECT_CELLS = 4;
const STRIDE = 16;
/** The finer map a view may read instead (DetectorView.featureStride). */
const FINE_STRIDE = 8;
/** A box should keep at least this many pixels along its shorter side at the model's input. */
export const SMALL_BOX_PX = 16;
/** Tiles are only worth their cost when the image is at least this many times the input's side (its shorter side). */
const LARGE_IMAGE = 1.25;
/** Tiles grow beyond native resolution only while the median box keeps this many pixels at the input. */
const TILE_BOX_PX = 32;
/** How much larger than that a tile may grow to save a row or column of tiles. */
const TILE_GROWTH = 1.15;
/**
 * The size rule decides alone, with no view fitted on held-out images, when its margin is clear:
 * the median box's shorter side at the input at least this factor away from SMALL_BOX_PX (and, for
 * the 224/320 choice, the median object this factor away from SMALL_OBJECT_CELLS), with three in
 * four boxes on the same side of SMALL_BOX_PX.
 */
const CLEAR_MARGIN = 2;

export interface DetectorView {
  /** The model's (square) input side, a multiple of 32. */
  side: number;
  /** Analyse by tiles of `side` pixels of the original image overlapping by `overlap` pixels; absent = the whole image stretched to the input. */
  tile?: { side: number; overlap: number };
  /**
   * 8: the head reads the backbone's stride-8 map (native/detect finerFeatureValue) with the blocks
   * under it fine-tuned, for boxes too small for the stride-16 map; absent = the stride-16 map.
   */
  featureStride?: 8;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

interface BoxSizes {
  /** sqrt(box area / image area) per box, sorted. */
  relative: number[];
  /** The shorter side of each box once its image is stretched to a 1 × 1 square, sorted. */
  shortStretched: number[];
  /** The shorter side in original pixels, sorted. */
  shortNative: number[];
  /** The longer side in original pixels, sorted. */
  longNative: number[];
  /** The images' shorter sides, sorted. */
  imageShort: number[];
  /** The images' longer sides, sorted. */
  imageLong: number[];
  /** Per label, the shorter sides stretched and native (as above), sorted. */
  perLabel: Map<string, { shortStretched: number[]; shortNative: number[] }>;
}

function boxSizes(samples: readonly Sample[], labels: readonly string[]): BoxSizes {
  const sizes: BoxSizes = { relative: [], shortStretched: [], shortNative: [], longNative: [], imageShort: [], imageLong: [], perLabel: new Map() };
  for (const sample of samples) {
    if (!(sample.width > 0 && sample.height > 0)) continue;
    sizes.imageShort.push(Math.min(sample.width, sample.height));
    sizes.imageLong.push(Math.max(sample.width, sample.height));
    for (const box of sample.boxes) {
      if (!labels.includes(box.label) || !(box.width > 0 && box.height > 0)) continue;
      sizes.relative.push(Math.sqrt((box.width * box.height) / (sample.width * sample.height)));
      sizes.shortStretched.push(Math.min(box.width / sample.width, box.height / sample.height));
      sizes.shortNative.push(Math.min(box.width, box.height));
      sizes.longNative.push(Math.max(box.width, box.height));
      const own = sizes.perLabel.get(box.label) ?? { shortStretched: [], shortNative: [] };
      own.shortStretched.push(Math.min(box.width / sample.width, box.height / sample.height));
      own.shortNative.push(Math.min(box.width, box.height));
      sizes.perLabel.set(box.label, own);
    }
  }
  const lists = [sizes.relative, sizes.shortStretched, sizes.shortNative, sizes.longNative, sizes.imageShort, sizes.imageLong];
  for (const own of sizes.perLabel.values()) lists.push(own.shortStretched, own.shortNative);
  for (const list of lists) list.sort((a, b) => a - b);
  return sizes;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** How many tiles of `tile` pixels overlapping by `overlap` cover `length` (as native/detect tileGrid lays them). */
function tilesAlong(length: number, tile: number, overlap: number): number {
  return tile >= length ? 1 : Math.ceil((length - tile) / (tile - overlap)) + 1;
}

/**
 * A tile up to TILE_GROWTH larger than `tile` when that needs one tile fewer along an axis of the
 * typical image (`lengths`): on a 640 px board, 340 px tiles overlapping by 40 take 2 × 2 tiles where
 * 320 px tiles take 3 × 3, for boxes 6% smaller at the input.
 */
function fewerTiles(tile: number, overlap: number, lengths: readonly number[]): number {
  let best = tile;
  for (const length of lengths) {
    const count = tilesAlong(length, best, overlap);
    if (count < 2) continue;
    const larger = Math.ceil((length + (count - 2) * overlap) / (count - 1));
    if (larger <= TILE_GROWTH * tile) best = Math.max(best, larger);
  }
  return best;
}

/**
 * The view for these training samples, and the candidates it was chosen among with the figure each
 * was judged by (`mode` whole or tiled, `inputSide`, `tileSide`, `tileOverlap`).
 *
 * Whole image: the smallest side of INPUT_SIDES at which the median object spans SMALL_OBJECT_CELLS
 * cells of the stride-16 map, else the largest. Tiles: when the median box's shorter side at that
 * input falls under SMALL_BOX_PX and the images' median shorter side is at least LARGE_IMAGE times
 * the input, tiles of the input's own side (native resolution), grown while the median box keeps
 * TILE_BOX_PX pixels, never beyond the images' shorter side; neighbours overlap by the 90th
 * percentile of the boxes' longer side (between 1/8 and 1/2 of a tile), so nearly every object is
 * whole in some tile; a slightly larger tile when it saves a row or column (fewerTiles). `force` fixes the mode (used by tests to show what the other mode misses).
 *
 * `alternatives`, the rule's view first: also the whole image at the rule's side; tiles where the
 * images are large enough and the boxes are not clearly large at the input (the median under
 * CLEAR_MARGIN × SMALL_BOX_PX, or a quarter of the boxes under SMALL_BOX_PX); the whole image at
 * the larger side where the median object spans under CLEAR_MARGIN × SMALL_OBJECT_CELLS cells at
 * the smaller; forced, none. `clear`: the rule's margin is clear and nothing needs comparing (tiles
 * for boxes whose median is under SMALL_BOX_PX / CLEAR_MARGIN with three in four under
 * SMALL_BOX_PX, or no alternative at all). `chosen.reason` says who decided: 'rule' or 'forced'.
 * `finer`: the rule's view read at stride 8, where its median box — or one label's median box —
 * spans fewer than CLEAR_MARGIN cells of the stride-16 map (compared on held-out images whether or
 * not the view is `clear`).
 */
export function chooseDetectorView(
  samples: readonly Sample[],
  labels: readonly string[],
  force?: 'whole' | 'tiled',
): { view: DetectorView; choices: ModelChoices; alternatives: DetectorView[]; clear: boolean; finer?: DetectorView } {
  const sizes = boxSizes(samples, labels);
  const median = quantile(sizes.relative, 0.5);
  const candidates: ModelChoices['candidates'] = [];
  let whole: number = Math.max(...INPUT_SIDES);
  for (const side of INPUT_SIDES) {
    const cells = Number.isFinite(median) ? (median * side) / STRIDE : Number.POSITIVE_INFINITY;
    candidates.push({ settings: { mode: 'whole', inputSide: side }, metric: 'median object size (cells of the stride-16 map)', score: round1(Number.isFinite(cells) ? cells : 0) });
    if (cells >= SMALL_OBJECT_CELLS) {
      whole = side;
      break;
    }
  }
  const shortAtInput = quantile(sizes.shortStretched, 0.5) * whole;
  const imageShort = quantile(sizes.imageShort, 0.5);
  candidates.push({ settings: { mode: 'whole', inputSide: whole }, metric: 'median box shorter side at the input (px)', score: round1(Number.isFinite(shortAtInput) ? shortAtInput : 0) });
  const nativeShort = quantile(sizes.shortNative, 0.5);
  const baseTile = Math.round(Math.min(imageShort, Math.max(whole, (whole * nativeShort) / TILE_BOX_PX)));
  const overlap = Math.round(Math.min(baseTile / 2, Math.max(baseTile / 8, quantile(sizes.longNative, 0.9))));
  const tileSide = Math.min(imageShort, fewerTiles(baseTile, overlap, [quantile(sizes.imageLong, 0.5), imageShort]));
  const tiledView: DetectorView = { side: whole, tile: { side: tileSide, overlap } };
  const tiledAllowed = Number.isFinite(tileSide) && Number.isFinite(overlap) && tileSide >= whole;
  if (tiledAllowed) {
    candidates.push({
      settings: { mode: 'tiled', inputSide: whole, tileSide, tileOverlap: overlap },
      metric: 'median box shorter side at the input (px)',
      score: round1((nativeShort * whole) / tileSide),
    });
  }
  const largeImages = imageShort >= LARGE_IMAGE * whole;
  const wantTiles = shortAtInput < SMALL_BOX_PX && largeImages;
  const tiled = tiledAllowed && (force === 'tiled' || (force !== 'whole' && wantTiles));
  const view: DetectorView = tiled ? tiledView : { side: whole };
  // The views worth comparing on held-out images, the rule's own first: the whole image at the
  // rule's side, tiles where the images are large enough for them to differ from the whole image
  // and the boxes are not clearly large at the input, and the whole image at the larger side where
  // objects are near the rule's limit at the smaller.
  const alternatives: DetectorView[] = [view];
  const add = (other: DetectorView) => {
    if (!alternatives.some((known) => settingsOf(known).key === settingsOf(other).key)) alternatives.push(other);
  };
  const lowerAtInput = quantile(sizes.shortStretched, 0.25) * whole;
  const upperAtInput = quantile(sizes.shortStretched, 0.75) * whole;
  const clearlySmall = tiled && shortAtInput * CLEAR_MARGIN <= SMALL_BOX_PX && upperAtInput < SMALL_BOX_PX;
  const clearlyLarge = shortAtInput >= CLEAR_MARGIN * SMALL_BOX_PX && lowerAtInput >= SMALL_BOX_PX;
  // Where the median box's shorter side at the rule's view spans under CLEAR_MARGIN cells of the
  // stride-16 map, the same view read at stride 8 (`finer`) is compared too, right after the rule's
  // own view, even where the rule's margin for the view itself is clear.
  // mAP weighs every label alike, so a label of small objects among large ones (platelets among
  // blood cells) asks for it too: the smallest label's median box counts where it is smaller.
  const shortAtView = tiled ? (nativeShort * whole) / tileSide : shortAtInput;
  const smallestLabel = Math.min(
    ...[...sizes.perLabel.values()].map((own) => (tiled ? (quantile(own.shortNative, 0.5) * whole) / tileSide : quantile(own.shortStretched, 0.5) * whole)),
  );
  const bySmallest = smallestLabel < shortAtView;
  const finest = Math.min(shortAtView, smallestLabel);
  const fine: DetectorView | undefined = !force && Number.isFinite(finest) && finest < CLEAR_MARGIN * STRIDE ? { ...view, featureStride: FINE_STRIDE } : undefined;
  if (fine) {
    const metric = bySmallest ? "smallest label's median box shorter side at the input (cells of the stride-16 map)" : 'median box shorter side at the input (cells of the stride-16 map)';
    candidates.push({ settings: settingsOf(fine).settings, metric, score: round1(finest / STRIDE) });
  }
  if (!force) {
    add({ side: whole });
    if (tiledAllowed && largeImages && !clearlyLarge) add(tiledView);
    const larger = Math.max(...INPUT_SIDES);
    const cellsAtWhole = Number.isFinite(median) ? (median * whole) / STRIDE : Number.POSITIVE_INFINITY;
    if (whole < larger && cellsAtWhole < CLEAR_MARGIN * SMALL_OBJECT_CELLS) add({ side: larger });
  }
  // Decided here unless the training compares `alternatives` (and `finer`) on held-out images (reason 'search').
  const reason = force ? 'forced' : 'rule';
  return {
    view,
    choices: { chosen: { ...settingsOf(view).settings, reason }, candidates },
    alternatives,
    clear: force !== undefined || clearlySmall || alternatives.length === 1,
    ...(fine ? { finer: fine } : {}),
  };
}

/** The settings a view is recorded by (`choices`), and a key naming it. */
export function settingsOf(view: DetectorView): { settings: ModelChoices['chosen']; key: string } {
  const featureStride = view.featureStride ?? STRIDE;
  const settings: ModelChoices['chosen'] = view.tile
    ? { mode: 'tiled', inputSide: view.side, tileSide: view.tile.side, tileOverlap: view.tile.overlap, featureStride }
    : { mode: 'whole', inputSide: view.side, featureStride };
  const key = view.tile ? `tiled-${view.side}-${view.tile.side}-${view.tile.overlap}` : `whole-${view.side}`;
  return { settings, key: view.featureStride ? `${key}-s${view.featureStride}` : key };
}
