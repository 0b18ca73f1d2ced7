/**
 * Detector training time per 100 images: 100 TRAIN + 25 TEST generated boards of 640 × 640 (a noisy
 * textured background with three small red or blue squares of 12–40 px each, as small defects on
 * a printed circuit board are), imported from object-detection manifests on a fresh home, then
 * CreateProjectVersion with a cold cache. Target: 100 s per 100 training images (400 images in
 * ≤ 400 s on a 2-core machine). The row also says which view training chose.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { waitForJob } from '../../main/jobs';
import { readModelMetadata } from '../../main/engine/modelFile';
import { tempDir } from '../support/loupe';
import { xorshift } from '../support/random';
import { manifestLine, type Square, type SquaresImage } from '../support/squares';
import { createProject, timedLoupe, trainVersion } from '../eval/train';
import { withPeakRss } from './index';

const SIDE = 640;
const TRAIN = 100;
const TEST = 25;

async function board(path: string, seed: number): Promise<SquaresImage> {
  const next = xorshift(seed * 2654435761 + 7);
  const squares: Square[] = [];
  while (squares.length < 3) {
    const side = 12 + Math.floor(next() * 29);
    const square: Square = { label: next() < 0.5 ? 'red' : 'blue', left: Math.floor(next() * (SIDE - side)), top: Math.floor(next() * (SIDE - side)), width: side, height: side };
    const apart = squares.every((o) => square.left > o.left + o.width + 4 || o.left > square.left + square.width + 4 || square.top > o.top + o.height + 4 || o.top > square.top + square.height + 4);
    if (apart) squares.push(square);
  }
  const data = Buffer.alloc(SIDE * SIDE * 3);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const noise = (next() - 0.5) * 50;
      const inside = squares.find((s) => x >= s.left && x < s.left + s.width && y >= s.top && y < s.top + s.height);
      const trace = (x + 3 * y) % 48 < 6 ? 40 : 0;
      const [r, g, b] = inside ? (inside.label === 'red' ? [205, 40, 40] : [40, 60, 205]) : [60 + trace, 120 + trace, 70 + trace];
      const i = (y * SIDE + x) * 3;
      data[i] = Math.max(0, Math.min(255, r + noise));
      data[i + 1] = Math.max(0, Math.min(255, g + noise));
      data[i + 2] = Math.max(0, Math.min(255, b + noise));
    }
  }
  await sharp(data, { raw: { width: SIDE, height: SIDE, channels: 3 } }).jpeg({ quality: 90 }).toFile(path);
  return { width: SIDE, height: SIDE, squares };
}

export async function benchDetection(): Promise<Record<string, string | number>[]> {
  const folder = tempDir('loupe-bench-detection-');
  mkdirSync(folder, { recursive: true });
  const lines = { train: [] as object[], test: [] as object[] };
  for (let i = 0; i < TRAIN + TEST; i++) {
    const name = `board-${i}.jpg`;
    const image = await board(join(folder, name), i + 1);
    (i < TRAIN ? lines.train : lines.test).push(manifestLine(`s3://boards/${name}`, image));
  }
  for (const [name, list] of Object.entries(lines)) writeFileSync(join(folder, `${name}.manifest`), list.map((l) => JSON.stringify(l)).join('\n'));
  const loupe = timedLoupe();
  try {
    await loupe.ok('CreateBucketMapping', { Bucket: 'boards', Folder: folder });
    const projectArn = await createProject(loupe, 'bench-detection');
    for (const [type, name] of [['TRAIN', 'train'], ['TEST', 'test']] as const) {
      const { DatasetArn } = await loupe.ok('CreateDataset', {
        ProjectArn: projectArn,
        DatasetType: type,
        DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'boards', Name: `${name}.manifest` } } },
      });
      for (const job of (await loupe.ok('ListJobs', { ResourceArn: DatasetArn, Active: true })).Jobs) await waitForJob(loupe.ctx, job.JobId);
    }
    const { result: version, peakRssMiB } = await withPeakRss(() => trainVersion(loupe, projectArn, 'v1'));
    const modelPath = loupe.lastModelPath();
    const chosen = modelPath ? (await readModelMetadata(modelPath)).choices?.chosen : undefined;
    const per100 = (version.seconds * 100) / TRAIN;
    return [
      {
        bench: `detector: ${TRAIN} TRAIN + ${TEST} TEST images of ${SIDE} × ${SIDE}, cold cache`,
        status: version.status,
        'embed s': version.phases?.embedS ?? NaN,
        'of which search s': version.phases?.searchS ?? NaN,
        'head s': version.phases?.headS ?? NaN,
        'test s': version.phases?.testS ?? NaN,
        'seconds per 100 TRAIN images': per100,
        target: '≤ 100 s',
        met: version.status === 'TRAINING_COMPLETED' && per100 <= 100 ? 'yes' : 'NO',
        chosen: chosen ? Object.entries(chosen).map(([k, v]) => `${k}=${v}`).join(' ') : '',
        'peak RSS MiB': peakRssMiB,
        'load 1m': loadavg()[0]!.toFixed(1),
      },
    ];
  } finally {
    loupe.dispose();
  }
}
