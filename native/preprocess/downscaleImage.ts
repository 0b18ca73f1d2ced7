/**
 * Camera images larger than the service's limits (4096 px a side, 15 MB a file) made usable in the
 * app's own import flows: an oriented copy whose longer side fits, written beside Loupe's data, the
 * user's original left as it is. The pixel ceiling here is higher than MAX_DECODE_PIXELS (issue 15:
 * "say up to 100 MP") but is still checked from the header first, so a decompression bomb is refused
 * before any decoding; JPEGs are decoded with shrink-on-load, so memory stays near the output size.
 */
import sharp from 'sharp';
import { decodeFailure, decodeOptions, ImageDecodeError, imageBytes } from './input';
import { writeAtomically } from './writeAtomically';

/** The largest image, in pixels, that Loupe downscales at import rather than refusing as too large. */
export const MAX_DOWNSCALE_PIXELS = 100_000_000;

const DOWNSCALE_JPEG_QUALITY = 92;

export interface DownscaleOptions {
  /** Longer side of the copy in pixels. */
  maxSide: number;
}

/**
 * Write an oriented copy of a PNG or JPEG (`source`) to `target`, longer side ≤ maxSide px, in the
 * source's format, atomically; returns the copy's size in pixels. Throws ImageDecodeError
 * ('too-many-pixels' above MAX_DOWNSCALE_PIXELS, 'corrupt', …).
 */
export async function downscaleImage(source: string, target: string, options: DownscaleOptions): Promise<{ width: number; height: number }> {
  const { maxSide } = options;
  if (!(Number.isInteger(maxSide) && maxSide >= 1)) throw new RangeError(`maxSide must be a whole number of pixels ≥ 1, not ${maxSide}`);
  const { bytes, format } = await imageBytes(source);
  let output;
  try {
    const header = await sharp(bytes, decodeOptions({ limitInputPixels: false })).metadata();
    const pixels = header.width * header.height;
    if (!(pixels > 0)) throw new ImageDecodeError('corrupt', `the header gives no size (${header.width}×${header.height})`);
    if (pixels > MAX_DOWNSCALE_PIXELS) {
      const megapixels = (count: number) => Math.round(count / 100_000) / 10;
      throw new ImageDecodeError(
        'too-many-pixels',
        `${header.width}×${header.height} pixels (${megapixels(pixels)} MP) is more than the ${megapixels(MAX_DOWNSCALE_PIXELS)} MP Loupe downscales`,
      );
    }
    const image = sharp(bytes, decodeOptions({ autoOrient: true, limitInputPixels: MAX_DOWNSCALE_PIXELS })).resize(maxSide, maxSide, {
      fit: 'inside',
      withoutEnlargement: true,
    });
    output = await (format === 'png' ? image.png() : image.jpeg({ quality: DOWNSCALE_JPEG_QUALITY })).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw error instanceof ImageDecodeError ? error : decodeFailure(error);
  }
  await writeAtomically(target, output.data);
  return { width: output.info.width, height: output.info.height };
}
