import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { type ImageProbe, probeImageBuffer } from '../../../native/preprocess';
import { checkImageLimits, IMAGE_LIMITS } from '../../../preload/contract/imageLimits';
import { formatMessage } from '../../../preload/contract/messages';
import { bombPng, encode, quadrants } from './fixtures';

const INVALID_IMAGE = 'The image is invalid. Check S3 path and/or image properties.';
const INVALID_DIMENSION = 'The image dimension(s) do not conform to allowed dimensions.';

async function probeOf(width: number, height: number): Promise<ImageProbe> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: '#3366cc' } }).png().toBuffer();
  return probeImageBuffer(bytes);
}

/** A probe as probeImage would give it for a file of `sizeBytes` bytes and width×height pixels. */
function probeWith(width: number, height: number, sizeBytes: number): ImageProbe {
  return { ok: true, format: 'jpeg', width, height, depth: 3, sizeBytes, sha256: '0'.repeat(64), orientation: 1, rawWidth: width, rawHeight: height };
}

describe('IMAGE_LIMITS', () => {
  it('holds the guide’s numbers', () => {
    // The app's own upload cap is Loupe's (room for a 100 MP camera image), not the guide's.
    const { maxUploadBytes, ...guide } = IMAGE_LIMITS;
    assert.equal(maxUploadBytes, 256 * 1024 * 1024);
    assert.deepEqual(guide, {
      formats: ['png', 'jpeg'],
      minSidePx: 64,
      maxSidePx: 4096,
      maxFileBytes: 15 * 1024 * 1024,
      maxInferenceBytes: 4 * 1024 * 1024,
      maxAspectRatio: 20,
    });
  });
});

/** What checkImageLimits says, its coded sentence checked to say the same. */
function limits(...args: Parameters<typeof checkImageLimits>) {
  const result = checkImageLimits(...args);
  if (!result) return undefined;
  assert.equal(formatMessage(result.ref.Code, result.ref.Params), result.message, 'the coded sentence is the message');
  return { code: result.code, message: result.message };
}

describe('checkImageLimits', () => {
  it('passes images at the limits: 64×64, 4096×4096, exactly 20:1, exactly 15 MB', async () => {
    assert.equal(limits(await probeOf(64, 64), 'dataset'), undefined);
    assert.equal(limits(await probeImageBuffer(bombPng(4096, 4096)), 'dataset'), undefined);
    assert.equal(limits(await probeOf(1280, 64), 'dataset'), undefined);
    assert.equal(limits(probeWith(640, 480, 15 * 1024 * 1024), 'dataset'), undefined);
  });

  it('refuses a 63-px side with ERROR_INVALID_IMAGE_DIMENSION, naming the size and the range', async () => {
    const result = limits(await probeOf(100, 63), 'dataset');
    assert.deepEqual(result, {
      code: 'ERROR_INVALID_IMAGE_DIMENSION',
      message: `${INVALID_DIMENSION} The image is too small: 100×63 pixels; each side must be 64 to 4096 pixels.`,
    });
  });

  it('refuses a 4097-px side with ERROR_INVALID_IMAGE_DIMENSION', async () => {
    const result = limits(await probeImageBuffer(bombPng(4097, 300)), 'dataset');
    assert.equal(result?.code, 'ERROR_INVALID_IMAGE_DIMENSION');
    assert.match(result?.message ?? '', /too large: 4097×300 pixels; each side must be 64 to 4096/);
  });

  it('refuses an aspect ratio of 21:1 with ERROR_INVALID_IMAGE, as the guide lists it', async () => {
    const result = limits(await probeOf(1344, 64), 'dataset');
    assert.deepEqual(result, {
      code: 'ERROR_INVALID_IMAGE',
      message: `${INVALID_IMAGE} The aspect ratio is 21:1 (1344×64 pixels); the maximum is 20:1.`,
    });
    assert.equal(limits(await probeOf(64, 1344), 'inference')?.code, 'ERROR_INVALID_IMAGE');
  });

  it('refuses a file over 15 MB for a dataset, and over 4 MB as DetectCustomLabels bytes', () => {
    const big = probeWith(640, 480, 15 * 1024 * 1024 + 1);
    assert.deepEqual(limits(big, 'dataset'), {
      code: 'ERROR_INVALID_IMAGE',
      message: `${INVALID_IMAGE} The file is too large: 15728641 bytes (15 MB); the maximum for an image file is 15 MB.`,
    });
    const medium = probeWith(640, 480, 5 * 1024 * 1024);
    assert.equal(limits(medium, 'dataset'), undefined);
    assert.deepEqual(limits(medium, 'inference'), {
      code: 'ERROR_INVALID_IMAGE',
      message: `${INVALID_IMAGE} The file is too large: 5242880 bytes (5 MB); the maximum for image bytes is 4 MB.`,
    });
  });

  it('gives ERROR_INVALID_IMAGE with the guide’s message for an unsupported, corrupt or unreadable file', async () => {
    const gif = await probeImageBuffer(await encode(quadrants(64, 64)).gif().toBuffer());
    const empty = await probeImageBuffer(Buffer.alloc(0));
    const missing: ImageProbe = { ok: false, reason: 'unreadable', detail: 'ENOENT' };
    for (const probe of [gif, empty, missing]) {
      for (const purpose of ['dataset', 'inference'] as const) {
        assert.deepEqual(limits(probe, purpose), { code: 'ERROR_INVALID_IMAGE', message: INVALID_IMAGE });
      }
    }
  });

  it('gives ERROR_INVALID_IMAGE_DIMENSION for a decompression bomb, with its size', async () => {
    const result = limits(await probeImageBuffer(bombPng(20_000, 20_000)), 'dataset');
    assert.equal(result?.code, 'ERROR_INVALID_IMAGE_DIMENSION');
    assert.ok(result?.message.startsWith(`${INVALID_DIMENSION} The image is too large: 20000×20000 pixels`), result?.message);
  });
});
