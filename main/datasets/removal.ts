/**
 * Removing images from a dataset, and undoing it. The service has no such operation
 * (UpdateDatasetEntries only adds and replaces lines), so these are Loupe's own: RemoveEntries
 * takes entries out with their labels, boxes and errors and answers a token; RestoreEntries with
 * that token puts them back as they were. What a token restores lives in memory only: an undo is
 * offered right after a removal, not across restarts.
 */
import { randomBytes } from 'node:crypto';
import type { OutputOf } from '../../preload/contract';
import type { RemoveEntriesInput, RestoreEntriesInput } from '../../preload/contract/schemas';
import { perContext, type Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { codedError } from '../errors';
import { createLogger } from '../log';
import { requireDataset, requireIdleDataset } from './index';

const log = createLogger('datasets');

/** Removals that can still be undone, oldest first; older ones are forgotten. */
const UNDO_KEPT = 20;

interface Removal {
  datasetId: number;
  entries: q.StoredEntry[];
}

const removals = perContext(() => new Map<string, Removal>());

export function removeEntries(ctx: Context, input: RemoveEntriesInput): OutputOf<'RemoveEntries'> {
  const dataset = requireIdleDataset(ctx, input.DatasetArn);
  const ids = [...new Set(input.EntryIds)];
  const nowMs = ctx.now();
  const entries = transaction(ctx.db, () => {
    const found = q.findEntriesByIds(ctx.db, dataset.id, ids);
    if (found.length !== ids.length) {
      const known = new Set(found.map((entry) => entry.id));
      const missing = ids.filter((id) => !known.has(id));
      throw codedError('InvalidParameterException', 'NoSuchEntries', { dataset: dataset.arn, ids: `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}` });
    }
    q.deleteEntries(ctx.db, dataset.id, ids);
    q.touchDataset(ctx.db, dataset.id, nowMs);
    return found;
  });
  const kept = removals(ctx);
  const token = randomBytes(12).toString('hex');
  kept.set(token, { datasetId: dataset.id, entries });
  while (kept.size > UNDO_KEPT) kept.delete(kept.keys().next().value!);
  log.info('entries removed', { dataset: dataset.arn, count: entries.length });
  changed(ctx, dataset);
  return { RemovedCount: entries.length, UndoToken: token };
}

export function restoreEntries(ctx: Context, input: RestoreEntriesInput): OutputOf<'RestoreEntries'> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  const removal = removals(ctx).get(input.UndoToken);
  if (!removal || removal.datasetId !== dataset.id) {
    throw codedError('InvalidParameterException', 'UndoExpired');
  }
  requireIdleDataset(ctx, input.DatasetArn);
  const nowMs = ctx.now();
  transaction(ctx.db, () => {
    // An image added again since takes back its labels and boxes from before the removal.
    for (const entry of removal.entries) q.putEntry(ctx.db, dataset.id, entry.draft, entry, nowMs);
    q.touchDataset(ctx.db, dataset.id, nowMs);
  });
  removals(ctx).delete(input.UndoToken);
  log.info('entries restored', { dataset: dataset.arn, count: removal.entries.length });
  changed(ctx, dataset);
  return { RestoredCount: removal.entries.length };
}

function changed(ctx: Context, dataset: q.DatasetRow): void {
  const project = q.findProjectById(ctx.db, dataset.projectId);
  ctx.events.resourcesChanged(dataset.arn, ...(project ? [project.arn] : []));
}
