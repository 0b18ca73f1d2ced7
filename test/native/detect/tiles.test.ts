/**
 * Tiled analysis: the tiles cover every pixel with the asked overlap, and the merge brings boxes
 * from the tiles into the image's pixels, keeps one box for an object seen by two tiles, drops the
 * cut-off part that a tile sees at its inner edge, and keeps distinct objects (and boxes at the
 * image's own edge) however close.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeTiledDetections, tileGrid, type Detection, type Region } from '../../../native/detect';

const detection = (classIndex: number, confidence: number, left: number, top: number, width: number, height: number): Detection => ({ classIndex, confidence, left, top, width, height });

describe('tiles', () => {
  it('cover the image with at least the overlap between neighbours, tiles clipped to a smaller image', () => {
    for (const [width, height, tile, overlap] of [
      [1280, 400, 320, 40],
      [640, 640, 320, 64],
      [1130, 460, 370, 60],
      [300, 200, 320, 40],
      [321, 320, 320, 10],
    ] as const) {
      const tiles = tileGrid({ width, height }, tile, overlap);
      const covered = new Uint8Array(width * height);
      for (const t of tiles) {
        assert.ok(t.left >= 0 && t.top >= 0 && t.left + t.width <= width && t.top + t.height <= height, JSON.stringify(t));
        assert.equal(t.width, Math.min(tile, width));
        assert.equal(t.height, Math.min(tile, height));
        for (let y = t.top; y < t.top + t.height; y++) covered.fill(1, y * width + t.left, y * width + t.left + t.width);
      }
      assert.ok(covered.every((c) => c === 1), `${width}×${height}: every pixel is in a tile`);
      const lefts = [...new Set(tiles.map((t) => t.left))].sort((a, b) => a - b);
      for (let k = 1; k < lefts.length; k++) assert.ok(lefts[k - 1]! + Math.min(tile, width) - lefts[k]! >= overlap, `${width}×${height}: neighbours share ≥ ${overlap} px`);
    }
    assert.equal(tileGrid({ width: 1280, height: 400 }, 320, 40).length, 5 * 2);
    assert.deepEqual(tileGrid({ width: 300, height: 200 }, 320, 40), [{ left: 0, top: 0, width: 300, height: 200 }]);
    assert.throws(() => tileGrid({ width: 100, height: 100 }, 32, 32), RangeError);
  });

  it('merges boxes from overlapping tiles by NMS in image pixels, drops inner-edge fragments, keeps distinct objects', () => {
    const image = { width: 600, height: 300 };
    const a: Region = { left: 0, top: 0, width: 320, height: 300 };
    const b: Region = { left: 280, top: 0, width: 320, height: 300 };
    const merged = mergeTiledDetections(
      [
        {
          region: a,
          detections: [
            // One object at x 290–310 (image), seen whole by both tiles.
            detection(0, 0.9, 290, 100, 20, 20),
            // An object at x 300–340 cut by a's right edge (a sees 300–320), whole in b.
            detection(0, 0.95, 300, 200, 20, 20),
            // An object at a's left edge, which is the image's edge: not a fragment.
            detection(1, 0.6, 0, 10, 12, 12),
          ],
        },
        {
          region: b,
          detections: [
            detection(0, 0.8, 10, 101, 20, 20),
            detection(0, 0.7, 20, 200, 40, 20),
            // A different object of the same class right beside the first.
            detection(0, 0.5, 32, 100, 20, 20),
            // Same place as the first object but another class: kept.
            detection(1, 0.4, 10, 100, 20, 20),
            // The first object again, a few pixels off (IoU 0.39 with a's box): the same object seen by two tiles.
            detection(0, 0.45, 15, 104, 20, 20),
          ],
        },
      ],
      image,
    );
    const byPlace = merged.map((d) => [d.classIndex, Math.round(d.left), Math.round(d.top), Math.round(d.width), Math.round(d.height)]);
    assert.deepEqual(byPlace, [
      [0, 300, 200, 40, 20],
      [0, 290, 100, 20, 20],
      [1, 0, 10, 12, 12],
      [0, 312, 100, 20, 20],
      [1, 290, 100, 20, 20],
    ]);
    // The whole box took the fragment's place and kept its confidence.
    assert.equal(merged[0]!.confidence, 0.95);
    // Within one tile, only the decoder's NMS (IoU 0.5) applies: two boxes at IoU 0.39 both stay.
    const oneTile = mergeTiledDetections([{ region: a, detections: [detection(0, 0.9, 290, 100, 20, 20), detection(0, 0.45, 295, 104, 20, 20)] }], image);
    assert.equal(oneTile.length, 2);
  });
});
