/**
 * Object detection end to end on generated images: red and blue squares of varying size and place
 * on a noisy background, datasets from object-detection manifests through a bucket mapping →
 * CreateProjectVersion → evaluation (mAP) → StartProjectVersion → DetectCustomLabels returns the
 * right label with a box within IoU 0.5 of the truth. Needs the built backbones.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { waitForJob } from '../../../main/jobs';
import { iou } from '../../../native/metrics';
import { aLoupe, type TestLoupe } from '../../support/loupe';

const modelsBuilt = existsSync(join(import.meta.dirname, '../../../dist/models/nsfwjs-mobilenet-v2-140.onnx'));

function random(seed: number): () => number {
  let state = (seed * 2654435761 + 12345) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

type Square = { label: 'red' | 'blue'; left: number; top: number; width: number; height: number };

/** A noisy grey-brown image (128–256 px a side) with one or two squares that do not overlap. */
async function squaresImage(path: string, seed: number): Promise<{ width: number; height: number; squares: Square[] }> {
  const next = random(seed);
  const width = 128 + Math.floor(next() * 129);
  const height = 128 + Math.floor(next() * 129);
  const count = next() < 0.5 ? 1 : 2;
  const squares: Square[] = [];
  for (let k = 0; k < count * 20 && squares.length < count; k++) {
    const side = Math.round(Math.min(width, height) * (0.2 + next() * 0.25));
    const square: Square = {
      label: (squares.length === 0 ? seed % 2 === 0 : seed % 2 !== 0) ? 'red' : 'blue',
      left: Math.floor(next() * (width - side)),
      top: Math.floor(next() * (height - side)),
      width: side,
      height: side,
    };
    if (squares.every((other) => iou(other, square) === 0 && (square.left >= other.left + other.width + 4 || other.left >= square.left + square.width + 4 || square.top >= other.top + other.height + 4 || other.top >= square.top + square.height + 4))) squares.push(square);
  }
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const noise = (next() - 0.5) * 60;
      const inside = squares.find((s) => x >= s.left && x < s.left + s.width && y >= s.top && y < s.top + s.height);
      const [r, g, b] = inside ? (inside.label === 'red' ? [210, 40, 40] : [40, 60, 210]) : [140 + 30 * Math.sin(x / 9), 130, 110 + 30 * Math.cos(y / 11)];
      const i = (y * width + x) * 3;
      data[i] = Math.max(0, Math.min(255, r + noise));
      data[i + 1] = Math.max(0, Math.min(255, g + noise));
      data[i + 2] = Math.max(0, Math.min(255, b + noise));
    }
  }
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(path);
  return { width, height, squares };
}

function manifestLine(ref: string, image: { width: number; height: number; squares: Square[] }) {
  const names = ['red', 'blue'];
  return {
    'source-ref': ref,
    'bounding-box': {
      image_size: [{ width: image.width, height: image.height, depth: 3 }],
      annotations: image.squares.map((s) => ({ class_id: names.indexOf(s.label), left: s.left, top: s.top, width: s.width, height: s.height })),
    },
    'bounding-box-metadata': {
      objects: image.squares.map(() => ({ confidence: 1 })),
      'class-map': { '0': 'red', '1': 'blue' },
      type: 'groundtruth/object-detection',
      'human-annotated': 'yes',
      'creation-date': '2024-01-01T00:00:00.000Z',
    },
  };
}

describe('training and running an object detector end to end', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  let loupe: TestLoupe;
  let projectArn: string;
  let versionArn: string;
  let folder: string;

  before(async () => {
    loupe = aLoupe();
    folder = join(loupe.home, 'squares');
    mkdirSync(folder, { recursive: true });
    const sets = { train: [] as object[], test: [] as object[] };
    for (let i = 0; i < 40; i++) {
      const name = `img-${i}.png`;
      const image = await squaresImage(join(folder, name), i + 1);
      (i < 30 ? sets.train : sets.test).push(manifestLine(`s3://squares/${name}`, image));
    }
    for (const [name, lines] of Object.entries(sets)) writeFileSync(join(folder, `${name}.manifest`), lines.map((l) => JSON.stringify(l)).join('\n'));
    await loupe.ok('CreateBucketMapping', { Bucket: 'squares', Folder: folder });
    projectArn = (await loupe.ok('CreateProject', { ProjectName: 'squares' })).ProjectArn;
    for (const [type, name] of [['TRAIN', 'train'], ['TEST', 'test']] as const) {
      const { DatasetArn } = await loupe.ok('CreateDataset', {
        ProjectArn: projectArn,
        DatasetType: type,
        DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'squares', Name: `${name}.manifest` } } },
      });
      for (const job of (await loupe.ok('ListJobs', { ResourceArn: DatasetArn, Active: true })).Jobs) await waitForJob(loupe.ctx, job.JobId);
    }
  });
  after(() => loupe.dispose());

  it('trains a detector whose test-set mAP is high', async () => {
    const started = performance.now();
    versionArn = (await loupe.ok('CreateProjectVersion', { ProjectArn: projectArn, VersionName: 'v1' })).ProjectVersionArn;
    for (const job of (await loupe.ok('ListJobs', { ResourceArn: versionArn, Active: true })).Jobs) await waitForJob(loupe.ctx, job.JobId);
    let version;
    for (;;) {
      version = (await loupe.ok('DescribeProjectVersions', { ProjectArn: projectArn, VersionNames: ['v1'] })).ProjectVersionDescriptions[0]!;
      if (version.Status !== 'TRAINING_IN_PROGRESS') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(version.Status, 'TRAINING_COMPLETED', version.StatusMessage);
    const evaluation = await loupe.ok('DescribeEvaluation', { ProjectVersionArn: versionArn });
    const summary = evaluation.Summary as any;
    const f1 = version.EvaluationResult!.F1Score!;
    const results = summary.LabelEvaluationResults.map((r: any) => `${r.Label}: ${JSON.stringify(r.Metrics)}`).join('; ');
    console.log(`detection: trained and evaluated in ${((performance.now() - started) / 1000).toFixed(1)} s, F1 ${f1.toFixed(3)}; ${results}; aggregate ${JSON.stringify(summary.AggregatedEvaluationResults)}`);
    assert.ok(f1 >= 0.7, `F1 ${f1}`);
  });

  it('detects the right label with a box within IoU 0.5 of the truth', async () => {
    await loupe.ok('StartProjectVersion', { ProjectVersionArn: versionArn, MinInferenceUnits: 1 });
    for (;;) {
      const status = (await loupe.ok('DescribeProjectVersions', { ProjectArn: projectArn, VersionNames: ['v1'] })).ProjectVersionDescriptions[0]!.Status;
      if (status === 'RUNNING') break;
      assert.ok(status === 'STARTING', status);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    let hits = 0;
    const probes = 6;
    for (let k = 0; k < probes; k++) {
      const path = join(folder, `probe-${k}.png`);
      const image = await squaresImage(path, 1000 + k);
      const { CustomLabels } = await loupe.ok('DetectCustomLabels', { ProjectVersionArn: versionArn, Image: { Bytes: readFileSync(path).toString('base64') } } as never);
      const truth = image.squares[0]!;
      const box = (label: any) => ({
        left: label.Geometry.BoundingBox.Left * image.width,
        top: label.Geometry.BoundingBox.Top * image.height,
        width: label.Geometry.BoundingBox.Width * image.width,
        height: label.Geometry.BoundingBox.Height * image.height,
      });
      if ((CustomLabels as any[]).some((label) => label.Name === truth.label && label.Geometry && iou(box(label), truth) >= 0.5)) hits++;
    }
    assert.ok(hits >= probes - 1, `${hits} of ${probes} probes found`);
    await loupe.ok('StopProjectVersion', { ProjectVersionArn: versionArn });
  });
});
