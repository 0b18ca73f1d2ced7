/**
 * The validation defects drawn like real ones: small, in the surface's own colour, and of every kind;
 * a texture patch comes from the donor image.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withLikeRealDefect, type LikeRealKind } from '../../../native/anomaly';
import { createRandom } from '../../../native/train';

const flat = (width: number, height: number, value: number) => ({ width, height, data: new Uint8Array(width * height * 3).fill(value) });

describe('defects drawn like real ones', () => {
  it('draws every kind, each covering a small share of the image and shifting its pixels by a fraction of their brightness', () => {
    const random = createRandom(7);
    const image = flat(300, 200, 120);
    const donor = flat(300, 200, 30);
    const seen = new Set<LikeRealKind>();
    for (let i = 0; i < 60; i++) {
      const { image: out, kind } = withLikeRealDefect(image, random, { donor });
      seen.add(kind);
      let changed = 0;
      for (let p = 0; p < out.data.length; p++) {
        if (out.data[p] === image.data[p]) continue;
        changed++;
        if (kind === 'patch') assert.equal(out.data[p], 30, 'a patch is cut from the donor');
        // Darkened or lightened by at most 65 % of the way: never black or white on a mid-grey surface.
        else assert.ok(out.data[p]! >= 120 * 0.35 - 1 && out.data[p]! <= 120 + 135 * 0.65 + 1, `${kind}: ${out.data[p]}`);
      }
      const share = changed / out.data.length;
      assert.ok(share > 0 && share < 0.03, `${kind} changed ${(100 * share).toFixed(2)} % of the image`);
    }
    assert.deepEqual([...seen].sort(), ['crack', 'patch', 'pits']);
    assert.ok(image.data.every((v) => v === 120), 'the source image is left alone');
  });

  it('is repeatable from the seed', () => {
    const image = flat(120, 90, 200);
    const a = withLikeRealDefect(image, createRandom(3));
    const b = withLikeRealDefect(image, createRandom(3));
    assert.equal(a.kind, b.kind);
    assert.deepEqual(a.image.data, b.image.data);
  });
});
