/**
 * What a crash leaves of S3 writes, and its removal. A write killed between its start and its rename
 * leaves a `.loupe-upload-*` file at the bucket folder's top (never an object, never listed, but it
 * takes room); a multipart upload that is never completed or aborted leaves its parts in
 * `<home>/s3-uploads/<id>/`. Loupe sweeps both when it opens a home and every hour after: temporary
 * files untouched for a minute (a live write keeps touching its own), part files of the same kind,
 * and whole uploads started more than `abandonAfterMs` ago (7 days by default: the service's own
 * advice is a lifecycle rule that aborts incomplete multipart uploads after some days).
 */
import { readdirSync, rmSync, statSync, unlinkSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../core/context';
import { createLogger } from '../log';
import { isTempName } from './keys';
import { listBuckets } from './objects';

const log = createLogger('buckets');

/** A temporary file or part not written to for this long belongs to no live write. */
export const STALE_WRITE_MS = 60_000;
/** Incomplete multipart uploads are aborted this long after they were started. */
export const ABANDON_UPLOAD_AFTER_MS = 7 * 24 * 3600_000;

export interface SweepOptions {
  abandonAfterMs?: number;
}

export interface SweepReport {
  /** Leftover `.loupe-upload-*` files removed from mapped folders. */
  tempFiles: number;
  /** Multipart uploads aborted for age, or found without their record. */
  uploads: number;
  /** Half-written part files removed from uploads that go on. */
  partFiles: number;
}

export function sweepLeftovers(ctx: Context, options: SweepOptions = {}): SweepReport {
  const now = ctx.now();
  const report: SweepReport = { tempFiles: 0, uploads: 0, partFiles: 0 };
  const isStale = (path: string) => {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats !== undefined && now - stats.mtimeMs >= STALE_WRITE_MS;
  };
  for (const bucket of listBuckets(ctx)) {
    if (bucket.isReadOnly) continue;
    for (const name of namesIn(bucket.folder)) {
      const path = join(bucket.folder, name);
      if (isTempName(name) && isStale(path) && removeQuietly(path)) report.tempFiles++;
    }
  }
  const uploads = join(ctx.home, 's3-uploads');
  const abandonAfterMs = options.abandonAfterMs ?? ABANDON_UPLOAD_AFTER_MS;
  for (const id of namesIn(uploads)) {
    const dir = join(uploads, id);
    const createdMs = startedAt(dir);
    const abandoned = createdMs === undefined ? isStale(dir) : now - createdMs >= abandonAfterMs;
    if (abandoned) {
      if (removeQuietly(dir)) report.uploads++;
      continue;
    }
    for (const name of namesIn(dir)) {
      const path = join(dir, name);
      if (name.endsWith('.tmp') && isStale(path) && removeQuietly(path)) report.partFiles++;
    }
  }
  if (report.tempFiles + report.uploads + report.partFiles > 0) log.info('removed what interrupted S3 writes left', { ...report });
  return report;
}

/** When the upload in `dir` was started, or undefined when its record is missing or unreadable. */
function startedAt(dir: string): number | undefined {
  try {
    const record = JSON.parse(readFileSync(join(dir, 'upload.json'), 'utf8')) as { createdMs?: unknown };
    return typeof record.createdMs === 'number' ? record.createdMs : undefined;
  } catch {
    return undefined;
  }
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Remove a file or folder; a failure (gone already, no permission) is logged and the sweep goes on. */
function removeQuietly(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) rmSync(path, { recursive: true, force: true });
    else unlinkSync(path);
    return true;
  } catch (error) {
    log.warn('could not remove a leftover of an S3 write', { path, error: (error as Error).message });
    return false;
  }
}
