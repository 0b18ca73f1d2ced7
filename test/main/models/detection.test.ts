/**
 * Object detection end to end on generated images (test/support/squares.ts): red and blue squares
 * of varying size and place on a noisy background, datasets from object-detection manifests through a bucket mapping →
 * CreateProjectVersion → evaluation (mAP) → StartProjectVersion → DetectCustomLabels returns the
 * right label with a box within IoU 0.5 of the truth. Needs the built backbones.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { iou } from '../../../native/metrics';
import { aLoupe, type TestLoupe } from '../../support/loupe';
import { squaresImage, writeSquaresDataset } from '../../support/squares';

const modelsBuilt = existsSync(join(import.meta.dirname, '../../../dist/models/nsfwjs-mobilenet-v2-140.onnx'));

describe('training and running an object detector end to end', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  let loupe: TestLoupe;
  let projectArn: string;
  let versionArn: string;
  let folder: string;

  before(async () => {
    loupe = aLoupe();
    folder = join(loupe.home, 'squares');
    mkdirSync(folder, { recursive: true });
    await writeSquaresDataset(folder, 'squares', 40, 30);
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
