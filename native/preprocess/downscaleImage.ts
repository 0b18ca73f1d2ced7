/**
 * Camera images larger than the service's limits (4096 px a side, 15 MB a file) made usable in the
 * app's own import flows: an oriented copy whose longer side fits, written beside Loupe's data, the
 * user's original left as it is. The pixel ceiling here is higher than MAX_DECODE_PIXELS (issue 15:
 * "say up to 100 MP") but is still checked from the header first, so a decompression bomb is refused
 * before any decoding; JPEGs are decoded with shrink-on-load, so memory stays near the output size.
 * A copy must fit the byte limit too: a PNG of 4096 px or less can still be over 15 MB (a noisy
 * scan, an uncompressed export), so it is compressed harder first and made smaller only after.
 */
import sharp from 'sharp';
import { decodeFailure, decodeOptions, ImageDecodeError, imageBytes } from './input';
import { writeAtomically } from './writeAtomically';

/** The largest image, in pixels, that Loupe downscales at import rather than refusing as too large. */
export const MAX_DOWNSCALE_PIXELS = 100_000_000;

const DOWNSCALE_JPEG_QUALITY = 92;

/** The PNG encoder's defaults, and its strongest lossless setting, tried before any pixel is given up. */
const PNG_DEFAULT = { compressionLevel: 6, adaptiveFiltering: false } as const;
const PNG_STRONGEST = { compressionLevel: 9, adaptiveFiltering: true } as const;

/**
 * A copy whose default encoding is more than this share over `maxBytes` is not tried with the
 * strongest PNG compression at full size: that setting saves a tenth or two on photographs, never
 * a half, so the try would only cost time.
 */
const STRONGER_COMPRESSION_REACH = 1.5;

/** Each step down for bytes aims this far under the limit (bytes follow the pixel count only roughly). */
const STEP_MARGIN = 0.95;

export interface DownscaleOptions {
  /** Longer side of the copy in pixels. */
  maxSide: number;
  /**
   * Bytes the copy may take at most. A copy over it is, for a PNG, encoded again with the
   * strongest lossless compression, then (either format) made smaller in steps, each aimed at the
   * limit from the last one's size, until it fits or its shorter side would fall below `minSide`.
   */
  maxBytes?: number;
  /** Shorter side, in pixels, that no step for bytes goes below (the service's 64 px). */
  minSide?: number;
}

/**
 * Write an oriented copy of a PNG or JPEG (`source`) to `target`, longer side ≤ maxSide px and, when
 * it can be, at most maxBytes, in the source's format, atomically; returns the copy's size in pixels
 * and bytes. Throws ImageDecodeError ('too-many-pixels' above MAX_DOWNSCALE_PIXELS, 'corrupt', …).
 */
export async function downscaleImage(
  source: string,
  target: string,
  options: DownscaleOptions,
): Promise<{ width: number; height: number; sizeBytes: number }> {
  const { maxSide, maxBytes = Infinity, minSide = 1 } = options;
  if (!(Number.isInteger(maxSide) && maxSide >= 1)) throw new RangeError(`maxSide must be a whole number of pixels ≥ 1, not ${maxSide}`);
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be more than 0, not ${maxBytes}`);
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
    const encode = (side: number, png: typeof PNG_DEFAULT | typeof PNG_STRONGEST) => {
      const image = sharp(bytes, decodeOptions({ autoOrient: true, limitInputPixels: MAX_DOWNSCALE_PIXELS })).resize(side, side, {
        fit: 'inside',
        withoutEnlargement: true,
      });
      return (format === 'png' ? image.png(png) : image.jpeg({ quality: DOWNSCALE_JPEG_QUALITY })).toBuffer({ resolveWithObject: true });
    };
    output = await encode(maxSide, PNG_DEFAULT);
    if (output.data.length > maxBytes && format === 'png' && output.data.length <= maxBytes * STRONGER_COMPRESSION_REACH) {
      output = await encode(maxSide, PNG_STRONGEST);
    }
    while (output.data.length > maxBytes) {
      const { width, height } = output.info;
      const scale = Math.min(0.97, Math.sqrt(maxBytes / output.data.length) * STEP_MARGIN);
      if (Math.floor(Math.min(width, height) * scale) < minSide) break;
      output = await encode(Math.floor(Math.max(width, height) * scale), PNG_STRONGEST);
    }
  } catch (error) {
    throw error instanceof ImageDecodeError ? error : decodeFailure(error);
  }
  await writeAtomically(target, output.data);
  return { width: output.info.width, height: output.info.height, sizeBytes: output.data.length };
}
