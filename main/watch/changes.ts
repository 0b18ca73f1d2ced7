/**
 * What a batch of probed files and vanished paths does to a dataset, in one transaction. The rules:
 *
 * - A file whose entry (found by path, else by source-ref) has the same content: nothing.
 * - A file whose content changed: its entry keeps its labels, boxes and non-image errors; the image
 *   facts and image-level errors are the new file's.
 * - A new file whose content equals an entry inside the same watched folder whose file no longer
 *   exists is that entry MOVED: the entry (same id) takes the new source-ref and path and keeps its
 *   boxes and labels, except that with AutoLabel the label the old folder gave is replaced by the
 *   label of the new folder. The old path's removal, still waiting (see `moveWindowMs`), then finds
 *   nothing to remove. This also holds for moves made while Loupe was closed.
 * - Any other new file: a new entry labelled by the directory rule (with AutoLabel).
 * - A vanished path: its entry is removed, unless the file came back.
 * - A file beyond the service's limits is read through a downscaled copy (the folder-import rule,
 *   datasets/ingest.ts): its entry is found by source-ref rather than path, a move finds it by the
 *   copy's content, and when the entry goes its copy goes too unless another entry reads it.
 *
 * A dataset has at most 250 labels (L16464): a folder label past that is left off and logged.
 */
import { existsSync } from 'node:fs';
import type { Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import type { EntryDraft, ImageLabel } from '../db/entry';
import type { DownscaledCopy } from '../datasets/downscaled';
import { labelFromFolder, loupeLabel } from '../datasets/folders';
import { createResolver, isInside } from '../datasets/sources';
import { homePaths } from '../home';
import { DATASET_LIMITS } from '../datasets/limits';
import { createLogger } from '../log';

const log = createLogger('watch');

/** A file that was read and probed, ready to be written. */
export interface ProbedFile {
  path: string;
  sourceRef: string;
  /** A fresh draft: the folder label (with AutoLabel) and the probe's image errors. */
  draft: EntryDraft;
  image: q.ImageFacts;
}

export interface WriteResult {
  added: number;
  updated: number;
  moved: number;
  removed: number;
  /** Old paths of moved entries: their removal is settled. */
  movedFrom: string[];
  /** Downscaled copies that removed or changed entries read before: removed in turn once no entry reads them. */
  removedCopies: DownscaledCopy[];
}

export function writeChanges(ctx: Context, folder: q.WatchedFolderRow, files: ProbedFile[], vanished: string[]): WriteResult {
  const result: WriteResult = { added: 0, updated: 0, moved: 0, removed: 0, movedFrom: [], removedCopies: [] };
  const { db } = ctx;
  const nowMs = ctx.now();
  const nowIso = new Date(nowMs).toISOString();
  transaction(db, () => {
    const labels = new LabelBudget(q.listLabelNames(db, folder.datasetId));
    const byPath = new Map(q.findEntriesByPath(db, folder.datasetId, files.map((f) => f.path)).map((e) => [e.path, e]));

    for (const file of files) {
      const stored = q.findEntry(db, folder.datasetId, byPath.get(file.path)?.sourceRef ?? file.sourceRef);
      if (stored) {
        // The file's image is read from file.image.path: the file itself, or its downscaled copy.
        const same =
          stored.path === (file.image.path ?? file.path) &&
          stored.contentHash === file.image.contentHash &&
          stored.sizeBytes === file.image.sizeBytes;
        if (same) continue;
        if (stored.path && stored.contentHash && stored.path !== file.image.path && isInside(homePaths(ctx.home).downscaled, stored.path)) {
          result.removedCopies.push({ path: stored.path, contentHash: stored.contentHash });
        }
        q.putEntry(db, folder.datasetId, { ...withoutImageSize(stored.draft), errors: keptErrors(stored.draft, file.draft) }, file.image, nowMs);
        result.updated++;
        continue;
      }
      const source = file.image.contentHash ? findMoveSource(ctx, folder, file.image.contentHash, file.path) : undefined;
      if (source) {
        const moving = q.findEntry(db, folder.datasetId, source.sourceRef);
        if (moving) {
          q.relocateEntry(db, source.id, file.sourceRef, file.path);
          const draft: EntryDraft = {
            ...withoutImageSize(moving.draft),
            sourceRef: file.sourceRef,
            labels: labels.admit(movedLabels(folder, moving.draft.labels, source.path, file.path, nowIso)),
            errors: keptErrors(moving.draft, file.draft),
          };
          q.putEntry(db, folder.datasetId, draft, file.image, nowMs);
          byPath.delete(source.path);
          result.movedFrom.push(source.path);
          result.moved++;
          continue;
        }
      }
      q.putEntry(db, folder.datasetId, { ...file.draft, labels: labels.admit(file.draft.labels) }, file.image, nowMs);
      result.added++;
    }

    if (vanished.length > 0) {
      for (const { entry, file } of entriesOfFiles(ctx, folder.datasetId, vanished)) {
        if (existsSync(file)) continue;
        q.deleteEntry(db, entry.id);
        result.removed++;
        if (entry.path !== file && entry.contentHash) result.removedCopies.push({ path: entry.path, contentHash: entry.contentHash });
      }
    }
    if (result.added + result.updated + result.moved + result.removed > 0) q.touchDataset(db, folder.datasetId, nowMs);
    if (labels.refused.size > 0) {
      log.warn('labels left off: the dataset is at its label limit', { dataset: folder.datasetArn, count: labels.refused.size });
    }
  });
  return result;
}

/**
 * The entries made from these files: found by path, or by source-ref when the entry reads a
 * downscaled copy of the file (ingest.ts) instead of the file itself.
 */
function entriesOfFiles(ctx: Context, datasetId: number, files: string[]): { entry: q.FileEntryRow; file: string }[] {
  const found = new Map(q.findEntriesByPath(ctx.db, datasetId, files).map((entry) => [entry.id, { entry, file: entry.path }]));
  const resolver = createResolver(ctx);
  const fileOfRef = new Map(files.map((file) => [resolver.sourceRefFor(file), file]));
  const copies = homePaths(ctx.home).downscaled;
  for (const entry of q.findEntriesBySourceRef(ctx.db, datasetId, [...fileOfRef.keys()])) {
    if (!found.has(entry.id) && isInside(copies, entry.path)) found.set(entry.id, { entry, file: fileOfRef.get(entry.sourceRef)! });
  }
  return [...found.values()];
}

/** An entry of this folder with this content whose own file is gone: the file moved. */
function findMoveSource(ctx: Context, folder: q.WatchedFolderRow, hash: string, path: string): q.FileEntryRow | undefined {
  const own = q.findFolderEntriesByHash(ctx.db, folder.datasetId, folder.folder, hash).find((e) => e.path !== path && !existsSync(e.path));
  if (own) return own;
  // A large file's entry reads its downscaled copy, named by the file's content: a moved file finds
  // the same copy, and the entry's own file is the one its source-ref names.
  const resolver = createResolver(ctx);
  for (const entry of q.findFolderEntriesByHash(ctx.db, folder.datasetId, homePaths(ctx.home).downscaled, hash)) {
    const original = resolver.resolve(entry.sourceRef);
    if (original.ok && original.path !== path && isInside(folder.folder, original.path) && !existsSync(original.path)) return { ...entry, path: original.path };
  }
  return undefined;
}

/** Replace the label the old folder gave with the new folder's; every other label stays. */
function movedLabels(folder: q.WatchedFolderRow, labels: ImageLabel[], from: string, to: string, nowIso: string): ImageLabel[] {
  if (!folder.autoLabel) return labels;
  const oldLabel = labelFromFolder(folder.folder, from);
  const newLabel = labelFromFolder(folder.folder, to);
  if (oldLabel === newLabel) return labels;
  const kept = labels.filter((label) => label.name !== oldLabel);
  return newLabel && !kept.some((label) => label.name === newLabel) ? [...kept, loupeLabel(newLabel, nowIso)] : kept;
}

/** Errors about the annotations stay; errors about the image are the new file's. */
function keptErrors(stored: EntryDraft, fresh: EntryDraft): EntryDraft['errors'] {
  return [...stored.errors.filter((error) => error.level !== 'image'), ...fresh.errors];
}

/** The stored size came from the old file; the probed facts are the truth. */
function withoutImageSize(draft: EntryDraft): EntryDraft {
  const { imageSize: _imageSize, ...rest } = draft;
  return rest;
}

class LabelBudget {
  private readonly names: Set<string>;
  readonly refused = new Set<string>();

  constructor(existing: string[]) {
    this.names = new Set(existing);
  }

  admit(labels: ImageLabel[]): ImageLabel[] {
    return labels.filter((label) => {
      if (this.names.has(label.name)) return true;
      if (this.names.size >= DATASET_LIMITS.maxLabels) {
        this.refused.add(label.name);
        return false;
      }
      this.names.add(label.name);
      return true;
    });
  }
}
