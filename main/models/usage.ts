/**
 * Model usage, in place of the service's CloudWatch metric (`InServiceInferenceUnits` by project and
 * version) and CloudTrail's Start/Stop events: every start, stop and scale of a version opens or
 * closes an interval of units in service (and says so in the log), every analysis counts an image
 * or an error for its UTC day, and DescribeUsage adds them up per version and day: running hours,
 * inference-unit hours, images analysed, errors.
 */
import type { OutputOf } from '../../preload/contract';
import type { DescribeUsageInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { createLogger } from '../log';
import { notFound } from '../errors';
import { epochSeconds } from '../paging';

const log = createLogger('usage');
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type UsageEvent = 'start' | 'stop' | 'scale';

/** Units in service changed for a version (0 when it stopped): close the open interval, open the next. */
export function recordUnits(ctx: Context, version: { id: number; arn: string }, event: UsageEvent, units: number): void {
  const now = ctx.now();
  q.closeUsageIntervals(ctx.db, version.id, now);
  if (units > 0) q.openUsageInterval(ctx.db, version.id, now, units);
  log.info(`model ${event}`, { version: version.arn, inferenceUnits: units });
}

/** One analysis answered (an image analysed) or failed (an error), on today's UTC date. */
export function recordAnalysis(ctx: Context, versionId: number, succeeded: boolean): void {
  q.countUsage(ctx.db, versionId, dayOf(ctx.now()), succeeded ? 1 : 0, succeeded ? 0 : 1);
}

export function describeUsage(ctx: Context, input: DescribeUsageInput): OutputOf<'DescribeUsage'> {
  const all = q.listVersionArns(ctx.db);
  let versions = all;
  if (input.ProjectVersionArn) {
    versions = all.filter((version) => version.arn === input.ProjectVersionArn);
    if (versions.length === 0) throw notFound('project version', input.ProjectVersionArn);
  } else if (input.ProjectArn) {
    const project = q.findProjectByArn(ctx.db, input.ProjectArn);
    if (!project) throw notFound('project', input.ProjectArn);
    versions = all.filter((version) => version.projectId === project.id);
  }
  const ids = versions.map((version) => version.id);
  const arnOf = new Map(versions.map((version) => [version.id, version.arn]));
  const intervals = q.listUsageIntervals(ctx.db, ids);
  const counts = q.listUsageCounts(ctx.db, ids);
  const now = ctx.now();
  const days = new Map<string, { versionId: number; day: string; runningMs: number; unitMs: number; images: number; errors: number }>();
  const dayRow = (versionId: number, day: string) => {
    const key = `${versionId} ${day}`;
    let row = days.get(key);
    if (!row) {
      row = { versionId, day, runningMs: 0, unitMs: 0, images: 0, errors: 0 };
      days.set(key, row);
    }
    return row;
  };
  for (const interval of intervals) {
    const end = interval.endMs ?? now;
    for (let start = interval.startMs; start < end; ) {
      const dayEnd = (Math.floor(start / DAY_MS) + 1) * DAY_MS;
      const until = Math.min(end, dayEnd);
      const row = dayRow(interval.versionId, dayOf(start));
      row.runningMs += until - start;
      row.unitMs += (until - start) * interval.units;
      start = until;
    }
  }
  for (const count of counts) {
    const row = dayRow(count.versionId, count.day);
    row.images += count.images;
    row.errors += count.errors;
  }
  const round = (hours: number) => Math.round(hours * 10_000) / 10_000;
  return {
    Days: [...days.values()]
      .sort((a, b) => a.versionId - b.versionId || a.day.localeCompare(b.day))
      .map((row) => ({
        ProjectVersionArn: arnOf.get(row.versionId)!,
        Day: row.day,
        RunningHours: round(row.runningMs / HOUR_MS),
        InferenceUnitHours: round(row.unitMs / HOUR_MS),
        ImagesAnalysed: row.images,
        Errors: row.errors,
      })),
    Intervals: intervals.map((interval) => ({
      ProjectVersionArn: arnOf.get(interval.versionId)!,
      StartTimestamp: epochSeconds(interval.startMs),
      ...(interval.endMs === null ? {} : { EndTimestamp: epochSeconds(interval.endMs) }),
      InferenceUnits: interval.units,
    })),
  };
}

/** `YYYY-MM-DD` of a moment, in UTC. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
