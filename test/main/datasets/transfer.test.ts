import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { formatMessage } from '../../../preload/contract/messages';
import { aClock, aLoupe, tempDir, type TestLoupe } from '../../support/loupe';
import { anImage } from '../../support/images';

describe('exporting and importing datasets', () => {
  let loupe: TestLoupe;
  let images: string;
  let source: string;

  const settleJob = async (started: { JobId: number }) => {
    const job = await waitForJob(loupe.ctx, started.JobId);
    assert.equal(job.Status, 'succeeded', job.Message);
    return job;
  };
  const newDataset = async (name: string, type: 'TRAIN' | 'TEST' = 'TRAIN') => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: name });
    return (await loupe.ok('CreateDataset', { ProjectArn, DatasetType: type })).DatasetArn;
  };
  const lines = async (DatasetArn: string) =>
    (await loupe.ok('ListDatasetEntries', { DatasetArn })).DatasetEntries.map((l) => JSON.parse(l));

  before(async () => {
    loupe = aLoupe({ now: aClock() });
    images = join(loupe.home, 'images');
    await anImage(join(images, 'a.jpg'), { width: 200, height: 100 });
    await anImage(join(images, 'b.png'), { width: 120, height: 90 });
    await anImage(join(images, 'c.jpg'), { width: 100, height: 100 });
    await loupe.ok('CreateBucketMapping', { Bucket: 'shop', Folder: images });
    source = await newDataset('source');
    const manifest = [
      {
        'source-ref': 's3://shop/a.jpg',
        'bounding-box': { image_size: [{ width: 200, height: 100, depth: 3 }], annotations: [{ class_id: 3, top: 10, left: 20, width: 50, height: 40 }] },
        'bounding-box-metadata': {
          objects: [{ confidence: 0.9 }],
          'class-map': { '3': 'can' },
          type: 'groundtruth/object-detection',
          'human-annotated': 'no',
          'creation-date': '2023-05-06T07:08:09',
          'job-name': 'labeling-job/shelf',
        },
      },
      {
        'source-ref': 's3://shop/b.png',
        shelf: 4,
        'shelf-metadata': { confidence: 0.7, 'class-name': 'empty', 'human-annotated': 'yes', 'creation-date': '2023-01-01T00:00:00', type: 'groundtruth/image-classification', 'job-name': 'j' },
        'my-notes': { checked: true },
      },
    ];
    await loupe.ok('UpdateDatasetEntries', { DatasetArn: source, Changes: { GroundTruth: manifest.map((l) => JSON.stringify(l)).join('\n') } });
    const [job] = (await loupe.ok('ListJobs', { ResourceArn: source })).Jobs;
    await waitForJob(loupe.ctx, job!.JobId);
  });
  after(() => loupe.dispose());

  it('round-trips a Ground Truth manifest field for field: import → export → import', async () => {
    const folder = join(tempDir(), 'export');
    const exported = await settleJob(await loupe.ok('ExportDataset', { DatasetArn: source, Format: 'MANIFEST', Folder: folder }));
    // Issue 15: the summary is one of Loupe's coded sentences, so the UI can say it in Korean.
    assert.equal(exported.MessageCode, 'ExportDone');
    assert.equal(exported.Message, formatMessage('ExportDone', exported.MessageParams));
    const text = readFileSync(join(folder, 'train.manifest'), 'utf8');
    writeFileSync(join(images, 'again.manifest'), text);
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'again' });
    const { DatasetArn } = await loupe.ok('CreateDataset', {
      ProjectArn,
      DatasetType: 'TRAIN',
      DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'shop', Name: 'again.manifest' } } },
    });
    const [job] = (await loupe.ok('ListJobs', { ResourceArn: DatasetArn })).Jobs;
    await waitForJob(loupe.ctx, job!.JobId);
    assert.deepEqual(await lines(DatasetArn), await lines(source));
    const first = (await lines(source))[0];
    assert.deepEqual(first['bounding-box-metadata']['class-map'], { '3': 'can' });
    assert.equal(first['bounding-box-metadata']['job-name'], 'labeling-job/shelf');
    assert.deepEqual((await lines(source))[1]['my-notes'], { checked: true });
  });

  it('copies images beside the export and references them relatively', async () => {
    const folder = join(tempDir(), 'with-images');
    await settleJob(await loupe.ok('ExportDataset', { DatasetArn: source, Format: 'MANIFEST', Folder: folder, CopyImages: true }));
    const refs = readFileSync(join(folder, 'train.manifest'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)['source-ref']);
    assert.deepEqual(refs, ['images/a.jpg', 'images/b.png']);
    assert.ok(existsSync(join(folder, 'images', 'a.jpg')));
  });

  for (const format of ['COCO', 'VOC', 'YOLO', 'CSV'] as const) {
    it(`exports ${format} and imports it back with the same annotations`, async () => {
      const folder = join(tempDir(), format.toLowerCase());
      await settleJob(await loupe.ok('ExportDataset', { DatasetArn: source, Format: format, Folder: folder, CopyImages: true }));
      const target = await newDataset(`from-${format.toLowerCase()}`);
      const path = { COCO: join(folder, 'train.json'), VOC: join(folder, 'Annotations'), YOLO: join(folder, 'labels'), CSV: join(folder, 'train.csv') }[format];
      await settleJob(await loupe.ok('ImportAnnotations', { DatasetArn: target, Format: format, Path: path, ImagesFolder: format === 'CSV' || format === 'COCO' ? folder : join(folder, 'images') }));
      const entries = (await loupe.ok('ListEntries', { DatasetArn: target })).Entries;
      const byName = Object.fromEntries(entries.map((e) => [e.FileName, e]));
      if (format === 'CSV') {
        assert.deepEqual(byName['b.png']?.Labels, ['empty']);
      } else {
        assert.deepEqual(byName['a.jpg']?.Boxes, [{ Label: 'can', Left: 20, Top: 10, Width: 50, Height: 40 }]);
      }
    });
  }

  it('reports an unreadable annotations file as a failed import that changed nothing', async () => {
    const target = await newDataset('broken-coco');
    const bad = join(tempDir(), 'bad.json');
    writeFileSync(bad, '{ not json');
    const { JobId } = await loupe.ok('ImportAnnotations', { DatasetArn: target, Format: 'COCO', Path: bad });
    const job = await waitForJob(loupe.ctx, JobId);
    assert.equal(job.Status, 'failed');
    const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn: target });
    assert.equal(DatasetDescription.Status, 'UPDATE_FAILED');
    assert.equal(DatasetDescription.DatasetStats.TotalEntries, 0);
  });
});
