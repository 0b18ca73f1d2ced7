/**
 * An anomaly mask as the service returns it: a PNG of the image's size, black where the image is
 * normal and the anomaly class's colour where it is not, scaled up from the model's grid with
 * nearest-neighbour sampling so the colours stay exact.
 */
import sharp from 'sharp';

export interface MaskPngOptions {
  /** 1 where anomalous, [height, width] row-major. */
  mask: Uint8Array;
  width: number;
  height: number;
  /** The PNG's size (the analysed image's). */
  outWidth: number;
  outHeight: number;
  /** RGB 0–255. */
  colour: [number, number, number];
  /** Where the mask names classes: value v ≥ 1 takes colours[v − 1] (default: every non-zero value takes `colour`). */
  colours?: [number, number, number][];
}

export async function encodeMaskPng(options: MaskPngOptions): Promise<Buffer> {
  const { mask, width, height, colour, colours } = options;
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) rgb.set(colours?.[mask[i]! - 1] ?? colour, i * 3);
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(options.outWidth, options.outHeight, { fit: 'fill', kernel: 'nearest' })
    .png()
    .toBuffer();
}
