/** Real image files for tests, made with sharp: a solid colour, optionally with a square of another. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';

export interface ImageSpec {
  width?: number;
  height?: number;
  color?: string;
  format?: 'jpeg' | 'png' | 'gif';
}

export async function anImage(path: string, spec: ImageSpec = {}): Promise<string> {
  mkdirSync(dirname(path), { recursive: true });
  const image = sharp({
    create: { width: spec.width ?? 96, height: spec.height ?? 80, channels: 3, background: spec.color ?? '#3366cc' },
  });
  const format = spec.format ?? (path.endsWith('.png') ? 'png' : 'jpeg');
  await image.toFormat(format).toFile(path);
  return path;
}

/**
 * A PNG over the service's 15 MB whose sides are within 4096 px: noise that no compression
 * shrinks (written uncompressed), or, with `smooth`, a gradient that any compression shrinks.
 */
export async function aLargePng(path: string, width: number, height: number, options: { smooth?: boolean } = {}): Promise<Buffer> {
  const pixels = options.smooth ? Buffer.alloc(width * height * 3) : randomBytes(width * height * 3);
  if (options.smooth) for (let i = 0; i < pixels.length; i++) pixels[i] = Math.floor(i / 3 / width) % 256;
  const png = await sharp(pixels, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png);
  return png;
}
