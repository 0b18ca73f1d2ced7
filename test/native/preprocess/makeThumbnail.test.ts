import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { decodeRgb, ImageDecodeError, makeThumbnail } from '../../../native/preprocess';
import {
  BOTTOM_LEFT,
  BOTTOM_RIGHT,
  colourDistance,
  encode,
  quadrantMeans,
  quadrants,
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

describe('makeThumbnail', () => {
  it('writes a 256-px JPEG into a folder it creates, and leaves no temporary file', async () => {
    const source = await writeFixture(folder, 'big.png', await encode(quadrants(640, 480)).png().toBuffer());
    const target = join(folder, 'thumbs', 'a', 'b', 'big.jpg');
    assert.deepEqual(await makeThumbnail(source, target), { width: 256, height: 192 });
    const metadata = await sharp(readFileSync(target)).metadata();
    assert.deepEqual([metadata.format, metadata.width, metadata.height, metadata.space, metadata.channels], ['jpeg', 256, 192, 'srgb', 3]);
    assert.deepEqual(readdirSync(join(folder, 'thumbs', 'a', 'b')), ['big.jpg']);
  });

  it('keeps the picture: oriented upright, colours in place, no orientation tag left', async () => {
    const stored = storedFor(quadrants(320, 192), 8);
    const source = await writeFixture(folder, 'rotated.jpg', await encode(stored).jpeg({ quality: 95 }).withMetadata({ orientation: 8 }).toBuffer());
    const target = join(folder, 'rotated-thumb.jpg');
    assert.deepEqual(await makeThumbnail(source, target, { size: 160 }), { width: 160, height: 96 });
    assert.equal((await sharp(readFileSync(target)).metadata()).orientation, undefined);
    const means = quadrantMeans(await decodeRgb(target));
    const expected = [TOP_LEFT, TOP_RIGHT, BOTTOM_LEFT, BOTTOM_RIGHT];
    [means.topLeft, means.topRight, means.bottomLeft, means.bottomRight].forEach((mean, i) =>
      assert.ok(colourDistance(mean, expected[i]!) <= 20, `quadrant ${i}: ${mean.map(Math.round)}`),
    );
  });

  it('does not enlarge a small image and replaces an existing thumbnail', async () => {
    const source = await writeFixture(folder, 'small.png', await encode(quadrants(100, 64)).png().toBuffer());
    const target = join(folder, 'small-thumb.jpg');
    await writeFixture(folder, 'small-thumb.jpg', Buffer.from('an older thumbnail'));
    assert.deepEqual(await makeThumbnail(source, target), { width: 100, height: 64 });
    assert.equal((await sharp(readFileSync(target)).metadata()).format, 'jpeg');
  });

  it('writes nothing when the source cannot be decoded', async () => {
    const whole = await encode(quadrants(320, 192)).jpeg().toBuffer();
    const source = await writeFixture(folder, 'cut.jpg', whole.subarray(0, Math.floor(whole.length * 0.6)));
    const target = join(folder, 'failed', 'cut-thumb.jpg');
    await assert.rejects(makeThumbnail(source, target), (error: unknown) => error instanceof ImageDecodeError && error.reason === 'corrupt');
    assert.equal(existsSync(join(folder, 'failed')), false);
  });

  it('refuses a bad size', async () => {
    const source = await writeFixture(folder, 'any.png', await encode(quadrants(64, 64)).png().toBuffer());
    await assert.rejects(makeThumbnail(source, join(folder, 'x.jpg'), { size: 0 }), RangeError);
  });
});
