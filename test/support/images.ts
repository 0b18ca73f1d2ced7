/** Real image files for tests, made with sharp: a solid colour, optionally with a square of another. */
import { mkdirSync } from 'node:fs';
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
