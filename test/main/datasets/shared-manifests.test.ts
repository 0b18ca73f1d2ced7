/**
 * The Ground Truth manifests among ../shared/datasets, imported through CreateDataset and bucket
 * mappings as a user would: a placeholder s3:// bucket with per-line class-maps, s3:// and relative
 * source-refs, an arbitrary attribute name, an extra segmentation attribute and no confidence.
 * Expected counts are computed from the manifest text, not from the parser. Skips without the folder.
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

const shared = join(import.meta.dirname, '../../../../shared/datasets');
const skip = existsSync(shared) ? false : `shared datasets not present: ${shared}`;

describe('the shared Ground Truth manifests', { skip }, () => {
  let loupe: TestLoupe;
  before(() => {
    loupe = aLoupe();
  });
  after(() => loupe.dispose());

  async function importManifest(name: string, bucket: string, key: string) {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: name });
    const { DatasetArn } = await loupe.ok('CreateDataset', {
      ProjectArn,
      DatasetType: 'TRAIN',
      DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: bucket, Name: key } } },
    });
    for (const job of (await loupe.ok('ListJobs', { ResourceArn: DatasetArn })).Jobs) await waitForJob(loupe.ctx, job.JobId);
    return { DatasetArn, ...(await loupe.ok('DescribeDataset', { DatasetArn })).DatasetDescription };
  }

  it('rekognition-animals: the placeholder bucket mapped, ids resolved through each line’s class-map', async () => {
    const root = join(shared, 'rekognition-animals-manifest', 'dataset');
    await loupe.ok('CreateBucketMapping', { Bucket: 'my-rekognition-customlabels-XYZ', Folder: root });
    const manifest = readFileSync(join(root, 'manifests', 'input.manifest'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const expectedBoxes = new Map<string, number>();
    for (const line of manifest) {
      const attribute = Object.keys(line).find((k) => k.endsWith('-metadata'))!;
      const classMap = line[attribute]['class-map'];
      for (const annotation of line[attribute.replace(/-metadata$/, '')].annotations) {
        const name = classMap[String(annotation.class_id)];
        expectedBoxes.set(name, (expectedBoxes.get(name) ?? 0) + 1);
      }
    }
    const dataset = await importManifest('animals', 'my-rekognition-customlabels-XYZ', 'manifests/input.manifest');
    assert.equal(dataset.Status, 'CREATE_COMPLETE', dataset.StatusMessage);
    assert.deepEqual(dataset.DatasetStats, { LabeledEntries: 10, TotalEntries: 10, TotalLabels: expectedBoxes.size, ErrorEntries: 0 });
    const entries = (await loupe.ok('ListEntries', { DatasetArn: dataset.DatasetArn, MaxResults: 100 })).Entries;
    const boxes = new Map<string, number>();
    for (const entry of entries) for (const box of entry.Boxes) boxes.set(box.Label, (boxes.get(box.Label) ?? 0) + 1);
    assert.deepEqual(new Map([...boxes].sort()), new Map([...expectedBoxes].sort()));
    assert.deepEqual([...boxes.keys()].sort(), ['animal', 'baby', 'bulldog', 'cat', 'dog', 'lady']);
  });

  it('l4v-cookies: s3:// and relative source-refs, the label from class-name, segmentation kept aside', async () => {
    const files = join(shared, 'l4v-cookies', 'computer-vision-defect-detection', 'cookie-dataset', 'dataset-files');
    const folder = tempDir();
    mkdirSync(join(folder, 'getting-started'));
    // Copies, not links: a link in a mapped bucket folder that leads out of it is refused (issue #16).
    cpSync(join(files, 'training-images'), join(folder, 'getting-started', 'training-images'), { recursive: true });
    cpSync(join(files, 'training-images'), join(folder, 'training-images'), { recursive: true });
    copyFileSync(join(files, 'manifests', 'template.manifest'), join(folder, 'template.manifest'));
    copyFileSync(join(shared, 'l4v-cookies', 'computer-vision-defect-detection', 'train_class.manifest'), join(folder, 'train_class.manifest'));
    await loupe.ok('CreateBucketMapping', { Bucket: 'lookoutvision-us-east-1-0e205be246', Folder: folder });
    await loupe.ok('CreateBucketMapping', { Bucket: 'cookies', Folder: folder });

    for (const [name, file] of [['cookies-s3', 'train_class.manifest'], ['cookies-relative', 'template.manifest']] as const) {
      const text = readFileSync(join(folder, file), 'utf8');
      const lines = text.trim().split('\n');
      const expected = {
        anomaly: lines.filter((l) => l.includes('"class-name": "anomaly"')).length,
        normal: lines.filter((l) => l.includes('"class-name": "normal"')).length,
      };
      const withMasks = lines.filter((l) => l.includes('groundtruth/semantic-segmentation')).length;
      const dataset = await importManifest(name, 'cookies', file);
      assert.equal(dataset.Status, 'CREATE_COMPLETE', dataset.StatusMessage);
      assert.equal(dataset.DatasetStats.TotalEntries, lines.length);
      assert.equal(dataset.DatasetStats.LabeledEntries, lines.length);
      // A segmentation attribute is not a Custom Labels use case: reported on the entry, label kept.
      assert.equal(dataset.DatasetStats.ErrorEntries, withMasks);
      const labels = (await loupe.ok('ListDatasetLabels', { DatasetArn: dataset.DatasetArn })).DatasetLabelDescriptions;
      assert.deepEqual(Object.fromEntries(labels.map((l) => [l.LabelName, l.LabelStats.EntryCount])), expected);
    }
  });
});
