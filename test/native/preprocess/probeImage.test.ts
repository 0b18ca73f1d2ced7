import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp, { type Metadata } from 'sharp';
import { MAX_DECODE_PIXELS, probeImage, probeImageBuffer, type ImageProbe } from '../../../native/preprocess';
import { bombPng, encode, photo, quadrants, storedFor, tempFolder, writeFixture } from './fixtures';

let folder: string;
before(() => {
  folder = tempFolder();
});
after(() => rmSync(folder, { recursive: true, force: true }));

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** 'ok', or the reason the probe gives for refusing. */
function outcome(probe: ImageProbe): string {
  return probe.ok ? 'ok' : probe.reason;
}

function assertRefused(probe: ImageProbe): asserts probe is Extract<ImageProbe, { ok: false }> {
  assert.equal(probe.ok, false, 'the probe accepted the image');
}

function assertOk(probe: ImageProbe): asserts probe is Extract<ImageProbe, { ok: true }> {
  assert.equal(probe.ok, true, probe.ok ? '' : `${probe.reason}: ${probe.detail}`);
}

describe('probeImage on images it accepts', () => {
  it('reads a plain RGB JPEG: format, size, depth, bytes and hash of the file', async () => {
    const bytes = await encode(photo(640, 480, 1)).jpeg({ quality: 85 }).toBuffer();
    const probe = await probeImage(await writeFixture(folder, 'plain.jpg', bytes));
    assert.deepEqual(probe, {
      ok: true,
      format: 'jpeg',
      width: 640,
      height: 480,
      depth: 3,
      sizeBytes: bytes.length,
      sha256: sha256(bytes),
      orientation: 1,
      rawWidth: 640,
      rawHeight: 480,
    });
  });

  it('gives the same answer for the bytes as for the file', async () => {
    const bytes = await encode(photo(200, 100, 2)).png().toBuffer();
    const path = await writeFixture(folder, 'same.png', bytes);
    assert.deepEqual(await probeImageBuffer(bytes), await probeImage(path));
  });

  it('reads a progressive JPEG', async () => {
    const bytes = await encode(photo(320, 240, 3)).jpeg({ progressive: true }).toBuffer();
    assert.equal((await sharp(bytes).metadata()).isProgressive, true);
    const probe = await probeImage(await writeFixture(folder, 'progressive.jpg', bytes));
    assertOk(probe);
    assert.deepEqual([probe.format, probe.width, probe.height, probe.depth], ['jpeg', 320, 240, 3]);
  });

  const kinds: { name: string; file: string; make: () => Promise<Buffer>; expect: Partial<Metadata> }[] = [
    { name: 'a CMYK JPEG', file: 'cmyk.jpg', make: () => encode(quadrants(128, 64)).toColourspace('cmyk').jpeg().toBuffer(), expect: { space: 'cmyk', channels: 4 } },
    { name: 'a 16-bit PNG', file: 'deep.png', make: () => encode(quadrants(128, 64)).toColourspace('rgb16').png().toBuffer(), expect: { depth: 'ushort', bitsPerSample: 16 } },
    { name: 'a palette PNG', file: 'palette.png', make: () => encode(quadrants(128, 64)).png({ palette: true }).toBuffer(), expect: { isPalette: true } },
    { name: 'a grayscale JPEG', file: 'gray.jpg', make: () => encode(quadrants(128, 64)).toColourspace('b-w').jpeg().toBuffer(), expect: { space: 'b-w', channels: 1 } },
    { name: 'a grayscale PNG', file: 'gray.png', make: () => encode(quadrants(128, 64)).toColourspace('b-w').png().toBuffer(), expect: { space: 'b-w', channels: 1 } },
    {
      name: 'an RGBA PNG',
      file: 'alpha.png',
      make: () => sharp(Buffer.alloc(128 * 64 * 4, 90), { raw: { width: 128, height: 64, channels: 4 } }).png().toBuffer(),
      expect: { hasAlpha: true, channels: 4 },
    },
  ];
  for (const kind of kinds) {
    it(`reads ${kind.name} as 128×64, depth 3`, async () => {
      const bytes = await kind.make();
      const metadata = await sharp(bytes).metadata();
      for (const [key, value] of Object.entries(kind.expect)) assert.equal(metadata[key as keyof Metadata], value, `fixture ${key}`);
      const probe = await probeImage(await writeFixture(folder, kind.file, bytes));
      assertOk(probe);
      assert.deepEqual(
        [probe.format, probe.width, probe.height, probe.depth, probe.orientation],
        [kind.file.endsWith('.png') ? 'png' : 'jpeg', 128, 64, 3, 1],
      );
    });
  }

  for (const orientation of [2, 3, 4, 5, 6, 7, 8]) {
    const swaps = orientation >= 5;
    it(`reads EXIF orientation ${orientation}: width and height are those of the oriented image${swaps ? ' (swapped)' : ''}`, async () => {
      const stored = storedFor(quadrants(160, 96), orientation);
      const bytes = await encode(stored).jpeg().withMetadata({ orientation }).toBuffer();
      const probe = await probeImage(await writeFixture(folder, `orientation-${orientation}.jpg`, bytes));
      assertOk(probe);
      assert.deepEqual(
        [probe.orientation, probe.width, probe.height, probe.rawWidth, probe.rawHeight],
        [orientation, 160, 96, swaps ? 96 : 160, swaps ? 160 : 96],
      );
    });
  }

  it('decides the format by content, not by the file name', async () => {
    const png = await encode(photo(100, 80, 4)).png().toBuffer();
    const jpeg = await encode(photo(100, 80, 5)).jpeg().toBuffer();
    const asJpg = await probeImage(await writeFixture(folder, 'really-a-png.jpg', png));
    const asPng = await probeImage(await writeFixture(folder, 'really-a-jpeg.png', jpeg));
    assertOk(asJpg);
    assertOk(asPng);
    assert.equal(asJpg.format, 'png');
    assert.equal(asPng.format, 'jpeg');
  });

  it('accepts bytes after the end of a JPEG (some cameras write them)', async () => {
    const bytes = Buffer.concat([await encode(photo(100, 80, 6)).jpeg().toBuffer(), Buffer.from('trailing bytes')]);
    assert.equal((await probeImageBuffer(bytes)).ok, true);
  });
});

describe('probeImage on images it refuses', () => {
  it('calls a zero-byte file corrupt, with its size and hash', async () => {
    const probe = await probeImage(await writeFixture(folder, 'empty.jpg', Buffer.alloc(0)));
    assert.deepEqual(probe, { ok: false, reason: 'corrupt', detail: 'the file is empty', sha256: sha256(Buffer.alloc(0)), sizeBytes: 0 });
  });

  for (const format of ['jpeg', 'png'] as const) {
    it(`calls a truncated ${format.toUpperCase()} (first 60% of the bytes) corrupt`, async () => {
      const whole = await encode(photo(640, 480, 7)).toFormat(format).toBuffer();
      const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
      assert.equal((await sharp(cut).metadata()).width, 640, 'the header survives the cut');
      const probe = await probeImage(await writeFixture(folder, `truncated.${format}`, cut));
      assertRefused(probe);
      assert.equal(probe.reason, 'corrupt');
      assert.equal(probe.sizeBytes, cut.length);
      assert.equal(probe.sha256, sha256(cut));
    });
  }

  it('calls a JPEG cut just before its end marker corrupt', async () => {
    const whole = await encode(photo(300, 200, 8)).jpeg().toBuffer();
    const probe = await probeImageBuffer(whole.subarray(0, whole.length - 2));
    assert.equal(outcome(probe), 'corrupt');
  });

  it('calls a large truncated JPEG corrupt (the 1/8-scale check still reads all the data)', async () => {
    const whole = await encode(photo(2048, 1536, 9)).jpeg().toBuffer();
    const probe = await probeImageBuffer(whole.subarray(0, whole.length - 100));
    assert.equal(outcome(probe), 'corrupt');
    assert.equal((await probeImageBuffer(whole)).ok, true);
  });

  it('calls a PNG with damaged pixel data corrupt', async () => {
    const bytes = Buffer.from(await encode(photo(300, 200, 10)).png().toBuffer());
    for (let i = 200; i < 260; i++) bytes[i] = bytes[i]! ^ 0xff;
    assert.equal(outcome(await probeImageBuffer(bytes)), 'corrupt');
  });

  it('refuses a GIF, which sharp could read, as unsupported-format', async () => {
    const bytes = await encode(quadrants(64, 64)).gif().toBuffer();
    const probe = await probeImage(await writeFixture(folder, 'animation.gif', bytes));
    assertRefused(probe);
    assert.equal(probe.reason, 'unsupported-format');
    assert.match(probe.detail, /GIF/);
    assert.equal(probe.sizeBytes, bytes.length);
  });

  it('refuses WebP, TIFF and text as unsupported-format, whatever their extension', async () => {
    const webp = await encode(quadrants(64, 64)).webp().toBuffer();
    const tiff = await encode(quadrants(64, 64)).tiff().toBuffer();
    for (const [name, bytes] of [['webp.jpg', webp], ['tiff.png', tiff], ['notes.jpg', Buffer.from('not an image at all')]] as const) {
      const probe = await probeImage(await writeFixture(folder, name, bytes));
      assert.equal(outcome(probe), 'unsupported-format', name);
    }
  });

  it('refuses a decompression bomb (20000×20000 PNG of 50 KB) from its header, quickly', async () => {
    const bytes = bombPng(20_000, 20_000);
    assert.ok(bytes.length < 100_000, `${bytes.length} bytes`);
    const path = await writeFixture(folder, 'bomb.png', bytes);
    const started = performance.now();
    const probe = await probeImage(path);
    const elapsedMs = performance.now() - started;
    assertRefused(probe);
    assert.equal(probe.reason, 'too-many-pixels');
    assert.match(probe.detail, /20000×20000/);
    assert.ok(elapsedMs < 500, `took ${elapsedMs.toFixed(0)} ms`);
  });

  it('decodes up to MAX_DECODE_PIXELS (8192×8192) and refuses one row more', async () => {
    assert.equal(MAX_DECODE_PIXELS, 8192 * 8192);
    assert.equal(outcome(await probeImageBuffer(bombPng(8192, 8192))), 'ok');
    assert.equal(outcome(await probeImageBuffer(bombPng(8192, 8193))), 'too-many-pixels');
  });

  it('calls a missing file and a folder unreadable, without size or hash', async () => {
    const missing = await probeImage(join(folder, 'nope.jpg'));
    assertRefused(missing);
    assert.equal(missing.reason, 'unreadable');
    assert.match(missing.detail, /ENOENT/);
    assert.equal(missing.sha256, undefined);
    const dir = join(folder, 'a-folder.jpg');
    mkdirSync(dir);
    const probe = await probeImage(dir);
    assert.equal(outcome(probe), 'unreadable');
  });
});

describe('probe throughput', () => {
  it('prints the cost of probing 200 photo-like 640×480 JPEGs (measured, not asserted)', async (t) => {
    const dir = join(folder, 'throughput');
    mkdirSync(dir);
    const paths: string[] = [];
    let totalBytes = 0;
    for (let i = 0; i < 200; i++) {
      const bytes = await encode(photo(640, 480, i + 100)).jpeg({ quality: 85 }).toBuffer();
      totalBytes += bytes.length;
      paths.push(await writeFixture(dir, `photo-${i}.jpg`, bytes));
    }
    let started = performance.now();
    for (const path of paths) assert.equal((await probeImage(path)).ok, true);
    const serialMs = (performance.now() - started) / paths.length;
    started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < paths.length) assert.equal((await probeImage(paths[next++]!)).ok, true);
    };
    await Promise.all([worker(), worker()]);
    const pairedMs = (performance.now() - started) / paths.length;
    t.diagnostic(
      `probeImage, 200 JPEGs of 640×480 (${Math.round(totalBytes / paths.length / 1024)} KB each): ` +
        `${serialMs.toFixed(2)} ms per image one at a time, ${pairedMs.toFixed(2)} ms per image two at a time`,
    );
  });
});
