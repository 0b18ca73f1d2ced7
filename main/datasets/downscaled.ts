/**
 * The downscaled copies an import makes of camera images beyond the service's limits (pixels or bytes)
 * (`<home>/downscaled/<sha256>.<ext>`, ingest.ts) belong to Loupe, not to the user: when the
 * datasets whose entries read them are deleted, a copy no other entry reads is removed. Entries
 * removed one by one (RemoveEntries) keep theirs, since that removal can be undone.
 */
import { existsSync, rmSync } from 'node:fs';
import { downscaleImage } from '../../native/preprocess';
import { IMAGE_LIMITS } from '../../preload/contract/imageLimits';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { homePaths } from '../home';
import { createLogger } from '../log';

const log = createLogger('datasets');

export interface DownscaledCopy {
  path: string;
  contentHash: string;
}

/** A copy an import or a watched folder is about to record, and the user's file it was made from. */
export interface PendingCopy {
  path: string;
  original: string;
}

/**
 * The pending copies that are gone: a dataset deleted while the import ran took the last entry
 * that read one. Called synchronously right before the write, and when any is missing, they are
 * made again (`remakeCopies`) and checked again: from an empty answer to the commit nothing else
 * runs, so a deletion either came before (and the copy is made again) or sees the new entries.
 */
export function missingCopies(copies: readonly PendingCopy[]): PendingCopy[] {
  return copies.filter((copy) => !existsSync(copy.path));
}

/**
 * The one rule for a copy, wherever an image enters through the app (folder import, browser upload,
 * watched folder, a copy made again): longer side at most 4096 px, at most 15 MB (a PNG compressed
 * harder first, then made smaller in steps), shorter side never under the service's 64 px.
 */
export const COPY_RULE = { maxSide: IMAGE_LIMITS.maxSidePx, maxBytes: IMAGE_LIMITS.maxFileBytes, minSide: IMAGE_LIMITS.minSidePx } as const;

/** Write the copy of `original` that fits the service's limits to `path` (COPY_RULE). */
export function makeCopy(original: string, path: string): Promise<{ width: number; height: number; sizeBytes: number }> {
  return downscaleImage(original, path, COPY_RULE);
}

/** Make the copies again, as the import made them (same rule, same file name). */
export async function remakeCopies(copies: readonly PendingCopy[]): Promise<void> {
  for (const copy of copies) await makeCopy(copy.original, copy.path);
  if (copies.length > 0) log.info('downscaled copies made again before writing', { count: copies.length });
}

/** The copies a dataset's entries read, found before the dataset goes. */
export function downscaledCopiesOf(ctx: Context, datasetId: number): DownscaledCopy[] {
  return q
    .listFolderEntries(ctx.db, datasetId, homePaths(ctx.home).downscaled)
    .flatMap((entry) => (entry.contentHash ? [{ path: entry.path, contentHash: entry.contentHash }] : []));
}

/** Remove each copy no entry reads any more; call once the deletion is committed. Returns how many went. */
export function removeUnusedCopies(ctx: Context, copies: readonly DownscaledCopy[]): number {
  let removed = 0;
  const seen = new Set<string>();
  for (const copy of copies) {
    if (seen.has(copy.path)) continue;
    seen.add(copy.path);
    if (q.isImageFileInUse(ctx.db, copy.path, copy.contentHash)) continue;
    try {
      rmSync(copy.path, { force: true });
      removed++;
    } catch (error) {
      log.warn('a downscaled copy could not be removed', { path: copy.path, error });
    }
  }
  if (removed > 0) log.info('downscaled copies removed with their dataset', { removed });
  return removed;
}
