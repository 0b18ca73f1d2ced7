/**
 * loupe_tiles.py, written at the root of a tiled detector's export and printed in its README: the
 * steps main/engine/tiledServing.ts states, in Python with NumPy and onnxruntime, step for step as
 * native/detect tiles.ts and detectionEngine.ts `cutTiles` compute them (JavaScript's Math.round is
 * floor(x + 0.5), not Python's round). test/main/models/checkRepository.py runs it on golden/.
 */
export const TILES_REFERENCE_FILE = 'loupe_tiles.py';

export const TILES_REFERENCE_PY = `"""Loupe's tiled analysis around a tiled detector's serving graph (loupe.json: servingContract.tiling).

    boxes, scores, classes = analyse(run, decoded, width, height, tiling)

run(tiles) -> dict of the graph's outputs for a uint8 batch [N, h, w, 3] (onnxruntime, Triton, KServe...);
decoded: the image, H x W x 3 uint8 RGB upright, resized to fit inside round(max(W, H) * decodeScale) pixels
(never enlarged; Loupe uses libvips); width, height: the ORIGINAL image's size; tiling: servingContract.tiling.
Returns boxes [M, 4] (left, top, width, height as shares of the image), scores [M], classes [M].
"""
import math

import numpy as np


def js_round(x):
    return math.floor(x + 0.5)


def starts(length, size, overlap):
    if size >= length:
        return [0]
    step = max(1, size - overlap)
    count = math.ceil((length - size) / step) + 1
    return [js_round(k * (length - size) / (count - 1)) for k in range(count)]


def tile_grid(width, height, tile, overlap):
    w = min(js_round(tile), width)
    h = min(js_round(tile), height)
    return [(left, top, w, h) for top in starts(height, h, overlap) for left in starts(width, w, overlap)]


def cut_tiles(decoded, width, height, tiling):
    dh, dw = decoded.shape[0], decoded.shape[1]
    sx, sy = dw / width, dh / height
    tiles = []
    for region in tile_grid(width, height, tiling["tile"], tiling["overlap"]):
        left = min(dw - 1, js_round(region[0] * sx))
        top = min(dh - 1, js_round(region[1] * sy))
        w = max(1, min(dw - left, js_round(region[2] * sx)))
        h = max(1, min(dh - top, js_round(region[3] * sy)))
        tiles.append((region, decoded[top:top + h, left:left + w]))
    return tiles


def run_tiles(run, tiles):
    """Each tile's detections (class, score, left, top, width, height in the tile's original pixels); tiles of one size in one call."""
    groups = {}
    for i, (_, pixels) in enumerate(tiles):
        groups.setdefault(pixels.shape[:2], []).append(i)
    found = [None] * len(tiles)
    for indices in groups.values():
        out = run(np.stack([tiles[i][1] for i in indices]))
        for row, i in enumerate(indices):
            region = tiles[i][0]
            found[i] = [
                (int(out["classes"][row, k]), float(out["scores"][row, k]),
                 float(out["boxes"][row, k, 0]) * region[2], float(out["boxes"][row, k, 1]) * region[3],
                 float(out["boxes"][row, k, 2]) * region[2], float(out["boxes"][row, k, 3]) * region[3])
                for k in range(int(out["count"][row, 0]))
            ]
    return found


def iou(a, b):
    x1, y1 = max(a[0], b[0]), max(a[1], b[1])
    x2, y2 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, x2 - x1) * max(0, y2 - y1)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return 0 if union <= 0 else inter / union


def intersection(a, b):
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0


def merge(tiles, found, width, height, m):
    margin, cover = m["edgeMargin"], m["fragmentCover"]
    candidates = []
    for tile, ((rl, rt, rw, rh), _) in enumerate(tiles):
        for cls, score, l, t, w, h in found[tile]:
            cut = ((rl > 0 and l <= margin) or (rt > 0 and t <= margin)
                   or (rl + rw < width and l + w >= rw - margin) or (rt + rh < height and t + h >= rh - margin))
            candidates.append({"cls": cls, "score": score, "box": (l + rl, t + rt, w, h), "cut": cut, "tile": tile})
    candidates.sort(key=lambda c: -c["score"])  # stable, as JavaScript's sort
    kept = []
    for c in candidates:
        box = c["box"]
        if not (box[2] > 0 and box[3] > 0):
            continue
        same = [o for o in kept if o["cls"] == c["cls"]]
        fragment = None
        if not c["cut"]:
            fragment = next((o for o in same if o["cut"] and o["tile"] != c["tile"]
                             and intersection(o["box"], box) >= cover * o["box"][2] * o["box"][3]), None)
        if fragment is not None:  # a whole box takes the place of a more confident fragment of itself
            fragment.update(box=box, cut=False, tile=c["tile"])
            continue
        if any(iou(o["box"], box) > (m["nmsIou"] if o["tile"] == c["tile"] else m["tileIou"]) for o in same):
            continue
        if c["cut"] and any(intersection(o["box"], box) >= cover * box[2] * box[3] for o in same):
            continue
        kept.append(c)
    return kept[: m["topK"]]


def analyse(run, decoded, width, height, tiling):
    tiles = cut_tiles(decoded, width, height, tiling)
    kept = merge(tiles, run_tiles(run, tiles), width, height, tiling["merge"])
    boxes = np.array([[c["box"][0] / width, c["box"][1] / height, c["box"][2] / width, c["box"][3] / height] for c in kept], dtype=np.float64).reshape(-1, 4)
    return boxes, np.array([c["score"] for c in kept], dtype=np.float64), np.array([c["cls"] for c in kept], dtype=np.int64)
`;
