/**
 * The watcher: time from a file landing in a watched label folder (its write completed) to its
 * labelled entry being queryable through ListDatasetEntries (SourceRefContains), for files landing
 * one at a time and for a burst of 1,000. The files are written by a worker thread, as another
 * program would write them, so the watcher's thread is free while they land.
 * Target: p95 < 1 s.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openLoupe, stopWatchers, type Loupe } from '../../main/api';
import { watchersStarted } from '../../main/watch';
import { anImage } from '../support/images';
import { tempDir } from '../support/loupe';
import { percentile, withPeakRss } from './index';

const BURST = Number(process.env.LOUPE_BENCH_WATCH_FILES ?? 1000);
const SINGLES = 20;
/** Small files as a camera's thumbnails or the unit tests write them, and VGA photos. */
const SIZES = [
  { width: 96, height: 80 },
  { width: 640, height: 480 },
];
const LABELS = ['ok', 'scratch', 'dent', 'stain'];
const TIMEOUT_MS = 60_000;

/** Epoch milliseconds with sub-millisecond precision, comparable across threads. */
const nowMs = () => performance.timeOrigin + performance.now();

interface Landing {
  name: string;
  label: string;
  landedMs: number;
}

export async function benchWatcher(): Promise<Record<string, string | number>[]> {
  const root = tempDir('loupe-bench-watched-');
  const home = tempDir('loupe-bench-');
  const scratch = tempDir('loupe-bench-images-');
  const loupe = openLoupe({ home });
  try {
    for (const label of LABELS) mkdirSync(join(root, label));
    const DatasetArn = await aDataset(loupe);
    await call(loupe, 'WatchFolder', { DatasetArn, Folder: root });
    await watchersStarted(loupe.ctx);
    const rows: Record<string, string | number>[] = [];
    let seed = 0;
    for (const size of SIZES) {
      const base = readFileSync(await anImage(join(scratch, `base-${size.width}.jpg`), size));
      const kind = `${size.width}×${size.height} JPEG`;
      const single: number[] = [];
      for (let i = 0; i < SINGLES; i++) {
        const prefix = `single-${size.width}-`;
        const [landing] = await writeFiles(root, base, [`${prefix}${i}.jpg`], seed++);
        const seen = await waitUntilQueryable(loupe, DatasetArn, prefix, new Map([[landing!.name, landing!]]));
        single.push(seen.get(landing!.name)! - landing!.landedMs);
      }
      rows.push(row(`${kind}, one at a time`, single));

      const prefix = `burst-${size.width}-`;
      const names = Array.from({ length: BURST }, (_, i) => `${prefix}${i}.jpg`);
      const { result, peakRssMiB } = await withPeakRss(async () => {
        const landing = writeFiles(root, base, names, seed);
        const expected = new Map<string, Landing>();
        // Look while files still land: the first ones are written well before the last.
        const all = landing.then((landed) => landed.forEach((l) => expected.set(l.name, l)));
        const seen = waitUntilQueryable(loupe, DatasetArn, prefix, expected, all);
        const [landed, found] = await Promise.all([landing, seen]);
        return landed.map((l) => found.get(l.name)! - l.landedMs);
      });
      seed += BURST;
      rows.push(row(`${kind}, burst of ${BURST}`, result, { 'peak RSS MiB': peakRssMiB }));
    }
    return rows;
  } finally {
    await stopWatchers(loupe.ctx);
    loupe.close();
    for (const folder of [root, home, scratch]) rmSync(folder, { recursive: true, force: true });
  }
}

function row(kind: string, samples: number[], extra: Record<string, string | number> = {}): Record<string, string | number> {
  return {
    bench: `file landing → labelled entry queryable: ${kind}`,
    files: samples.length,
    'p50 ms': percentile(samples, 50),
    'p95 ms': percentile(samples, 95),
    'max ms': Math.max(...samples),
    'target p95 ms': 1000,
    ...extra,
  };
}

async function call(loupe: Loupe, name: string, input: unknown): Promise<Record<string, unknown>> {
  const result = await loupe.invoke(name, input);
  if (!result.ok) throw new Error(`${name}: ${result.error.code}: ${result.error.message}`);
  return result.value as Record<string, unknown>;
}

async function aDataset(loupe: Loupe): Promise<string> {
  const { ProjectArn } = await call(loupe, 'CreateProject', { ProjectName: 'bench-watch' });
  const { DatasetArn } = await call(loupe, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
  return DatasetArn as string;
}

/**
 * Write each name into a label folder from a worker thread (a distinct tail after the JPEG end
 * marker makes every hash differ) and return when each write completed.
 */
function writeFiles(root: string, base: Buffer, names: string[], seed: number): Promise<Landing[]> {
  const files = names.map((name, i) => ({ name, label: LABELS[(seed + i) % LABELS.length]!, tail: seed + i }));
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { writeFileSync } = require('node:fs');
    const { join } = require('node:path');
    const base = Buffer.from(workerData.base);
    const landed = workerData.files.map((file) => {
      const tail = Buffer.alloc(8);
      tail.writeUInt32LE(file.tail);
      writeFileSync(join(workerData.root, file.label, file.name), Buffer.concat([base, tail]));
      return performance.timeOrigin + performance.now();
    });
    parentPort.postMessage(landed);
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { root, base, files } });
    worker.once('message', (landed: number[]) =>
      resolve(files.map((file, i) => ({ name: file.name, label: file.label, landedMs: landed[i]! }))),
    );
    worker.once('error', reject);
  });
}

/**
 * When each expected file's entry is first returned by ListDatasetEntries (SourceRefContains
 * `prefix`); each must carry its folder's label. Looks after every ResourcesChanged event (sent
 * right after each batch is committed) and every 50 ms. `complete` settles once `expected` holds every file.
 */
async function waitUntilQueryable(
  loupe: Loupe,
  DatasetArn: string,
  prefix: string,
  expected: Map<string, Landing>,
  complete: Promise<unknown> = Promise.resolve(),
): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const labelsSeen = new Map<string, (string | undefined)[]>();
  let allExpected = false;
  void complete.then(() => (allExpected = true));
  let looking = false;
  let again = false;
  let resumeToken: string | undefined;
  const look = async () => {
    if (looking) {
      again = true;
      return;
    }
    looking = true;
    do {
      again = false;
      // Entries come in id order and new ones are appended: resume at the last page, which was partial.
      for (;;) {
        const page = await call(loupe, 'ListDatasetEntries', {
          DatasetArn,
          SourceRefContains: prefix,
          MaxResults: 100,
          ...(resumeToken ? { NextToken: resumeToken } : {}),
        });
        const atMs = nowMs();
        for (const text of page.DatasetEntries as string[]) {
          const line = JSON.parse(text) as Record<string, unknown>;
          const name = (line['source-ref'] as string).split(/[\\/]/).pop()!;
          if (seen.has(name)) continue;
          const labels = Object.entries(line)
            .filter(([key]) => key.endsWith('-metadata'))
            .map(([, meta]) => (meta as { 'class-name'?: string })['class-name']);
          seen.set(name, atMs);
          labelsSeen.set(name, labels);
        }
        if (!page.NextToken) break;
        resumeToken = page.NextToken as string;
      }
    } while (again);
    looking = false;
  };
  const off = loupe.ctx.events.on('ResourcesChanged', (event) => {
    if (event.ResourceArns.includes(DatasetArn)) void look();
  });
  const deadline = nowMs() + TIMEOUT_MS;
  try {
    for (;;) {
      await look();
      if (allExpected && [...expected.keys()].every((name) => seen.has(name))) {
        const unlabelled = [...expected.values()].filter((l) => !labelsSeen.get(l.name)?.includes(l.label));
        if (unlabelled.length > 0) throw new Error(`${unlabelled.length} entries lack their folder's label.`);
        return seen;
      }
      if (nowMs() > deadline) throw new Error(`Only ${seen.size} of ${expected.size} files became entries within ${TIMEOUT_MS} ms.`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    off();
  }
}
