/**
 * Generated surfaces for anomaly tests: a woven texture (crossed sinusoids, a random phase and
 * grain per image), optionally with a scratch — a dark line drawn across it — or a light spot, and
 * the defect's mask (white on black), as real PNG files made with sharp.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { createRandom } from '../../native/train';

export interface Scratch {
  from: [number, number];
  to: [number, number];
  /** Line width in pixels (default 4). */
  width?: number;
}

/** A round blot, lighter than the weave. */
export interface Spot {
  at: [number, number];
  radius: number;
}

export interface TextureSpec {
  seed: number;
  /** Width and height (default 160), unless `width` / `height` say otherwise. */
  size?: number;
  width?: number;
  height?: number;
  scratch?: Scratch;
  spot?: Spot;
}

function onScratch(x: number, y: number, scratch: Scratch): boolean {
  const [x0, y0] = scratch.from;
  const [x1, y1] = scratch.to;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy)) <= (scratch.width ?? 4) / 2;
}

/** Writes the texture to `path` (PNG); with a scratch and `maskPath`, its mask too. */
export async function aTexture(path: string, spec: TextureSpec, maskPath?: string): Promise<string> {
  const width = spec.width ?? spec.size ?? 160;
  const height = spec.height ?? spec.size ?? 160;
  const random = createRandom(spec.seed);
  const phaseX = random.next() * 12;
  const phaseY = random.next() * 12;
  const data = Buffer.alloc(width * height * 3);
  const mask = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const weave = Math.sin((2 * Math.PI * (x + phaseX)) / 12) * Math.sin((2 * Math.PI * (y + phaseY)) / 12);
      const grain = (random.next() - 0.5) * 16;
      let v = 150 + 45 * weave + grain;
      const scratched = spec.scratch !== undefined && onScratch(x, y, spec.scratch);
      const spotted = spec.spot !== undefined && Math.hypot(x - spec.spot.at[0], y - spec.spot.at[1]) <= spec.spot.radius;
      if (scratched) v = 25 + grain;
      if (spotted) v = 245 + grain / 4;
      const o = (y * width + x) * 3;
      data[o] = Math.max(0, Math.min(255, Math.round(v)));
      data[o + 1] = Math.max(0, Math.min(255, Math.round(v * 0.85)));
      data[o + 2] = Math.max(0, Math.min(255, Math.round(v * 0.6)));
      mask[y * width + x] = scratched || spotted ? 255 : 0;
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(path);
  if (maskPath) {
    mkdirSync(dirname(maskPath), { recursive: true });
    await sharp(mask, { raw: { width, height, channels: 1 } }).png().toFile(maskPath);
  }
  return path;
}

/** A scratch at a seeded place: a 40–70 px line somewhere inside a `size` px image. */
export function aScratch(seed: number, size = 160): Scratch {
  const random = createRandom(seed * 7919 + 1);
  const length = 40 + random.next() * 30;
  const angle = random.next() * Math.PI;
  const cx = size * (0.3 + 0.4 * random.next());
  const cy = size * (0.3 + 0.4 * random.next());
  const dx = (Math.cos(angle) * length) / 2;
  const dy = (Math.sin(angle) * length) / 2;
  return { from: [cx - dx, cy - dy], to: [cx + dx, cy + dy], width: 4 };
}
