import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as q from '../../main/db/queries';
import { insertNewVersion } from '../../main/models/newVersion';
import { TRAINING_CANCELLED_MESSAGE } from '../../preload/contract/names';
import { aClock, aLoupe, type TestLoupe } from '../support/loupe';

describe('when a project has a good model and a newer cancelled training (issue 15)', () => {
  let loupe: TestLoupe;
  before(() => {
    loupe = aLoupe({ now: aClock() });
  });
  after(() => loupe.dispose());

  it('the project list names the best usable model beside the newest version', async () => {
    await loupe.ok('CreateProject', { ProjectName: 'line-2' });
    const project = q.findProjectByName(loupe.ctx.db, 'line-2')!;
    const version = (name: string, status: q.VersionRow['status'], statusMessage: string, f1: number | null, createdMs: number) => {
      const row = insertNewVersion(loupe.ctx, { project, name, status, statusMessage, createdMs });
      if (f1 !== null) q.putEvaluation(loupe.ctx.db, { versionId: row.id, f1Score: f1, summaryPath: null, manifestPath: null, summaryJson: null, createdMs });
    };
    version('v1', 'RUNNING', 'The model is running.', 0.904, 1_000);
    version('v2', 'STOPPED', 'The model has stopped running.', 0.85, 2_000);
    version('v3', 'TRAINING_FAILED', TRAINING_CANCELLED_MESSAGE, null, 3_000);

    const [summary] = (await loupe.ok('ListProjectSummaries', {})).Projects;
    assert.equal(summary!.VersionCount, 3);
    assert.deepEqual(summary!.LatestVersion, { VersionName: 'v3', Status: 'TRAINING_FAILED', StatusMessage: TRAINING_CANCELLED_MESSAGE });
    assert.deepEqual(summary!.BestVersion, { VersionName: 'v1', Status: 'RUNNING', StatusMessage: 'The model is running.', F1Score: 0.904 });
  });
});
