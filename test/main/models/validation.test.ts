/**
 * What CreateProjectVersion checks before any training: the guide's terminal content errors end
 * the version in TRAINING_FAILED with the guide's message, and the manifest summary and the
 * validation manifests say why — in the version's output folder.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { classFolder } from '../../support/classes';
import { anImage } from '../../support/images';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

describe('validation before training', () => {
  let loupe: TestLoupe;
  before(() => {
    loupe = aLoupe();
  });
  after(() => loupe.dispose());

  async function trainOn(name: string, train: string, test?: string) {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: name });
    for (const [type, folder] of [['TRAIN', train], ['TEST', test]] as const) {
      if (!folder) continue;
      const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: type });
      await waitForJob(loupe.ctx, (await loupe.ok('ImportFolder', { DatasetArn, Folder: folder })).JobId);
    }
    const { ProjectVersionArn } = await loupe.ok('CreateProjectVersion', { ProjectArn, VersionName: 'v1' });
    const [job] = (await loupe.ok('ListJobs', { ResourceArn: ProjectVersionArn })).Jobs;
    await waitForJob(loupe.ctx, job!.JobId);
    const [version] = (await loupe.ok('DescribeProjectVersions', { ProjectArn, VersionNames: ['v1'] })).ProjectVersionDescriptions;
    const folder = (await loupe.ok('ListBucketMappings', {})).BucketMappings.find((m) => m.Bucket === 'loupe-output')!.Folder;
    const read = (key: string) => readFileSync(join(folder, key), 'utf8');
    return { version: version!, read, prefix: `${name}/v1/` };
  }

  it('fails with ERROR_MANIFEST_TOO_FEW_LABELS for a classification dataset of one label', async () => {
    const root = tempDir();
    for (let i = 0; i < 5; i++) await anImage(join(root, 'only', `${i}.jpg`), { color: `#${(30 + i * 20).toString(16)}5050` });
    const { version, read } = await trainOn('one-label', root);
    assert.equal(version.Status, 'TRAINING_FAILED');
    assert.equal(version.StatusMessage, 'The manifest file has too few labels.');
    const summary = JSON.parse(read(version.ManifestSummary!.S3Object!.Name!));
    assert.deepEqual(summary.statistics.training.errors, [{ code: 'ERROR_MANIFEST_TOO_FEW_LABELS', message: 'The manifest file has too few labels.' }]);
    assert.equal(summary.statistics.training.use_case, 'NOT_DETERMINED');
    assert.equal(version.EvaluationResult, undefined);
  });

  it('fails the auto-split when a label has a single image, and marks unlabeled images as ignored', async () => {
    const root = tempDir();
    await classFolder(root, 4);
    await anImage(join(root, 'rare', 'lonely.jpg'));
    await anImage(join(root, 'unlabeled.jpg'));
    const { version, read, prefix } = await trainOn('autosplit', root);
    assert.equal(version.Status, 'TRAINING_FAILED');
    assert.equal(version.StatusMessage, 'The manifest file has insufficient labeled images per label to perform auto-split.');
    const lines = read(`${prefix}training_manifest_with_validation.json`).trim().split('\n').map((l) => JSON.parse(l));
    const unlabeled = lines.find((l) => l['source-ref'].endsWith('unlabeled.jpg'));
    assert.deepEqual(unlabeled.warnings, [{ code: 'WARNING_UNANNOTATED_RECORD', message: 'Record is unannotated.' }]);
    const summary = JSON.parse(read(`${prefix}manifest_summary.json`));
    assert.equal(summary.statistics.training.ignored_json_lines, 1);
  });

  it('fails with ERROR_INSUFFICIENT_USABLE_LABEL_OVERLAP when the test labels are not training labels', async () => {
    const train = tempDir();
    const test = tempDir();
    await classFolder(train, 4);
    for (let i = 0; i < 3; i++) await anImage(join(test, 'other', `${i}.jpg`));
    const { version } = await trainOn('overlap', train, test);
    assert.equal(version.Status, 'TRAINING_FAILED');
    assert.equal(version.StatusMessage, 'Less than 50% usable label overlap between the training and testing manifest files.');
  });
});
