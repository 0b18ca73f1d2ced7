/**
 * Test images made on the spot (no binary fixtures): raw RGB painted in JavaScript, encoded by sharp,
 * and the helpers that read pixels back.
 */
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

export type Rgb = readonly [number, number, number];

/** Quadrant colours of the reference picture, chosen to survive JPEG chroma subsampling. */
export const TOP_LEFT: Rgb = [220, 30, 30];
export const TOP_RIGHT: Rgb = [30, 200, 60];
export const BOTTOM_LEFT: Rgb = [30, 60, 220];
export const BOTTOM_RIGHT: Rgb = [230, 210, 40];

/** Interleaved RGB pixels, as decodeRgb returns them. */
export interface RawRgb {
  data: Buffer;
  width: number;
  height: number;
}

export function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), 'loupe-preprocess-'));
}

export function paint(width: number, height: number, colourAt: (x: number, y: number) => Rgb): RawRgb {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(colourAt(x, y), (y * width + x) * 3);
  }
  return { data, width, height };
}

/** The reference picture: four flat quadrants, so any rotation or mirror shows. Use even sides (multiples of 32 for JPEG). */
export function quadrants(width: number, height: number): RawRgb {
  return paint(width, height, (x, y) =>
    y < height / 2 ? (x < width / 2 ? TOP_LEFT : TOP_RIGHT) : x < width / 2 ? BOTTOM_LEFT : BOTTOM_RIGHT,
  );
}

/** A photo-like picture (gradients, a disc, mild noise) that compresses like a real photograph. */
export function photo(width: number, height: number, seed: number): RawRgb {
  let state = (seed * 2654435761 + 1) >>> 0;
  const noise = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return ((state >>> 16) % 13) - 6;
  };
  const cx = (seed * 37) % width;
  const cy = (seed * 53) % height;
  const radius2 = (height / 4) ** 2;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0, at = 0; y < height; y++) {
    for (let x = 0; x < width; x++, at += 3) {
      const inDisc = (x - cx) ** 2 + (y - cy) ** 2 < radius2;
      data[at] = clamp((inDisc ? 200 - (y >> 3) : (x * 255) / width) + noise());
      data[at + 1] = clamp((inDisc ? 90 + (seed % 60) : (y * 255) / height) + noise());
      data[at + 2] = clamp((inDisc ? 60 : (seed * 41) % 256) + noise());
    }
  }
  return { data, width, height };
}

/** A sharp pipeline over raw RGB pixels, to encode them. */
export function encode(image: RawRgb): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

/**
 * The stored pixels that an EXIF orientation turns into `displayed` (orientations 1–8, as the EXIF
 * specification defines where stored row 0 and column 0 appear).
 */
export function storedFor(displayed: RawRgb, orientation: number): RawRgb {
  const { width: w, height: h } = displayed;
  const swapped = orientation >= 5;
  const storedWidth = swapped ? h : w;
  const storedHeight = swapped ? w : h;
  const stored = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [sx, sy] = storedPosition(orientation, x, y, w, h);
      displayed.data.copy(stored, (sy * storedWidth + sx) * 3, (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
  }
  return { data: stored, width: storedWidth, height: storedHeight };
}

function storedPosition(orientation: number, x: number, y: number, w: number, h: number): [number, number] {
  switch (orientation) {
    case 1: return [x, y];
    case 2: return [w - 1 - x, y];
    case 3: return [w - 1 - x, h - 1 - y];
    case 4: return [x, h - 1 - y];
    case 5: return [y, x];
    case 6: return [y, w - 1 - x];
    case 7: return [h - 1 - y, w - 1 - x];
    case 8: return [h - 1 - y, x];
    default: throw new RangeError(`orientation ${orientation}`);
  }
}

/** Mean colour of the rectangle [x0, x1) × [y0, y1). */
export function meanColour(image: RawRgb, x0: number, y0: number, x1: number, y1: number): Rgb {
  const sum = [0, 0, 0];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const at = (y * image.width + x) * 3;
      for (let c = 0; c < 3; c++) sum[c]! += image.data[at + c]!;
    }
  }
  const n = (x1 - x0) * (y1 - y0);
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

/** Mean colour of each quadrant, leaving a margin of `margin` pixels around every edge. */
export function quadrantMeans(image: RawRgb, margin = 6): { topLeft: Rgb; topRight: Rgb; bottomLeft: Rgb; bottomRight: Rgb } {
  const mx = Math.floor(image.width / 2);
  const my = Math.floor(image.height / 2);
  return {
    topLeft: meanColour(image, margin, margin, mx - margin, my - margin),
    topRight: meanColour(image, mx + margin, margin, image.width - margin, my - margin),
    bottomLeft: meanColour(image, margin, my + margin, mx - margin, image.height - margin),
    bottomRight: meanColour(image, mx + margin, my + margin, image.width - margin, image.height - margin),
  };
}

/** The largest difference of one channel between two colours. */
export function colourDistance(a: Rgb, b: Rgb): number {
  return Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
}

/**
 * A PNG of width×height one-bit black pixels: tens of kilobytes that decode to width × height
 * pixels (a decompression bomb), written by hand so that making it costs no image encoding.
 */
export function bombPng(width: number, height = width): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, grayscale, deflate, no filter method, no interlace
  const rowBytes = 1 + Math.ceil(width / 8);
  const pixels = deflateSync(Buffer.alloc(rowBytes * height), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export async function writeFixture(folder: string, name: string, bytes: Buffer): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, bytes);
  return path;
}

function clamp(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}
