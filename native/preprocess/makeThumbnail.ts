/** Thumbnails for the dataset grid: small oriented sRGB JPEGs, written so that a reader never sees half a file. */
import sharp from 'sharp';
import { decodeFailure, decodeOptions, imageBytes } from './input';
import { writeAtomically } from './writeAtomically';

export interface ThumbnailOptions {
  /** Longer side in pixels; smaller images are not enlarged. Default 256. */
  size?: number;
}

const THUMBNAIL_QUALITY = 80;

/**
 * Write a JPEG thumbnail (oriented, sRGB, alpha on white, longer side ≤ size px) of a PNG or JPEG to
 * `target`, creating its folder, atomically; returns its size in pixels; throws ImageDecodeError.
 */
export async function makeThumbnail(
  source: string | Buffer,
  target: string,
  options: ThumbnailOptions = {},
): Promise<{ width: number; height: number }> {
  const size = options.size ?? 256;
  if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`size must be a whole number of pixels ≥ 1, not ${size}`);
  const { bytes } = await imageBytes(source);
  let output;
  try {
    output = await sharp(bytes, decodeOptions({ autoOrient: true }))
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: THUMBNAIL_QUALITY })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeFailure(error);
  }
  await writeAtomically(target, output.data);
  return { width: output.info.width, height: output.info.height };
}
