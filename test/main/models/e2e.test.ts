/**
 * The whole path on generated images: datasets from folders → CreateProjectVersion → the SDK's
 * waiter → evaluation above a floor → StartProjectVersion → DetectCustomLabels through the real
 * AWS SDK → StopProjectVersion. Needs the built backbones (npm run build:models, part of npm install).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import {
  DescribeProjectVersionsCommand,
  DetectCustomLabelsCommand,
  StartProjectVersionCommand,
  StopProjectVersionCommand,
  waitUntilProjectVersionRunning,
  waitUntilProjectVersionTrainingCompleted,
} from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { findVersionByArn } from '../../../main/db/queries';
import { servingGraphOf } from '../../../main/engine/servingGraph';
import { waitForJob } from '../../../main/jobs';
import { classFolder, classImage } from '../../support/classes';
import { tempDir } from '../../support/loupe';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { snippet } from '../../../renderer/features/models/use/snippets';
import { localKeys, rekognitionClient, startHarness, type Harness } from '../server/harness';

const modelsBuilt = existsSync(join(import.meta.dirname, '../../../dist/models/nsfwjs-mobilenet-v2-140.onnx'));

describe('training, evaluating and running a classifier end to end', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  let harness: Harness;
  let projectArn: string;
  let versionArn: string;
  const ok = async (name: string, input: unknown) => {
    const result = await harness.loupe.invoke(name, input);
    if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
    return result.value as any;
  };

  before(async () => {
    harness = await startHarness();
    const root = tempDir();
    await classFolder(join(root, 'train'), 14, 0);
    await classFolder(join(root, 'test'), 6, 100);
    projectArn = (await ok('CreateProject', { ProjectName: 'patterns' })).ProjectArn;
    for (const [type, folder] of [['TRAIN', 'train'], ['TEST', 'test']] as const) {
      const { DatasetArn } = await ok('CreateDataset', { ProjectArn: projectArn, DatasetType: type });
      await waitForJob(harness.loupe.ctx, (await ok('ImportFolder', { DatasetArn, Folder: join(root, folder) })).JobId);
    }
  });
  after(() => harness.close());

  it('trains a version that the SDK waiter sees complete, with the guide’s files', async () => {
    versionArn = (await ok('CreateProjectVersion', { ProjectArn: projectArn, VersionName: 'v1' })).ProjectVersionArn;
    const client = rekognitionClient(harness, 'us-east-1');
    await waitUntilProjectVersionTrainingCompleted(
      { client, maxWaitTime: 240, minDelay: 1, maxDelay: 2 },
      { ProjectArn: projectArn, VersionNames: ['v1'] },
    );
    const { ProjectVersionDescriptions } = await client.send(new DescribeProjectVersionsCommand({ ProjectArn: projectArn }));
    const version = ProjectVersionDescriptions![0]!;
    assert.equal(version.Status, 'TRAINING_COMPLETED', version.StatusMessage);
    assert.equal(version.StatusMessage, 'The model is ready to run.');
    assert.ok(version.EvaluationResult!.F1Score! >= 0.9, `F1 ${version.EvaluationResult!.F1Score}`);
    assert.ok(version.BillableTrainingTimeInSeconds! >= 0);
    assert.ok(version.ManifestSummary?.S3Object?.Name?.endsWith('manifest_summary.json'));
    const mapping = (await ok('ListBucketMappings', {})).BucketMappings.find((m: any) => m.Bucket === version.EvaluationResult!.Summary!.S3Object!.Bucket);
    const summary = JSON.parse(readFileSync(join(mapping.Folder, version.EvaluationResult!.Summary!.S3Object!.Name!), 'utf8'));
    assert.deepEqual(summary.EvaluationDetails.Labels, ['blobs', 'stripes']);
    assert.equal(summary.EvaluationDetails.NumberOfTestingImages, 12);
    assert.equal(summary.LabelEvaluationResults.length, 2);
    assert.equal(summary.AggregatedEvaluationResults.ConfusionMatrix.length, 4);
    const manifestSummary = JSON.parse(readFileSync(join(mapping.Folder, version.ManifestSummary!.S3Object!.Name!), 'utf8'));
    assert.equal(manifestSummary.statistics.training.use_case, 'IMAGE_LEVEL_LABELS');
    assert.equal(manifestSummary.statistics.training.valid_json_lines, 28);

    const evaluation = await ok('DescribeEvaluation', { ProjectVersionArn: versionArn });
    assert.deepEqual(evaluation.Summary, summary);
    assert.equal(evaluation.TestResults.length, 12);
    assert.ok(evaluation.TestResults.every((r: any) => r.EntryId > 0 && r.Width === 128 && r.Labels.length === 2));
    assert.deepEqual(Object.keys(evaluation.Curves).sort(), ['blobs', 'stripes']);
    assert.equal(evaluation.TrainingImages, 28);
  });

  it('refuses to analyse before the model runs, then starts, detects through the SDK and stops', async () => {
    const client = rekognitionClient(harness, 'eu-west-1');
    const image = readFileSync(await classImage(join(tempDir(), 'probe.jpg'), 'stripes', 999));
    await assert.rejects(
      client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: image } })),
      (error: Error) => error.name === 'ResourceNotReadyException',
    );
    await client.send(new StartProjectVersionCommand({ ProjectVersionArn: versionArn, MinInferenceUnits: 1 }));
    await waitUntilProjectVersionRunning({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { ProjectArn: projectArn, VersionNames: ['v1'] });
    const { CustomLabels } = await client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: image } }));
    assert.equal(CustomLabels![0]!.Name, 'stripes');
    const all = await client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: image }, MinConfidence: 0 }));
    assert.deepEqual(all.CustomLabels!.map((l) => l.Name).sort(), ['blobs', 'stripes']);
    assert.ok(all.CustomLabels![0]!.Confidence! >= all.CustomLabels![1]!.Confidence!);
    const one = await client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: image }, MinConfidence: 0, MaxResults: 1 }));
    assert.equal(one.CustomLabels!.length, 1);
    await assert.rejects(
      client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: Buffer.from('not an image') } })),
      (error: Error) => error.name === 'InvalidImageFormatException',
    );
    // A sound header over pixel data cut short: caught when the image is decoded.
    await assert.rejects(
      client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: image.subarray(0, Math.floor(image.length * 0.6)) } })),
      (error: Error) => error.name === 'InvalidImageFormatException',
    );
    await assert.rejects(
      client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: Buffer.alloc(4 * 1024 * 1024 + 10) } })),
      (error: Error) => error.name === 'ImageTooLargeException',
    );
    // Issue #16: more pixels than Loupe decodes (a 9000 × 9000 PNG, a few KB) is too large, not an invalid format.
    await assert.rejects(
      client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: hugePng(9000, 9000) } })),
      (error: Error) => error.name === 'ImageTooLargeException',
    );
    // Below the service's 64 × 64 minimum.
    const tiny = readFileSync(await classImage(join(tempDir(), 'tiny.jpg'), 'stripes', 7, 32));
    await assert.rejects(
      client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: tiny } })),
      (error: Error) => error.name === 'InvalidParameterException',
    );
    // Image.S3Object through a bucket mapping: a file there is analysed; a missing one is the service's error.
    const folder = tempDir();
    await classImage(join(folder, 'line-1', 'part.jpg'), 'blobs', 4343);
    await ok('CreateBucketMapping', { Bucket: 'inspection', Folder: folder });
    const fromS3 = await client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { S3Object: { Bucket: 'inspection', Name: 'line-1/part.jpg' } } }));
    assert.equal(fromS3.CustomLabels![0]!.Name, 'blobs');
    await assert.rejects(
      client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { S3Object: { Bucket: 'inspection', Name: 'line-1/missing.jpg' } } })),
      (error: Error) => error.name === 'InvalidS3ObjectException',
    );
    await assert.rejects(
      client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: `${versionArn.replace(/\/version\/.*$/, '')}/version/nope/1`, Image: { Bytes: image } })),
      (error: Error) => error.name === 'ResourceNotFoundException',
    );
    // Its serving graph started with the version: written (and its units loaded) before any /v2 request.
    assert.ok(existsSync(join(harness.loupe.ctx.home, 'serving', `${findVersionByArn(harness.loupe.ctx.db, versionArn)!.id}.onnx`)), 'the serving graph started with StartProjectVersion');
    // The same running model over the Open Inference Protocol: its serving graph on the decoded pixels agrees with DetectCustomLabels.
    const v2 = `${harness.server.url}/v2/models/patterns-v1`;
    const auth = { authorization: `Bearer ${harness.server.inferenceToken}` };
    const metadata = (await (await fetch(v2, { headers: auth })).json()) as { inputs: unknown[]; outputs: unknown[] };
    assert.deepEqual(metadata.inputs, [{ name: 'image', datatype: 'UINT8', shape: [-1, -1, -1, 3] }]);
    assert.deepEqual(metadata.outputs, [{ name: 'scores', datatype: 'FP32', shape: [-1, 2] }]);
    const { data: pixels, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', datatype: 'UINT8', shape: [1, info.height, info.width, 3], parameters: { binary_data_size: pixels.byteLength } }] }));
    const inferred = await fetch(`${v2}/infer`, { method: 'POST', headers: { ...auth, 'inference-header-content-length': String(header.byteLength) }, body: Buffer.concat([header, pixels]) });
    assert.equal(inferred.status, 200);
    const scores = ((await inferred.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data;
    const labels = servingGraphOf(readFileSync(findVersionByArn(harness.loupe.ctx.db, versionArn)!.modelPath!)).labels;
    for (const label of all.CustomLabels!) {
      const score = scores[labels.indexOf(label.Name!)]!;
      assert.ok(Math.abs(score * 100 - label.Confidence!) < 1, `${label.Name}: /v2 ${score * 100} vs DetectCustomLabels ${label.Confidence}`);
    }
    const stopped = await client.send(new StopProjectVersionCommand({ ProjectVersionArn: versionArn }));
    assert.equal(stopped.Status, 'STOPPING');
    assert.equal((await fetch(v2, { headers: auth })).status, 404);
  });

  it('answers every request it admits and refuses a burst beyond its queue with ProvisionedThroughputExceededException', async () => {
    const describe = async () => (await ok('DescribeProjectVersions', { ProjectArn: projectArn, VersionNames: ['v1'] })).ProjectVersionDescriptions[0];
    for (let i = 0; i < 200 && (await describe()).Status !== 'STOPPED'; i++) await new Promise((r) => setTimeout(r, 25));
    // The usage record of the run above: one interval of one unit, closed, and its analyses counted.
    const usage = await ok('DescribeUsage', { ProjectVersionArn: versionArn });
    assert.equal(usage.Intervals.length, 1);
    assert.equal(usage.Intervals[0].InferenceUnits, 1);
    assert.ok(usage.Intervals[0].EndTimestamp >= usage.Intervals[0].StartTimestamp);
    assert.equal(usage.Days.length, 1);
    assert.equal(usage.Days[0].ImagesAnalysed, 4);
    // Six refused analyses above, the too-many-pixels PNG among them.
    assert.equal(usage.Days[0].Errors, 6);
    assert.ok(usage.Days[0].RunningHours > 0 && usage.Days[0].InferenceUnitHours === usage.Days[0].RunningHours);
    await ok('StartProjectVersion', { ProjectVersionArn: versionArn, MinInferenceUnits: 1 });
    for (let i = 0; i < 200 && (await describe()).Status !== 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 25));
    const images = await Promise.all(['blobs', 'stripes'].map(async (kind, i) => readFileSync(await classImage(join(tempDir(), `${kind}.jpg`), kind as 'blobs' | 'stripes', 500 + i)).toString('base64')));
    // /v2 requests wait in the same queue: its serving graph loaded first, then 40 of them sent with the burst.
    const v2 = `${harness.server.url}/v2/models/patterns-v1/infer`;
    const auth = { authorization: `Bearer ${harness.server.inferenceToken}` };
    const { data: pixels, info } = await sharp(Buffer.from(images[1]!, 'base64')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', datatype: 'UINT8', shape: [1, info.height, info.width, 3], parameters: { binary_data_size: pixels.byteLength } }] }));
    const infer = () => fetch(v2, { method: 'POST', headers: { ...auth, 'inference-header-content-length': String(header.byteLength) }, body: Buffer.concat([header, pixels]) });
    assert.equal((await infer()).status, 200);
    const tensorRuns = Array.from({ length: 40 }, () => infer().then(async (response) => ({ status: response.status, body: await response.text() })));
    // One unit takes 2 requests in progress and 16 waiting; 80 at once is far more than it holds.
    const results = await Promise.all(
      Array.from({ length: 80 }, (_, i) => harness.loupe.invoke('DetectCustomLabels', { ProjectVersionArn: versionArn, Image: { Bytes: images[i % 2]! } })),
    );
    const overV2 = await Promise.all(tensorRuns);
    assert.ok(overV2.every((run) => run.status === 200 || run.status === 429), overV2.map((run) => run.status).join(' '));
    assert.ok(overV2.some((run) => run.status === 429), 'the /v2 requests sent with the burst were refused by the one queue it filled');
    assert.ok(overV2.filter((run) => run.status === 429).every((run) => /more requests than its inference units/.test(run.body)));
    const answered = results.flatMap((result, i) => (result.ok ? [{ i, value: result.value as { CustomLabels: { Name: string }[] } }] : []));
    const refused = results.flatMap((result) => (result.ok ? [] : [result.error.code]));
    assert.ok(answered.length >= 18, `${answered.length} answered`);
    assert.ok(refused.length > 0, 'nothing was refused');
    assert.deepEqual([...new Set(refused)], ['ProvisionedThroughputExceededException']);
    for (const { i, value } of answered) assert.equal(value.CustomLabels[0]?.Name, i % 2 === 0 ? 'blobs' : 'stripes');
    // The queue drains: the next request is answered.
    const after = await ok('DetectCustomLabels', { ProjectVersionArn: versionArn, Image: { Bytes: images[1]! } });
    assert.equal(after.CustomLabels[0].Name, 'stripes');
    assert.equal((await infer()).status, 200);
  });

  it('reports each label above the thresholds saved on the version when MinConfidence is left out, through the SDK (issue 15)', async () => {
    const client = rekognitionClient(harness, 'us-east-1');
    const image = readFileSync(await classImage(join(tempDir(), 'probe-thresholds.jpg'), 'stripes', 321));
    const all = await client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: image }, MinConfidence: 0 }));
    const score = (name: string) => all.CustomLabels!.find((label) => label.Name === name)!.Confidence! / 100;
    const assumed = await client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: image } }));
    assert.deepEqual(assumed.CustomLabels!.map((label) => label.Name), ['stripes']);

    // Just below the blobs score shows blobs, which its assumed threshold hid.
    await ok('PutProjectVersionThresholds', { ProjectVersionArn: versionArn, Thresholds: { blobs: Math.max(0, score('blobs') - 1e-4) } });
    const chosen = await client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: image } }));
    assert.deepEqual(chosen.CustomLabels!.map((label) => label.Name), ['stripes', 'blobs']);
    // Just above the blobs score hides it again, whatever its assumed threshold.
    await ok('PutProjectVersionThresholds', { ProjectVersionArn: versionArn, Thresholds: { blobs: Math.min(1, score('blobs') + 1e-4), stripes: 0 } });
    const raised = await client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: image } }));
    assert.deepEqual(raised.CustomLabels!.map((label) => label.Name), ['stripes']);
    // MinConfidence still overrides them, as it does the assumed ones.
    const explicit = await client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: image }, MinConfidence: 0 }));
    assert.equal(explicit.CustomLabels!.length, 2);
    // The evaluation shows both: the assumed thresholds in the summary, the chosen ones beside.
    const evaluation = await ok('DescribeEvaluation', { ProjectVersionArn: versionArn });
    assert.deepEqual(Object.keys(evaluation.ChosenThresholds).sort(), ['blobs', 'stripes']);
    assert.ok(evaluation.Summary.LabelEvaluationResults.every((label: any) => typeof label.Metrics.Threshold === 'number'));
    const unknown = await harness.loupe.invoke('PutProjectVersionThresholds', { ProjectVersionArn: versionArn, Thresholds: { cats: 0.5 } });
    assert.equal(unknown.ok ? '' : unknown.error.code, 'InvalidParameterException');

    // The API code panel's JavaScript snippet runs as pasted, with the AWS SDK, against this server.
    const probePath = join(tempDir(), 'probe-snippet.jpg');
    await classImage(probePath, 'stripes', 321);
    const code = snippet('javascript', 'detect', {
      projectArn,
      versionArn,
      versionName: 'v1',
      endpoint: harness.server.url,
      region: 'us-east-1',
      minUnits: 1,
      bucket: 'my-images',
      key: 'photos/image.jpg',
      localFile: probePath,
    });
    const keys = localKeys(harness);
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], {
      cwd: join(import.meta.dirname, '../../..'),
      env: { ...process.env, AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey },
    });
    assert.match(stdout, /^stripes: \d+\.\d%/m);
    // The Python (boto3) and AWS CLI ones too, where they are installed.
    const context = { projectArn, versionArn, versionName: 'v1', endpoint: harness.server.url, region: 'us-east-1', minUnits: 1, bucket: 'my-images', key: 'photos/image.jpg', localFile: probePath };
    const env = { ...process.env, AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey };
    const hasPython = (await promisify(execFile)('python3', ['-c', 'import boto3']).then(() => true, () => false));
    if (hasPython) {
      const python = await promisify(execFile)('python3', ['-c', snippet('python', 'detect', context)], { env });
      assert.match(python.stdout, /^stripes: \d+\.\d%/m);
    }
    const hasCli = await promisify(execFile)('aws', ['--version']).then(() => true, () => false);
    if (hasCli) {
      const cli = await promisify(execFile)('bash', ['-c', snippet('cli', 'detect', context)], { env: { ...env, AWS_DEFAULT_OUTPUT: 'json' } });
      assert.equal((JSON.parse(cli.stdout) as { CustomLabels: { Name: string }[] }).CustomLabels[0]!.Name, 'stripes');
    }

    // An empty map goes back to the assumed thresholds.
    await ok('PutProjectVersionThresholds', { ProjectVersionArn: versionArn, Thresholds: {} });
    const back = await client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: image } }));
    assert.deepEqual(back.CustomLabels!.map((label) => label.Name), ['stripes']);
    await ok('StopProjectVersion', { ProjectVersionArn: versionArn });
  });

  it('copies the version within Loupe unless a project policy denies it, and carries it to another machine as a package', async () => {
    const { ProjectArn: destination } = await ok('CreateProject', { ProjectName: 'patterns-prod' });
    await ok('PutProjectPolicy', {
      ProjectArn: projectArn,
      PolicyName: 'no-copies',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 'rekognition:CopyProjectVersion', Resource: `${projectArn.replace(/\/\d+$/, '')}/version/*` }],
      }),
    });
    const denied = await harness.loupe.invoke('CopyProjectVersion', {
      SourceProjectArn: projectArn,
      SourceProjectVersionArn: versionArn,
      DestinationProjectArn: destination,
      VersionName: 'copied',
    });
    assert.equal(denied.ok ? '' : denied.error.code, 'AccessDeniedException');
    await ok('DeleteProjectPolicy', { ProjectArn: projectArn, PolicyName: 'no-copies' });
    const copied = await ok('CopyProjectVersion', {
      SourceProjectArn: projectArn,
      SourceProjectVersionArn: versionArn,
      DestinationProjectArn: destination,
      VersionName: 'copied',
    });
    const [job] = (await ok('ListJobs', { ResourceArn: copied.ProjectVersionArn })).Jobs;
    await waitForJob(harness.loupe.ctx, job.JobId);
    const [copy] = (await ok('DescribeProjectVersions', { ProjectArn: destination })).ProjectVersionDescriptions;
    assert.equal(copy.Status, 'COPYING_COMPLETED');
    assert.equal(copy.SourceProjectVersionArn, versionArn);

    // Export a package and import it into a Loupe on another home (a kiosk), then analyse there.
    const { Folder } = await ok('ExportModelPackage', { ProjectVersionArn: versionArn, Folder: tempDir() });
    const { aLoupe } = await import('../../support/loupe');
    const kiosk = aLoupe();
    try {
      const { ProjectArn } = await kiosk.ok('CreateProject', { ProjectName: 'line-3' });
      const { ProjectVersionArn } = await kiosk.ok('ImportModelPackage', { ProjectArn, Folder, VersionName: 'from-workstation' });
      const [imported] = (await kiosk.ok('ListJobs', { ResourceArn: ProjectVersionArn })).Jobs;
      await waitForJob(kiosk.ctx, imported!.JobId);
      const [described] = (await kiosk.ok('DescribeProjectVersions', { ProjectArn })).ProjectVersionDescriptions;
      assert.equal(described!.Status, 'COPYING_COMPLETED');
      assert.ok(described!.EvaluationResult!.F1Score >= 0.9);
      await kiosk.ok('StartProjectVersion', { ProjectVersionArn, MinInferenceUnits: 1 });
      for (let i = 0; i < 100 && (await kiosk.ok('DescribeProjectVersions', { ProjectArn })).ProjectVersionDescriptions[0]!.Status !== 'RUNNING'; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const image = readFileSync(await classImage(join(tempDir(), 'kiosk.jpg'), 'blobs', 4242));
      const { CustomLabels } = await kiosk.ok('DetectCustomLabels', { ProjectVersionArn, Image: { Bytes: image.toString('base64') } });
      assert.equal(CustomLabels[0]?.Name, 'blobs');
    } finally {
      kiosk.dispose();
    }
  });
});

/** A PNG whose header says `width` × `height`, with one small compressed row block: enough for a header check. */
function hugePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(width * 3 + 1))), chunk('IEND', Buffer.alloc(0))]);
}
