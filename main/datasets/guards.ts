/**
 * The checks every dataset operation starts with: the dataset exists, and nothing (an import, a
 * distribution, a deletion) is writing to it. Domains that act on a dataset (labels, watch) use these.
 */
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { codedError, notFound } from '../errors';

/** Statuses in which a job is writing to the dataset. */
export const BUSY_DATASET_STATUSES: ReadonlySet<string> = new Set(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'DELETE_IN_PROGRESS']);

export function requireDataset(ctx: Context, arn: string): q.DatasetRow {
  const dataset = q.findDatasetByArn(ctx.db, arn);
  if (!dataset) throw notFound('dataset', arn);
  return dataset;
}

/** A dataset nothing is writing to: imports and distribution refuse busy ones. */
export function requireIdleDataset(ctx: Context, arn: string): q.DatasetRow {
  const dataset = requireDataset(ctx, arn);
  if (BUSY_DATASET_STATUSES.has(dataset.status)) {
    throw codedError('ResourceInUseException', 'DatasetBusy', { dataset: arn, status: dataset.status });
  }
  return dataset;
}
