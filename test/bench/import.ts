/**
 * ImportFolder on 10,000 generated JPEGs in a labeled folder tree (hash, probe, labels; thumbnails
 * are made lazily, not here). Target: ≥ 500 images/s on a 2-core machine.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { openLoupe } from '../../main/api';
import { waitForJob } from '../../main/jobs';
import { tempDir } from '../support/loupe';
import { withPeakRss } from './index';

const IMAGES = Number(process.env.LOUPE_BENCH_IMAGES ?? 10_000);
const LABELS = ['ok', 'scratch', 'dent', 'stain'];

export async function benchImport(): Promise<Record<string, string | number>[]> {
  const root = tempDir('loupe-bench-images-');
  const home = tempDir('loupe-bench-');
  try {
    // A few real 640×480 photos-like JPEGs; each file gets a unique tail so every hash differs.
    const bases = await Promise.all(
      LABELS.map((_, i) =>
        sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 40 * i, g: 120, b: 200 - 30 * i } } })
          .jpeg({ quality: 85 })
          .toBuffer(),
      ),
    );
    for (const label of LABELS) mkdirSync(join(root, label), { recursive: true });
    for (let i = 0; i < IMAGES; i++) {
      const label = LABELS[i % LABELS.length]!;
      const tail = Buffer.alloc(8);
      tail.writeUInt32LE(i);
      writeFileSync(join(root, label, `img-${i}.jpg`), Buffer.concat([bases[i % bases.length]!, tail]));
    }
    const loupe = openLoupe({ home });
    try {
      const project = await loupe.invoke('CreateProject', { ProjectName: 'bench' });
      if (!project.ok) throw new Error(project.error.message);
      const dataset = await loupe.invoke('CreateDataset', { ProjectArn: (project.value as { ProjectArn: string }).ProjectArn, DatasetType: 'TRAIN' });
      if (!dataset.ok) throw new Error(dataset.error.message);
      const DatasetArn = (dataset.value as { DatasetArn: string }).DatasetArn;
      const start = performance.now();
      const { result: job, peakRssMiB } = await withPeakRss(async () => {
        const started = await loupe.invoke('ImportFolder', { DatasetArn, Folder: root });
        if (!started.ok) throw new Error(started.error.message);
        return waitForJob(loupe.ctx, (started.value as { JobId: number }).JobId);
      });
      const seconds = (performance.now() - start) / 1000;
      const described = await loupe.invoke('DescribeDataset', { DatasetArn });
      const stats = described.ok ? (described.value as { DatasetDescription: { DatasetStats: { TotalEntries: number } } }).DatasetDescription.DatasetStats : undefined;
      return [
        {
          bench: `ImportFolder, ${IMAGES} JPEGs 640×480, ${LABELS.length} label folders`,
          status: job.Status,
          entries: stats?.TotalEntries ?? 0,
          seconds,
          'images/s': IMAGES / seconds,
          'target images/s': 500,
          'peak RSS MiB': peakRssMiB,
        },
      ];
    } finally {
      loupe.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}
