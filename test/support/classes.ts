/**
 * Two visibly different classes of generated photos-like images: warm blobs on a light ground and
 * cool stripes on a dark one, each image different (seeded noise), so training has real work.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { xorshift } from './random';

export async function classImage(path: string, kind: 'blobs' | 'stripes', seed: number, size = 128): Promise<string> {
  const next = xorshift(seed * 7919 + (kind === 'blobs' ? 1 : 2));
  const data = Buffer.alloc(size * size * 3);
  const phase = next() * 10;
  const blobs = Array.from({ length: 3 }, () => ({ x: next() * size, y: next() * size, r: 12 + next() * 20 }));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const noise = (next() - 0.5) * 40;
      let r: number;
      let g: number;
      let b: number;
      if (kind === 'blobs') {
        const inside = blobs.some((blob) => (x - blob.x) ** 2 + (y - blob.y) ** 2 < blob.r ** 2);
        [r, g, b] = inside ? [220, 90, 40] : [235, 225, 205];
      } else {
        const stripe = Math.sin((x + y) / 6 + phase) > 0;
        [r, g, b] = stripe ? [40, 90, 200] : [20, 30, 60];
      }
      const i = (y * size + x) * 3;
      data[i] = Math.max(0, Math.min(255, r + noise));
      data[i + 1] = Math.max(0, Math.min(255, g + noise));
      data[i + 2] = Math.max(0, Math.min(255, b + noise));
    }
  }
  mkdirSync(join(path, '..'), { recursive: true });
  await sharp(data, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 90 }).toFile(path);
  return path;
}

/** `<root>/<label>/<n>.jpg` for both classes: `count` images each, seeds from `firstSeed`. */
export async function classFolder(root: string, count: number, firstSeed = 0): Promise<string> {
  for (let i = 0; i < count; i++) {
    await classImage(join(root, 'blobs', `${firstSeed + i}.jpg`), 'blobs', firstSeed + i);
    await classImage(join(root, 'stripes', `${firstSeed + i}.jpg`), 'stripes', firstSeed + i);
  }
  return root;
}
