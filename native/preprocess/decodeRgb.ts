/** Pixels for models: any PNG or JPEG as oriented, 8-bit sRGB, interleaved RGB. */
import sharp from 'sharp';
import { decodeFailure, decodeOptions, imageBytes } from './input';

export interface RgbImage {
  /** HWC uint8 RGB, row after row: `data[(y * width + x) * 3 + c]`, length `width * height * 3`. */
  data: Buffer;
  width: number;
  height: number;
}

export interface DecodeRgbOptions {
  /** Shrink (never enlarge) so that the longer side is at most this many pixels. */
  maxSide?: number;
  /**
   * Keep only this rectangle of the oriented image (whole pixels, inside it), before any shrinking:
   * a training view cropped from the full-resolution pixels.
   */
  region?: { left: number; top: number; width: number; height: number };
}

/**
 * Decode a PNG or JPEG (path or bytes) to HWC uint8 sRGB pixels: EXIF orientation applied; CMYK, 16-bit,
 * grayscale and palette converted; alpha flattened on white; optionally only `region`, then shrunk to
 * `maxSide`; throws ImageDecodeError (a region outside the image included).
 */
export async function decodeRgb(pathOrBuffer: string | Buffer, options: DecodeRgbOptions = {}): Promise<RgbImage> {
  const { maxSide, region } = options;
  if (maxSide !== undefined && !(Number.isInteger(maxSide) && maxSide >= 1)) {
    throw new RangeError(`maxSide must be a whole number of pixels ≥ 1, not ${maxSide}`);
  }
  if (region && !([region.left, region.top, region.width, region.height].every(Number.isInteger) && region.left >= 0 && region.top >= 0 && region.width >= 1 && region.height >= 1)) {
    throw new RangeError(`region must be whole pixels with a positive size, not ${JSON.stringify(region)}`);
  }
  const { bytes } = await imageBytes(pathOrBuffer);
  const image = sharp(bytes, decodeOptions({ autoOrient: true }));
  // The constructor's autoOrient turns the image upright before extract(), so the region is in the
  // oriented image's pixels (test/native/preprocess/decodeRgb.test.ts checks it on an EXIF-rotated JPEG).
  if (region) image.extract(region);
  if (maxSide !== undefined) image.resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true });
  let output;
  try {
    output = await image
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeFailure(error);
  }
  const { data, info } = output;
  if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
    throw new Error(`decodeRgb produced ${info.channels} channels and ${data.length} bytes for ${info.width}×${info.height}`);
  }
  return { data, width: info.width, height: info.height };
}
