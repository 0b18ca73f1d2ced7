/**
 * Pixels exactly as a model takes them, in native code: decode (oriented, sRGB, shrunk on load to
 * at most `maxSide`), optionally keep the central square of `crop` × the shorter side, resize to
 * width × height (each axis on its own, a triangle filter widened when shrinking), optionally
 * mirror. Training and analysis both go through here, so what a model was trained on is what it
 * sees when it runs.
 *
 * Two passes (decode, then crop and resize the decoded pixels) rather than one resize straight from
 * the file: on hymenoptera the one-pass pixels (mean difference 1.7 / 255) measured 0.889 accuracy
 * against 0.922 for these, which are the ones the classifier's figures were measured with.
 */
import sharp from 'sharp';
import { decodeRgb, type RgbImage } from './decodeRgb';

export interface ModelPixelsOptions {
  width: number;
  height: number;
  /** Decode so that the longer side is at most this many pixels (JPEGs shrink on load). */
  maxSide: number;
  /** Keep the central square whose side is this share (0–1] of the shorter side. */
  crop?: number;
  /** Mirror left to right (a training view). */
  mirror?: boolean;
  /**
   * How the (cropped) image fills width × height: 'fill' stretches each axis on its own (default);
   * 'contain' keeps its aspect and pads the rest with mid grey (letterboxing).
   */
  fit?: 'fill' | 'contain';
}

/** The grey a letterboxed image is padded with. */
export const LETTERBOX_GREY = 128;

export async function decodeForModel(source: string | Buffer, options: ModelPixelsOptions): Promise<RgbImage> {
  const { width, height, maxSide, crop, mirror = false, fit = 'fill' } = options;
  if (crop !== undefined && !(crop > 0 && crop <= 1)) throw new RangeError(`crop must be a share in (0, 1], not ${crop}`);
  const decoded = await decodeRgb(source, { maxSide });
  const region = crop === undefined ? { left: 0, top: 0, width: decoded.width, height: decoded.height } : centralSquare(decoded, crop);
  const whole = region.width === decoded.width && region.height === decoded.height;
  if (whole && region.width === width && region.height === height && !mirror) return decoded;
  // Nothing to resample or mirror (e.g. analysing a 256 px image's 224 px crop): copying rows here
  // costs less than a round trip through libvips, and gives the same bytes.
  if (region.width === width && region.height === height && !mirror) return copyRegion(decoded, region);
  const image = sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } });
  if (!whole) image.extract(region);
  if (region.width !== width || region.height !== height) {
    image.resize(width, height, {
      fit,
      kernel: 'linear',
      ...(fit === 'contain' ? { background: { r: LETTERBOX_GREY, g: LETTERBOX_GREY, b: LETTERBOX_GREY } } : {}),
    });
  }
  if (mirror) image.flop();
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function centralSquare(image: { width: number; height: number }, share: number) {
  const side = Math.max(1, Math.round(Math.min(image.width, image.height) * share));
  return { left: Math.floor((image.width - side) / 2), top: Math.floor((image.height - side) / 2), width: side, height: side };
}

/** The pixels of `region` (HWC RGB), row by row. */
function copyRegion(image: RgbImage, region: { left: number; top: number; width: number; height: number }): RgbImage {
  const { width, height } = region;
  const out = Buffer.allocUnsafe(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((region.top + y) * image.width + region.left) * 3;
    image.data.copy(out, y * width * 3, from, from + width * 3);
  }
  return { data: out, width, height };
}
