/**
 * ExportModelRepository on models trained on generated images: the Triton layout, golden images
 * whose outputs Loupe's own analysis agrees with, Python onnxruntime reproducing them from the
 * exported file alone, every config.pbtxt parsing as Triton's inference.ModelConfig and matching
 * the graph; a tampered model.onnx or threshold makes the export refuse and leave the folder empty.
 * Needs the built backbones; the Python and proto checks skip with a message where absent.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { writeModelFile, type DetectorMetadata } from '../../../main/engine/modelFile';
import { requireVersion } from '../../../main/models';
import { exportModelRepository, type ExportHooks } from '../../../main/models/repository';
import { decodeModel, encodeModel, makeTensor, tensorValues } from '../../../native/onnx';
import { runCli } from '../../support/cli';
import { readNpy } from '../../support/npy';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';
import { writeSquaresDataset } from '../../support/squares';
import { aTexture } from '../../support/textures';
import { trainOnClassFolders } from '../../support/training';

const root = join(import.meta.dirname, '../../..');
const modelsBuilt = existsSync(join(root, 'dist/models/nsfwjs-mobilenet-v2-140.onnx'));
const proto = join(root, '../shared/spec/triton/model_config.proto');
const python = spawnSync('python3', ['-c', 'import onnxruntime, numpy, google.protobuf, grpc_tools'], { encoding: 'utf8' });
const pythonReady = python.status === 0;

describe('exporting a trained classifier as a model repository', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  let loupe: TestLoupe;
  let versionArn: string;
  let labels: string[];

  before(async () => {
    loupe = aLoupe();
    const version = await trainOnClassFolders(loupe, 'export.me', { train: 6, test: 3 });
    assert.equal(version.Status, 'TRAINING_COMPLETED', version.StatusMessage);
    versionArn = version.ProjectVersionArn;
    await loupe.ok('PutProjectVersionThresholds', { ProjectVersionArn: versionArn, Thresholds: { blobs: 0.6 } });
  });
  after(() => loupe.dispose());

  async function exported(hooks?: ExportHooks) {
    const folder = join(tempDir(), 'loupe-export-export.me-v1');
    const input = { ProjectVersionArn: versionArn, Folder: folder };
    const out = hooks ? await exportModelRepository(loupe.ctx, input, hooks) : await loupe.ok('ExportModelRepository', input);
    const job = await waitForJob(loupe.ctx, out.JobId);
    return { ...out, job };
  }

  let folder: string;
  let modelName: string;

  it('writes the Triton layout with golden images, once Loupe agrees with the exported graph', async () => {
    const out = await exported();
    assert.equal(out.job.Status, 'succeeded', out.job.Message);
    folder = out.Folder;
    modelName = out.ModelName;
    assert.equal(modelName, 'export.me-v1');
    const model = join(folder, modelName);
    for (const file of ['config.pbtxt', 'configs/gpu.pbtxt', 'labels.txt', 'loupe.json', '1/model.onnx']) assert.ok(existsSync(join(model, file)), file);
    for (const file of ['kserve.yaml', 'README.md']) assert.ok(existsSync(join(folder, file)), file);
    const loupeJson = JSON.parse(readFileSync(join(model, 'loupe.json'), 'utf8'));
    labels = loupeJson.labels;
    assert.deepEqual(readFileSync(join(model, 'labels.txt'), 'utf8').trim().split('\n'), labels);
    assert.equal(loupeJson.thresholds.saved.blobs, 0.6);
    assert.equal(loupeJson.thresholds.effective.blobs, 0.6);
    assert.ok(typeof loupeJson.thresholds.assumed.stripes === 'number');
    assert.equal(loupeJson.useCase, 'classification');
    assert.deepEqual(loupeJson.inputs, [{ name: 'image', datatype: 'UINT8', shape: [-1, -1, -1, 3] }]);
    assert.equal(loupeJson.provenance.projectVersionArn, versionArn);
    const golden = readdirSync(join(folder, 'golden'));
    assert.ok(golden.length >= 8 && golden.length <= 16, `${golden.length} golden images`);
    assert.deepEqual(readdirSync(join(folder, 'golden', '000')).sort(), ['image.npy', 'scores.npy']);
    const config = readFileSync(join(model, 'config.pbtxt'), 'utf8');
    assert.match(config, /kind: KIND_CPU/);
    assert.match(readFileSync(join(model, 'configs/gpu.pbtxt'), 'utf8'), /kind: KIND_GPU/);
    assert.match(config, /label_filename: "labels.txt"/);
    assert.match(readFileSync(join(folder, 'kserve.yaml'), 'utf8'), /protocolVersion: v2/);
    assert.match(readFileSync(join(folder, 'README.md'), 'utf8'), new RegExp(`--load-model=${modelName}`));
  });

  it('runs in Python onnxruntime from the folder alone, and every config.pbtxt is a ModelConfig matching the graph', { skip: pythonReady ? false : `python3 with onnxruntime, numpy, protobuf and grpcio-tools is needed: ${python.stderr || python.error}` }, () => {
    assert.ok(folder, 'the export above ran');
    const withProto = existsSync(proto);
    if (!withProto) console.log(`${proto} is absent: config.pbtxt is not parsed as inference.ModelConfig`);
    const run = spawnSync('python3', [join(import.meta.dirname, 'checkRepository.py'), folder, modelName, withProto ? proto : ''], { encoding: 'utf8' });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!);
    assert.ok(report.golden >= 8);
    if (withProto) assert.equal(report.configs, 2);
  });

  it('refuses a relative path, a file and a folder that is not empty', async () => {
    const relative = await loupe.fails('ExportModelRepository', { ProjectVersionArn: versionArn, Folder: 'exports/here' });
    assert.equal(relative.code, 'InvalidParameterException');
    const full = tempDir();
    writeFileSync(join(full, 'keep.txt'), 'mine');
    const notEmpty = await loupe.fails('ExportModelRepository', { ProjectVersionArn: versionArn, Folder: full });
    assert.match(notEmpty.message, /not empty/);
    const file = await loupe.fails('ExportModelRepository', { ProjectVersionArn: versionArn, Folder: join(full, 'keep.txt') });
    assert.match(file.message, /is a file, not a folder/);
    assert.equal(readFileSync(join(full, 'keep.txt'), 'utf8'), 'mine');
    const cli = await runCli(loupe.home, 'export-model-repository', '--project-version-arn', versionArn, '--folder', full);
    assert.equal(cli.code, 254);
    assert.match(cli.err, /An error occurred \(InvalidParameterException\) when calling the ExportModelRepository operation: The folder .* is not empty/);
  });

  it('refuses to finish when the exported model.onnx was changed, and leaves the folder empty', async () => {
    const out = await exported({
      beforeParity: async (at, name) => {
        const path = join(at, name, '1', 'model.onnx');
        const model = decodeModel(readFileSync(path));
        // A brighter image before the backbone: the drift an exporter's wrong normalisation makes.
        let found = 0;
        model.graph.initializers = model.graph.initializers.map((tensor) => {
          if (tensor.name !== 'serving/bias') return tensor;
          found++;
          const values = Float64Array.from(tensorValues(tensor) as Float64Array, (v) => v + 0.5);
          return makeTensor(tensor.name, values, tensor.dims);
        });
        assert.equal(found, 1);
        writeFileSync(path, encodeModel(model));
      },
    });
    assert.equal(out.job.Status, 'failed');
    assert.match(out.job.Message ?? '', /refused.*scored/);
    assert.equal(existsSync(out.Folder), false);
  });

  it('refuses to finish when loupe.json states other thresholds than Loupe uses', async () => {
    const out = await exported({
      beforeParity: async (at, name) => {
        const path = join(at, name, 'loupe.json');
        const json = JSON.parse(readFileSync(path, 'utf8'));
        for (const label of Object.keys(json.thresholds.effective)) json.thresholds.effective[label] = 0;
        writeFileSync(path, JSON.stringify(json));
      },
    });
    assert.equal(out.job.Status, 'failed');
    assert.match(out.job.Message ?? '', /verdict differs/);
  });

  it('cancels on request and leaves an existing empty folder empty', async () => {
    const empty = tempDir();
    mkdirSync(empty, { recursive: true });
    const out = await loupe.ok('ExportModelRepository', { ProjectVersionArn: versionArn, Folder: empty });
    await loupe.ok('CancelJob', { JobId: out.JobId });
    const job = await waitForJob(loupe.ctx, out.JobId);
    assert.equal(job.Status, 'cancelled');
    assert.deepEqual(readdirSync(empty), []);
  });
});

describe('exporting a trained detector as a model repository', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  let loupe: TestLoupe;
  let versionArn: string;

  before(async () => {
    loupe = aLoupe();
    const folder = join(loupe.home, 'squares');
    mkdirSync(folder, { recursive: true });
    await writeSquaresDataset(folder, 'squares', 8, 6);
    await loupe.ok('CreateBucketMapping', { Bucket: 'squares', Folder: folder });
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'squares' });
    for (const [type, name] of [['TRAIN', 'train'], ['TEST', 'test']] as const) {
      const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: type, DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'squares', Name: `${name}.manifest` } } } });
      for (const job of (await loupe.ok('ListJobs', { ResourceArn: DatasetArn, Active: true })).Jobs) await waitForJob(loupe.ctx, job.JobId);
    }
    versionArn = (await loupe.ok('CreateProjectVersion', { ProjectArn, VersionName: 'v1' })).ProjectVersionArn;
    for (const job of (await loupe.ok('ListJobs', { ResourceArn: versionArn, Active: true })).Jobs) await waitForJob(loupe.ctx, job.JobId);
    const [version] = (await loupe.ok('DescribeProjectVersions', { ProjectArn, VersionNames: ['v1'] })).ProjectVersionDescriptions;
    assert.equal(version!.Status, 'TRAINING_COMPLETED', version!.StatusMessage);
  });
  after(() => loupe.dispose());

  it('decodes boxes in the graph, agrees with Loupe on the golden images and runs in Python onnxruntime', async () => {
    const folder = join(tempDir(), 'loupe-export-squares-v1');
    const out = await loupe.ok('ExportModelRepository', { ProjectVersionArn: versionArn, Folder: folder });
    const job = await waitForJob(loupe.ctx, out.JobId);
    assert.equal(job.Status, 'succeeded', job.Message);
    const loupeJson = JSON.parse(readFileSync(join(folder, out.ModelName, 'loupe.json'), 'utf8'));
    assert.equal(loupeJson.useCase, 'detection');
    assert.deepEqual(loupeJson.outputs.map((o: { name: string }) => o.name), ['boxes', 'scores', 'classes', 'count']);
    assert.deepEqual(readdirSync(join(folder, 'golden', '000')).sort(), ['boxes.npy', 'classes.npy', 'count.npy', 'image.npy', 'scores.npy']);
    assert.doesNotMatch(readFileSync(join(folder, out.ModelName, 'config.pbtxt'), 'utf8'), /label_filename/);
    if (!pythonReady) return;
    const run = spawnSync('python3', [join(import.meta.dirname, 'checkRepository.py'), folder, out.ModelName, existsSync(proto) ? proto : ''], { encoding: 'utf8' });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  });

  it("exports it reading by tiles: the graph takes tiles, loupe_tiles.py does the tiling around it, and both agree with Loupe's tiled analysis", async () => {
    // The same trained weights set to analyse by tiles (as the view search chooses for small objects), a tile larger than the input so the decode shrinks.
    const { modelPath } = requireVersion(loupe.ctx, versionArn);
    const model = decodeModel(readFileSync(modelPath!));
    const metadata = JSON.parse(model.metadata.loupe!) as DetectorMetadata;
    const side = metadata.input.width;
    const tiling = { side: Math.round(side * 1.25), overlap: Math.round(side / 4) };
    await (await writeModelFile(dirname(modelPath!), model, { ...metadata, detection: { ...metadata.detection, tiling } })).finalize(metadata.thresholds);

    const folder = join(tempDir(), 'loupe-export-squares-v1-tiled');
    const out = await loupe.ok('ExportModelRepository', { ProjectVersionArn: versionArn, Folder: folder });
    const job = await waitForJob(loupe.ctx, out.JobId);
    assert.equal(job.Status, 'succeeded', job.Message);
    const loupeJson = JSON.parse(readFileSync(join(folder, out.ModelName, 'loupe.json'), 'utf8'));
    assert.equal(loupeJson.servingContract.tiling.tile, tiling.side);
    assert.equal(loupeJson.servingContract.tiling.overlap, tiling.overlap);
    assert.deepEqual(loupeJson.servingContract.tiling.merge, { nmsIou: metadata.detection.nmsIou, tileIou: 0.3, edgeMargin: 2, fragmentCover: 0.6, topK: metadata.detection.topK, rule: loupeJson.servingContract.tiling.merge.rule });
    const golden = readdirSync(join(folder, 'golden', '000')).sort();
    assert.deepEqual(golden, ['boxes.npy', 'classes.npy', 'count.npy', 'image.npy', 'merged_boxes.npy', 'merged_classes.npy', 'merged_count.npy', 'merged_scores.npy', 'scores.npy', 'source_image.npy', 'source_size.npy']);
    // Several tiles per image, and boxes found and merged on some of them, so the grid, the cut and the merge all take part.
    const cases = readdirSync(join(folder, 'golden'));
    const tiles = cases.map((c) => readNpy(readFileSync(join(folder, 'golden', c, 'image.npy'))).shape[0]!);
    const merged = cases.map((c) => Number(readNpy(readFileSync(join(folder, 'golden', c, 'merged_count.npy'))).values()[0]));
    const perTile = cases.map((c) => Array.from(readNpy(readFileSync(join(folder, 'golden', c, 'count.npy'))).values() as Int32Array).reduce((a, b) => a + b, 0));
    console.log(`# tiles per golden image ${tiles.join(',')}; boxes before the merge ${perTile.join(',')}, after ${merged.join(',')}`);
    assert.ok(tiles.every((n) => n >= 4), `tiles per image: ${tiles.join(', ')}`);
    assert.ok(merged.some((n) => n > 0), 'some golden image has boxes after the merge');
    const readme = readFileSync(join(folder, 'README.md'), 'utf8');
    assert.ok(readme.includes(readFileSync(join(folder, 'loupe_tiles.py'), 'utf8')), 'the README prints loupe_tiles.py as written');
    if (!pythonReady) return;
    const run = spawnSync('python3', [join(import.meta.dirname, 'checkRepository.py'), folder, out.ModelName, existsSync(proto) ? proto : ''], { encoding: 'utf8' });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!);
    assert.ok(report.tiled >= 8, `loupe_tiles.py ran on ${report.tiled} golden images`);
  });
});

describe('exporting a trained anomaly model as a model repository', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  it('answers anomaly_score, is_anomalous and anomaly_map as DetectAnomalies does, and runs in Python onnxruntime', async () => {
    const loupe = aLoupe();
    try {
      const images = join(loupe.home, 'parts');
      for (let i = 0; i < 6; i++) await aTexture(join(images, 'normal', `${i}.png`), { seed: i });
      await loupe.ok('LookoutVisionCreateProject', { ProjectName: 'parts' });
      const { ProjectArn } = (await loupe.ok('DescribeProjects', { ProjectNames: ['parts'] })).ProjectDescriptions[0]!;
      const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
      await waitForJob(loupe.ctx, (await loupe.ok('ImportFolder', { DatasetArn, Folder: images })).JobId);
      const { ProjectVersionArn } = await loupe.ok('CreateProjectVersion', { ProjectArn });
      for (const job of (await loupe.ok('ListJobs', { ResourceArn: ProjectVersionArn, Active: true })).Jobs) await waitForJob(loupe.ctx, job.JobId);
      const folder = join(tempDir(), 'loupe-export-parts-1');
      const out = await loupe.ok('ExportModelRepository', { ProjectVersionArn, Folder: folder });
      const job = await waitForJob(loupe.ctx, out.JobId);
      assert.equal(job.Status, 'succeeded', job.Message);
      const loupeJson = JSON.parse(readFileSync(join(folder, out.ModelName, 'loupe.json'), 'utf8'));
      assert.equal(loupeJson.useCase, 'anomaly');
      assert.deepEqual(loupeJson.outputs.map((o: { name: string }) => o.name), ['anomaly_score', 'is_anomalous', 'anomaly_map']);
      assert.equal(typeof loupeJson.thresholds.effective.anomaly, 'number');
      if (!pythonReady) return;
      const run = spawnSync('python3', [join(import.meta.dirname, 'checkRepository.py'), folder, out.ModelName, existsSync(proto) ? proto : ''], { encoding: 'utf8' });
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    } finally {
      loupe.dispose();
    }
  });
});
