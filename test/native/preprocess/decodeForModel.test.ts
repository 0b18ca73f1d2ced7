import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { decodeForModel, decodeRgb, ImageDecodeError, probeImageHeader } from '../../../native/preprocess';
import { BOTTOM_LEFT, BOTTOM_RIGHT, colourDistance, encode, meanColour, paint, quadrants, type Rgb, storedFor, TOP_LEFT, TOP_RIGHT } from './fixtures';

const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [30, 60, 220];

describe('decodeForModel', () => {
  it('returns exactly the model size, the whole image stretched when there is no crop', async () => {
    const bytes = await encode(quadrants(300, 100)).png().toBuffer();
    const image = await decodeForModel(bytes, { width: 64, height: 48, maxSide: 512 });
    assert.deepEqual([image.width, image.height, image.data.length], [64, 48, 64 * 48 * 3]);
    const near = (got: Rgb, want: Rgb) => assert.ok(colourDistance(got, want) <= 6, `${got.map(Math.round)} vs ${want}`);
    near(meanColour(image, 2, 2, 28, 20), TOP_LEFT);
    near(meanColour(image, 36, 2, 62, 20), TOP_RIGHT);
    near(meanColour(image, 2, 28, 28, 46), BOTTOM_LEFT);
    near(meanColour(image, 36, 28, 62, 46), BOTTOM_RIGHT);
  });

  it('keeps the central square of the crop share of the shorter side', async () => {
    // A blue frame 20 px wide around a red centre: half of the 200 px shorter side is all red.
    const framed = paint(300, 200, (x, y) => (Math.abs(x - 150) < 80 && Math.abs(y - 100) < 80 ? RED : BLUE));
    const image = await decodeForModel(await encode(framed).png().toBuffer(), { width: 32, height: 32, maxSide: 512, crop: 0.5 });
    assert.deepEqual([image.width, image.height], [32, 32]);
    assert.ok(colourDistance(meanColour(image, 0, 0, 32, 32), RED) <= 2, `${meanColour(image, 0, 0, 32, 32).map(Math.round)}`);
    const whole = await decodeForModel(await encode(framed).png().toBuffer(), { width: 32, height: 32, maxSide: 512, crop: 1 });
    assert.ok(colourDistance(meanColour(whole, 0, 0, 32, 2), BLUE) <= 2, 'a crop of 1 keeps the frame above and below');
  });

  it('mirrors left to right, and applies EXIF orientation first', async () => {
    const bytes = await encode(storedFor(quadrants(160, 96), 6)).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const upright = await decodeForModel(bytes, { width: 80, height: 48, maxSide: 512 });
    const mirrored = await decodeForModel(bytes, { width: 80, height: 48, maxSide: 512, mirror: true });
    assert.ok(colourDistance(meanColour(upright, 4, 4, 36, 20), TOP_LEFT) <= 20);
    assert.ok(colourDistance(meanColour(mirrored, 4, 4, 36, 20), TOP_RIGHT) <= 20);
    assert.ok(colourDistance(meanColour(mirrored, 44, 28, 76, 44), BOTTOM_LEFT) <= 20);
  });

  it('gives the decoded pixels untouched when they already are the model size', async () => {
    const bytes = await encode(quadrants(64, 64)).png().toBuffer();
    const image = await decodeForModel(bytes, { width: 64, height: 64, maxSide: 512 });
    assert.ok(image.data.equals((await decodeRgb(bytes)).data));
  });

  it('shrinks a large JPEG on load before it crops', async () => {
    const bytes = await encode(quadrants(1600, 1200)).jpeg({ quality: 90 }).toBuffer();
    const image = await decodeForModel(bytes, { width: 56, height: 56, maxSide: 256, crop: 0.875 });
    assert.deepEqual([image.width, image.height], [56, 56]);
    assert.ok(colourDistance(meanColour(image, 2, 2, 24, 24), TOP_LEFT) <= 12);
    assert.ok(colourDistance(meanColour(image, 32, 32, 54, 54), BOTTOM_RIGHT) <= 12);
  });

  it('gives the same bytes when the crop needs no resampling, mirrored or not', async () => {
    // 256 px → a 224 px central crop: copied in JavaScript, as libvips would extract it.
    const bytes = await encode(quadrants(256, 256)).png().toBuffer();
    const decoded = await decodeRgb(bytes);
    for (const mirror of [false, true]) {
      const fast = await decodeForModel(bytes, { width: 224, height: 224, maxSide: 512, crop: 0.875, mirror });
      const native = sharp(decoded.data, { raw: { width: 256, height: 256, channels: 3 } }).extract({ left: 16, top: 16, width: 224, height: 224 });
      if (mirror) native.flop();
      assert.ok(fast.data.equals(await native.raw().toBuffer()), `mirror ${mirror}`);
    }
  });

  it('refuses a crop share outside (0, 1] and fails on data that does not decode', async () => {
    const bytes = await encode(quadrants(64, 64)).jpeg().toBuffer();
    await assert.rejects(decodeForModel(bytes, { width: 8, height: 8, maxSide: 64, crop: 0 }), RangeError);
    await assert.rejects(decodeForModel(bytes.subarray(0, bytes.length >> 1), { width: 8, height: 8, maxSide: 64 }), ImageDecodeError);
  });
});

describe('probeImageHeader', () => {
  it('reads format and oriented size without decoding, and names what is wrong', async () => {
    const bytes = await encode(storedFor(quadrants(160, 96), 6)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const header = await probeImageHeader(bytes);
    assert.deepEqual(header, { ok: true, format: 'jpeg', width: 160, height: 96, orientation: 6, rawWidth: 96, rawHeight: 160 });
    // Cut pixel data passes the header check: decoding is what finds it.
    assert.equal((await probeImageHeader(bytes.subarray(0, bytes.length - 64))).ok, true);
    const gif = await probeImageHeader(Buffer.from('GIF89a......'));
    assert.equal(gif.ok === false && gif.reason, 'unsupported-format');
    const empty = await probeImageHeader(Buffer.alloc(0));
    assert.equal(empty.ok === false && empty.reason, 'corrupt');
  });
});
