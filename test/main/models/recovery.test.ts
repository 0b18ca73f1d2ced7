/**
 * Issue #16: every status that says work is under way ends when Loupe starts again after a crash.
 * The crash is the state a killed process leaves behind: rows written, files half copied, no job
 * to finish them (the fault suite, `npm run faults`, makes the same states with real kills).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as q from '../../../main/db/queries';
import { insertNewVersion } from '../../../main/models/newVersion';
import { outputLocation } from '../../../main/models/output';
import { aLoupe, tempDir } from '../../support/loupe';

describe('issue #16: when Loupe starts after a crash', () => {
  it('ends a version left COPYING_IN_PROGRESS as COPYING_FAILED, removes its half-copied files, and lets it and its project be deleted', async () => {
    const home = tempDir();
    let loupe = aLoupe({ home });
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'copied-into' });
    const project = q.findProjectByArn(loupe.ctx.db, ProjectArn)!;
    const version = insertNewVersion(loupe.ctx, { project, name: 'v1', createdMs: Date.now(), status: 'COPYING_IN_PROGRESS', statusMessage: 'The model is being copied.' });
    const folder = outputLocation(loupe.ctx, version, project.name).folder;
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'model.onnx'), Buffer.alloc(1000, 7));
    loupe.close();

    loupe = aLoupe({ home });
    try {
      const { ProjectVersionDescriptions } = await loupe.ok('DescribeProjectVersions', { ProjectArn });
      assert.equal(ProjectVersionDescriptions[0]?.Status, 'COPYING_FAILED');
      assert.match(ProjectVersionDescriptions[0]?.StatusMessage ?? '', /stopped while this model was being copied/);
      assert.equal(existsSync(folder), false, 'the half-copied files are gone');
      await loupe.ok('DeleteProjectVersion', { ProjectVersionArn: version.arn });
      await loupe.ok('DeleteProject', { ProjectArn });
    } finally {
      loupe.close();
    }
  });

  it('leaves no dataset, version or project in a status that says work is under way', async () => {
    const home = tempDir();
    let loupe = aLoupe({ home });
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'busy' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    const { ProjectArn: gone } = await loupe.ok('CreateProject', { ProjectName: 'being-deleted' });
    const project = q.findProjectByArn(loupe.ctx.db, ProjectArn)!;
    const dataset = q.findDatasetByArn(loupe.ctx.db, DatasetArn)!;
    q.setDatasetStatus(loupe.ctx.db, dataset.id, 'UPDATE_IN_PROGRESS', '', 'SUCCESS', Date.now());
    const statuses = ['TRAINING_IN_PROGRESS', 'STARTING', 'RUNNING', 'STOPPING', 'DELETING', 'COPYING_IN_PROGRESS'] as const;
    for (const status of statuses) insertNewVersion(loupe.ctx, { project, name: status.toLowerCase(), createdMs: Date.now(), status, statusMessage: '' });
    q.setProjectStatus(loupe.ctx.db, q.findProjectByArn(loupe.ctx.db, gone)!.id, 'DELETING');
    loupe.close();

    loupe = aLoupe({ home });
    try {
      const busy = /IN_PROGRESS|ING$/;
      const projects = (await loupe.ok('DescribeProjects', {})).ProjectDescriptions;
      assert.deepEqual(projects.map((p) => [p.ProjectArn, p.Status]), [[ProjectArn, 'CREATED']]);
      const versions = (await loupe.ok('DescribeProjectVersions', { ProjectArn })).ProjectVersionDescriptions;
      assert.equal(versions.length, statuses.length - 1, 'the version being deleted is deleted');
      for (const v of versions) assert.doesNotMatch(v.Status, busy, v.ProjectVersionArn);
      const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
      assert.equal(DatasetDescription.Status, 'UPDATE_FAILED');
      assert.equal((await loupe.ok('ListJobs', { Active: true })).Jobs.length, 0);
    } finally {
      loupe.close();
    }
  });

  it('keeps an interrupted training’s manifests but not its half-written model', async () => {
    const home = tempDir();
    let loupe = aLoupe({ home });
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'trained' });
    const project = q.findProjectByArn(loupe.ctx.db, ProjectArn)!;
    const version = insertNewVersion(loupe.ctx, { project, name: 'v1', createdMs: Date.now(), status: 'TRAINING_IN_PROGRESS', statusMessage: '' });
    const folder = outputLocation(loupe.ctx, version, project.name).folder;
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'model.onnx.tmp-1a2b'), Buffer.alloc(100));
    writeFileSync(join(folder, 'model.onnx'), Buffer.alloc(100));
    writeFileSync(join(folder, 'training_manifest_with_validation.json'), '{}\n');
    loupe.close();

    loupe = aLoupe({ home });
    try {
      const [described] = (await loupe.ok('DescribeProjectVersions', { ProjectArn })).ProjectVersionDescriptions;
      assert.equal(described?.Status, 'TRAINING_FAILED');
      assert.deepEqual(readdirSync(folder), ['training_manifest_with_validation.json']);
    } finally {
      loupe.close();
    }
  });
});
