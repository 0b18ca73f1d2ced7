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
}

/**
 * Decode a PNG or JPEG (path or bytes) to HWC uint8 sRGB pixels: EXIF orientation applied; CMYK, 16-bit,
 * grayscale and palette converted; alpha flattened on white; throws ImageDecodeError.
 */
export async function decodeRgb(pathOrBuffer: string | Buffer, options: DecodeRgbOptions = {}): Promise<RgbImage> {
  const { maxSide } = options;
  if (maxSide !== undefined && !(Number.isInteger(maxSide) && maxSide >= 1)) {
    throw new RangeError(`maxSide must be a whole number of pixels ≥ 1, not ${maxSide}`);
  }
  const { bytes } = await imageBytes(pathOrBuffer);
  const image = sharp(bytes, decodeOptions({ autoOrient: true }));
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
