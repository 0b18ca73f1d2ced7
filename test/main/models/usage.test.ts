/**
 * The usage report's arithmetic on a real database: intervals of units in service split at UTC
 * midnight into running hours and inference-unit hours, beside the images analysed and the errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as q from '../../../main/db/queries';
import { recordAnalysis, recordUnits } from '../../../main/models/usage';
import { aLoupe, type TestLoupe } from '../../support/loupe';
import { sqlite } from '../../../main/db/handle';

const HOUR = 3_600_000;

describe('the usage report', () => {
  let loupe: TestLoupe;
  let clock = Date.UTC(2026, 2, 1, 22, 0, 0);
  let version: { id: number; arn: string };
  let ProjectArn: string;

  before(async () => {
    loupe = aLoupe({ now: () => clock });
    ({ ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'usage' }));
    const project = q.findProjectByArn(loupe.ctx.db, ProjectArn)!;
    const arn = ProjectArn.replace(/\/\d+$/, '/version/v1/1');
    sqlite(loupe.ctx.db).prepare(`INSERT INTO project_versions (project_id, name, arn, created_ms, status) VALUES (?, 'v1', ?, 1, 'RUNNING')`).run(project.id, arn);
    version = { id: q.findVersionByArn(loupe.ctx.db, arn)!.id, arn };
  });
  after(() => loupe.dispose());

  it('adds up hours per UTC day across midnight, with scale changes, images and errors', async () => {
    recordUnits(loupe.ctx, version, 'start', 1); // 22:00, 1 unit
    recordAnalysis(loupe.ctx, version.id, true);
    clock += HOUR; // 23:00 → 2 units
    recordUnits(loupe.ctx, version, 'scale', 2);
    recordAnalysis(loupe.ctx, version.id, false);
    clock += 2 * HOUR; // 01:00 next day → stopped
    recordAnalysis(loupe.ctx, version.id, true);
    recordUnits(loupe.ctx, version, 'stop', 0);
    clock += 5 * HOUR;

    const usage = await loupe.ok('DescribeUsage', { ProjectArn });
    assert.deepEqual(usage.Days, [
      { ProjectVersionArn: version.arn, Day: '2026-03-01', RunningHours: 2, InferenceUnitHours: 3, ImagesAnalysed: 1, Errors: 1 },
      { ProjectVersionArn: version.arn, Day: '2026-03-02', RunningHours: 1, InferenceUnitHours: 2, ImagesAnalysed: 1, Errors: 0 },
    ]);
    assert.deepEqual(
      usage.Intervals.map((interval) => interval.InferenceUnits),
      [1, 2],
    );
    assert.ok(usage.Intervals.every((interval) => interval.EndTimestamp !== undefined));
    assert.deepEqual(await loupe.ok('DescribeUsage', { ProjectVersionArn: version.arn }), usage);
    assert.equal((await loupe.fails('DescribeUsage', { ProjectVersionArn: version.arn.replace('/v1/', '/v9/') })).code, 'ResourceNotFoundException');
  });

  it('counts a version still running up to now', async () => {
    recordUnits(loupe.ctx, version, 'start', 3);
    clock += HOUR / 2;
    const usage = await loupe.ok('DescribeUsage', {});
    const open = usage.Intervals.at(-1)!;
    assert.equal(open.EndTimestamp, undefined);
    // The same UTC day as the first run's last hour: 1 h at 2 units, then half an hour at 3.
    const today = usage.Days.at(-1)!;
    assert.equal(today.Day, '2026-03-02');
    assert.equal(today.RunningHours, 1.5);
    assert.equal(today.InferenceUnitHours, 3.5);
  });
});
