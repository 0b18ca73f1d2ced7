/**
 * Lookout for Vision code driving Loupe through @aws-sdk/client-lookoutvision, end to end: a
 * project, datasets from Lookout for Vision manifests (s3:// source-refs through a bucket
 * mapping), a model trained on normal images alone, hosted, asked about clean and scratched
 * surfaces, stopped; and each error the service names, once.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateDatasetCommand,
  CreateModelCommand,
  CreateProjectCommand,
  DeleteProjectCommand,
  DescribeDatasetCommand,
  DescribeModelCommand,
  DescribeProjectCommand,
  DetectAnomaliesCommand,
  ListDatasetEntriesCommand,
  ListModelsCommand,
  ListProjectsCommand,
  ListTagsForResourceCommand,
  LookoutVisionClient,
  StartModelCommand,
  StopModelCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-lookoutvision';
import sharp from 'sharp';
import { aScratch, aTexture } from '../../support/textures';
import { localKeys, startHarness, type Harness } from '../server/harness';

const modelsBuilt = existsSync(join(import.meta.dirname, '../../../dist/models/nsfwjs-mobilenet-v2-140.onnx'));
const BUCKET = 'l4v-surfaces';

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 600_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) assert.fail(`timed out; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected the call to fail');
}

/** A Lookout for Vision segmentation mask: white background, the defect in its class colour (default the scratch's, #2ca02c). */
async function lookoutMask(whiteOnBlack: string, path: string, colour: [number, number, number] = [44, 160, 44]): Promise<void> {
  const { data, info } = await sharp(whiteOnBlack).raw().toBuffer({ resolveWithObject: true });
  const rgb = Buffer.alloc(info.width * info.height * 3);
  for (let p = 0; p < info.width * info.height; p++) rgb.set(data[p * info.channels]! > 127 ? colour : [255, 255, 255], p * 3);
  await sharp(rgb, { raw: { width: info.width, height: info.height, channels: 3 } }).png().toFile(path);
}

function manifestLine(key: string, anomalous: boolean, maskKey?: string, maskClass = { name: 'scratch', hex: '#2ca02c' }): string {
  return JSON.stringify({
    ...(maskKey
      ? {
          'anomaly-mask-ref': `s3://${BUCKET}/${maskKey}`,
          'anomaly-mask-ref-metadata': {
            'internal-color-map': { '0': { 'class-name': 'BACKGROUND', 'hex-color': '#ffffff', confidence: 0 }, '1': { 'class-name': maskClass.name, 'hex-color': maskClass.hex, confidence: 0 } },
            type: 'groundtruth/semantic-segmentation',
            'human-annotated': 'yes',
            'creation-date': '2026-12-01T00:00:00.000Z',
            'job-name': 'labeling-job/segmentation',
          },
        }
      : {}),
    'source-ref': `s3://${BUCKET}/${key}`,
    'anomaly-label': anomalous ? 1 : 0,
    'anomaly-label-metadata': {
      'class-name': anomalous ? 'anomaly' : 'normal',
      'creation-date': '2026-12-01T00:00:00.000Z',
      'human-annotated': 'yes',
      'job-name': 'anomaly-label',
      type: 'groundtruth/image-classification',
    },
  });
}

describe('Lookout for Vision code against Loupe', () => {
  let harness: Harness;
  let client: LookoutVisionClient;
  let folder: string;

  before(async () => {
    harness = await startHarness();
    const keys = localKeys(harness);
    client = new LookoutVisionClient({ endpoint: harness.server.url, region: 'us-east-1', credentials: keys });
    folder = join(harness.home, 'surfaces');
    mkdirSync(folder, { recursive: true });
    const result = await harness.loupe.invoke('CreateBucketMapping', { Bucket: BUCKET, Folder: folder });
    assert.ok(result.ok, JSON.stringify(result));
  });

  after(async () => {
    client.destroy();
    await harness.close();
  });

  describe('each error the service names', () => {
    it('answers a malformed project name with ValidationException naming the field', async () => {
      const error = await rejectionOf(client.send(new CreateProjectCommand({ ProjectName: 'not a name!' })));
      assert.equal(error.name, 'ValidationException');
      assert.equal(error.$metadata?.httpStatusCode, 400);
      assert.match(error.message, /ProjectName/);
    });

    it('answers a dataset type other than train or test with ValidationException, however it begins or ends', async () => {
      await client.send(new CreateProjectCommand({ ProjectName: 'types' }));
      for (const DatasetType of ['trainee', 'pretest']) {
        const error = await rejectionOf(client.send(new CreateDatasetCommand({ ProjectName: 'types', DatasetType })));
        assert.equal(error.name, 'ValidationException', DatasetType);
        assert.match(error.message, /DatasetType/);
      }
      await client.send(new DeleteProjectCommand({ ProjectName: 'types' }));
    });

    it('answers an unknown project with ResourceNotFoundException', async () => {
      const error = await rejectionOf(client.send(new DescribeProjectCommand({ ProjectName: 'nowhere' })));
      assert.equal(error.name, 'ResourceNotFoundException');
      assert.equal(error.$metadata?.httpStatusCode, 404);
      assert.match(error.message, /nowhere/);
    });

    it('answers a second project of the same name with ConflictException', async () => {
      await client.send(new CreateProjectCommand({ ProjectName: 'twice' }));
      const error = await rejectionOf(client.send(new CreateProjectCommand({ ProjectName: 'twice' })));
      assert.equal(error.name, 'ConflictException');
      assert.equal(error.$metadata?.httpStatusCode, 409);
      const deleted = await client.send(new DeleteProjectCommand({ ProjectName: 'twice' }));
      assert.match(deleted.ProjectArn ?? '', /^arn:aws:lookoutvision:[^:]+:\d+:project\/twice$/);
    });
  });

  describe('a model trained on normal surfaces alone', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
    const scratched: { key: string; mask: string }[] = [];
    const clean: string[] = [];

    before(async () => {
      const train: string[] = [];
      for (let i = 0; i < 10; i++) {
        await aTexture(join(folder, 'train', `normal-${i}.png`), { seed: i });
        train.push(manifestLine(`train/normal-${i}.png`, false));
      }
      const test: string[] = [];
      for (let i = 0; i < 3; i++) {
        await aTexture(join(folder, 'test', `normal-${i}.png`), { seed: 50 + i });
        clean.push(`test/normal-${i}.png`);
        test.push(manifestLine(`test/normal-${i}.png`, false));
        const mask = join(folder, 'masks', `scratch-${i}.png`);
        await aTexture(join(folder, 'test', `scratch-${i}.png`), { seed: 60 + i, scratch: aScratch(i) }, mask);
        scratched.push({ key: `test/scratch-${i}.png`, mask });
        await lookoutMask(mask, join(folder, 'masks', `lookout-${i}.png`));
        test.push(manifestLine(`test/scratch-${i}.png`, true, `masks/lookout-${i}.png`));
      }
      writeFileSync(join(folder, 'train.manifest'), `${train.join('\n')}\n`);
      writeFileSync(join(folder, 'test.manifest'), `${test.join('\n')}\n`);
    });

    it('goes from manifests to a hosted model that finds the scratches and marks them in its mask', async () => {
      const created = await client.send(new CreateProjectCommand({ ProjectName: 'surfaces' }));
      assert.equal(created.ProjectMetadata?.ProjectName, 'surfaces');
      for (const type of ['train', 'test']) {
        await client.send(new CreateDatasetCommand({ ProjectName: 'surfaces', DatasetType: type, DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: BUCKET, Key: `${type}.manifest` } } } }));
        const described = await until(
          () => client.send(new DescribeDatasetCommand({ ProjectName: 'surfaces', DatasetType: type })),
          (d) => !/IN_PROGRESS/.test(d.DatasetDescription?.Status ?? ''),
        );
        assert.equal(described.DatasetDescription?.Status, 'CREATE_COMPLETE', described.DatasetDescription?.StatusMessage);
      }
      const stats = (await client.send(new DescribeDatasetCommand({ ProjectName: 'surfaces', DatasetType: 'test' }))).DatasetDescription?.ImageStats;
      assert.deepEqual(stats, { Total: 6, Labeled: 6, Normal: 3, Anomaly: 3 });
      const anomalies = await client.send(new ListDatasetEntriesCommand({ ProjectName: 'surfaces', DatasetType: 'test', AnomalyClass: 'anomaly' }));
      assert.equal(anomalies.DatasetEntries?.length, 3);
      for (const line of anomalies.DatasetEntries ?? []) assert.equal((JSON.parse(line) as { 'anomaly-label': number })['anomaly-label'], 1);
      const project = await client.send(new DescribeProjectCommand({ ProjectName: 'surfaces' }));
      assert.deepEqual(project.ProjectDescription?.Datasets?.map((d) => d.DatasetType).sort(), ['test', 'train']);
      assert.ok((await client.send(new ListProjectsCommand({}))).Projects?.some((p) => p.ProjectName === 'surfaces'));

      const model = await client.send(new CreateModelCommand({ ProjectName: 'surfaces', Description: 'brushed steel, good parts only', OutputConfig: { S3Location: { Bucket: BUCKET, Prefix: 'models/' } } }));
      assert.equal(model.ModelMetadata?.Status, 'TRAINING');
      assert.equal(model.ModelMetadata?.Description, 'brushed steel, good parts only');
      assert.equal(model.ModelMetadata?.ModelVersion, '1');
      const trained = await until(
        () => client.send(new DescribeModelCommand({ ProjectName: 'surfaces', ModelVersion: '1' })),
        (d) => d.ModelDescription?.Status !== 'TRAINING',
      );
      const description = trained.ModelDescription!;
      assert.equal(description.Status, 'TRAINED', description.StatusMessage);
      assert.equal(description.Description, 'brushed steel, good parts only');
      assert.equal(description.Performance?.F1Score, 1);
      assert.ok(description.EvaluationResult?.Key?.startsWith('models/'));
      assert.ok(existsSync(join(folder, description.EvaluationResult!.Key!)));
      // The segmentation manifest's masks (anomaly-mask-ref, white background) measure the maps pixel by pixel.
      const written = JSON.parse(readFileSync(join(folder, description.EvaluationResult!.Key!), 'utf8')) as { pixelAuroc: number | null };
      assert.ok(written.pixelAuroc !== null && written.pixelAuroc > 0.9, `pixel AUROC ${written.pixelAuroc}`);
      assert.equal((await client.send(new ListModelsCommand({ ProjectName: 'surfaces' }))).Models?.length, 1);

      await client.send(new TagResourceCommand({ ResourceArn: description.ModelArn!, Tags: [{ Key: 'line', Value: '3' }] }));
      assert.deepEqual((await client.send(new ListTagsForResourceCommand({ ResourceArn: description.ModelArn! }))).Tags, [{ Key: 'line', Value: '3' }]);
      await client.send(new UntagResourceCommand({ ResourceArn: description.ModelArn!, TagKeys: ['line'] }));
      assert.deepEqual((await client.send(new ListTagsForResourceCommand({ ResourceArn: description.ModelArn! }))).Tags, []);

      assert.equal((await client.send(new StartModelCommand({ ProjectName: 'surfaces', ModelVersion: '1', MinInferenceUnits: 1 }))).Status, 'STARTING_HOSTING');
      await until(() => client.send(new DescribeModelCommand({ ProjectName: 'surfaces', ModelVersion: '1' })), (d) => d.ModelDescription?.Status === 'HOSTED');

      for (const key of clean) {
        const result = await client.send(new DetectAnomaliesCommand({ ProjectName: 'surfaces', ModelVersion: '1', ContentType: 'image/png', Body: readFileSync(join(folder, key)) }));
        assert.equal(result.DetectAnomalyResult?.IsAnomalous, false, key);
      }
      for (const { key, mask } of scratched) {
        const result = (await client.send(new DetectAnomaliesCommand({ ProjectName: 'surfaces', ModelVersion: '1', ContentType: 'image/png', Body: readFileSync(join(folder, key)) }))).DetectAnomalyResult!;
        assert.equal(result.IsAnomalous, true, key);
        assert.ok(result.Confidence! > 0.5 && result.Confidence! <= 1);
        const anomaly = result.Anomalies?.find((a) => a.Name === 'anomaly');
        assert.ok(anomaly && anomaly.PixelAnomaly!.TotalPercentageArea! > 0 && anomaly.PixelAnomaly!.TotalPercentageArea! < 0.5, JSON.stringify(result.Anomalies));
        // The mask is a PNG of the image's size whose coloured pixels lie over the scratch.
        const png = await sharp(Buffer.from(result.AnomalyMask!)).raw().toBuffer({ resolveWithObject: true });
        const truth = await sharp(mask).raw().toBuffer({ resolveWithObject: true });
        assert.equal(png.info.width, truth.info.width);
        assert.equal(png.info.height, truth.info.height);
        let marked = 0;
        let markedOnScratch = 0;
        let scratchMarked = 0;
        let scratch = 0;
        for (let p = 0; p < png.info.width * png.info.height; p++) {
          const isMarked = png.data[p * png.info.channels]! > 0;
          const onScratch = truth.data[p * truth.info.channels]! > 127;
          if (isMarked) marked++;
          if (isMarked && onScratch) markedOnScratch++;
          if (onScratch) scratch++;
          if (onScratch && isMarked) scratchMarked++;
        }
        assert.ok(scratchMarked / scratch > 0.5, `${key}: ${scratchMarked} of ${scratch} scratch pixels marked`);
        // The model's patches are 8–16 px, wider than a 4 px scratch: the mark is a band along it, so
        // its pixels lie on the scratch far more often than chance (the scratch's share of the image).
        const chance = scratch / (png.info.width * png.info.height);
        assert.ok(markedOnScratch / marked > 5 * chance, `${key}: ${markedOnScratch} of ${marked} marked pixels on the scratch (chance ${chance.toFixed(3)})`);
      }

      // The hosted model is the version StartProjectVersion would run: DetectCustomLabels and the
      // app's DetectImageAnomalies analyse through the same running model and give the same verdict.
      const hosted = await harness.loupe.invoke('DescribeProjects', { ProjectNames: ['surfaces'] });
      assert.ok(hosted.ok);
      const hostedArn = (hosted.value as { ProjectDescriptions: { ProjectArn: string }[] }).ProjectDescriptions[0]!.ProjectArn;
      const running = await harness.loupe.invoke('DescribeProjectVersions', { ProjectArn: hostedArn });
      assert.ok(running.ok);
      const runningVersion = (running.value as { ProjectVersionDescriptions: { Status: string; ProjectVersionArn: string }[] }).ProjectVersionDescriptions[0]!;
      assert.equal(runningVersion.Status, 'RUNNING');
      const strongestAlpha: number[] = [];
      for (const [key, anomalous] of [[clean[0]!, false], [scratched[0]!.key, true]] as const) {
        const Image = { Bytes: readFileSync(join(folder, key)).toString('base64') };
        const labels = await harness.loupe.invoke('DetectCustomLabels', { ProjectVersionArn: runningVersion.ProjectVersionArn, Image });
        assert.ok(labels.ok, JSON.stringify(labels));
        const [verdict] = (labels.value as { CustomLabels: { Name: string; Confidence: number }[] }).CustomLabels;
        assert.equal(verdict?.Name, anomalous ? 'anomaly' : 'normal', key);
        const detected = await harness.loupe.invoke('DetectImageAnomalies', { ProjectVersionArn: runningVersion.ProjectVersionArn, Image });
        assert.ok(detected.ok, JSON.stringify(detected));
        const answer = detected.value as { IsAnomalous: boolean; Confidence: number; Score: number; Threshold: number; HeatMap: string };
        assert.equal(answer.IsAnomalous, anomalous, key);
        assert.equal(answer.Score >= answer.Threshold, anomalous);
        assert.ok(Math.abs(answer.Confidence - verdict!.Confidence) < 1e-6);
        // The heat map is a PNG with alpha on the model's grid, stronger over a scratch than anywhere on a clean part.
        const heat = await sharp(Buffer.from(answer.HeatMap, 'base64')).raw().toBuffer({ resolveWithObject: true });
        assert.equal(heat.info.channels, 4);
        let opaque = 0;
        for (let p = 3; p < heat.data.length; p += 4) opaque = Math.max(opaque, heat.data[p]!);
        strongestAlpha.push(opaque);
      }
      assert.ok(strongestAlpha[1]! > 200 && strongestAlpha[1]! > strongestAlpha[0]!, `strongest alpha clean ${strongestAlpha[0]}, scratched ${strongestAlpha[1]}`);

      assert.equal((await client.send(new StopModelCommand({ ProjectName: 'surfaces', ModelVersion: '1' }))).Status, 'STOPPING_HOSTING');
      await until(() => client.send(new DescribeModelCommand({ ProjectName: 'surfaces', ModelVersion: '1' })), (d) => d.ModelDescription?.Status === 'TRAINED');
      // A version trained before test heat maps were written (its manifest names none, its folder has
      // none): GetTestHeatMap makes the heat map from the model file and keeps it.
      const version1 = (running.value as { ProjectVersionDescriptions: { ProjectVersionArn: string }[] }).ProjectVersionDescriptions[0]!.ProjectVersionArn;
      const outputFolder = join(folder, description.EvaluationResult!.Key!, '..');
      const manifestPath = join(outputFolder, 'evaluation-manifest.jsonl');
      const lines = readFileSync(manifestPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      writeFileSync(manifestPath, `${lines.map(({ 'anomaly-heatmap-ref': _, ...rest }) => JSON.stringify(rest)).join('\n')}\n`);
      rmSync(join(outputFolder, 'heatmaps'), { recursive: true, force: true });
      const scratchedAt = lines.findIndex((line) => String(line['source-ref']).endsWith('scratch-0.png'));
      const SourceRef = String(lines[scratchedAt]!['source-ref']);
      const evaluated = await harness.loupe.invoke('DescribeEvaluation', { ProjectVersionArn: version1 });
      assert.ok(evaluated.ok, JSON.stringify(evaluated));
      assert.ok((evaluated.value as { TestResults: { SourceRef: string; Anomaly: { HasHeatMap: boolean } }[] }).TestResults.every((r) => r.Anomaly.HasHeatMap));
      const made = await harness.loupe.invoke('GetTestHeatMap', { ProjectVersionArn: version1, SourceRef });
      assert.ok(made.ok, JSON.stringify(made));
      const heatPng = Buffer.from((made.value as { HeatMap: string }).HeatMap, 'base64');
      assert.equal((await sharp(heatPng).metadata()).channels, 4);
      assert.deepEqual(readFileSync(join(outputFolder, 'heatmaps', `${scratchedAt}.png`)), heatPng);
      const again = await harness.loupe.invoke('GetTestHeatMap', { ProjectVersionArn: version1, SourceRef });
      assert.ok(again.ok && (again.value as { HeatMap: string }).HeatMap === heatPng.toString('base64'));
      const unknown = await harness.loupe.invoke('GetTestHeatMap', { ProjectVersionArn: version1, SourceRef: 's3://l4v-surfaces/test/none.png' });
      assert.ok(!unknown.ok && JSON.stringify(unknown).includes('ResourceNotFoundException'), JSON.stringify(unknown));

      // UpdateDatasetEntries takes Lookout for Vision lines: one clean test image relabelled as an anomaly.
      const changes = Buffer.from(`${manifestLine(clean[0]!, true)}\n`);
      await client.send(new UpdateDatasetEntriesCommand({ ProjectName: 'surfaces', DatasetType: 'test', Changes: changes }));
      const updated = await until(
        () => client.send(new DescribeDatasetCommand({ ProjectName: 'surfaces', DatasetType: 'test' })),
        (d) => !/IN_PROGRESS/.test(d.DatasetDescription?.Status ?? ''),
      );
      assert.deepEqual(updated.DatasetDescription?.ImageStats, { Total: 6, Labeled: 6, Normal: 2, Anomaly: 4 });

      // The same project is a Loupe anomaly project: its model is a version there, and a version
      // trained there (CreateProjectVersion) is the next Lookout for Vision model.
      const projects = await harness.loupe.invoke('DescribeProjects', { ProjectNames: ['surfaces'] });
      assert.ok(projects.ok, JSON.stringify(projects));
      const loupeProject = (projects.value as { ProjectDescriptions: { Feature: string; ProjectArn: string }[] }).ProjectDescriptions[0]!;
      assert.equal(loupeProject.Feature, 'ANOMALY_DETECTION');
      const versions = await harness.loupe.invoke('DescribeProjectVersions', { ProjectArn: loupeProject.ProjectArn });
      assert.ok(versions.ok);
      assert.deepEqual((versions.value as { ProjectVersionDescriptions: { Status: string }[] }).ProjectVersionDescriptions.map((v) => v.Status), ['STOPPED']);
      const second = await harness.loupe.invoke('CreateProjectVersion', { ProjectArn: loupeProject.ProjectArn });
      assert.ok(second.ok, JSON.stringify(second));
      const two = await until(() => client.send(new DescribeModelCommand({ ProjectName: 'surfaces', ModelVersion: '2' })), (d) => d.ModelDescription?.Status !== 'TRAINING');
      assert.equal(two.ModelDescription?.Status, 'TRAINED', two.ModelDescription?.StatusMessage);
      // Tested on the relabelled set: the clean image now called an anomaly is the one miss (P 1, R 3/4).
      assert.ok(Math.abs(two.ModelDescription!.Performance!.F1Score! - (2 * 0.75) / 1.75) < 1e-6, JSON.stringify(two.ModelDescription?.Performance));
      // Its training images are model 1's: it keeps model 1's view, and says so.
      const evaluation = await harness.loupe.invoke('DescribeEvaluation', { ProjectVersionArn: (second.value as { ProjectVersionArn: string }).ProjectVersionArn });
      assert.ok(evaluation.ok, JSON.stringify(evaluation));
      const chosen = (evaluation.value as { Choices?: { chosen: Record<string, unknown> } }).Choices?.chosen;
      assert.equal(chosen?.reusedFrom, '1', JSON.stringify(chosen));
      assert.equal(chosen.addedImages, 0);
    });

    it('names the classes of a model trained with masks in DetectAnomalies, in their colours', async () => {
      const SCRATCH = { name: 'scratch', hex: '#2ca02c', rgb: [44, 160, 44] as [number, number, number] };
      const SPOT = { name: 'spot', hex: '#d62728', rgb: [214, 39, 40] as [number, number, number] };
      const spotAt = (seed: number) => ({ at: [40 + ((seed * 37) % 80), 40 + ((seed * 53) % 80)] as [number, number], radius: 9 });
      const train: string[] = [];
      for (let i = 0; i < 8; i++) {
        await aTexture(join(folder, 'marks', `normal-${i}.png`), { seed: 500 + i });
        train.push(manifestLine(`marks/normal-${i}.png`, false));
      }
      for (let i = 0; i < 2; i++) {
        for (const kind of [SCRATCH, SPOT]) {
          const key = `marks/${kind.name}-${i}.png`;
          const whiteOnBlack = join(folder, 'marks', `${kind.name}-${i}-mask.png`);
          await aTexture(join(folder, key), { seed: 520 + i, ...(kind === SCRATCH ? { scratch: aScratch(10 + i) } : { spot: spotAt(i) }) }, whiteOnBlack);
          await lookoutMask(whiteOnBlack, join(folder, 'marks', `${kind.name}-${i}-lookout.png`), kind.rgb);
          train.push(manifestLine(key, true, `marks/${kind.name}-${i}-lookout.png`, kind));
        }
      }
      writeFileSync(join(folder, 'marks.manifest'), `${train.join('\n')}\n`);
      await client.send(new CreateProjectCommand({ ProjectName: 'marks' }));
      await client.send(new CreateDatasetCommand({ ProjectName: 'marks', DatasetType: 'train', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: BUCKET, Key: 'marks.manifest' } } } }));
      await until(() => client.send(new DescribeDatasetCommand({ ProjectName: 'marks', DatasetType: 'train' })), (d) => d.DatasetDescription?.Status === 'CREATE_COMPLETE');
      await client.send(new CreateModelCommand({ ProjectName: 'marks', OutputConfig: { S3Location: { Bucket: BUCKET, Prefix: 'marks-models/' } } }));
      const trained = await until(() => client.send(new DescribeModelCommand({ ProjectName: 'marks', ModelVersion: '1' })), (d) => d.ModelDescription?.Status !== 'TRAINING');
      assert.equal(trained.ModelDescription?.Status, 'TRAINED', trained.ModelDescription?.StatusMessage);
      await client.send(new StartModelCommand({ ProjectName: 'marks', ModelVersion: '1', MinInferenceUnits: 1 }));
      await until(() => client.send(new DescribeModelCommand({ ProjectName: 'marks', ModelVersion: '1' })), (d) => d.ModelDescription?.Status === 'HOSTED');
      for (const [i, kind] of [[0, SCRATCH], [1, SPOT], [2, SCRATCH], [3, SPOT]] as const) {
        const path = join(folder, 'marks', `new-${i}.png`);
        await aTexture(path, { seed: 600 + i, ...(kind === SCRATCH ? { scratch: aScratch(20 + i) } : { spot: spotAt(5 + i) }) });
        const result = (await client.send(new DetectAnomaliesCommand({ ProjectName: 'marks', ModelVersion: '1', ContentType: 'image/png', Body: readFileSync(path) }))).DetectAnomalyResult!;
        assert.equal(result.IsAnomalous, true, path);
        const named = (result.Anomalies ?? []).filter((a) => a.Name !== 'background').sort((a, b) => b.PixelAnomaly!.TotalPercentageArea! - a.PixelAnomaly!.TotalPercentageArea!);
        assert.ok(named.every((a) => a.Name === SCRATCH.name || a.Name === SPOT.name), JSON.stringify(result.Anomalies));
        assert.equal(named[0]?.Name, kind.name, `${path}: ${JSON.stringify(result.Anomalies)}`);
        assert.equal(named[0]?.PixelAnomaly?.Color, kind.hex.toUpperCase());
        // The mask shows the class in its colour.
        const png = await sharp(Buffer.from(result.AnomalyMask!)).raw().toBuffer({ resolveWithObject: true });
        let coloured = 0;
        for (let p = 0; p < png.info.width * png.info.height; p++) if (kind.rgb.every((c, j) => png.data[p * png.info.channels + j] === c)) coloured++;
        assert.ok(coloured > 0, `${path}: no pixel of the mask in ${kind.hex}`);
      }
      await client.send(new StopModelCommand({ ProjectName: 'marks', ModelVersion: '1' }));
    });
  });
});
