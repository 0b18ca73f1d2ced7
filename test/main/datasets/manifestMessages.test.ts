/**
 * Issue #16: a manifest's byte-order mark does not cost it its first line, and a manifest that
 * fails says which lines failed and why.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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
});
