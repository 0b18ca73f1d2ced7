/**
 * Issue 15: camera images beyond the service's limits are downscaled when the app imports a folder
 * (the user's file untouched, a copy in the Loupe home stands in), and one too large even for that
 * is said to be too large. The guide's paths (manifests) keep the guide's refusal.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { waitForJob } from '../../../main/jobs';
import { aClock, aLoupe, type TestLoupe } from '../../support/loupe';
import { anImage } from '../../support/images';
import { sqlite } from '../../../main/db/handle';

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
