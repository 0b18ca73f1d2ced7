/**
 * Datasets: at most one TRAIN and one TEST per project (L10812), their status and statistics.
 * Importers, exporters and validation arrive with the datasets issue and live beside this file.
 */
import type { OutputOf } from '../../preload/contract';
import type { CreateDatasetInput, DeleteDatasetInput, DescribeDatasetInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import { datasetArn } from '../arn';
import { transaction } from '../db';
import * as q from '../db/queries';
import { apiError, codedError, notFound } from '../errors';
import { formatMessage } from '../../preload/contract/messages';
import { epochSeconds } from '../paging';
import { startDatasetCopy, startManifestImport } from './create';
import { downscaledCopiesOf, removeUnusedCopies, type DownscaledCopy } from './downscaled';
import { BUSY_DATASET_STATUSES, requireDataset } from './guards';

export { requireDataset, requireIdleDataset } from './guards';
export { removeUnusedCopies } from './downscaled';

export function createDataset(ctx: Context, input: CreateDatasetInput): OutputOf<'CreateDataset'> {
  const source = input.DatasetSource;
  if (source?.DatasetArn && source.GroundTruthManifest) {
    throw apiError('InvalidParameterException', 'Give DatasetSource either a GroundTruthManifest or a DatasetArn, not both.');
  }
  const copyFrom = source?.DatasetArn ? requireDataset(ctx, source.DatasetArn) : undefined;
  const createdMs = ctx.now();
  const dataset = transaction(ctx.db, () => {
    const project = q.findProjectByArn(ctx.db, input.ProjectArn);
    if (!project) throw notFound('project', input.ProjectArn);
    if (q.findDatasetOfType(ctx.db, project.id, input.DatasetType)) {
      throw codedError('ResourceAlreadyExistsException', 'DatasetExists', { project: project.name, type: input.DatasetType });
    }
    const row = q.insertDataset(ctx.db, {
      projectId: project.id,
      type: input.DatasetType,
      arn: datasetArn(project.arn, input.DatasetType, createdMs),
      createdMs,
      updatedMs: createdMs,
      status: 'CREATE_COMPLETE',
      statusMessage: 'The dataset was created successfully.',
      statusMessageCode: 'SUCCESS',
    });
    if (input.Tags) q.upsertTags(ctx.db, row.arn, input.Tags);
    return row;
  });
  if (source?.GroundTruthManifest) startManifestImport(ctx, dataset, source.GroundTruthManifest.S3Object);
  else if (copyFrom) startDatasetCopy(ctx, copyFrom, dataset);
  else ctx.events.resourcesChanged(dataset.arn, input.ProjectArn);
  return { DatasetArn: dataset.arn };
}

export function describeDataset(ctx: Context, input: DescribeDatasetInput): OutputOf<'DescribeDataset'> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  return {
    DatasetDescription: {
      CreationTimestamp: epochSeconds(dataset.createdMs),
      LastUpdatedTimestamp: epochSeconds(dataset.updatedMs),
      Status: dataset.status,
      StatusMessage: dataset.statusMessage,
      StatusMessageCode: dataset.statusMessageCode,
      DatasetStats: q.datasetStats(ctx.db, dataset.id),
    },
  };
}

export function deleteDataset(ctx: Context, input: DeleteDatasetInput): OutputOf<'DeleteDataset'> {
  const { projectArn, copies } = transaction(ctx.db, () => {
    const dataset = requireDataset(ctx, input.DatasetArn);
    const copies = deleteDatasetCascade(ctx, dataset);
    return { projectArn: q.findProjectById(ctx.db, dataset.projectId)?.arn, copies };
  });
  removeUnusedCopies(ctx, copies);
  ctx.events.resourcesChanged(input.DatasetArn, ...(projectArn ? [projectArn] : []));
  return {};
}

/**
 * Remove a dataset with its entries, labels and tags; refused while an import is writing to it.
 * Returns the downscaled copies its entries read: once the caller's transaction is committed,
 * `removeUnusedCopies` removes those no other entry reads.
 */
export function deleteDatasetCascade(ctx: Context, dataset: q.DatasetRow): DownscaledCopy[] {
  if (BUSY_DATASET_STATUSES.has(dataset.status)) {
    throw codedError('ResourceInUseException', 'DatasetBusyToDelete', { dataset: dataset.arn, status: dataset.status });
  }
  const copies = downscaledCopiesOf(ctx, dataset.id);
  q.deleteTags(ctx.db, dataset.arn);
  q.deleteDatasetRow(ctx.db, dataset.id);
  // Its watched folders went with the row (ON DELETE CASCADE); their watchers stop now.
  ctx.events.emit('DatasetDeleted', { datasetId: dataset.id });
  return copies;
}

/**
 * At start-up: a dataset left CREATE_/UPDATE_IN_PROGRESS by a previous run that stopped (a crash,
 * a kill) failed; its import wrote nothing, since imports commit in one transaction. One left
 * DELETE_IN_PROGRESS was being deleted: the deletion is finished.
 */
export function recoverInterruptedDatasets(ctx: Context): void {
  for (const row of q.listBusyDatasets(ctx.db)) {
    const dataset = requireDataset(ctx, row.arn);
    if (row.status === 'DELETE_IN_PROGRESS') {
      removeUnusedCopies(ctx, transaction(ctx.db, () => deleteDatasetCascade(ctx, { ...dataset, status: 'UPDATE_FAILED' })));
      continue;
    }
    const failed = row.status === 'CREATE_IN_PROGRESS' ? 'CREATE_FAILED' : 'UPDATE_FAILED';
    q.setDatasetStatus(
      ctx.db,
      dataset.id,
      failed,
      formatMessage('DatasetInterrupted'),
      'SERVICE_ERROR',
      ctx.now(),
    );
  }
}
