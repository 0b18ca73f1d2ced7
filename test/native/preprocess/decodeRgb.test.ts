import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { decodeRgb, ImageDecodeError } from '../../../native/preprocess';
import {
  BOTTOM_LEFT,
  BOTTOM_RIGHT,
  bombPng,
  colourDistance,
  encode,
  meanColour,
  paint,
  photo,
  quadrantMeans,
  quadrants,
  type Rgb,
  storedFor,
  tempFolder,
  TOP_LEFT,
  TOP_RIGHT,
  writeFixture,
} from './fixtures';

let folder: string;
before(() => {
  folder = tempFolder();
});
after(() => rmSync(folder, { recursive: true, force: true }));

/** Each quadrant of `image` is within `tolerance` (per channel) of the reference picture's. */
function assertQuadrants(image: { data: Buffer; width: number; height: number }, tolerance: number): void {
  const means = quadrantMeans(image);
  const expected = { topLeft: TOP_LEFT, topRight: TOP_RIGHT, bottomLeft: BOTTOM_LEFT, bottomRight: BOTTOM_RIGHT };
  for (const [where, colour] of Object.entries(expected)) {
    const mean = means[where as keyof typeof means];
    assert.ok(colourDistance(mean, colour) <= tolerance, `${where}: got ${mean.map(Math.round).join(',')}, want ${colour.join(',')}`);
  }
}

async function assertDecodeFails(input: string | Buffer, reason: ImageDecodeError['reason']): Promise<void> {
  await assert.rejects(decodeRgb(input), (error: unknown) => {
    assert.ok(error instanceof ImageDecodeError, String(error));
    assert.equal(error.reason, reason);
    return true;
  });
}

describe('decodeRgb', () => {
  it('returns HWC uint8 RGB with the pixels where they are in the file', async () => {
    const bytes = await encode(quadrants(128, 64)).png().toBuffer();
    const image = await decodeRgb(bytes);
    assert.deepEqual([image.width, image.height, image.data.length], [128, 64, 128 * 64 * 3]);
    assert.deepEqual([...image.data.subarray(0, 3)], [...TOP_LEFT]);
    const last = (64 * 128 - 1) * 3;
    assert.deepEqual([...image.data.subarray(last, last + 3)], [...BOTTOM_RIGHT]);
    assertQuadrants(image, 0);
  });

  it('reads a path and the same bytes alike', async () => {
    const bytes = await encode(photo(200, 120, 1)).jpeg().toBuffer();
    const path = await writeFixture(folder, 'photo.jpg', bytes);
    const fromPath = await decodeRgb(path);
    const fromBytes = await decodeRgb(bytes);
    assert.deepEqual([fromPath.width, fromPath.height], [200, 120]);
    assert.ok(fromPath.data.equals(fromBytes.data));
  });

  for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`applies EXIF orientation ${orientation}: the reference picture comes back upright`, async () => {
      const bytes = await encode(storedFor(quadrants(160, 96), orientation)).jpeg({ quality: 95 }).withMetadata({ orientation }).toBuffer();
      const image = await decodeRgb(bytes);
      assert.deepEqual([image.width, image.height], [160, 96]);
      assertQuadrants(image, 12);
    });
  }

  it('applies the orientation before maxSide, so a rotated photo shrinks along its oriented sides', async () => {
    const bytes = await encode(storedFor(quadrants(160, 96), 6)).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const image = await decodeRgb(bytes, { maxSide: 80 });
    assert.deepEqual([image.width, image.height], [80, 48]);
    assertQuadrants(image, 20);
  });

  describe('when a region is asked for', () => {
    it('keeps exactly that rectangle of the full-resolution pixels, then shrinks it to maxSide', async () => {
      // The top-right quadrant of a 200 × 100 picture, at full size and then halved.
      const bytes = await encode(quadrants(200, 100)).png().toBuffer();
      const whole = await decodeRgb(bytes, { region: { left: 100, top: 0, width: 100, height: 50 } });
      assert.deepEqual([whole.width, whole.height], [100, 50]);
      assert.ok(colourDistance(meanColour(whole, 0, 0, 100, 50), TOP_RIGHT) <= 0.5, `${meanColour(whole, 0, 0, 100, 50).map(Math.round)}`);
      const shrunk = await decodeRgb(bytes, { region: { left: 50, top: 25, width: 100, height: 50 }, maxSide: 80 });
      assert.deepEqual([shrunk.width, shrunk.height], [80, 40]);
      assertQuadrants(shrunk, 20);
    });

    it('takes the region in the oriented image, so an EXIF-rotated photo crops where it is seen', async () => {
      const bytes = await encode(storedFor(quadrants(160, 96), 6)).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
      const image = await decodeRgb(bytes, { region: { left: 0, top: 48, width: 80, height: 48 } });
      assert.deepEqual([image.width, image.height], [80, 48]);
      assert.ok(colourDistance(meanColour(image, 8, 8, 72, 40), BOTTOM_LEFT) <= 20, `${meanColour(image, 8, 8, 72, 40).map(Math.round)}`);
    });

    it('refuses a region that is not whole pixels, and fails to decode one outside the image', async () => {
      const bytes = await encode(quadrants(64, 64)).png().toBuffer();
      await assert.rejects(decodeRgb(bytes, { region: { left: 0.5, top: 0, width: 10, height: 10 } }), RangeError);
      await assert.rejects(decodeRgb(bytes, { region: { left: 40, top: 0, width: 40, height: 10 } }), ImageDecodeError);
    });
  });

  it('turns CMYK into sRGB (colours keep their hue)', async () => {
    const bytes = await encode(quadrants(128, 64)).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    assert.equal((await sharp(bytes).metadata()).space, 'cmyk');
    const image = await decodeRgb(bytes);
    assert.equal(image.data.length, 128 * 64 * 3);
    const { topLeft, topRight, bottomLeft, bottomRight } = quadrantMeans(image);
    const dominant = (c: Rgb) => c.indexOf(Math.max(...c));
    assert.deepEqual([dominant(topLeft), dominant(topRight), dominant(bottomLeft)], [0, 1, 2]);
    assert.ok(topLeft[0] > 180 && topLeft[1] < 80 && topLeft[2] < 80, `red: ${topLeft.map(Math.round)}`);
    assert.ok(bottomRight[0] > 180 && bottomRight[1] > 170 && bottomRight[2] < 80, `yellow: ${bottomRight.map(Math.round)}`);
  });

  it('turns a 16-bit PNG into 8-bit, value for value', async () => {
    const bytes = await encode(quadrants(128, 64)).toColourspace('rgb16').png().toBuffer();
    assert.equal((await sharp(bytes).metadata()).depth, 'ushort');
    const image = await decodeRgb(bytes);
    assert.equal(image.data.length, 128 * 64 * 3);
    assertQuadrants(image, 0);
  });

  it('expands a palette PNG', async () => {
    const bytes = await encode(quadrants(128, 64)).png({ palette: true }).toBuffer();
    assert.equal((await sharp(bytes).metadata()).isPalette, true);
    assertQuadrants(await decodeRgb(bytes), 2);
  });

  it('repeats a grayscale JPEG and PNG over three equal channels', async () => {
    const gray = paint(128, 64, (x) => (x < 64 ? [60, 60, 60] : [200, 200, 200]));
    for (const bytes of [await encode(gray).toColourspace('b-w').jpeg({ quality: 95 }).toBuffer(), await encode(gray).toColourspace('b-w').png().toBuffer()]) {
      assert.equal((await sharp(bytes).metadata()).channels, 1);
      const image = await decodeRgb(bytes);
      assert.equal(image.data.length, 128 * 64 * 3);
      for (let i = 0; i < image.data.length; i += 3) {
        assert.ok(image.data[i] === image.data[i + 1] && image.data[i] === image.data[i + 2], `pixel ${i / 3} is not gray`);
      }
      assert.ok(colourDistance(meanColour(image, 4, 4, 60, 60), [60, 60, 60]) <= 2);
      assert.ok(colourDistance(meanColour(image, 68, 4, 124, 60), [200, 200, 200]) <= 2);
    }
  });

  it('flattens alpha on white: opaque stays, transparent turns white, half-transparent black turns mid-gray', async () => {
    const width = 96;
    const height = 32;
    const rgba = Buffer.alloc(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const pixel = x < 32 ? [220, 30, 30, 255] : x < 64 ? [0, 0, 0, 0] : [0, 0, 0, 128];
        rgba.set(pixel, (y * width + x) * 4);
      }
    }
    const bytes = await sharp(rgba, { raw: { width, height, channels: 4 } }).png().toBuffer();
    const image = await decodeRgb(bytes);
    assert.equal(image.data.length, width * height * 3);
    assert.deepEqual(meanColour(image, 0, 0, 32, 32), [220, 30, 30]);
    assert.deepEqual(meanColour(image, 32, 0, 64, 32), [255, 255, 255]);
    assert.ok(colourDistance(meanColour(image, 64, 0, 96, 32), [127, 127, 127]) <= 2);
  });

  it('shrinks to maxSide on the longer side and never enlarges', async () => {
    const bytes = await encode(quadrants(640, 480)).png().toBuffer();
    const small = await decodeRgb(bytes, { maxSide: 320 });
    assert.deepEqual([small.width, small.height, small.data.length], [320, 240, 320 * 240 * 3]);
    assertQuadrants(small, 2);
    const same = await decodeRgb(bytes, { maxSide: 1000 });
    assert.deepEqual([same.width, same.height], [640, 480]);
    const tall = await decodeRgb(await encode(quadrants(64, 256)).png().toBuffer(), { maxSide: 128 });
    assert.deepEqual([tall.width, tall.height], [32, 128]);
  });

  it('refuses a bad maxSide', async () => {
    const bytes = await encode(quadrants(64, 64)).png().toBuffer();
    for (const maxSide of [0, -1, 1.5, Number.NaN]) await assert.rejects(decodeRgb(bytes, { maxSide }), RangeError);
  });

  it('throws ImageDecodeError with the probe reasons', async () => {
    const jpeg = await encode(photo(320, 240, 2)).jpeg().toBuffer();
    await assertDecodeFails(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 'corrupt');
    await assertDecodeFails(Buffer.alloc(0), 'corrupt');
    await assertDecodeFails(await encode(quadrants(64, 64)).gif().toBuffer(), 'unsupported-format');
    await assertDecodeFails(bombPng(20_000, 20_000), 'too-many-pixels');
    await assertDecodeFails(join(folder, 'missing.png'), 'unreadable');
  });
});
