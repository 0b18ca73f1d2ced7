/**
 * pcb-synth: a seeded stand-in for bare-board defect sets like DeepPCB, for `npm run eval` only.
 * Each image is 640 × 640, nearly binary (a light background, dark copper): traces of several
 * widths at 0°, 45° and 90° that keep a clearance from each other, round and square pads at their
 * ends, and vias (a ring around a hole). On each board 1 to 8 defects of six kinds are drawn in the
 * same two tones as everything else, so that no colour gives them away:
 * - open: a gap cut across a trace;
 * - short: a thin bridge from a trace's edge to the nearest copper across the clearance;
 * - mousebite: two to four small bites out of a trace's edge;
 * - spur: a thin protrusion from a trace's edge into the clearance;
 * - spurious copper: a stray blob in the background;
 * - pin-hole: a small hole inside a pad or a wide trace (vias have holes too: a hard negative).
 * Each defect's box is its drawn extent plus a few pixels, 10 to 40 px a side. The pixels get a
 * little noise and blur, as a scanned and thresholded board does. The same seed gives the same
 * boards; `writePcbSynth` writes them once to a folder with a CSV per split (raccoon's columns).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRandom, type Random } from '../../native/train';

export const PCB_CLASSES = ['open', 'short', 'mousebite', 'spur', 'copper', 'pin-hole'] as const;
export type PcbClass = (typeof PCB_CLASSES)[number];

const SIZE = 640;
/** Space kept free between copper features (px). */
const CLEARANCE = 7;
const MIN_BOX = 10;
const MAX_BOX = 40;

export interface PcbBox {
  label: PcbClass;
  left: number;
  top: number;
  width: number;
  height: number;
}

interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Half the trace's width. */
  r: number;
}

interface Pad {
  x: number;
  y: number;
  r: number;
  square: boolean;
  /** A via's drilled hole radius (0 = none). */
  hole: number;
}

/** A board as a copper mask (1 = copper) with what was drawn on it. */
class Board {
  readonly mask = new Uint8Array(SIZE * SIZE);
  readonly segments: Segment[] = [];
  readonly pads: Pad[] = [];

  at(x: number, y: number): number {
    const xi = Math.round(x);
    const yi = Math.round(y);
    return xi < 0 || yi < 0 || xi >= SIZE || yi >= SIZE ? 0 : this.mask[yi * SIZE + xi]!;
  }

  /** Sets every pixel within `r` of the segment (a capsule) to `value`. */
  capsule(x1: number, y1: number, x2: number, y2: number, r: number, value: number): void {
    this.fill(Math.min(x1, x2) - r, Math.min(y1, y2) - r, Math.max(x1, x2) + r, Math.max(y1, y2) + r, value, (x, y) => distanceToSegment(x, y, x1, y1, x2, y2) <= r);
  }

  disc(cx: number, cy: number, r: number, value: number): void {
    this.fill(cx - r, cy - r, cx + r, cy + r, value, (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r);
  }

  square(cx: number, cy: number, r: number, value: number): void {
    this.fill(cx - r, cy - r, cx + r, cy + r, value, () => true);
  }

  /** Whether any copper lies within `margin` of the capsule (the pixels `ignore` says are its own excepted). */
  touches(x1: number, y1: number, x2: number, y2: number, r: number, ignore?: (x: number, y: number) => boolean): boolean {
    for (let y = Math.max(0, Math.floor(Math.min(y1, y2) - r)); y <= Math.min(SIZE - 1, Math.ceil(Math.max(y1, y2) + r)); y++) {
      for (let x = Math.max(0, Math.floor(Math.min(x1, x2) - r)); x <= Math.min(SIZE - 1, Math.ceil(Math.max(x1, x2) + r)); x++) {
        if (this.mask[y * SIZE + x] && distanceToSegment(x, y, x1, y1, x2, y2) <= r && !ignore?.(x, y)) return true;
      }
    }
    return false;
  }

  private fill(x0: number, y0: number, x1: number, y1: number, value: number, inside: (x: number, y: number) => boolean): void {
    for (let y = Math.max(0, Math.floor(y0)); y <= Math.min(SIZE - 1, Math.ceil(y1)); y++) {
      for (let x = Math.max(0, Math.floor(x0)); x <= Math.min(SIZE - 1, Math.ceil(x1)); x++) if (inside(x, y)) this.mask[y * SIZE + x] = value;
    }
  }
}

function distanceToSegment(x: number, y: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / length2));
  return Math.hypot(x - x1 - t * dx, y - y1 - t * dy);
}

const between = (random: Random, low: number, high: number) => low + random.next() * (high - low);
const pick = <T>(random: Random, items: readonly T[]): T => items[random.int(items.length)]!;

/** Traces (polylines at multiples of 45°, mostly 0° and 90°) ending in pads, and vias, never closer than CLEARANCE. */
function drawLayout(board: Board, random: Random): void {
  const widths = [4, 5, 6, 8, 10, 12, 16, 20];
  const margin = 24;
  const inside = (x: number, y: number) => x >= margin && y >= margin && x <= SIZE - margin && y <= SIZE - margin;
  const free = (x: number, y: number, r: number) => !board.touches(x, y, x, y, r + CLEARANCE);
  // Buses first: rows of parallel traces with pads at both ends (as from a chip's pins), the places
  // where shorts and spurs are most likely.
  const buses = 2 + random.int(4);
  for (let b = 0; b < buses; b++) {
    const r = pick(random, widths.slice(0, 5)) / 2;
    const padR = r + between(random, 2, 5);
    const pitch = 2 * padR + CLEARANCE + between(random, 1, 8);
    const count = 3 + random.int(6);
    const length = between(random, 60, 260);
    const direction = 2 * random.int(4);
    const angle = (direction * Math.PI) / 4;
    const [ux, uy] = [Math.round(Math.cos(angle)), Math.round(Math.sin(angle))];
    const x0 = between(random, margin, SIZE - margin);
    const y0 = between(random, margin, SIZE - margin);
    const square = random.next() < 0.5;
    const lines: [number, number, number, number][] = [];
    for (let k = 0; k < count; k++) {
      const sx = x0 - uy * k * pitch;
      const sy = y0 + ux * k * pitch;
      lines.push([sx, sy, sx + ux * length, sy + uy * length]);
    }
    if (lines.some(([ax, ay, bx, by]) => !inside(ax, ay) || !inside(bx, by) || board.touches(ax, ay, bx, by, padR + CLEARANCE))) continue;
    for (const [ax, ay, bx, by] of lines) {
      board.capsule(ax, ay, bx, by, r, 1);
      board.segments.push({ x1: ax, y1: ay, x2: bx, y2: by, r });
      for (const [px, py] of [
        [ax, ay],
        [bx, by],
      ] as const) {
        if (square) board.square(px, py, padR, 1);
        else board.disc(px, py, padR, 1);
        board.pads.push({ x: px, y: py, r: padR, square, hole: 0 });
      }
    }
  }
  const traces = 90 + random.int(40);
  for (let t = 0; t < traces; t++) {
    const r = pick(random, widths) / 2;
    let x = between(random, margin, SIZE - margin);
    let y = between(random, margin, SIZE - margin);
    const padR = r + between(random, 3, 9);
    const padSquare = random.next() < 0.4;
    if (!free(x, y, padR + 1)) continue;
    // Which directions: mostly horizontal and vertical, sometimes diagonal.
    let direction = random.next() < 0.75 ? 2 * random.int(4) : 2 * random.int(4) + 1;
    const points: [number, number][] = [[x, y]];
    const bends = 1 + random.int(4);
    for (let b = 0; b < bends; b++) {
      const angle = (direction * Math.PI) / 4;
      const length = between(random, 25, 160);
      const nx = x + Math.cos(angle) * length;
      const ny = y + Math.sin(angle) * length;
      if (!inside(nx, ny)) break;
      // Nothing of this trace is drawn yet: the whole stretch must keep its clearance.
      if (board.touches(x, y, nx, ny, r + CLEARANCE)) break;
      points.push([nx, ny]);
      x = nx;
      y = ny;
      direction = (direction + pick(random, [-2, 2, -1, 1, 0]) + 8) % 8;
    }
    if (points.length < 2) continue;
    const [ex, ey] = points[points.length - 1]!;
    const endR = r + between(random, 3, 9);
    if (board.touches(ex, ey, ex, ey, endR + CLEARANCE)) continue;
    for (let k = 1; k < points.length; k++) {
      const [ax, ay] = points[k - 1]!;
      const [bx, by] = points[k]!;
      board.capsule(ax, ay, bx, by, r, 1);
      board.segments.push({ x1: ax, y1: ay, x2: bx, y2: by, r });
    }
    for (const [px, py, pr, square] of [
      [points[0]![0], points[0]![1], padR, padSquare],
      [ex, ey, endR, random.next() < 0.4],
    ] as const) {
      if (square) board.square(px, py, pr, 1);
      else board.disc(px, py, pr, 1);
      const hole = !square && random.next() < 0.3 ? between(random, 2, Math.min(4, pr - 3)) : 0;
      if (hole > 0) board.disc(px, py, hole, 0);
      board.pads.push({ x: px, y: py, r: pr, square, hole });
    }
  }
  // Stand-alone vias.
  const vias = 6 + random.int(10);
  for (let v = 0; v < vias; v++) {
    const x = between(random, margin, SIZE - margin);
    const y = between(random, margin, SIZE - margin);
    const r = between(random, 6, 10);
    if (!free(x, y, r)) continue;
    const hole = between(random, 2, 3.5);
    board.disc(x, y, r, 1);
    board.disc(x, y, hole, 0);
    board.pads.push({ x, y, r, square: false, hole });
  }
}

/** The box of points `xs`, `ys` grown by a random margin, kept within MIN_BOX..MAX_BOX and the image. */
function boxAround(random: Random, label: PcbClass, xs: readonly number[], ys: readonly number[]): PcbBox {
  const grow = between(random, 2, 6);
  const side = (low: number, high: number): [number, number] => {
    let a = low - grow;
    let b = high + grow;
    if (b - a < MIN_BOX) {
      const c = (a + b) / 2;
      a = c - MIN_BOX / 2 - random.next() * 2;
      b = a + MIN_BOX + random.next() * 4;
    }
    if (b - a > MAX_BOX) {
      const c = (a + b) / 2;
      a = c - MAX_BOX / 2;
      b = c + MAX_BOX / 2;
    }
    a = Math.max(0, Math.round(a));
    b = Math.min(SIZE, Math.round(b));
    return [a, b];
  };
  const [left, right] = side(Math.min(...xs), Math.max(...xs));
  const [top, bottom] = side(Math.min(...ys), Math.max(...ys));
  return { label, left, top, width: right - left, height: bottom - top };
}

/** A point on a segment at fraction `t`, the segment's unit direction and its normal. */
function frame(s: Segment, t: number): { x: number; y: number; ux: number; uy: number; nx: number; ny: number; length: number } {
  const length = Math.hypot(s.x2 - s.x1, s.y2 - s.y1);
  const ux = (s.x2 - s.x1) / length;
  const uy = (s.y2 - s.y1) / length;
  return { x: s.x1 + t * (s.x2 - s.x1), y: s.y1 + t * (s.y2 - s.y1), ux, uy, nx: -uy, ny: ux, length };
}

/** Draws one defect of `label` on the board, or returns undefined when this try found no place for it. */
function drawDefect(board: Board, random: Random, label: PcbClass): PcbBox | undefined {
  const segment = () => {
    const long = board.segments.filter((s) => Math.hypot(s.x2 - s.x1, s.y2 - s.y1) >= 50);
    return long.length === 0 ? undefined : pick(random, long);
  };
  switch (label) {
    case 'open': {
      const s = segment();
      if (!s) return undefined;
      const f = frame(s, between(random, 0.3, 0.7));
      const gap = between(random, 3, 10) / 2;
      const across = s.r + 1.5;
      const corners = [-1, 1].flatMap((a) => [-1, 1].map((b) => [f.x + a * gap * f.ux + b * across * f.nx, f.y + a * gap * f.uy + b * across * f.ny] as const));
      // Clear the pixels whose position along the trace is within the gap, across its width.
      for (let y = Math.floor(f.y - gap - across); y <= f.y + gap + across; y++) {
        for (let x = Math.floor(f.x - gap - across); x <= f.x + gap + across; x++) {
          const along = (x - f.x) * f.ux + (y - f.y) * f.uy;
          const side = (x - f.x) * f.nx + (y - f.y) * f.ny;
          if (Math.abs(along) <= gap && Math.abs(side) <= across && x >= 0 && y >= 0 && x < SIZE && y < SIZE) board.mask[y * SIZE + x] = 0;
        }
      }
      return boxAround(random, label, corners.map((c) => c[0]), corners.map((c) => c[1]));
    }
    case 'short': {
      const s = segment();
      if (!s) return undefined;
      const f = frame(s, between(random, 0.15, 0.85));
      const sign = random.next() < 0.5 ? -1 : 1;
      const ex = f.x + sign * (s.r + 0.5) * f.nx;
      const ey = f.y + sign * (s.r + 0.5) * f.ny;
      // Walk across the clearance, along the normal tilted a little, to the nearest copper.
      const tilt = between(random, -0.3, 0.3);
      const dx = sign * f.nx + tilt * f.ux;
      const dy = sign * f.ny + tilt * f.uy;
      const norm = Math.hypot(dx, dy);
      for (let d = 3; d <= 30; d++) {
        const hx = ex + (d * dx) / norm;
        const hy = ey + (d * dy) / norm;
        if (board.at(hx, hy) !== 1) continue;
        if (d < 4) return undefined;
        const w = between(random, 0.8, 1.8);
        board.capsule(ex - (dx / norm) * 1.5, ey - (dy / norm) * 1.5, hx + (dx / norm) * 1.5, hy + (dy / norm) * 1.5, w, 1);
        return boxAround(random, label, [ex, hx], [ey, hy]);
      }
      return undefined;
    }
    case 'mousebite': {
      const s = segment();
      if (!s || s.r < 2.5) return undefined;
      const f = frame(s, between(random, 0.2, 0.8));
      const sign = random.next() < 0.5 ? -1 : 1;
      const bites = 2 + random.int(3);
      const span = between(random, 8, 20);
      const xs: number[] = [];
      const ys: number[] = [];
      for (let b = 0; b < bites; b++) {
        const along = -span / 2 + (span * (b + random.next() * 0.6)) / bites;
        const rb = between(random, 1.5, Math.min(4, s.r * 0.8));
        const cx = f.x + along * f.ux + sign * (s.r + rb * 0.2) * f.nx;
        const cy = f.y + along * f.uy + sign * (s.r + rb * 0.2) * f.ny;
        board.disc(cx, cy, rb, 0);
        xs.push(cx - rb, cx + rb);
        ys.push(cy - rb, cy + rb);
      }
      return boxAround(random, label, xs, ys);
    }
    case 'spur': {
      const s = segment();
      if (!s) return undefined;
      const f = frame(s, between(random, 0.15, 0.85));
      const sign = random.next() < 0.5 ? -1 : 1;
      const angle = between(random, -0.5, 0.5);
      const dx = sign * f.nx * Math.cos(angle) + f.ux * Math.sin(angle);
      const dy = sign * f.ny * Math.cos(angle) + f.uy * Math.sin(angle);
      const length = between(random, 5, Math.min(16, CLEARANCE + 9));
      const w = between(random, 0.8, 2);
      const sx = f.x + sign * (s.r - 1) * f.nx;
      const sy = f.y + sign * (s.r - 1) * f.ny;
      const tx = sx + dx * length;
      const ty = sy + dy * length;
      // Never a bridge: nothing within reach of the spur's tip but its own trace.
      if (board.touches(tx, ty, tx, ty, 3.5, (x, y) => distanceToSegment(x, y, s.x1, s.y1, s.x2, s.y2) <= s.r + 0.8)) return undefined;
      board.capsule(sx, sy, tx, ty, w, 1);
      return boxAround(random, label, [sx, tx], [sy, ty]);
    }
    case 'copper': {
      const cx = between(random, 20, SIZE - 20);
      const cy = between(random, 20, SIZE - 20);
      const r = between(random, 2, 7);
      if (board.touches(cx, cy, cx, cy, r + 9)) return undefined;
      const xs = [cx - r, cx + r];
      const ys = [cy - r, cy + r];
      board.disc(cx, cy, r, 1);
      for (let k = random.int(3); k > 0; k--) {
        const rk = between(random, 1.5, r);
        const ox = cx + between(random, -r, r);
        const oy = cy + between(random, -r, r);
        board.disc(ox, oy, rk, 1);
        xs.push(ox - rk, ox + rk);
        ys.push(oy - rk, oy + rk);
      }
      return boxAround(random, label, xs, ys);
    }
    case 'pin-hole': {
      const places = [
        ...board.pads.filter((p) => p.hole === 0 && p.r >= 7).map((p) => ({ x: p.x, y: p.y, room: p.r })),
        ...board.segments.filter((s) => s.r >= 5).map((s) => ({ ...frame(s, between(random, 0.2, 0.8)), room: s.r })),
      ];
      if (places.length === 0) return undefined;
      const place = pick(random, places);
      const r = between(random, 1.2, Math.min(3.5, place.room - 2.5));
      const shift = Math.max(0, place.room - r - 2);
      const cx = place.x + between(random, -shift, shift) * 0.5;
      const cy = place.y + between(random, -shift, shift) * 0.5;
      if (board.at(cx, cy) !== 1) return undefined;
      board.disc(cx, cy, r, 0);
      return boxAround(random, label, [cx - r, cx + r], [cy - r, cy + r]);
    }
  }
}

const overlaps = (a: PcbBox, b: PcbBox, margin: number) =>
  a.left < b.left + b.width + margin && b.left < a.left + a.width + margin && a.top < b.top + b.height + margin && b.top < a.top + a.height + margin;

/** One board: its grey pixels (640 × 640, one channel) and its defects' boxes. */
export function pcbBoard(seed: number): { pixels: Uint8Array; boxes: PcbBox[] } {
  const random = createRandom(seed);
  const board = new Board();
  drawLayout(board, random);
  const wanted = 1 + random.int(8);
  const boxes: PcbBox[] = [];
  for (let tries = 0; boxes.length < wanted && tries < 400; tries++) {
    const label = pick(random, PCB_CLASSES);
    // Try on a copy so that a defect whose box would crowd another leaves no trace.
    const saved = board.mask.slice();
    const box = drawDefect(board, random, label);
    if (!box || boxes.some((known) => overlaps(known, box, 6))) {
      board.mask.set(saved);
      continue;
    }
    boxes.push(box);
  }
  const background = 200 + random.int(40);
  const copper = 20 + random.int(40);
  const pixels = new Uint8Array(SIZE * SIZE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.max(0, Math.min(255, (board.mask[i] ? copper : background) + Math.round((random.next() - 0.5) * 24)));
  return { pixels, boxes };
}

/**
 * Writes `train` + `test` boards (seeds 1…) as PNGs into `folder`, with `train.csv` and `test.csv`
 * (filename,width,height,class,xmin,ymin,xmax,ymax), unless a finished set is already there.
 */
export async function writePcbSynth(folder: string, train = 400, test = 100): Promise<{ trainCsv: string; testCsv: string }> {
  const trainCsv = join(folder, 'train.csv');
  const testCsv = join(folder, 'test.csv');
  const done = join(folder, 'done');
  if (existsSync(done)) return { trainCsv, testCsv };
  mkdirSync(join(folder, 'images'), { recursive: true });
  const header = 'filename,width,height,class,xmin,ymin,xmax,ymax';
  const lines: Record<'train' | 'test', string[]> = { train: [header], test: [header] };
  for (let k = 0; k < train + test; k++) {
    const split = k < train ? 'train' : 'test';
    const { pixels, boxes } = pcbBoard(k + 1);
    const file = `board-${String(k + 1).padStart(4, '0')}.png`;
    await sharp(Buffer.from(pixels), { raw: { width: SIZE, height: SIZE, channels: 1 } })
      .blur(0.6)
      .png()
      .toFile(join(folder, 'images', file));
    for (const box of boxes) lines[split].push([file, SIZE, SIZE, box.label, box.left, box.top, box.left + box.width, box.top + box.height].join(','));
  }
  writeFileSync(trainCsv, `${lines.train.join('\n')}\n`);
  writeFileSync(testCsv, `${lines.test.join('\n')}\n`);
  writeFileSync(done, '');
  return { trainCsv, testCsv };
}
