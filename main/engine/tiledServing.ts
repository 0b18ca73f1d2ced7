/**
 * A tiled detector (`detection.tiling`) outside Loupe: its serving graph (servingGraph.ts) is the
 * detector on TILES — each tile an image of its own, boxes out as shares of the tile, peaks, TopK and
 * per-class NMS inside — and what comes around it is stated exactly in the export's loupe.json
 * (`servingContract.tiling`, `tilingContract`) with a reference implementation (loupe_tiles.py):
 *
 * 1. decode the image of W × H pixels to fit inside round(max(W, H) · min(1, input side / tile side))
 *    pixels (Loupe: libvips through sharp, `fit: inside`; detectionEngine.ts `decodeForTiles`);
 * 2. the tile grid in the ORIGINAL image's pixels (native/detect tileGrid), each tile cut from the
 *    decoded image at rounded scaled positions (detectionEngine.ts `cutTiles`);
 * 3. the tiles of one size in one call (a batch); a box of tile k at shares (l, t, w, h) of the tile
 *    is (l · region.width, t · region.height, …) in the tile's own original pixels;
 * 4. the tiles' boxes merged into the image as native/detect `mergeTiledDetections` does
 *    (MERGE_DEFAULTS, `nmsIou` from the model), the best `topK` kept, boxes divided by W and H.
 *
 * The merge keeps or drops each box after comparing it with those kept before it — a sequential
 * loop with replacements, which ONNX could only express with a Loop subgraph; the steps above are
 * the same arithmetic in a few lines of any language, and the export's parity check runs them.
 */
import { MERGE_DEFAULTS, mergeTiledDetections, type Detection, type Region } from '../../native/detect';
import type { RgbPixels } from '../../native/models';
import type { TensorInput, TensorOutput } from '../../native/ort';
import type { DetectorMetadata } from './modelFile';

/** Tiles of one crop size, to be sent as one batch: their indices in the image's tile list and the stacked pixels. */
export interface TileBatch {
  indices: number[];
  width: number;
  height: number;
  image: TensorInput & { data: Uint8Array };
}

/** The image's tiles grouped by crop size (all but the last row or column usually share one), in tile order. */
export function tileBatches(tiles: readonly { pixels: RgbPixels }[]): TileBatch[] {
  const groups = new Map<string, number[]>();
  tiles.forEach(({ pixels }, i) => {
    const key = `${pixels.width}x${pixels.height}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return [...groups.values()].map((indices) => {
    const { width, height } = tiles[indices[0]!]!.pixels;
    const data = new Uint8Array(indices.length * width * height * 3);
    indices.forEach((index, row) => data.set(tiles[index]!.pixels.data, row * width * height * 3));
    return { indices, width, height, image: { data, dims: [indices.length, height, width, 3] } };
  });
}

/** Row `row` of a serving graph's detector outputs as detections in the pixels of `region` (the tile in the original image). */
export function tileDetections(outputs: Record<string, TensorOutput>, row: number, region: Region): Detection[] {
  const K = outputs.scores!.dims[1]!;
  const count = (outputs.count!.data as Int32Array)[row]!;
  const boxes = outputs.boxes!.data as Float32Array;
  const scores = outputs.scores!.data as Float32Array;
  const classes = outputs.classes!.data as Int32Array;
  return Array.from({ length: count }, (_, k) => {
    const at = row * K + k;
    return {
      classIndex: classes[at]!,
      confidence: scores[at]!,
      left: boxes[at * 4]! * region.width,
      top: boxes[at * 4 + 1]! * region.height,
      width: boxes[at * 4 + 2]! * region.width,
      height: boxes[at * 4 + 3]! * region.height,
    };
  });
}

/** Every tile's detections merged into the image of `size` (its pixels), best `topK` first, as Loupe's tiled analysis does. */
export function mergeServedTiles(tiles: readonly { region: Region; detections: readonly Detection[] }[], size: { width: number; height: number }, detection: DetectorMetadata['detection']): Detection[] {
  return mergeTiledDetections(tiles, size, { nmsIou: detection.nmsIou }).slice(0, detection.topK);
}

/** The numbers of steps 1–4 above, for loupe.json. */
export function tilingContract(metadata: DetectorMetadata): Record<string, unknown> {
  const tiling = metadata.detection.tiling!;
  const side = metadata.input.width;
  return {
    tile: tiling.side,
    overlap: tiling.overlap,
    inputSide: side,
    decodeScale: Math.min(1, side / tiling.side),
    decode: 'fit inside round(max(W, H) × decodeScale) pixels (never enlarged); Loupe uses libvips (sharp resize, fit inside)',
    grid: 'per axis of length L and tile t = min(tile, L): one start 0 when t ≥ L, else n = ceil((L − t) / max(1, t − overlap)) + 1 starts round(k (L − t) / (n − 1)), round = floor(x + 0.5); rows outer, columns inner',
    cut: 'sx = decoded width / W, sy = decoded height / H; left = min(dw − 1, round(region.left × sx)), width = max(1, min(dw − left, round(region.width × sx))); the same for top and height',
    boxes: "the graph's boxes are shares of the tile; × region.width / region.height gives the tile's original pixels",
    merge: {
      ...MERGE_DEFAULTS,
      nmsIou: metadata.detection.nmsIou,
      topK: metadata.detection.topK,
      rule: 'loupe_tiles.py merge(): boxes moved into the image, sorted by score (stable); a box touching an inner tile edge (within edgeMargin px) is a fragment; a whole box replaces a kept fragment of another tile of its class it covers by ≥ fragmentCover of the fragment (keeping the fragment\'s score); else dropped when IoU with a kept box of its class > nmsIou (same tile) or > tileIou (other tile), or when a fragment lies ≥ fragmentCover inside one; the first topK kept',
    },
    reference: 'loupe_tiles.py at the repository root (README.md)',
  };
}
