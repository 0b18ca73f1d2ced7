/**
 * Issue #16: what a label may be, whichever way it comes in — no empty name (a detection
 * class-map's ""), no NUL, no lone surrogate, at most 50 on one image, and box confidences in [0, 1].
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { isLabelText } from '../../../preload/contract/schemas';
import { anImage } from '../../support/images';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

const classification = (ref: string, names: string[]) =>
  Object.fromEntries([
    ['source-ref', ref],
    ...names.flatMap((name, i) => [
      [`a${i}`, 1],
      [`a${i}-metadata`, { 'class-name': name, confidence: 1, type: 'groundtruth/image-classification', 'human-annotated': 'yes', 'creation-date': '2026-01-01T00:00:00' }],
    ]),
  ]);
const detection = (ref: string, className: string, confidence: number) => ({
  'source-ref': ref,
  box: { image_size: [{ width: 96, height: 80, depth: 3 }], annotations: [{ class_id: 0, left: 5, top: 5, width: 40, height: 30 }] },
  'box-metadata': { objects: [{ confidence }], 'class-map': { '0': className }, type: 'groundtruth/object-detection', 'human-annotated': 'yes', 'creation-date': '2026-01-01T00:00:00' },
});

describe('issue #16: label names and limits', () => {
  let loupe: TestLoupe;
  let DatasetArn: string;
  before(async () => {
    loupe = aLoupe();
    const folder = tempDir('loupe-label-rules-');
    for (let i = 0; i < 7; i++) await anImage(join(folder, `${i}.jpg`), { color: `#${i}${i}3344` });
    await loupe.ok('CreateBucketMapping', { Bucket: 'rules', Folder: folder });
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'rules' });
    DatasetArn = (await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' })).DatasetArn;
    const lines = [
      detection('s3://rules/0.jpg', '', 1),
      classification('s3://rules/1.jpg', ['a\u0000b']),
      classification('s3://rules/2.jpg', ['\uD800x']),
      classification('s3://rules/3.jpg', Array.from({ length: 51 }, (_, i) => `tag${i}`)),
      detection('s3://rules/4.jpg', 'dent', 7),
      detection('s3://rules/5.jpg', 'dent', 0.9),
      classification('s3://rules/6.jpg', ['fine']),
    ];
    await loupe.ok('UpdateDatasetEntries', { DatasetArn, Changes: { GroundTruth: Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')).toString('base64') } });
    const [job] = (await loupe.ok('ListJobs', { ResourceArn: DatasetArn })).Jobs;
    await waitForJob(loupe.ctx, job!.JobId);
  });
  after(() => loupe.dispose());

  const entry = async (n: number) => (await loupe.ok('ListEntries', { DatasetArn, SourceRefContains: `/${n}.jpg` })).Entries[0]!;

  it('stores no empty, NUL or lone-surrogate label, and says why on the entry', async () => {
    const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
    assert.equal(DatasetDescription.Status, 'UPDATE_COMPLETE', DatasetDescription.StatusMessage);
    const labels = (await loupe.ok('ListDatasetLabels', { DatasetArn })).DatasetLabelDescriptions.map((l) => l.LabelName);
    for (const name of labels) assert.ok(name.trim() !== '' && isLabelText(name), JSON.stringify(name));
    for (const n of [0, 1, 2]) {
      const { Labels, Boxes, Errors } = await entry(n);
      assert.deepEqual([Labels, Boxes], [[], []], `${n}.jpg`);
      assert.ok(Errors.some((e) => e.Code.startsWith('ERROR_INVALID_LABEL_ATTRIBUTE')), `${n}.jpg: ${JSON.stringify(Errors)}`);
    }
  });

  it('keeps at most 50 labels on one image', async () => {
    const { Labels, Errors } = await entry(3);
    assert.equal(Labels.length, 50);
    assert.ok(Errors.some((e) => /at most 50/.test(e.Message)));
  });

  it('refuses a box confidence outside [0, 1] and keeps one inside', async () => {
    assert.deepEqual((await entry(4)).Boxes, []);
    assert.ok((await entry(4)).Errors.some((e) => e.Code === 'ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT'));
    assert.equal((await entry(5)).Boxes.length, 1);
    assert.deepEqual((await entry(6)).Labels, ['fine']);
  });

  it('refuses such names in the app operations too', async () => {
    for (const name of ['', ' ', 'a\u0000b', '\uDC00']) {
      assert.equal((await loupe.fails('CreateLabels', { DatasetArn, Labels: [name] })).code, 'ValidationException', JSON.stringify(name));
    }
  });
});
