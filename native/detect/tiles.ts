/**
 * Tiled analysis: an image much larger than the detector's input is cut into overlapping tiles,
 * each tile is analysed on its own at the input's size, and the boxes of all tiles are merged back
 * into the image's pixels by NMS.
 *
 * An object that crosses a tile's inner edge is seen whole by a neighbouring tile when the overlap
 * is at least its size; the cut-off part that the first tile sees is a box touching that inner edge
 * and lying mostly inside the whole box, and is dropped by the merge (a "fragment") even when its
 * IoU with the whole box is below the NMS threshold.
 */
import { iou, type BoxPx } from '../metrics';
import type { Detection } from './index';

/** A part of an image (a tile), in its whole pixels. */
export type Region = BoxPx;

/**
 * Start positions of windows of `size` along a line of `length` that cover it with at least
 * `overlap` shared between neighbours: evenly spaced from 0 to length − size (one window when the
 * line fits in one).
 */
function starts(length: number, size: number, overlap: number): number[] {
  if (size >= length) return [0];
  const step = Math.max(1, size - overlap);
  const count = Math.ceil((length - size) / step) + 1;
  return Array.from({ length: count }, (_, k) => Math.round((k * (length - size)) / (count - 1)));
}

/**
 * The tiles of an image: squares of `tile` pixels (clipped to the image where it is smaller),
 * neighbours overlapping by at least `overlap` pixels, covering every pixel; whole pixels.
 */
export function tileGrid(image: { width: number; height: number }, tile: number, overlap: number): Region[] {
  if (!(tile >= 1) || !(overlap >= 0) || overlap >= tile) throw new RangeError(`tiles of ${tile} px cannot overlap by ${overlap} px`);
  const width = Math.min(Math.round(tile), image.width);
  const height = Math.min(Math.round(tile), image.height);
  const regions: Region[] = [];
  for (const top of starts(image.height, height, overlap)) {
    for (const left of starts(image.width, width, overlap)) regions.push({ left, top, width, height });
  }
  return regions;
}

/** One tile's detections, in the tile's own pixels. */
export interface TileDetections {
  region: Region;
  detections: readonly Detection[];
}

export interface MergeOptions {
  /** Per-class NMS IoU between boxes of one tile (default 0.5). */
  nmsIou?: number;
  /**
   * Per-class NMS IoU between boxes of different tiles (default 0.3): where tiles overlap, one
   * object seen twice is far likelier than two objects overlapping, and two looks at a small object
   * disagree by a few pixels, which is a large share of its IoU.
   */
  tileIou?: number;
  /** A box within this many pixels of an inner tile edge counts as touching it (default 2). */
  edgeMargin?: number;
  /** A box touching an inner edge is a fragment when at least this share of it lies inside a better box of its class (default 0.6). */
  fragmentCover?: number;
}

/** The merge's settings where MergeOptions leaves them out (an exported model states them: main/engine/tiledServing.ts). */
export const MERGE_DEFAULTS: Required<MergeOptions> = { nmsIou: 0.5, tileIou: 0.3, edgeMargin: 2, fragmentCover: 0.6 };

function intersection(a: BoxPx, b: BoxPx): number {
  const w = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const h = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Every tile's boxes moved into the image's pixels and merged: best first, a box is dropped when
 * a kept box of its class overlaps it by more than `nmsIou` (`tileIou` for a box of another tile), or when it touches an inner edge of
 * its tile (an edge that is not the image's) and mostly lies inside a kept box of its class; a
 * box that holds most of a more confident kept fragment takes the fragment's place.
 */
export function mergeTiledDetections(tiles: readonly TileDetections[], image: { width: number; height: number }, options: MergeOptions = {}): Detection[] {
  const nmsIou = options.nmsIou ?? MERGE_DEFAULTS.nmsIou;
  const tileIou = options.tileIou ?? MERGE_DEFAULTS.tileIou;
  const margin = options.edgeMargin ?? MERGE_DEFAULTS.edgeMargin;
  const cover = options.fragmentCover ?? MERGE_DEFAULTS.fragmentCover;
  const candidates = tiles.flatMap(({ region, detections }, tile) =>
    detections.map((detection) => {
      const box: Detection = { ...detection, left: detection.left + region.left, top: detection.top + region.top };
      const cut =
        (region.left > 0 && detection.left <= margin) ||
        (region.top > 0 && detection.top <= margin) ||
        (region.left + region.width < image.width && detection.left + detection.width >= region.width - margin) ||
        (region.top + region.height < image.height && detection.top + detection.height >= region.height - margin);
      return { box, cut, tile };
    }),
  );
  candidates.sort((a, b) => b.box.confidence - a.box.confidence);
  const kept: { box: Detection; cut: boolean; tile: number }[] = [];
  for (const { box, cut, tile } of candidates) {
    if (!(box.width > 0 && box.height > 0)) continue;
    const same = kept.filter((other) => other.box.classIndex === box.classIndex);
    // A whole box takes the place of a more confident fragment of itself (the fragment's confidence kept).
    const fragment = cut ? undefined : same.find((other) => other.cut && other.tile !== tile && intersection(other.box, box) >= cover * other.box.width * other.box.height);
    if (fragment) {
      fragment.box = { ...box, confidence: fragment.box.confidence };
      fragment.cut = false;
      fragment.tile = tile;
      continue;
    }
    if (same.some((other) => iou(other.box, box) > (other.tile === tile ? nmsIou : tileIou))) continue;
    if (cut && same.some((other) => intersection(other.box, box) >= cover * box.width * box.height)) continue;
    kept.push({ box, cut, tile });
  }
  return kept.map(({ box }) => box);
}
