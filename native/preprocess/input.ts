/**
 * Reading image files and telling formats apart by their first bytes, shared by the probe and the
 * decoders. Only PNG and JPEG are images to Loupe (the service's rule), whatever sharp could read.
 */
import { open } from 'node:fs/promises';
import sharp, { type SharpOptions } from 'sharp';

// Each image is decoded once or twice in a row, never again: libvips' operation cache would only hold
// memory (and measured slightly slower with it on).
sharp.cache(false);

export type ImageFormat = 'jpeg' | 'png';

export type ImageFailure = 'unsupported-format' | 'corrupt' | 'too-many-pixels' | 'unreadable';

/** Images above this many pixels (8192 × 8192) are refused from their header, before any decoding. */
export const MAX_DECODE_PIXELS = 8192 * 8192;

/** Files above this many bytes are not read at all (the service's own limit is 15 MB). */
export const MAX_READ_BYTES = 256 * 1024 * 1024;

/** Thrown by decodeRgb and makeThumbnail when an image cannot be used; `reason` is the probe's. */
export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
  constructor(
    readonly reason: ImageFailure,
    readonly detail: string,
  ) {
    super(`cannot decode image (${reason}): ${detail}`);
  }
}

/**
 * sharp options for every decode: libjpeg/libpng errors and truncation fail (plain warnings, such as
 * extraneous bytes before a marker, do not), and the pixel limit is enforced from the header.
 */
export function decodeOptions(extra: SharpOptions = {}): SharpOptions {
  return { failOn: 'error', limitInputPixels: MAX_DECODE_PIXELS, ...extra };
}

/** The whole file as bytes, or why it cannot be read (missing, a folder, unreadable, too large). */
export async function readImageFile(
  path: string,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; detail: string; sizeBytes?: number }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return { ok: false, detail: errorText(error) };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { ok: false, detail: `${path} is not a file` };
    if (stats.size > MAX_READ_BYTES) {
      return { ok: false, detail: `${path} is ${stats.size} bytes; Loupe reads image files up to ${MAX_READ_BYTES} bytes`, sizeBytes: stats.size };
    }
    return { ok: true, bytes: await handle.readFile() };
  } catch (error) {
    return { ok: false, detail: errorText(error) };
  } finally {
    await handle.close();
  }
}

/** The bytes of a path or buffer, as decodeRgb and makeThumbnail take them; throws ImageDecodeError. */
export async function imageBytes(source: string | Buffer): Promise<{ bytes: Buffer; format: ImageFormat }> {
  let bytes: Buffer;
  if (typeof source === 'string') {
    const read = await readImageFile(source);
    if (!read.ok) throw new ImageDecodeError('unreadable', read.detail);
    bytes = read.bytes;
  } else {
    bytes = source;
  }
  if (bytes.length === 0) throw new ImageDecodeError('corrupt', 'the file is empty');
  const format = sniffFormat(bytes);
  if (format.kind !== 'supported') throw new ImageDecodeError('unsupported-format', unsupportedDetail(format.name));
  return { bytes, format: format.format };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Signatures of formats Loupe refuses, only to name them in messages. */
const OTHER_SIGNATURES: readonly { name: string; test: (b: Buffer) => boolean }[] = [
  { name: 'GIF', test: (b) => ascii(b, 0, 4) === 'GIF8' },
  { name: 'WebP', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP' },
  { name: 'TIFF', test: (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*' },
  { name: 'BMP', test: (b) => ascii(b, 0, 2) === 'BM' },
  { name: 'HEIF/AVIF', test: (b) => ascii(b, 4, 8) === 'ftyp' },
  { name: 'JPEG 2000', test: (b) => b.subarray(0, 12).equals(Buffer.from('0000000c6a5020200d0a870a', 'hex')) },
  { name: 'JPEG XL', test: (b) => b[0] === 0xff && b[1] === 0x0a },
  { name: 'PDF', test: (b) => ascii(b, 0, 5) === '%PDF-' },
  { name: 'SVG', test: (b) => /^\s*(<\?xml|<svg)/i.test(ascii(b, 0, 64)) },
];

export type Sniffed = { kind: 'supported'; format: ImageFormat } | { kind: 'other'; name: string | undefined };

/** The format the content says (not the extension): PNG and JPEG, or the name of another format if known. */
export function sniffFormat(bytes: Buffer): Sniffed {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xd8) return { kind: 'supported', format: 'jpeg' };
  const head = bytes.subarray(0, PNG_SIGNATURE.length);
  if (head.length > 0 && head.equals(PNG_SIGNATURE.subarray(0, head.length))) return { kind: 'supported', format: 'png' };
  return { kind: 'other', name: OTHER_SIGNATURES.find((s) => s.test(bytes))?.name };
}

export function unsupportedDetail(name: string | undefined): string {
  return `${name === undefined ? 'not a PNG or JPEG file' : `${name} files are not supported`}; Loupe reads PNG and JPEG images only`;
}

/** An error's message on one line: libvips repeats its lines, so each distinct line is kept once. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return [...new Set(lines)].join('; ');
}

/** The ImageDecodeError for a sharp failure: over the pixel limit, or anything else the decoder refused. */
export function decodeFailure(error: unknown): ImageDecodeError {
  if (error instanceof ImageDecodeError) return error;
  const message = errorText(error);
  return new ImageDecodeError(/pixel limit/i.test(message) ? 'too-many-pixels' : 'corrupt', message);
}

function ascii(bytes: Buffer, start: number, end: number): string {
  return bytes.subarray(start, end).toString('latin1');
}
