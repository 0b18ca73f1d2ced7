/**
 * Issue 15: camera images beyond the service's limits are downscaled when the app imports a folder
 * (the user's file untouched, a copy in the Loupe home stands in), and one too large even for that
 * is said to be too large; a PNG over 15 MB within 4096 px a side is re-encoded (and made smaller
 * only when that is not enough). The guide's paths (manifests) keep the guide's refusal.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { waitForJob } from '../../../main/jobs';
import { aClock, aLoupe, type TestLoupe } from '../../support/loupe';
import { aLargePng, anImage } from '../../support/images';
import { sqlite } from '../../../main/db/handle';
import * as q from '../../../main/db/queries';
import { stopWatchers } from '../../../main/api';
import { startWatchers, watchersStarted } from '../../../main/watch';
import { missingCopies, remakeCopies } from '../../../main/datasets/downscaled';
import { IMAGE_LIMITS } from '../../../preload/contract/imageLimits';

const hashOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A real JPEG whose frame header claims `width`×`height`: a decompression bomb's header, decoded never. */
async function aJpegClaiming(path: string, width: number, height: number): Promise<void> {
  const bytes = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888888' } }).jpeg().toBuffer();
  for (let i = 2; i < bytes.length - 8; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xc0) {
      bytes.writeUInt16BE(height, i + 5);
      bytes.writeUInt16BE(width, i + 7);
      break;
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

describe('when a folder holds images larger than the service takes', () => {
  let loupe: TestLoupe;
  let folder: string;

  before(async () => {
    loupe = aLoupe({ now: aClock() });
    folder = join(loupe.home, 'camera');
    await anImage(join(folder, 'ok', 'wide.jpg'), { width: 6000, height: 3000, color: '#aa5522' });
    await anImage(join(folder, 'ok', 'small.jpg'));
    await aJpegClaiming(join(folder, 'bad', 'huge.jpg'), 12000, 9000);
  });
  after(() => loupe.dispose());

  it('imports a 6000×3000 photo as a 4096×2048 copy, keeps the original, and says 12000×9000 is too large', async () => {
    const original = hashOf(join(folder, 'ok', 'wide.jpg'));
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'camera' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    const job = await waitForJob(loupe.ctx, (await loupe.ok('ImportFolder', { DatasetArn, Folder: folder })).JobId);
    assert.equal(job.Status, 'succeeded', job.Message);

    const rows = sqlite(loupe.ctx.db).prepare('SELECT source_ref AS sourceRef, path, width, height FROM entries ORDER BY source_ref').all() as {
      sourceRef: string;
      path: string;
      width: number | null;
      height: number | null;
    }[];
    const wide = rows.find((row) => row.sourceRef.endsWith('wide.jpg'))!;
    assert.equal(wide.sourceRef, join(folder, 'ok', 'wide.jpg'));
    assert.deepEqual([wide.width, wide.height], [4096, 2048]);
    assert.ok(wide.path.startsWith(join(loupe.home, 'downscaled')), wide.path);
    assert.ok(existsSync(wide.path));
    assert.equal(hashOf(join(folder, 'ok', 'wide.jpg')), original, 'the user’s file is untouched');

    const entries = (await loupe.ok('ListDatasetEntries', { DatasetArn })).DatasetEntries.map((line) => JSON.parse(line));
    const huge = entries.find((entry) => entry['source-ref'].endsWith('huge.jpg'));
    assert.equal(huge.errors[0].code, 'ERROR_INVALID_IMAGE_DIMENSION');
    assert.match(huge.errors[0].message, /too large: 12000×9000 pixels \(108 MP\) is more than the 100 MP Loupe downscales/);
    assert.ok(!entries.find((entry) => entry['source-ref'].endsWith('wide.jpg')).errors);
    const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
    assert.deepEqual(DatasetDescription.DatasetStats, { LabeledEntries: 3, TotalEntries: 3, TotalLabels: 2, ErrorEntries: 1 });
  });

  it('a manifest naming the same photo keeps the guide’s ERROR_INVALID_IMAGE_DIMENSION, worded as too large', async () => {
    await loupe.ok('CreateBucketMapping', { Bucket: 'camera', Folder: folder });
    writeFileSync(join(folder, 'wide.manifest'), `${JSON.stringify({ 'source-ref': 's3://camera/ok/wide.jpg', cls: 1, 'cls-metadata': { 'class-name': 'ok', confidence: 1, type: 'groundtruth/image-classification', 'human-annotated': 'yes', 'creation-date': '2026-01-01T00:00:00', 'job-name': 'x' } })}\n`);
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'manifest' });
    const { DatasetArn } = await loupe.ok('CreateDataset', {
      ProjectArn,
      DatasetType: 'TRAIN',
      DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'camera', Name: 'wide.manifest' } } },
    });
    const { Jobs } = await loupe.ok('ListJobs', { ResourceArn: DatasetArn });
    await waitForJob(loupe.ctx, Jobs[0]!.JobId);
    const entries = (await loupe.ok('ListDatasetEntries', { DatasetArn })).DatasetEntries.map((line) => JSON.parse(line));
    assert.equal(entries[0].errors[0].code, 'ERROR_INVALID_IMAGE_DIMENSION');
    assert.match(entries[0].errors[0].message, /too large: 6000×3000 pixels/);
  });
});

describe('when a folder holds PNGs over 15 MB whose sides are within 4096 px', () => {
  let loupe: TestLoupe;
  let folder: string;

  before(async () => {
    loupe = aLoupe({ now: aClock() });
    folder = join(loupe.home, 'scans');
    await aLargePng(join(folder, 'ok', 'noise.png'), 2400, 2300);
    await aLargePng(join(folder, 'ok', 'smooth.png'), 2400, 2300, { smooth: true });
  });
  after(() => loupe.dispose());

  it('imports each through a copy under 15 MB: compressed harder at full size when that is enough, made smaller when not', async () => {
    for (const name of ['noise.png', 'smooth.png']) assert.ok(statSync(join(folder, 'ok', name)).size > IMAGE_LIMITS.maxFileBytes, name);
    const originals = ['noise.png', 'smooth.png'].map((name) => hashOf(join(folder, 'ok', name)));
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'scans' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    const job = await waitForJob(loupe.ctx, (await loupe.ok('ImportFolder', { DatasetArn, Folder: folder })).JobId);
    assert.equal(job.Status, 'succeeded', job.Message);

    const entries = (await loupe.ok('ListDatasetEntries', { DatasetArn })).DatasetEntries.map((line) => JSON.parse(line));
    assert.deepEqual(entries.map((entry) => entry.errors ?? []), [[], []], 'neither is refused as too large');
    const rows = sqlite(loupe.ctx.db).prepare('SELECT source_ref AS sourceRef, path, width, height, size_bytes AS sizeBytes FROM entries ORDER BY source_ref').all() as {
      sourceRef: string;
      path: string;
      width: number;
      height: number;
      sizeBytes: number;
    }[];
    assert.deepEqual(rows.map((row) => row.sourceRef), [join(folder, 'ok', 'noise.png'), join(folder, 'ok', 'smooth.png')]);
    for (const row of rows) {
      assert.ok(row.path.startsWith(join(loupe.home, 'downscaled')) && row.path.endsWith('.png'), row.path);
      assert.equal(statSync(row.path).size, row.sizeBytes);
      assert.ok(row.sizeBytes <= IMAGE_LIMITS.maxFileBytes, `${row.sourceRef}: ${row.sizeBytes} bytes`);
      assert.equal((await sharp(row.path).metadata()).format, 'png');
    }
    const [noise, smooth] = rows;
    assert.ok(noise!.width < 2400 && noise!.width >= 2000 && Math.abs(noise!.width / noise!.height - 2400 / 2300) < 0.01, `${noise!.width}×${noise!.height}`);
    assert.deepEqual([smooth!.width, smooth!.height], [2400, 2300], 'no pixel given up where compression was enough');
    assert.deepEqual(['noise.png', 'smooth.png'].map((name) => hashOf(join(folder, 'ok', name))), originals, 'the user’s files are untouched');
  });
});

describe('when the datasets that read a downscaled copy are deleted', () => {
  let loupe: TestLoupe;
  let folder: string;

  before(async () => {
    loupe = aLoupe({ now: aClock() });
    folder = join(loupe.home, 'camera');
    await anImage(join(folder, 'ok', 'wide.jpg'), { width: 5000, height: 2000, color: '#2255aa' });
    await anImage(join(folder, 'ok', 'small.jpg'));
  });
  after(() => loupe.dispose());

  const copyPaths = () =>
    (sqlite(loupe.ctx.db).prepare("SELECT DISTINCT path FROM entries WHERE source_ref LIKE '%wide.jpg'").all() as { path: string }[]).map((row) => row.path);

  it('keeps the copy while another dataset reads it, removes it with the last one, and never touches the original', async () => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'copies' });
    const arns: string[] = [];
    for (const DatasetType of ['TRAIN', 'TEST'] as const) {
      const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType });
      const job = await waitForJob(loupe.ctx, (await loupe.ok('ImportFolder', { DatasetArn, Folder: folder })).JobId);
      assert.equal(job.Status, 'succeeded', job.Message);
      arns.push(DatasetArn);
    }
    const [copy, ...others] = copyPaths();
    assert.equal(others.length, 0, 'both datasets read one copy');
    assert.ok(copy!.startsWith(join(loupe.home, 'downscaled')) && existsSync(copy!));

    await loupe.ok('DeleteDataset', { DatasetArn: arns[1]! });
    assert.ok(existsSync(copy!), 'the TRAIN dataset still reads it');
    await loupe.ok('DeleteProjectCascade', { ProjectArn });
    assert.ok(!existsSync(copy!), 'no entry reads it any more');
    assert.ok(existsSync(join(folder, 'ok', 'wide.jpg')) && existsSync(join(folder, 'ok', 'small.jpg')));
  });
});

describe('when a watched folder receives a photo larger than the service takes', () => {
  let loupe: TestLoupe;
  after(async () => {
    await stopWatchers(loupe.ctx);
    loupe.dispose();
  });

  /** Retry until the assertions hold. */
  async function eventually(check: () => void, timeoutMs = 8000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return check();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  it('reads it through a downscaled copy as a folder import does, follows a move, and removes entry and copy with the file', async () => {
    loupe = aLoupe();
    const root = join(loupe.home, 'watched');
    mkdirSync(root);
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'watched-camera' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    await loupe.ok('WatchFolder', { DatasetArn, Folder: root });
    await watchersStarted(loupe.ctx);
    const datasetId = q.findDatasetByArn(loupe.ctx.db, DatasetArn)!.id;
    const scratch = join(loupe.home, 'scratch', 'wide.jpg');
    await anImage(scratch, { width: 5000, height: 2000, color: '#55aa22' });
    const original = hashOf(scratch);
    mkdirSync(join(root, 'ok'));
    renameSync(scratch, join(root, 'ok', 'wide.jpg'));

    const entryOf = (name: string) => q.findEntry(loupe.ctx.db, datasetId, join(root, name));
    await eventually(() => assert.ok(entryOf(join('ok', 'wide.jpg'))));
    const added = entryOf(join('ok', 'wide.jpg'))!;
    assert.deepEqual([added.width, added.height], [4096, 1638]);
    assert.ok(added.path!.startsWith(join(loupe.home, 'downscaled')), added.path!);
    assert.deepEqual(added.draft.errors, []);
    assert.equal(hashOf(join(root, 'ok', 'wide.jpg')), original, 'the user’s file is untouched');
    assert.equal((await loupe.ok('ListWatchedFolders', {})).WatchedFolders[0]?.EntryCount, 1);

    mkdirSync(join(root, 'dent'));
    renameSync(join(root, 'ok', 'wide.jpg'), join(root, 'dent', 'wide.jpg'));
    await eventually(() => {
      const moved = entryOf(join('dent', 'wide.jpg'));
      assert.equal(moved?.id, added.id, 'the same entry, moved');
      assert.deepEqual(moved.draft.labels.map((label) => label.name), ['dent']);
      assert.equal(entryOf(join('ok', 'wide.jpg')), undefined);
    });

    rmSync(join(root, 'dent', 'wide.jpg'));
    await eventually(() => assert.equal(q.countEntries(loupe.ctx.db, datasetId), 0));
    assert.ok(!existsSync(added.path!), 'the copy went with its entry');

    // Removed while nothing watches: found when the watcher starts again and compares.
    await anImage(scratch, { width: 4800, height: 1200, color: '#22aa55' });
    renameSync(scratch, join(root, 'ok', 'banner.jpg'));
    await eventually(() => assert.ok(entryOf(join('ok', 'banner.jpg'))));
    const banner = entryOf(join('ok', 'banner.jpg'))!;
    assert.ok(banner.path!.startsWith(join(loupe.home, 'downscaled')), banner.path!);
    await stopWatchers(loupe.ctx);
    rmSync(join(root, 'ok', 'banner.jpg'));
    startWatchers(loupe.ctx);
    await watchersStarted(loupe.ctx);
    await eventually(() => assert.equal(q.countEntries(loupe.ctx.db, datasetId), 0));
    assert.ok(!existsSync(banner.path!), 'the copy went with its entry');
  });
});

describe('when a watched folder receives a PNG over 15 MB within 4096 px a side', () => {
  let loupe: TestLoupe;
  after(async () => {
    await stopWatchers(loupe.ctx);
    loupe.dispose();
  });

  it('reads it through a copy under 15 MB, as a folder import does', async () => {
    loupe = aLoupe();
    const root = join(loupe.home, 'watched');
    mkdirSync(root);
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'watched-scans' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    await loupe.ok('WatchFolder', { DatasetArn, Folder: root });
    await watchersStarted(loupe.ctx);
    const datasetId = q.findDatasetByArn(loupe.ctx.db, DatasetArn)!.id;
    const scratch = join(loupe.home, 'scratch', 'scan.png');
    await aLargePng(scratch, 2400, 2300);
    mkdirSync(join(root, 'ok'));
    renameSync(scratch, join(root, 'ok', 'scan.png'));

    const deadline = Date.now() + 15_000;
    let entry = q.findEntry(loupe.ctx.db, datasetId, join(root, 'ok', 'scan.png'));
    while (!entry && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      entry = q.findEntry(loupe.ctx.db, datasetId, join(root, 'ok', 'scan.png'));
    }
    assert.ok(entry, 'the watched file became an entry');
    assert.deepEqual(entry.draft.errors, []);
    assert.ok(entry.path!.startsWith(join(loupe.home, 'downscaled')), entry.path!);
    assert.ok(statSync(entry.path!).size <= IMAGE_LIMITS.maxFileBytes);
    assert.ok(entry.width! < 2400, String(entry.width));
  });
});

describe('when a downscaled copy is removed while an import that found it is still running', () => {
  it('is made again, the same bytes, before the import writes', async () => {
    const loupe = aLoupe();
    try {
      const original = join(loupe.home, 'camera', 'wide.jpg');
      await anImage(original, { width: 5000, height: 2500, color: '#8844aa' });
      const copy = join(loupe.home, 'downscaled', 'wide-copy.jpg');
      await remakeCopies([{ path: copy, original }]);
      const made = hashOf(copy);
      rmSync(copy);
      const pending = [{ path: copy, original }];
      assert.deepEqual(missingCopies(pending), pending);
      await remakeCopies(missingCopies(pending));
      assert.deepEqual(missingCopies(pending), []);
      assert.equal(hashOf(copy), made, 'the copy is made the same way again');
    } finally {
      loupe.dispose();
    }
  });
});
