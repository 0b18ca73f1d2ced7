/**
 * Issue #16: a manifest's byte-order mark does not cost it its first line, and a manifest that
 * fails says which lines failed and why.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import * as q from '../../../main/db/queries';
import { waitForJob } from '../../../main/jobs';
import { anImage } from '../../support/images';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

const line = (path: string, label: string) =>
  JSON.stringify({
    'source-ref': path,
    kind: 1,
    'kind-metadata': { 'class-name': label, confidence: 1, type: 'groundtruth/image-classification', 'human-annotated': 'yes', 'creation-date': '2026-01-01T00:00:00' },
  });

describe('issue #16: manifest lines', () => {
  let loupe: TestLoupe;
  let images: string[];
  before(async () => {
    loupe = aLoupe();
    const folder = tempDir('loupe-manifest-images-');
    images = [];
    for (let i = 0; i < 4; i++) {
      await anImage(join(folder, `${i}.jpg`), { color: `#${i}0${i}0${i}0` });
      images.push(`s3://pictures/${i}.jpg`);
    }
    await loupe.ok('CreateBucketMapping', { Bucket: 'pictures', Folder: folder });
  });
  after(() => loupe.dispose());

  async function update(text: string) {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: `m${Math.random().toString(36).slice(2, 8)}` });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    await loupe.ok('UpdateDatasetEntries', { DatasetArn, Changes: { GroundTruth: Buffer.from(text).toString('base64') } });
    const [job] = (await loupe.ok('ListJobs', { ResourceArn: DatasetArn })).Jobs;
    await waitForJob(loupe.ctx, job!.JobId);
    return (await loupe.ok('DescribeDataset', { DatasetArn })).DatasetDescription;
  }

  it('reads the first line of a manifest that starts with a UTF-8 byte-order mark', async () => {
    const text = `\uFEFF${images.map((path, i) => line(path, i % 2 ? 'odd' : 'even')).join('\n')}\n`;
    const described = await update(text);
    assert.equal(described.Status, 'UPDATE_COMPLETE', described.StatusMessage);
    assert.equal(described.DatasetStats?.TotalEntries, 4);
  });

  it('checks boxes against the decoded, EXIF-oriented image, not the declared image_size', async () => {
    const folder = tempDir('loupe-box-images-');
    await anImage(join(folder, 'small.jpg'), { width: 128, height: 128 });
    // Stored 200×100 and turned a quarter by its EXIF orientation: the image is 100 wide, 200 high.
    await sharp({ create: { width: 200, height: 100, channels: 3, background: '#884422' } }).jpeg().withMetadata({ orientation: 6 }).toFile(join(folder, 'turned.jpg'));
    await loupe.ok('CreateBucketMapping', { Bucket: 'boxes', Folder: folder });
    const boxLine = (name: string, declared: number[], box: number[]) =>
      JSON.stringify({
        'source-ref': `s3://boxes/${name}`,
        'bounding-box': { image_size: [{ width: declared[0], height: declared[1], depth: 3 }], annotations: [{ class_id: 0, left: box[0], top: box[1], width: box[2], height: box[3] }] },
        'bounding-box-metadata': { objects: [{ confidence: 1 }], 'class-map': { '0': 'part' }, type: 'groundtruth/object-detection', 'human-annotated': 'yes', 'creation-date': '2026-01-01T00:00:00' },
      });
    const lines = [
      boxLine('small.jpg', [500, 500], [10, 10, 480, 480]),
      boxLine('turned.jpg', [200, 100], [120, 10, 60, 60]),
      ...images.map((path, i) => line(path, i % 2 ? 'odd' : 'even')),
    ];
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'boxes' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    await loupe.ok('UpdateDatasetEntries', { DatasetArn, Changes: { GroundTruth: Buffer.from(lines.join('\n')).toString('base64') } });
    const [job] = (await loupe.ok('ListJobs', { ResourceArn: DatasetArn })).Jobs;
    await waitForJob(loupe.ctx, job!.JobId);
    const entries = (await loupe.ok('ListDatasetEntries', { DatasetArn, HasErrors: true })).DatasetEntries.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const name of ['small.jpg', 'turned.jpg']) {
      const entry = entries.find((e) => String(e['source-ref']).endsWith(name));
      assert.ok(entry, `${name} is listed with its errors`);
      assert.match(JSON.stringify(entry), /ERROR_INVALID_BOUNDING_BOX/, name);
      const annotation = (entry['bounding-box'] as { annotations: { errors?: { code: string }[] }[] }).annotations[0];
      assert.equal(annotation?.errors?.[0]?.code, 'ERROR_INVALID_BOUNDING_BOX', `${name}: the error is on the box`);
      const stored = q.findEntry(loupe.ctx.db, q.findDatasetByArn(loupe.ctx.db, DatasetArn)!.id, `s3://boxes/${name}`);
      assert.deepEqual(stored?.draft.boxes, [], `${name} keeps no off-frame box`);
    }
  });

  it('names the first failing lines and their codes when too many lines fail', async () => {
    const text = [line(images[0]!, 'even'), '{"source-ref": ', '{"no-source": 1}', line(images[1]!, 'odd'), '{"source-ref": "https://example.com/x.jpg"}'].join('\n');
    const described = await update(text);
    assert.equal(described.Status, 'UPDATE_FAILED');
    const message = described.StatusMessage ?? '';
    assert.match(message, /ERROR_TOO_MANY_RECORDS_IN_ERROR|too many terminal errors/);
    assert.match(message, /line 2: ERROR_INVALID_JSON_LINE/);
    assert.match(message, /line 3: ERROR_MISSING_SOURCE_REF/);
    assert.match(message, /line 5: ERROR_INVALID_SOURCE_REF_FORMAT/);
  });

  it('lists entries without inventing a creation-date or human-annotated the line did not have', async () => {
    const bare = JSON.stringify({ 'source-ref': images[0], kind: 1, 'kind-metadata': { 'class-name': 'even', type: 'groundtruth/image-classification' } });
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'bare' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    await loupe.ok('UpdateDatasetEntries', { DatasetArn, Changes: { GroundTruth: Buffer.from(bare).toString('base64') } });
    const [job] = (await loupe.ok('ListJobs', { ResourceArn: DatasetArn })).Jobs;
    await waitForJob(loupe.ctx, job!.JobId);
    const [line] = (await loupe.ok('ListDatasetEntries', { DatasetArn })).DatasetEntries;
    const metadata = (JSON.parse(line!) as Record<string, Record<string, unknown>>)['kind-metadata']!;
    assert.equal(metadata['class-name'], 'even');
    assert.equal('creation-date' in metadata, false, JSON.stringify(metadata));
    assert.equal('human-annotated' in metadata, false, JSON.stringify(metadata));
  });
});
