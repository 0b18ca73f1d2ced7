/**
 * The guide's S3 steps around training, through the real AWS SDK v3 clients only: images and
 * manifests uploaded to a mapped bucket, datasets created from those manifests, a version trained
 * with OutputConfig (its files directly under the key prefix, as the guide shows), the evaluation
 * summary downloaded with GetObject, and ListDatasetEntries with NextToken "" (as the guide sends).
 * Needs the built backbones (npm run build:models, part of npm install).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  CreateDatasetCommand,
  CreateProjectCommand,
  CreateProjectVersionCommand,
  DescribeDatasetCommand,
  DescribeProjectVersionsCommand,
  ListDatasetEntriesCommand,
  type RekognitionClient,
  waitUntilProjectVersionTrainingCompleted,
} from '@aws-sdk/client-rekognition';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { classFolder } from '../../support/classes';
import { tempDir } from '../../support/loupe';
import { rekognitionClient, s3Client, startHarness, type Harness } from '../server/harness';

const modelsBuilt = existsSync(join(import.meta.dirname, '../../../dist/models/nsfwjs-mobilenet-v2-140.onnx'));

function manifestLine(key: string, label: string): string {
  return JSON.stringify({
    'source-ref': `s3://guide-bucket/${key}`,
    'pattern': label === 'blobs' ? 0 : 1,
    'pattern-metadata': {
      confidence: 1,
      'class-name': label,
      'human-annotated': 'yes',
      'creation-date': '2024-01-02T03:04:05.000',
      type: 'groundtruth/image-classification',
      'job-name': 'identification-job',
    },
  });
}

describe('the guide’s S3 steps around a model, through the AWS SDK v3', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  let harness: Harness;
  let s3: S3Client;
  let rekognition: RekognitionClient;
  let bucketFolder: string;
  let projectArn: string;
  const manifests: Record<'train' | 'test', string[]> = { train: [], test: [] };

  before(async () => {
    harness = await startHarness();
    bucketFolder = join(harness.home, 'guide-bucket');
    mkdirSync(bucketFolder);
    assert.ok((await harness.loupe.invoke('CreateBucketMapping', { Bucket: 'guide-bucket', Folder: bucketFolder })).ok);
    s3 = s3Client(harness);
    rekognition = rekognitionClient(harness, 'us-east-1');
  });
  after(async () => {
    s3.destroy();
    rekognition.destroy();
    await harness.close();
  });

  it('uploads images and manifests, and creates the datasets from them', async () => {
    const local = tempDir();
    await classFolder(join(local, 'train'), 14, 0);
    await classFolder(join(local, 'test'), 6, 100);
    for (const split of ['train', 'test'] as const) {
      for (const label of ['blobs', 'stripes']) {
        for (const name of readdirSync(join(local, split, label))) {
          const key = `images/${split}/${label}/${name}`;
          await s3.send(new PutObjectCommand({ Bucket: 'guide-bucket', Key: key, Body: readFileSync(join(local, split, label, name)) }));
          manifests[split].push(manifestLine(key, label));
        }
      }
      const body = Buffer.from(`${manifests[split].join('\n')}\n`);
      // A streamed body: the SDK sends it aws-chunked with a trailing checksum.
      await s3.send(new PutObjectCommand({ Bucket: 'guide-bucket', Key: `manifests/${split}.manifest`, Body: Readable.from([body]), ContentLength: body.length }));
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'guide-bucket', Prefix: 'images/train/', Delimiter: '/' }));
    assert.deepEqual(listed.CommonPrefixes?.map((common) => common.Prefix), ['images/train/blobs/', 'images/train/stripes/']);

    projectArn = (await rekognition.send(new CreateProjectCommand({ ProjectName: 'guide-s3' }))).ProjectArn!;
    for (const [type, split] of [['TRAIN', 'train'], ['TEST', 'test']] as const) {
      const { DatasetArn } = await rekognition.send(
        new CreateDatasetCommand({
          ProjectArn: projectArn,
          DatasetType: type,
          DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'guide-bucket', Name: `manifests/${split}.manifest` } } },
        }),
      );
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { DatasetDescription } = await rekognition.send(new DescribeDatasetCommand({ DatasetArn }));
        if (DatasetDescription?.Status !== 'CREATE_IN_PROGRESS') {
          assert.equal(DatasetDescription?.Status, 'CREATE_COMPLETE', DatasetDescription?.StatusMessage);
          assert.equal(DatasetDescription?.DatasetStats?.TotalEntries, manifests[split].length);
          break;
        }
        assert.ok(Date.now() < deadline, 'the dataset is created within a minute');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // The guide's ListDatasetEntries example sends NextToken="" on its first call.
      const entries = await rekognition.send(new ListDatasetEntriesCommand({ DatasetArn, NextToken: '', MaxResults: 100 }));
      assert.equal(entries.DatasetEntries?.length, manifests[split].length);
    }
  });

  it('trains with OutputConfig, writes directly under the key prefix, and serves the summary through GetObject', async () => {
    await rekognition.send(
      new CreateProjectVersionCommand({
        ProjectArn: projectArn,
        VersionName: 'v1',
        OutputConfig: { S3Bucket: 'guide-bucket', S3KeyPrefix: 'output_folder' },
      }),
    );
    await waitUntilProjectVersionTrainingCompleted({ client: rekognition, maxWaitTime: 300, minDelay: 1, maxDelay: 2 }, { ProjectArn: projectArn, VersionNames: ['v1'] });
    const version = (await rekognition.send(new DescribeProjectVersionsCommand({ ProjectArn: projectArn, VersionNames: ['v1'] }))).ProjectVersionDescriptions![0]!;
    assert.equal(version.Status, 'TRAINING_COMPLETED', version.StatusMessage);
    assert.deepEqual(version.OutputConfig, { S3Bucket: 'guide-bucket', S3KeyPrefix: 'output_folder' });
    const summaryObject = version.EvaluationResult!.Summary!.S3Object!;
    assert.deepEqual(summaryObject, { Bucket: 'guide-bucket', Name: 'output_folder/EvaluationSummary-guide-s3-v1.json' });
    assert.equal(version.ManifestSummary?.S3Object?.Name, 'output_folder/manifest_summary.json');
    assert.deepEqual(version.TrainingDataResult?.Input, { Assets: [] });
    assert.equal(version.TrainingDataResult?.Output?.Assets?.[0]?.GroundTruthManifest?.S3Object?.Name, 'output_folder/training_manifest_snapshot.json');
    assert.equal(version.TrainingDataResult?.Validation?.Assets?.[0]?.GroundTruthManifest?.S3Object?.Name, 'output_folder/training_manifest_with_validation.json');
    assert.deepEqual(version.TestingDataResult?.Input, { Assets: [], AutoCreate: false });
    assert.equal(version.TestingDataResult?.Output?.Assets?.[0]?.GroundTruthManifest?.S3Object?.Name, 'output_folder/testing_manifest_snapshot.json');
    assert.equal(version.TestingDataResult?.Validation?.Assets?.[0]?.GroundTruthManifest?.S3Object?.Name, 'output_folder/testing_manifest_with_validation.json');

    // Every file the description names can be fetched from the bucket.
    for (const asset of [version.TrainingDataResult?.Output, version.TestingDataResult?.Output, version.TrainingDataResult?.Validation]) {
      const name = asset!.Assets![0]!.GroundTruthManifest!.S3Object!.Name!;
      const object = await s3.send(new GetObjectCommand({ Bucket: 'guide-bucket', Key: name }));
      assert.ok((await object.Body!.transformToString()).trim().split('\n').length > 0);
    }
    const training = await s3.send(new GetObjectCommand({ Bucket: 'guide-bucket', Key: 'output_folder/training_manifest_snapshot.json' }));
    assert.equal((await training.Body!.transformToString()).trim().split('\n').length, manifests.train.length);

    const object = await s3.send(new GetObjectCommand({ Bucket: summaryObject.Bucket, Key: summaryObject.Name }));
    assert.equal(object.ContentType, 'application/json; charset=utf-8');
    const summary = JSON.parse(await object.Body!.transformToString()) as { AggregatedEvaluationResults: { ConfusionMatrix: unknown[] } };
    assert.equal(summary.AggregatedEvaluationResults.ConfusionMatrix.length, 4);
    assert.deepEqual(readFileSync(join(bucketFolder, 'output_folder', 'EvaluationSummary-guide-s3-v1.json'), 'utf8'), JSON.stringify(summary, null, 2));
  });
});
