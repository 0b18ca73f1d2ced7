/**
 * Issue 15: a refused import names the user's file (and its line where one applies), says why in
 * a coded sentence the UI can word in the user's language, and leaves a line in the log.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { logFilePath } from '../../../main/log';
import { aClock, aLoupe, type TestLoupe } from '../../support/loupe';
import { anImage } from '../../support/images';

describe('when the user’s annotation file or manifest is refused', () => {
  let loupe: TestLoupe;
  let images: string;

  before(async () => {
    loupe = aLoupe({ now: aClock() });
    images = join(loupe.home, 'photos');
    await anImage(join(images, 'a.jpg'));
    await loupe.ok('CreateBucketMapping', { Bucket: 'shop', Folder: images });
  });
  after(() => loupe.dispose());

  const newDataset = async (name: string) => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: name });
    return (await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' })).DatasetArn;
  };
  const logText = () => readFileSync(logFilePath()!, 'utf8');

  it('a COCO file that is not JSON is named by its full path, with the reason, and logged', async () => {
    const file = join(images, 'labels.json');
    writeFileSync(file, '{"images": [');
    const DatasetArn = await newDataset('coco');
    const { JobId } = await loupe.ok('ImportAnnotations', { DatasetArn, Format: 'COCO', Path: file });
    const job = await waitForJob(loupe.ctx, JobId);
    assert.equal(job.Status, 'failed');
    assert.equal(job.MessageCode, 'AnnotationFileRefused');
    assert.equal(job.MessageParams?.file, file);
    assert.equal(job.MessageParams?.format, 'COCO');
    assert.match(String(job.MessageParams?.reasonCode), /^FileNotJson(At)?$/, 'the reason has a code of its own, for the UI to word');
    assert.match(job.Message ?? '', new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot be imported as COCO: it is not valid JSON`));
    assert.match(logText(), new RegExp(`job refused .*"job":${JobId}.*AnnotationFileRefused.*labels\\.json`));
  });

  it('a missing annotation file is named and said to be missing, not an internal error', async () => {
    const file = join(images, 'nowhere.csv');
    const DatasetArn = await newDataset('missing');
    const { JobId } = await loupe.ok('ImportAnnotations', { DatasetArn, Format: 'CSV', Path: file });
    const job = await waitForJob(loupe.ctx, JobId);
    assert.equal(job.Status, 'failed');
    assert.equal(job.MessageCode, 'FileNotFound');
    assert.equal(job.Message, `There is no file at ${file}.`);
  });

  it('a relative path is refused at once with its coded sentence across the envelope', async () => {
    const DatasetArn = await newDataset('relative');
    const error = await loupe.fails('ImportAnnotations', { DatasetArn, Format: 'CSV', Path: 'labels.csv' });
    assert.equal(error.code, 'InvalidParameterException');
    assert.equal(error.messageCode, 'NotAbsolutePath');
    assert.deepEqual(error.messageParams, { field: 'Path', path: 'labels.csv' });
  });

  it('a manifest with bad lines names the manifest and the line of each one left out', async () => {
    writeFileSync(join(images, 'bad.manifest'), ['{"source-ref": "s3://shop/a.jpg"}', 'not json', '{}', ''].join('\n'));
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'manifest' });
    const { DatasetArn } = await loupe.ok('CreateDataset', {
      ProjectArn,
      DatasetType: 'TRAIN',
      DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'shop', Name: 'bad.manifest' } } },
    });
    const { Jobs } = await loupe.ok('ListJobs', { ResourceArn: DatasetArn });
    const job = await waitForJob(loupe.ctx, Jobs[0]!.JobId);
    assert.equal(job.Status, 'failed');
    assert.match(job.Message ?? '', /s3:\/\/shop\/bad\.manifest: line 2: ERROR_INVALID_JSON_LINE/);
    assert.match(job.Message ?? '', /s3:\/\/shop\/bad\.manifest: line 3/);
    assert.match(logText(), /job refused .*ImportManifest.*bad\.manifest: line 2/);
  });

  it('an empty manifest is refused naming it, with the service’s words kept', async () => {
    writeFileSync(join(images, 'empty.manifest'), '');
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'empty' });
    const { DatasetArn } = await loupe.ok('CreateDataset', {
      ProjectArn,
      DatasetType: 'TRAIN',
      DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'shop', Name: 'empty.manifest' } } },
    });
    const { Jobs } = await loupe.ok('ListJobs', { ResourceArn: DatasetArn });
    const job = await waitForJob(loupe.ctx, Jobs[0]!.JobId);
    assert.equal(job.MessageCode, 'ManifestRefused');
    assert.equal(job.MessageParams?.file, 's3://shop/empty.manifest');
    assert.equal(job.MessageParams?.reasonCode, 'ManifestEmpty', 'the guide’s sentence has a code of its own, for the UI to word');
    assert.equal(job.Message, 'The manifest file is empty.');
    assert.match(logText(), /job refused .*ManifestRefused.*s3:\/\/shop\/empty\.manifest/);
    const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
    assert.equal(DatasetDescription.Status, 'CREATE_FAILED');
    assert.match(DatasetDescription.StatusMessage, /^The manifest file is empty\./);
  });
});
