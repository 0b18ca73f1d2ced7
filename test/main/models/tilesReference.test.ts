/**
 * loupe_tiles.py (main/models/tilesReference.ts), the reference a tiled detector's export ships, against
 * Loupe's own tiling on many cases no golden image covers: the grid and the cut (detectionEngine.ts
 * `cutTiles`) for sizes whose last tiles come out a pixel narrower, and the merge (native/detect
 * `mergeTiledDetections` through tiledServing.ts) on random boxes crowded at the tiles' inner edges,
 * where fragments are replaced and dropped. Skipped with a message where python3 with numpy is absent.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cutTiles } from '../../../main/engine/detectionEngine';
import type { DetectorMetadata } from '../../../main/engine/modelFile';
import { mergeServedTiles } from '../../../main/engine/tiledServing';
import { TILES_REFERENCE_PY } from '../../../main/models/tilesReference';
import { MERGE_DEFAULTS, tileGrid, type Detection } from '../../../native/detect';
import { xorshift } from '../../support/random';

const python = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const skip = python.status === 0 ? false : `python3 with numpy is needed: ${python.stderr || python.error}`;

/** Runs `script` with loupe_tiles importable, `input` as JSON on stdin; its last line parsed as JSON. */
function runPython(script: string, input: unknown): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-tiles-'));
  try {
    writeFileSync(join(dir, 'loupe_tiles.py'), TILES_REFERENCE_PY);
    const run = spawnSync('python3', ['-c', script], { cwd: dir, input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PYTHONPATH: dir } });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout.trim().split('\n').pop()!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Decoded pixels that say where they are: R, G = x, y mod 256, B = their high bits. */
function positional(width: number, height: number) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x % 256, y % 256, (x >> 8) + 16 * (y >> 8)], (y * width + x) * 3);
  return { width, height, data };
}

describe('loupe_tiles.py, the reference a tiled export ships', { skip }, () => {
  it("cuts the same tiles as Loupe: the grid in the image's pixels, each crop's place and size in the decode", () => {
    const random = xorshift(19);
    const cases = Array.from({ length: 40 }, () => {
      const width = 200 + Math.floor(random() * 900);
      const height = 150 + Math.floor(random() * 700);
      const tile = 100 + Math.floor(random() * 300);
      const overlap = Math.floor(random() * tile * 0.5);
      const scale = Math.min(1, (80 + random() * 300) / tile);
      return { width, height, tile, overlap, dw: Math.max(1, Math.round(width * scale)), dh: Math.max(1, Math.round(height * scale)) };
    });
    const loupe = cases.map(({ width, height, tile, overlap, dw, dh }) =>
      cutTiles(positional(dw, dh), { width, height }, { side: tile, overlap }).map(({ region, pixels }) => [region.left, region.top, region.width, region.height, pixels.width, pixels.height, ...pixels.data.subarray(0, 3)]),
    );
    assert.ok(
      loupe.some((tiles) => new Set(tiles.map((t) => `${t[4]}x${t[5]}`)).size > 1),
      'some case has tiles of two sizes',
    );
    const script = [
      'import json, sys',
      'import numpy as np',
      'import loupe_tiles',
      'out = []',
      'for c in json.load(sys.stdin):',
      '    y, x = np.mgrid[0:c["dh"], 0:c["dw"]]',
      '    decoded = np.stack([x % 256, y % 256, (x >> 8) + 16 * (y >> 8)], axis=-1).astype(np.uint8)',
      '    tiles = loupe_tiles.cut_tiles(decoded, c["width"], c["height"], {"tile": c["tile"], "overlap": c["overlap"]})',
      '    out.append([[*region, p.shape[1], p.shape[0], *p[0, 0].tolist()] for region, p in tiles])',
      'print(json.dumps(out))',
    ].join('\n');
    assert.deepEqual(runPython(script, cases), loupe);
  });

  it("merges the tiles' boxes as Loupe does, fragments at the inner edges included", () => {
    const random = xorshift(7);
    const detection = { nmsIou: 0.5, topK: 30 } as DetectorMetadata['detection'];
    const cases = Array.from({ length: 60 }, () => {
      const size = { width: 300 + Math.floor(random() * 300), height: 200 + Math.floor(random() * 300) };
      const regions = tileGrid(size, 160, 40);
      const found = regions.map((region) =>
        Array.from({ length: Math.floor(random() * 7) }, (): Detection => {
          // Boxes near the tile's edges (fragments) or anywhere, of two classes, sometimes on the same object as a neighbour's.
          const width = 10 + random() * 70;
          const height = 10 + random() * 70;
          const nearEdge = random() < 0.5;
          const left = nearEdge ? (random() < 0.5 ? random() * 2 : region.width - width - random() * 2) : random() * (region.width - width);
          const top = random() * (region.height - height);
          return { classIndex: random() < 0.7 ? 0 : 1, confidence: Math.round(random() * 1000) / 1000, left, top, width, height };
        }),
      );
      return { size, regions, found };
    });
    const loupe = cases.map(({ size, regions, found }) =>
      mergeServedTiles(
        regions.map((region, i) => ({ region, detections: found[i]! })),
        size,
        detection,
      ).map((d) => [d.classIndex, d.confidence, d.left, d.top, d.width, d.height]),
    );
    assert.ok(loupe.some((kept, i) => kept.length < cases[i]!.found.flat().length), 'the merge dropped boxes');
    const script = [
      'import json, sys',
      'import loupe_tiles',
      'm = json.load(sys.stdin)',
      'out = []',
      'for c in m["cases"]:',
      '    tiles = [((r["left"], r["top"], r["width"], r["height"]), None) for r in c["regions"]]',
      '    found = [[(d["classIndex"], d["confidence"], d["left"], d["top"], d["width"], d["height"]) for d in ds] for ds in c["found"]]',
      '    kept = loupe_tiles.merge(tiles, found, c["size"]["width"], c["size"]["height"], m["merge"])',
      '    out.append([[k["cls"], k["score"], *k["box"]] for k in kept])',
      'print(json.dumps(out))',
    ].join('\n');
    const merge = { ...MERGE_DEFAULTS, nmsIou: detection.nmsIou, topK: detection.topK };
    assert.deepEqual(runPython(script, { cases, merge }), loupe);
  });
});
