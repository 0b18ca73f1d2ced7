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
 *
 * A dataset has at most 250 labels (L16464): a folder label past that is left off and logged.
 */
import { existsSync } from 'node:fs';
import type { Context } from '../core/context';
import { transaction, type Db } from '../db';
import * as q from '../db/queries';
import type { EntryDraft, ImageLabel } from '../db/entry';
import { labelFromFolder, loupeLabel } from '../datasets/folders';
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
}

export function writeChanges(ctx: Context, folder: q.WatchedFolderRow, files: ProbedFile[], vanished: string[]): WriteResult {
  const result: WriteResult = { added: 0, updated: 0, moved: 0, removed: 0, movedFrom: [] };
  const { db } = ctx;
  const nowMs = ctx.now();
  const nowIso = new Date(nowMs).toISOString();
  transaction(db, () => {
    const labels = new LabelBudget(q.listLabelNames(db, folder.datasetId));
    const byPath = new Map(q.findEntriesByPath(db, folder.datasetId, files.map((f) => f.path)).map((e) => [e.path, e]));

    for (const file of files) {
      const stored = q.findEntry(db, folder.datasetId, byPath.get(file.path)?.sourceRef ?? file.sourceRef);
      if (stored) {
        const same =
          stored.path === file.path &&
          stored.contentHash === file.image.contentHash &&
          stored.sizeBytes === file.image.sizeBytes;
        if (same) continue;
        q.putEntry(db, folder.datasetId, { ...withoutImageSize(stored.draft), errors: keptErrors(stored.draft, file.draft) }, file.image, nowMs);
        result.updated++;
        continue;
      }
      const source = file.image.contentHash ? findMoveSource(db, folder, file.image.contentHash, file.path) : undefined;
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
      for (const entry of q.findEntriesByPath(db, folder.datasetId, vanished)) {
        if (existsSync(entry.path)) continue;
        q.deleteEntry(db, entry.id);
        result.removed++;
      }
    }
    if (result.added + result.updated + result.moved + result.removed > 0) q.touchDataset(db, folder.datasetId, nowMs);
    if (labels.refused.size > 0) {
      log.warn('labels left off: the dataset is at its label limit', { dataset: folder.datasetArn, count: labels.refused.size });
    }
  });
  return result;
}

/** An entry of this folder with this content whose own file is gone: the file moved. */
function findMoveSource(db: Db, folder: q.WatchedFolderRow, hash: string, path: string) {
  return q.findFolderEntriesByHash(db, folder.datasetId, folder.folder, hash).find((e) => e.path !== path && !existsSync(e.path));
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
