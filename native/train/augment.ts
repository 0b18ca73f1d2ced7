/**
 * Augmented copies of a training image for fine-tuning: a random-resized crop that keeps most of the
 * image (at least `minArea` of it, aspect within ±25 %), a small rotation, a horizontal flip,
 * brightness and contrast, resampled bilinearly back to the image's own size in one pass (the crop,
 * rotation and flip are one affine map from output to source pixels). Points that fall outside the
 * source take the nearest edge pixel, so a rotation adds no black corners.
 */
import type { RgbPixels } from '../models';
import type { Random } from './random';

export interface AugmentSettings {
  /** The smallest share of the image's area a crop keeps. */
  minArea: number;
  /** The largest rotation either way, in degrees. */
  maxDegrees: number;
  /** Brightness and contrast each change by a factor within 1 ± this. */
  photometric: number;
}

export const DEFAULT_AUGMENT: AugmentSettings = { minArea: 0.7, maxDegrees: 10, photometric: 0.2 };

/** One augmented copy of `image` at its own size. */
export function augmentImage(image: RgbPixels, random: Random, settings: AugmentSettings = DEFAULT_AUGMENT): RgbPixels {
  const { width: W, height: H, data } = image;
  const area = settings.minArea + random.next() * (1 - settings.minArea);
  const aspect = Math.exp((random.next() - 0.5) * 2 * Math.log(1.25));
  const cropW = Math.min(1, Math.sqrt(area * aspect));
  const cropH = Math.min(1, Math.sqrt(area / aspect));
  const centreX = cropW / 2 + random.next() * (1 - cropW);
  const centreY = cropH / 2 + random.next() * (1 - cropH);
  const angle = ((random.next() - 0.5) * 2 * settings.maxDegrees * Math.PI) / 180;
  const flip = random.next() < 0.5;
  const brightness = 1 + (random.next() - 0.5) * 2 * settings.photometric;
  const contrast = 1 + (random.next() - 0.5) * 2 * settings.photometric;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  let mean = 0;
  for (let i = 0; i < data.length; i++) mean += data[i]!;
  mean /= data.length;
  const out = new Uint8Array(W * H * 3);
  const clamp = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // Output pixel → unit offset from the crop's centre → rotated → source pixel.
      const u = ((flip ? W - 1 - x : x) + 0.5) / W - 0.5;
      const v = (y + 0.5) / H - 0.5;
      const du = u * cropW * W;
      const dv = v * cropH * H;
      const sx = clamp(centreX * W + cos * du - sin * dv - 0.5, W - 1);
      const sy = clamp(centreY * H + sin * du + cos * dv - 0.5, H - 1);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(W - 1, x0 + 1);
      const y1 = Math.min(H - 1, y0 + 1);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < 3; c++) {
        const top = data[(y0 * W + x0) * 3 + c]! * (1 - fx) + data[(y0 * W + x1) * 3 + c]! * fx;
        const bottom = data[(y1 * W + x0) * 3 + c]! * (1 - fx) + data[(y1 * W + x1) * 3 + c]! * fx;
        const value = (top * (1 - fy) + bottom * fy - mean) * contrast + mean * brightness;
        out[(y * W + x) * 3 + c] = clamp(Math.round(value), 255);
      }
    }
  }
  return { data: out, width: W, height: H };
}
