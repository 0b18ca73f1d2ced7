/**
 * Made-up defects for choosing the feature layers when a training set has good images only: a
 * held-out good image with a scratch (a thin line of a contrasting colour) or a patch cut from
 * elsewhere in it and pasted back (PatchCore's layer choice needs some anomaly to separate; these
 * are the two kinds of defect most surfaces show: foreign marks and displaced texture).
 */
import type { RgbPixels } from '../models';
import type { Random } from '../train';

export interface SyntheticOptions {
  /**
   * The smallest size of a defect, as a share of the default one (default 1: scratches 20–50 % of
   * the shorter side long and 2–4 % thick, blocks 10–20 % of it). Below 1 each defect's size is
   * drawn log-uniformly between this share and the default, so that small defects — which only a
   * view at the part's own resolution shows — are among those the views are judged on.
   */
  smallest?: number;
}

/** A copy of `image` with one synthetic defect covering roughly 1–4 % of it (less with `smallest` < 1). */
export function withSyntheticDefect(image: RgbPixels, random: Random, options: SyntheticOptions = {}): RgbPixels {
  const data = Uint8Array.from(image.data);
  const { width, height } = image;
  const smallest = options.smallest ?? 1;
  const side = Math.min(width, height) * (smallest >= 1 ? 1 : Math.exp(Math.log(smallest) * random.next()));
  if (random.next() < 0.5) {
    // A scratch: a line across 20–50 % of the shorter side, 2–4 % of it thick, darker or lighter than around it.
    const length = side * (0.2 + 0.3 * random.next());
    const thickness = Math.max(2, side * (0.02 + 0.02 * random.next()));
    const angle = random.next() * Math.PI;
    const cx = width * (0.2 + 0.6 * random.next());
    const cy = height * (0.2 + 0.6 * random.next());
    const dx = Math.cos(angle);
    const dy = Math.sin(angle);
    const at = (Math.round(cy) * width + Math.round(cx)) * 3;
    const light = (data[at]! + data[at + 1]! + data[at + 2]!) / 3 < 128;
    const colour = light ? [200 + random.int(56), 200 + random.int(56), 200 + random.int(56)] : [random.int(50), random.int(50), random.int(50)];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const rx = x - cx;
        const ry = y - cy;
        const along = rx * dx + ry * dy;
        const across = Math.abs(-rx * dy + ry * dx);
        if (Math.abs(along) <= length / 2 && across <= thickness / 2) {
          const o = (y * width + x) * 3;
          data[o] = colour[0]!;
          data[o + 1] = colour[1]!;
          data[o + 2] = colour[2]!;
        }
      }
    }
  } else {
    // Cut-paste: a block of 10–20 % of the shorter side copied from one place to another, its colours inverted half the time.
    const w = Math.max(4, Math.round(side * (0.1 + 0.1 * random.next())));
    const h = Math.max(4, Math.round(side * (0.1 + 0.1 * random.next())));
    const fromX = random.int(width - w);
    const fromY = random.int(height - h);
    const toX = random.int(width - w);
    const toY = random.int(height - h);
    const invert = random.next() < 0.5;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const from = ((fromY + y) * width + fromX + x) * 3;
        const to = ((toY + y) * width + toX + x) * 3;
        for (let c = 0; c < 3; c++) data[to + c] = invert ? 255 - image.data[from + c]! : image.data[from + c]!;
      }
    }
  }
  return { data, width, height };
}
