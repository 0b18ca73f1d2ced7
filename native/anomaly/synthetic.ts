/**
 * Made-up defects for choosing the candidates (view, feature layers, image score, bank size) when a
 * training set has good images only: a held-out good image with one defect drawn the way real ones
 * on industrial parts look — a thin crack, a few small pits, a texture patch from another good
 * image (PatchCore's choices need some anomaly to separate; bold marks in a foreign colour are
 * separated by every candidate and rank them against what real defects show).
 */
import type { RgbPixels } from '../models';
import type { Random } from '../train';

/** The kinds of defect withLikeRealDefect draws. */
export type LikeRealKind = 'crack' | 'pits' | 'patch';

export interface LikeRealOptions {
  /** Another good image the texture patches are cut from (default: the image itself). */
  donor?: RgbPixels;
}

/**
 * A copy of `image` with one defect drawn the way real ones on industrial parts look (sized in the
 * image's own pixels, so draw it on the original image): a thin crack (a wandering line 10–50 % of
 * the shorter side long and 0.3–1.2 % of it wide, at least 1.5 px, soft-edged), one to four small
 * pits (dark or bright spots of 0.3–1.5 % of the shorter side in radius, clustered) — both darker or
 * lighter than the surface by 25–65 % of its brightness — or a texture patch (3–12 % of the
 * shorter side) cut from another good image (CutPaste), turned a quarter half the time. Unlike bold marks in a foreign colour, these
 * keep the surface's own colour, so a candidate that only sees strong contrast does not win.
 */
export function withLikeRealDefect(image: RgbPixels, random: Random, options: LikeRealOptions = {}): { image: RgbPixels; kind: LikeRealKind } {
  const data = Uint8Array.from(image.data);
  const { width, height } = image;
  const side = Math.min(width, height);
  const draw = random.next();
  const kind: LikeRealKind = draw < 1 / 3 ? 'crack' : draw < 2 / 3 ? 'pits' : 'patch';
  // How strongly a covered pixel changes: toward black (a shadowed groove, a pit) or, a quarter of the time, toward white (a bright burr).
  const strength = 0.25 + 0.4 * random.next();
  const bright = random.next() < 0.25;
  // Each pixel's coverage (0–1; overlapping marks take the larger), applied once at the end.
  const covered = new Float32Array(kind === 'patch' ? 0 : width * height);
  const shade = (x: number, y: number, coverage: number) => {
    if (coverage <= 0 || x < 0 || y < 0 || x >= width || y >= height) return;
    covered[y * width + x] = Math.max(covered[y * width + x]!, Math.min(1, coverage));
  };
  if (kind === 'crack') {
    // A polyline of 8 segments whose direction wanders by up to ±0.35 rad a segment.
    const length = side * (0.1 + 0.4 * random.next());
    const thickness = Math.max(1.5, side * (0.003 + 0.009 * random.next()));
    let angle = random.next() * 2 * Math.PI;
    const points: [number, number][] = [[width * (0.1 + 0.8 * random.next()), height * (0.1 + 0.8 * random.next())]];
    for (let s = 0; s < 8; s++) {
      angle += random.uniform(0.35);
      const [px, py] = points[points.length - 1]!;
      points.push([px + (Math.cos(angle) * length) / 8, py + (Math.sin(angle) * length) / 8]);
    }
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const pad = thickness + 1;
    for (let y = Math.max(0, Math.floor(Math.min(...ys) - pad)); y <= Math.min(height - 1, Math.ceil(Math.max(...ys) + pad)); y++) {
      for (let x = Math.max(0, Math.floor(Math.min(...xs) - pad)); x <= Math.min(width - 1, Math.ceil(Math.max(...xs) + pad)); x++) {
        let distance = Infinity;
        for (let s = 0; s + 1 < points.length; s++) distance = Math.min(distance, segmentDistance(x, y, points[s]!, points[s + 1]!));
        shade(x, y, thickness / 2 + 0.5 - distance);
      }
    }
  } else if (kind === 'pits') {
    const count = 1 + random.int(4);
    const cx = width * (0.1 + 0.8 * random.next());
    const cy = height * (0.1 + 0.8 * random.next());
    for (let k = 0; k < count; k++) {
      const radius = Math.max(1.5, side * (0.003 + 0.012 * random.next()));
      const x0 = cx + random.uniform(side * 0.04);
      const y0 = cy + random.uniform(side * 0.04);
      for (let y = Math.floor(y0 - radius - 1); y <= Math.ceil(y0 + radius + 1); y++) {
        for (let x = Math.floor(x0 - radius - 1); x <= Math.ceil(x0 + radius + 1); x++) shade(x, y, radius + 0.5 - Math.hypot(x - x0, y - y0));
      }
    }
  } else {
    const donor = options.donor ?? image;
    const w = Math.min(donor.width, donor.height, width, height, Math.max(4, Math.round(side * (0.03 + 0.09 * random.next()))));
    const h = Math.min(donor.width, donor.height, width, height, Math.max(4, Math.round(side * (0.03 + 0.09 * random.next()))));
    const turn = random.next() < 0.5;
    // Cut w × h (read transposed when turned: the pasted block is h × w then, so keep it square enough to fit).
    const [pw, ph] = turn ? [h, w] : [w, h];
    const fromX = random.int(donor.width - w + 1);
    const fromY = random.int(donor.height - h + 1);
    const toX = random.int(width - pw + 1);
    const toY = random.int(height - ph + 1);
    for (let y = 0; y < ph; y++) {
      for (let x = 0; x < pw; x++) {
        const [sx, sy] = turn ? [y, x] : [x, y];
        const from = ((fromY + sy) * donor.width + fromX + sx) * 3;
        const to = ((toY + y) * width + toX + x) * 3;
        for (let c = 0; c < 3; c++) data[to + c] = donor.data[from + c]!;
      }
    }
  }
  covered.forEach((coverage, p) => {
    if (coverage === 0) return;
    const w = coverage * strength;
    for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.round(bright ? data[p * 3 + c]! + (255 - data[p * 3 + c]!) * w : data[p * 3 + c]! * (1 - w));
  });
  return { image: { data, width, height }, kind };
}

/** The distance from (x, y) to the segment a–b. */
function segmentDistance(x: number, y: number, a: [number, number], b: [number, number]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / lengthSquared));
  return Math.hypot(x - a[0] - t * dx, y - a[1] - t * dy);
}
