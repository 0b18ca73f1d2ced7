/**
 * Issue #16: a copy (CopyProjectVersion, ImportModelPackage) interrupted by a crash is completed at
 * the next start when every file it planned arrived intact, and failed with its partial files
 * removed otherwise. The interruption is real: Loupe is closed as soon as the call returns, before
 * its job copies a byte (real SQLite, real files); the files a copy would have written by the
 * moment of a kill are then put in place by the test.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as q from '../../../main/db/queries';
import { waitForJob } from '../../../main/jobs';
import { insertNewVersion } from '../../../main/models/newVersion';
import { outputLocation } from '../../../main/models/output';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

const model = Buffer.alloc(256 * 1024, 3);
const summary = JSON.stringify({ EvaluationDetails: { F1Score: 0.75 } });

/** A trained version with a model file and an evaluation summary on disk. */
async function aTrainedVersion(loupe: TestLoupe): Promise<{ ProjectArn: string; ProjectVersionArn: string; folder: string }> {
  const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'source' });
  const project = q.findProjectByArn(loupe.ctx.db, ProjectArn)!;
  const version = insertNewVersion(loupe.ctx, { project, name: 'v1', createdMs: Date.now(), status: 'TRAINING_COMPLETED', statusMessage: 'trained' });
  const folder = outputLocation(loupe.ctx, version, project.name).folder;
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'model.onnx'), model);
  writeFileSync(join(folder, 'evaluation.json'), summary);
  q.updateVersion(loupe.ctx.db, version.id, { modelPath: join(folder, 'model.onnx'), executionProvider: 'cpu' });
  q.putEvaluation(loupe.ctx.db, { versionId: version.id, f1Score: 0.75, summaryPath: join(folder, 'evaluation.json'), manifestPath: null, summaryJson: summary, createdMs: Date.now() });
  return { ProjectArn, ProjectVersionArn: version.arn, folder };
}

/** Start a copy and stop Loupe before its job runs: the state a kill leaves at that moment. */
async function copyThenCrash(home: string): Promise<{ source: string; destination: string; versionArn: string; ProjectArn: string }> {
  const loupe = aLoupe({ home });
  const trained = await aTrainedVersion(loupe);
  const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'line' });
  const { ProjectVersionArn } = await loupe.ok('CopyProjectVersion', {
    SourceProjectArn: trained.ProjectArn,
    SourceProjectVersionArn: trained.ProjectVersionArn,
    DestinationProjectArn: ProjectArn,
    VersionName: 'copied',
  });
  const version = q.findVersionByArn(loupe.ctx.db, ProjectVersionArn)!;
  const destination = outputLocation(loupe.ctx, version, 'line').folder;
  loupe.close();
  return { source: trained.folder, destination, versionArn: ProjectVersionArn, ProjectArn };
}

async function describeVersion(loupe: TestLoupe, ProjectArn: string) {
  return (await loupe.ok('DescribeProjectVersions', { ProjectArn })).ProjectVersionDescriptions[0]!;
}

describe('issue #16: when Loupe starts after a crash during CopyProjectVersion', () => {
  it('completes the copy when every planned file arrived with its size and hash', async () => {
    const home = tempDir();
    const { source, destination, versionArn, ProjectArn } = await copyThenCrash(home);
    assert.equal(existsSync(join(destination, 'model.onnx')), false, 'the crash came before the job copied anything');
    // Killed after the last file was written, before the version's row was updated.
    mkdirSync(destination, { recursive: true });
    for (const file of readdirSync(source)) copyFileSync(join(source, file), join(destination, file));

    const loupe = aLoupe({ home });
    try {
      const described = await describeVersion(loupe, ProjectArn);
      assert.equal(described.ProjectVersionArn, versionArn);
      assert.equal(described.Status, 'COPYING_COMPLETED');
      assert.match(described.StatusMessage ?? '', /completed when Loupe started again/);
      const row = q.findVersionByArn(loupe.ctx.db, versionArn)!;
      assert.equal(row.modelPath, join(destination, 'model.onnx'));
      assert.equal(row.executionProvider, 'cpu');
      const evaluation = q.findEvaluation(loupe.ctx.db, row.id)!;
      assert.equal(evaluation.summaryPath, join(destination, 'evaluation.json'));
      assert.equal(evaluation.summaryJson, summary);
      const [job] = (await loupe.ok('ListJobs', { ResourceArn: versionArn })).Jobs;
      assert.equal(job?.Status, 'succeeded');
    } finally {
      loupe.close();
    }
  });

  it('fails the copy and removes its files when one arrived half-written', async () => {
    const home = tempDir();
    const { source, destination, ProjectArn, versionArn } = await copyThenCrash(home);
    mkdirSync(destination, { recursive: true });
    for (const file of readdirSync(source)) copyFileSync(join(source, file), join(destination, file));
    truncateSync(join(destination, 'model.onnx'), model.length / 2);

    const loupe = aLoupe({ home });
    try {
      const described = await describeVersion(loupe, ProjectArn);
      assert.equal(described.Status, 'COPYING_FAILED');
      assert.match(described.StatusMessage ?? '', /partial files were removed/);
      assert.equal(existsSync(destination), false);
      await loupe.ok('DeleteProjectVersion', { ProjectVersionArn: versionArn });
    } finally {
      loupe.close();
    }
  });

  it('fails the copy when a file has the right size but other bytes', async () => {
    const home = tempDir();
    const { source, destination, ProjectArn } = await copyThenCrash(home);
    mkdirSync(destination, { recursive: true });
    for (const file of readdirSync(source)) copyFileSync(join(source, file), join(destination, file));
    writeFileSync(join(destination, 'model.onnx'), Buffer.alloc(model.length, 9));

    const loupe = aLoupe({ home });
    try {
      assert.equal((await describeVersion(loupe, ProjectArn)).Status, 'COPYING_FAILED');
      assert.equal(existsSync(destination), false);
    } finally {
      loupe.close();
    }
  });

  it('copies and checks every file when nothing is interrupted', async () => {
    const loupe = aLoupe();
    try {
      const trained = await aTrainedVersion(loupe);
      const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'line' });
      const { ProjectVersionArn } = await loupe.ok('CopyProjectVersion', {
        SourceProjectArn: trained.ProjectArn,
        SourceProjectVersionArn: trained.ProjectVersionArn,
        DestinationProjectArn: ProjectArn,
        VersionName: 'copied',
      });
      const [job] = (await loupe.ok('ListJobs', { ResourceArn: ProjectVersionArn })).Jobs;
      await waitForJob(loupe.ctx, job!.JobId);
      assert.equal((await describeVersion(loupe, ProjectArn)).Status, 'COPYING_COMPLETED');
      const row = q.findVersionByArn(loupe.ctx.db, ProjectVersionArn)!;
      assert.equal(q.findEvaluation(loupe.ctx.db, row.id)?.summaryJson, summary);
    } finally {
      loupe.dispose();
    }
  });
});

describe('issue #16: when Loupe starts after a crash during ImportModelPackage', () => {
  function aPackage(): string {
    const folder = join(tempDir('loupe-package-'), 'p.v1');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'model.onnx'), model);
    writeFileSync(join(folder, 'evaluation.json'), summary);
    const manifest = {
      format: 1,
      model: 'model.onnx',
      sha256: createHash('sha256').update(model).digest('hex'),
      sourceProjectVersionArn: 'arn:aws:rekognition:us-east-1:000000000000:project/p/version/v1/1',
      f1Score: 0.75,
      executionProvider: 'cpu',
      files: ['model.onnx', 'evaluation.json'],
      evaluationSummary: 'evaluation.json',
      trainingSeconds: 2,
    };
    writeFileSync(join(folder, 'loupe-model.json'), JSON.stringify(manifest));
    return folder;
  }

  async function importThenCrash(home: string, pkg: string) {
    const loupe = aLoupe({ home });
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'kiosk' });
    const { ProjectVersionArn } = await loupe.ok('ImportModelPackage', { ProjectArn, VersionName: 'imported', Folder: pkg });
    const destination = outputLocation(loupe.ctx, q.findVersionByArn(loupe.ctx.db, ProjectVersionArn)!, 'kiosk').folder;
    loupe.close();
    return { ProjectArn, ProjectVersionArn, destination };
  }

  it('completes the import when the package’s files all arrived, even if the package changed since', async () => {
    const home = tempDir();
    const pkg = aPackage();
    const { ProjectArn, ProjectVersionArn, destination } = await importThenCrash(home, pkg);
    mkdirSync(destination, { recursive: true });
    for (const file of ['model.onnx', 'evaluation.json']) copyFileSync(join(pkg, file), join(destination, file));
    writeFileSync(join(pkg, 'model.onnx'), 'replaced after the copy');

    const loupe = aLoupe({ home });
    try {
      const described = await describeVersion(loupe, ProjectArn);
      assert.equal(described.Status, 'COPYING_COMPLETED');
      const row = q.findVersionByArn(loupe.ctx.db, ProjectVersionArn)!;
      assert.equal(row.modelPath, join(destination, 'model.onnx'));
      assert.equal(row.billableTrainingMs, 2000);
      assert.equal(q.findEvaluation(loupe.ctx.db, row.id)?.summaryJson, summary);
    } finally {
      loupe.close();
    }
  });

  it('fails the import and removes what was copied when a file is missing', async () => {
    const home = tempDir();
    const pkg = aPackage();
    const { ProjectArn, destination } = await importThenCrash(home, pkg);
    mkdirSync(destination, { recursive: true });
    copyFileSync(join(pkg, 'model.onnx'), join(destination, 'model.onnx'));

    const loupe = aLoupe({ home });
    try {
      assert.equal((await describeVersion(loupe, ProjectArn)).Status, 'COPYING_FAILED');
      assert.equal(existsSync(destination), false);
    } finally {
      loupe.close();
    }
  });
});
