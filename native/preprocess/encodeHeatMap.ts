/**
 * An anomaly map as a picture to lay over the image: a PNG with alpha on the map's own grid (the
 * browser stretches it over the picture), transparent where the map is at the normal parts' level,
 * turning yellow and then red, and more opaque, as it rises to and past the threshold.
 */
import sharp from 'sharp';

export interface HeatMapPngOptions {
  /** The map, [height, width] row-major, in the model's score units. */
  map: Float32Array;
  width: number;
  height: number;
  /** Where colour starts (the normal parts' median score) and the threshold, which maps to the middle of the ramp. */
  low: number;
  threshold: number;
}

/** 0 at `low`, 0.5 at `threshold`, 1 at twice the threshold's distance from `low`; clamped. */
export function heatLevel(value: number, low: number, threshold: number): number {
  const span = Math.max(threshold - low, 1e-6);
  return Math.min(1, Math.max(0, (value - low) / (2 * span)));
}

export async function encodeHeatMapPng(options: HeatMapPngOptions): Promise<Buffer> {
  const { map, width, height, low, threshold } = options;
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const level = heatLevel(map[i] ?? low, low, threshold);
    // Blue-green below the threshold, yellow at it, red beyond; alpha grows with the level.
    const red = level < 0.5 ? Math.round(510 * level) : 255;
    const green = level < 0.5 ? 200 : Math.round(255 * (1 - (level - 0.5) * 2));
    const blue = level < 0.5 ? Math.round(255 * (1 - 2 * level)) : 0;
    rgba[i * 4] = red;
    rgba[i * 4 + 1] = green;
    rgba[i * 4 + 2] = blue;
    rgba[i * 4 + 3] = Math.round(255 * Math.min(1, level * 1.4));
  }
  return sharp(rgba, { raw: { width, height, channels: 4 } }).png().toBuffer();
}
