/**
 * An image at an exact size as pixels and as a lossless PNG of those pixels: the sample images of a
 * model export, which Loupe's pipeline (from the PNG) and an exported graph (from the pixels) must
 * see alike.
 */
import sharp from 'sharp';
import { decodeRgb, type RgbImage } from './decodeRgb';

/** `source` (path or bytes) oriented, stretched to width × height (linear kernel), as HWC uint8 RGB pixels and a PNG of them. */
export async function resizedPng(source: string | Buffer, width: number, height: number): Promise<{ pixels: RgbImage; png: Buffer }> {
  const decoded = await decodeRgb(source);
  const raw = { raw: { width: decoded.width, height: decoded.height, channels: 3 as const } };
  const data = decoded.width === width && decoded.height === height ? decoded.data : await sharp(decoded.data, raw).resize(width, height, { fit: 'fill', kernel: 'linear' }).raw().toBuffer();
  const png = await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return { pixels: { data, width, height }, png };
}

/** Raw HWC uint8 RGB pixels as a PNG. */
export function rgbPng(pixels: RgbImage): Promise<Buffer> {
  return sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 3 } }).png().toBuffer();
}
