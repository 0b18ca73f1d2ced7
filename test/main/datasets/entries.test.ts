import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { aClock, aLoupe, type TestLoupe } from '../../support/loupe';
import { anImage } from '../../support/images';

const classification = (ref: string, label: string, attribute = 'cls') => ({
  'source-ref': ref,
  [attribute]: 1,
  [`${attribute}-metadata`]: {
    confidence: 1,
    'class-name': label,
    'human-annotated': 'yes',
    'creation-date': '2024-01-01T00:00:00.000Z',
    type: 'groundtruth/image-classification',
  },
});

const detection = (ref: string, boxes: [string, number, number, number, number][]) => {
  const names = [...new Set(boxes.map((b) => b[0]))];
  return {
    'source-ref': ref,
    'bounding-box': {
      image_size: [{ width: 96, height: 80, depth: 3 }],
      annotations: boxes.map(([name, left, top, width, height]) => ({ class_id: names.indexOf(name), top, left, width, height })),
    },
    'bounding-box-metadata': {
      objects: boxes.map(() => ({ confidence: 1 })),
      'class-map': Object.fromEntries(names.map((n, i) => [String(i), n])),
      type: 'groundtruth/object-detection',
      'human-annotated': 'yes',
      'creation-date': '2024-01-01T00:00:00.000Z',
    },
  };
};

const b64 = (lines: object[]) => Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')).toString('base64');

describe('dataset entries', () => {
  let loupe: TestLoupe;
  let projectArn: string;
  let images: string;

  before(async () => {
    loupe = aLoupe({ now: aClock() });
    images = join(loupe.home, 'images');
    for (let i = 0; i < 10; i++) await anImage(join(images, `cat-${i}.jpg`), { color: '#aa3322' });
    for (let i = 0; i < 10; i++) await anImage(join(images, `dog-${i}.png`), { color: '#2233aa' });
    await anImage(join(images, 'tiny.jpg'), { width: 40, height: 40 });
    writeFileSync(join(images, 'broken.jpg'), 'not an image at all');
    await loupe.ok('CreateBucketMapping', { Bucket: 'pets', Folder: images });
    projectArn = (await loupe.ok('CreateProject', { ProjectName: 'pets' })).ProjectArn;
  });
  after(() => loupe.dispose());

  async function settle(datasetArn: string) {
    for (const job of (await loupe.ok('ListJobs', { ResourceArn: datasetArn, Active: true })).Jobs) {
      await waitForJob(loupe.ctx, job.JobId);
    }
    return (await loupe.ok('DescribeDataset', { DatasetArn: datasetArn })).DatasetDescription;
  }

  it('creates a dataset from a manifest through a bucket mapping, with relative and s3 source-refs', async () => {
    const lines = [
      ...Array.from({ length: 10 }, (_, i) => classification(`s3://pets/cat-${i}.jpg`, 'cat')),
      ...Array.from({ length: 10 }, (_, i) => classification(`dog-${i}.png`, 'dog', 'animal')),
    ];
    writeFileSync(join(images, 'train.manifest'), lines.map((l) => JSON.stringify(l)).join('\n'));
    const { DatasetArn } = await loupe.ok('CreateDataset', {
      ProjectArn: projectArn,
      DatasetType: 'TRAIN',
      DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'pets', Name: 'train.manifest' } } },
    });
    assert.equal((await loupe.ok('DescribeDataset', { DatasetArn })).DatasetDescription.Status, 'CREATE_IN_PROGRESS');
    const description = await settle(DatasetArn);
    assert.equal(description.Status, 'CREATE_COMPLETE', description.StatusMessage);
    assert.deepEqual(description.DatasetStats, { LabeledEntries: 20, TotalEntries: 20, TotalLabels: 2, ErrorEntries: 0 });
    const labels = await loupe.ok('ListDatasetLabels', { DatasetArn });
    assert.deepEqual(
      labels.DatasetLabelDescriptions.map(({ LabelName, LabelStats }) => ({ LabelName, LabelStats })),
      [
        { LabelName: 'cat', LabelStats: { EntryCount: 10, BoundingBoxCount: 0 } },
        { LabelName: 'dog', LabelStats: { EntryCount: 10, BoundingBoxCount: 0 } },
      ],
    );
    // Loupe's addition: when each label was added (hotkeys and colours follow that order).
    for (const label of labels.DatasetLabelDescriptions) assert.ok(Number.isFinite(label.CreationTimestamp) && label.CreationTimestamp! > 1.6e9, String(label.CreationTimestamp));
  });

  it('lists entries as the JSON lines it was given, filtered and paged', async () => {
    const [project] = (await loupe.ok('DescribeProjects', { ProjectNames: ['pets'] })).ProjectDescriptions;
    const DatasetArn = project!.Datasets[0]!.DatasetArn;
    const page1 = await loupe.ok('ListDatasetEntries', { DatasetArn, MaxResults: 15 });
    assert.equal(page1.DatasetEntries.length, 15);
    const page2 = await loupe.ok('ListDatasetEntries', { DatasetArn, MaxResults: 15, NextToken: page1.NextToken! });
    assert.equal(page2.DatasetEntries.length, 5);
    assert.equal(page2.NextToken, undefined);
    assert.deepEqual(JSON.parse(page1.DatasetEntries[0]!), classification('s3://pets/cat-0.jpg', 'cat'));
    const dogs = await loupe.ok('ListDatasetEntries', { DatasetArn, ContainsLabels: ['dog'] });
    assert.equal(dogs.DatasetEntries.length, 10);
    const one = await loupe.ok('ListDatasetEntries', { DatasetArn, SourceRefContains: 'dog-3' });
    assert.deepEqual(one.DatasetEntries.map((l) => JSON.parse(l)['source-ref']), ['dog-3.png']);
    assert.equal((await loupe.ok('ListDatasetEntries', { DatasetArn, Labeled: false })).DatasetEntries.length, 0);
  });

  it('upserts by source-ref with UpdateDatasetEntries, records image errors, and adds new labels', async () => {
    const [project] = (await loupe.ok('DescribeProjects', { ProjectNames: ['pets'] })).ProjectDescriptions;
    const DatasetArn = project!.Datasets[0]!.DatasetArn;
    await loupe.ok('UpdateDatasetEntries', {
      DatasetArn,
      Changes: {
        GroundTruth: b64([
          classification('s3://pets/cat-0.jpg', 'kitten'),
          detection('s3://pets/tiny.jpg', [['cat', 1, 1, 20, 20]]),
          classification('s3://pets/broken.jpg', 'cat'),
          // Unchanged lines: one bad image in seven stays under the 20% rule.
          ...[1, 2, 3, 4].map((i) => classification(`s3://pets/cat-${i}.jpg`, 'cat')),
        ]),
      },
    });
    const description = await settle(DatasetArn);
    assert.equal(description.Status, 'UPDATE_COMPLETE', description.StatusMessage);
    assert.deepEqual(description.DatasetStats, { LabeledEntries: 22, TotalEntries: 22, TotalLabels: 3, ErrorEntries: 2 });
    const replaced = await loupe.ok('ListDatasetEntries', { DatasetArn, SourceRefContains: 'cat-0.jpg' });
    assert.equal(JSON.parse(replaced.DatasetEntries[0]!)['cls-metadata']['class-name'], 'kitten');
    const errors = (await loupe.ok('ListDatasetEntries', { DatasetArn, HasErrors: true })).DatasetEntries.map((l) => JSON.parse(l));
    assert.deepEqual(
      errors.map((l) => [l['source-ref'], l.errors[0].code]).sort(),
      [
        ['s3://pets/broken.jpg', 'ERROR_INVALID_IMAGE'],
        ['s3://pets/tiny.jpg', 'ERROR_INVALID_IMAGE_DIMENSION'],
      ],
    );
  });

  it('fails an update with more than 20% bad lines and changes nothing', async () => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'strict' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    await loupe.ok('UpdateDatasetEntries', {
      DatasetArn,
      Changes: { GroundTruth: [JSON.stringify(classification('s3://pets/cat-1.jpg', 'cat')), '{"no-source": 1}', 'garbage'].join('\n') },
    });
    const description = await settle(DatasetArn);
    assert.equal(description.Status, 'UPDATE_FAILED');
    assert.match(description.StatusMessage, /The manifest file has too many terminal errors\./);
    assert.equal(description.StatusMessageCode, 'CLIENT_ERROR');
    assert.equal(description.DatasetStats.TotalEntries, 0);
  });

  it('fails a manifest that cannot be found, with the guide’s message', async () => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'missing-manifest' });
    const { DatasetArn } = await loupe.ok('CreateDataset', {
      ProjectArn,
      DatasetType: 'TRAIN',
      DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'pets', Name: 'nope.manifest' } } },
    });
    const description = await settle(DatasetArn);
    assert.equal(description.Status, 'CREATE_FAILED');
    assert.match(description.StatusMessage, /^The manifest file extension or contents are invalid\./);
  });

  it('refuses a source-ref outside every registered folder', async () => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'escape' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    await loupe.ok('UpdateDatasetEntries', {
      DatasetArn,
      Changes: { GroundTruth: b64([classification('s3://pets/../../etc/passwd', 'x'), ...Array.from({ length: 5 }, (_, i) => classification(`s3://pets/cat-${i}.jpg`, 'cat'))]) },
    });
    await settle(DatasetArn);
    const [line] = (await loupe.ok('ListDatasetEntries', { DatasetArn, HasErrors: true })).DatasetEntries.map((l) => JSON.parse(l));
    assert.equal(line.errors[0].code, 'ERROR_INVALID_IMAGE');
    assert.match(line.errors[0].message, /outside/);
  });

  it('copies a dataset into another project', async () => {
    const [pets] = (await loupe.ok('DescribeProjects', { ProjectNames: ['pets'] })).ProjectDescriptions;
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'pets-copy' });
    const { DatasetArn } = await loupe.ok('CreateDataset', {
      ProjectArn,
      DatasetType: 'TEST',
      DatasetSource: { DatasetArn: pets!.Datasets[0]!.DatasetArn },
    });
    const description = await settle(DatasetArn);
    assert.equal(description.Status, 'CREATE_COMPLETE');
    assert.deepEqual(description.DatasetStats, { LabeledEntries: 22, TotalEntries: 22, TotalLabels: 3, ErrorEntries: 2 });
  });

  it('distributes a stratified 20% of TRAIN into an empty TEST', async () => {
    const [pets] = (await loupe.ok('DescribeProjects', { ProjectNames: ['pets'] })).ProjectDescriptions;
    const train = pets!.Datasets[0]!.DatasetArn;
    // 'kitten' has a single image, which cannot be on both sides: give it back its label first.
    await loupe.ok('UpdateDatasetEntries', { DatasetArn: train, Changes: { GroundTruth: b64([classification('s3://pets/cat-0.jpg', 'cat')]) } });
    await settle(train);
    const { DatasetArn: test } = await loupe.ok('CreateDataset', { ProjectArn: projectArn, DatasetType: 'TEST' });
    await loupe.ok('DistributeDatasetEntries', { Datasets: [{ Arn: train }, { Arn: test }] });
    const trainStats = (await loupe.ok('DescribeDataset', { DatasetArn: train })).DatasetDescription;
    const testStats = (await loupe.ok('DescribeDataset', { DatasetArn: test })).DatasetDescription;
    assert.equal(trainStats.Status, 'UPDATE_COMPLETE');
    assert.equal(testStats.DatasetStats.TotalEntries + trainStats.DatasetStats.TotalEntries, 22);
    assert.ok(testStats.DatasetStats.TotalEntries >= 4 && testStats.DatasetStats.TotalEntries <= 5, String(testStats.DatasetStats.TotalEntries));
    const testLabels = (await loupe.ok('ListDatasetLabels', { DatasetArn: test })).DatasetLabelDescriptions;
    assert.deepEqual(testLabels.filter((l) => l.LabelStats.EntryCount > 0).map((l) => l.LabelName).sort(), ['cat', 'dog']);
    const refused = await loupe.fails('DistributeDatasetEntries', { Datasets: [{ Arn: train }, { Arn: test }] });
    assert.equal(refused.code, 'InvalidParameterException');
  });

  it('refuses to distribute when a label has a single image', async () => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'lonely' });
    const { DatasetArn: train } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    await loupe.ok('UpdateDatasetEntries', {
      DatasetArn: train,
      Changes: { GroundTruth: b64([classification('s3://pets/cat-1.jpg', 'cat'), classification('s3://pets/dog-1.png', 'dog'), classification('s3://pets/dog-2.png', 'dog')]) },
    });
    await settle(train);
    const { DatasetArn: test } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TEST' });
    await loupe.ok('DistributeDatasetEntries', { Datasets: [{ Arn: test }, { Arn: train }] });
    const description = (await loupe.ok('DescribeDataset', { DatasetArn: train })).DatasetDescription;
    assert.equal(description.Status, 'UPDATE_FAILED');
    assert.equal(description.StatusMessage, "The manifest file doesn't have enough labeled images to distribute the dataset.");
    assert.equal(description.DatasetStats.TotalEntries, 3);
  });
});

describe('manifest file limits', () => {
  it('fails a manifest over 1 GB with ERROR_MANIFEST_SIZE_TOO_LARGE without reading it', async () => {
    const { openSync, closeSync, ftruncateSync } = await import('node:fs');
    const loupe = aLoupe();
    try {
      const folder = join(loupe.home, 'manifests');
      (await import('node:fs')).mkdirSync(folder);
      const file = join(folder, 'huge.manifest');
      const fd = openSync(file, 'w');
      ftruncateSync(fd, 1024 * 1024 * 1024 + 1); // sparse: no disk is used
      closeSync(fd);
      await loupe.ok('CreateBucketMapping', { Bucket: 'big', Folder: folder });
      const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'huge' });
      const { DatasetArn } = await loupe.ok('CreateDataset', {
        ProjectArn,
        DatasetType: 'TRAIN',
        DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'big', Name: 'huge.manifest' } } },
      });
      for (const job of (await loupe.ok('ListJobs', { ResourceArn: DatasetArn })).Jobs) await waitForJob(loupe.ctx, job.JobId);
      const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
      assert.equal(DatasetDescription.Status, 'CREATE_FAILED');
      assert.equal(DatasetDescription.StatusMessage, 'The manifest file size exceeds the maximum supported size.');
    } finally {
      loupe.dispose();
    }
  });

  it('fails a manifest of too many lines, an empty one and one of too many labels, with the guide’s messages', async () => {
    const loupe = aLoupe();
    try {
      const folder = join(loupe.home, 'manifests');
      (await import('node:fs')).mkdirSync(folder);
      writeFileSync(join(folder, 'rows.manifest'), Array.from({ length: 250_001 }, (_, i) => `{"source-ref":"s3://rows/${i}.jpg"}`).join('\n'));
      writeFileSync(join(folder, 'empty.manifest'), '\n\n');
      writeFileSync(
        join(folder, 'labels.manifest'),
        Array.from({ length: 251 }, (_, i) => JSON.stringify(classification(`s3://rows/${i}.jpg`, `label-${i}`))).join('\n'),
      );
      await loupe.ok('CreateBucketMapping', { Bucket: 'rows', Folder: folder });
      for (const [name, expected] of [
        ['rows.manifest', 'The manifest file has too many rows.'],
        ['empty.manifest', 'The manifest file is empty.'],
        ['labels.manifest', 'The manifest file has too many labels. The dataset would have 251 labels; the limit is 250.'],
      ] as const) {
        const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: name.replace('.', '-') });
        const { DatasetArn } = await loupe.ok('CreateDataset', {
          ProjectArn,
          DatasetType: 'TRAIN',
          DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'rows', Name: name } } },
        });
        for (const job of (await loupe.ok('ListJobs', { ResourceArn: DatasetArn })).Jobs) await waitForJob(loupe.ctx, job.JobId);
        const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
        assert.equal(DatasetDescription.Status, 'CREATE_FAILED');
        assert.equal(DatasetDescription.StatusMessage, expected);
        assert.equal(DatasetDescription.DatasetStats.TotalEntries, 0);
      }
    } finally {
      loupe.dispose();
    }
  });
});
