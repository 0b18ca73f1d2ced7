/**
 * What an image file is, checked the way an importer needs it: read once, hashed, its header read and
 * its pixel data decoded to the end, so that a truncated or corrupt file is caught at import and not
 * at training time.
 */
import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import {
  decodeFailure,
  decodeOptions,
  errorText,
  type ImageFailure,
  type ImageFormat,
  MAX_DECODE_PIXELS,
  readImageFile,
  sniffFormat,
  unsupportedDetail,
} from './input';

export type ImageProbe =
  | {
      ok: true;
      /** Decided by the content, not the file name. */
      format: ImageFormat;
      /** Pixels of the correctly oriented image (EXIF orientations 5–8 swap the stored sides); boxes live in these. */
      width: number;
      height: number;
      /** Channels after normalisation to RGB: 3 for colour and grayscale alike, as manifests write it. */
      depth: number;
      sizeBytes: number;
      /** Hex SHA-256 of the file bytes. */
      sha256: string;
      /** EXIF orientation 1–8; 1 when there is none. */
      orientation: number;
      /** Pixels as stored, before orientation. */
      rawWidth: number;
      rawHeight: number;
    }
  | { ok: false; reason: ImageFailure; detail: string; sha256?: string; sizeBytes?: number };

/**
 * JPEGs above this many pixels are checked at 1/8 scale (shrink-on-load), smaller ones and PNGs at
 * full scale: measured, the 1/8 path has a fixed extra cost that only pays off above ~0.6 MP.
 */
const SHRINK_CHECK_PIXELS = 600_000;

/** Probe an image file: format, oriented and stored size in pixels, orientation, byte size and SHA-256; never throws. */
export async function probeImage(path: string): Promise<ImageProbe> {
  const read = await readImageFile(path);
  if (!read.ok) {
    return read.sizeBytes === undefined
      ? { ok: false, reason: 'unreadable', detail: read.detail }
      : { ok: false, reason: 'unreadable', detail: read.detail, sizeBytes: read.sizeBytes };
  }
  return probeImageBuffer(read.bytes);
}

export type ImageHeader =
  | {
      ok: true;
      format: ImageFormat;
      /** Pixels of the oriented image. */
      width: number;
      height: number;
      /** EXIF orientation 1–8; 1 when there is none. */
      orientation: number;
      rawWidth: number;
      rawHeight: number;
    }
  | { ok: false; reason: ImageFailure; detail: string };

/**
 * The format and oriented size from the header alone: what analysis needs to check an image before
 * it decodes it (decoding then catches what a header hides). No hash, no pixel data read.
 */
export async function probeImageHeader(bytes: Buffer): Promise<ImageHeader> {
  const fail = (reason: ImageFailure, detail: string): ImageHeader => ({ ok: false, reason, detail });
  if (bytes.length === 0) return fail('corrupt', 'the file is empty');
  const sniffed = sniffFormat(bytes);
  if (sniffed.kind !== 'supported') return fail('unsupported-format', unsupportedDetail(sniffed.name));
  const format = sniffed.format;

  // Without the pixel limit, so that an oversized image is named with its size.
  let header: Metadata;
  try {
    header = await sharp(bytes, decodeOptions({ limitInputPixels: false })).metadata();
  } catch (error) {
    return fail('corrupt', `unreadable ${format.toUpperCase()} header: ${errorText(error)}`);
  }
  if (header.format !== format) return fail('corrupt', `starts like ${format.toUpperCase()} but decodes as ${header.format}`);
  const rawWidth = header.width;
  const rawHeight = header.height;
  if (!(rawWidth > 0 && rawHeight > 0)) return fail('corrupt', `the header gives no size (${rawWidth}×${rawHeight})`);
  if (rawWidth * rawHeight > MAX_DECODE_PIXELS) {
    return fail('too-many-pixels', `${rawWidth}×${rawHeight} pixels is more than the ${MAX_DECODE_PIXELS} pixels Loupe decodes`);
  }
  const orientation = header.orientation !== undefined && header.orientation >= 1 && header.orientation <= 8 ? header.orientation : 1;
  const swapped = orientation >= 5;
  return { ok: true, format, width: swapped ? rawHeight : rawWidth, height: swapped ? rawWidth : rawHeight, orientation, rawWidth, rawHeight };
}

/** Probe image bytes already in memory (an upload, a dataset file); same result as probeImage. */
export async function probeImageBuffer(bytes: Buffer): Promise<ImageProbe> {
  const sizeBytes = bytes.length;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const header = await probeImageHeader(bytes);
  if (!header.ok) return { ...header, sha256, sizeBytes };
  try {
    await decodeToTheEnd(bytes, header.format, header.rawWidth, header.rawHeight);
  } catch (error) {
    const failure = decodeFailure(error);
    return { ok: false, reason: failure.reason, detail: failure.detail, sha256, sizeBytes };
  }
  return { ...header, depth: 3, sizeBytes, sha256 };
}

/**
 * Decode all the pixel data while producing almost no output: the decoder must reach the end of the
 * data to give the last pixel, so truncation and decoder errors fail here (damaged JPEG data that
 * libjpeg recovers from with a warning does not: such images still display). Large JPEGs use the
 * decoder's 1/8 scale, which still reads all the entropy-coded data but skips most of the work.
 */
async function decodeToTheEnd(bytes: Buffer, format: ImageFormat, rawWidth: number, rawHeight: number): Promise<void> {
  const image = sharp(bytes, decodeOptions());
  if (format === 'jpeg' && rawWidth * rawHeight > SHRINK_CHECK_PIXELS) image.resize(8, 8, { fit: 'fill' });
  else image.extract({ left: rawWidth - 1, top: rawHeight - 1, width: 1, height: 1 });
  await image.raw().toBuffer();
}
