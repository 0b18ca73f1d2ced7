/**
 * Generated object-detection data: red and blue squares of varying size and place on a noisy
 * grey-brown background, with SageMaker Ground Truth object-detection manifest lines for them.
 * The same seed always gives the same image and the same boxes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { iou } from '../../native/metrics';
import { xorshift } from './random';

export type SquareLabel = 'red' | 'blue';
export type Square = { label: SquareLabel; left: number; top: number; width: number; height: number };
export interface SquaresImage {
  width: number;
  height: number;
  /** Pixels; the first square is red for even seeds and blue for odd ones. */
  squares: Square[];
}

/** A noisy grey-brown PNG (128–256 px a side) with one or two squares that do not overlap. */
export async function squaresImage(path: string, seed: number): Promise<SquaresImage> {
  const next = xorshift(seed * 2654435761 + 12345);
  const width = 128 + Math.floor(next() * 129);
  const height = 128 + Math.floor(next() * 129);
  const count = next() < 0.5 ? 1 : 2;
  const squares: Square[] = [];
  for (let k = 0; k < count * 20 && squares.length < count; k++) {
    const side = Math.round(Math.min(width, height) * (0.2 + next() * 0.25));
    const square: Square = {
      label: (squares.length === 0 ? seed % 2 === 0 : seed % 2 !== 0) ? 'red' : 'blue',
      left: Math.floor(next() * (width - side)),
      top: Math.floor(next() * (height - side)),
      width: side,
      height: side,
    };
    if (squares.every((other) => iou(other, square) === 0 && (square.left >= other.left + other.width + 4 || other.left >= square.left + square.width + 4 || square.top >= other.top + other.height + 4 || other.top >= square.top + square.height + 4))) squares.push(square);
  }
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const noise = (next() - 0.5) * 60;
      const inside = squares.find((s) => x >= s.left && x < s.left + s.width && y >= s.top && y < s.top + s.height);
      const [r, g, b] = inside ? (inside.label === 'red' ? [210, 40, 40] : [40, 60, 210]) : [140 + 30 * Math.sin(x / 9), 130, 110 + 30 * Math.cos(y / 11)];
      const i = (y * width + x) * 3;
      data[i] = Math.max(0, Math.min(255, r + noise));
      data[i + 1] = Math.max(0, Math.min(255, g + noise));
      data[i + 2] = Math.max(0, Math.min(255, b + noise));
    }
  }
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(path);
  return { width, height, squares };
}

/** One object-detection manifest line for `image` at `ref` (class 0 is red, 1 is blue). */
export function manifestLine(ref: string, image: SquaresImage) {
  const names: SquareLabel[] = ['red', 'blue'];
  return {
    'source-ref': ref,
    'bounding-box': {
      image_size: [{ width: image.width, height: image.height, depth: 3 }],
      annotations: image.squares.map((s) => ({ class_id: names.indexOf(s.label), left: s.left, top: s.top, width: s.width, height: s.height })),
    },
    'bounding-box-metadata': {
      objects: image.squares.map(() => ({ confidence: 1 })),
      'class-map': { '0': 'red', '1': 'blue' },
      type: 'groundtruth/object-detection',
      'human-annotated': 'yes',
      'creation-date': '2024-01-01T00:00:00.000Z',
    },
  };
}

export interface SquaresDataset {
  /** `img-<i>.png` → what was drawn, for every image written. */
  images: Map<string, SquaresImage>;
}

/**
 * Writes `count` images `img-0.png`… (seeds 1…count) into `folder`, which must exist, and
 * `train.manifest` (the first `trainCount`) and `test.manifest` (the rest) whose source-refs are
 * `s3://<bucket>/img-<i>.png`: map `bucket` to `folder` and create datasets from them.
 */
export async function writeSquaresDataset(folder: string, bucket: string, count: number, trainCount: number): Promise<SquaresDataset> {
  const images = new Map<string, SquaresImage>();
  const sets = { train: [] as object[], test: [] as object[] };
  for (let i = 0; i < count; i++) {
    const name = `img-${i}.png`;
    const image = await squaresImage(join(folder, name), i + 1);
    images.set(name, image);
    (i < trainCount ? sets.train : sets.test).push(manifestLine(`s3://${bucket}/${name}`, image));
  }
  for (const [name, lines] of Object.entries(sets)) writeFileSync(join(folder, `${name}.manifest`), lines.map((l) => JSON.stringify(l)).join('\n'));
  return { images };
}
