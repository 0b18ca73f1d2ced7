/**
 * Lookout for Vision projects and datasets over Loupe's own: a Lookout for Vision project is a
 * Loupe project whose feature is ANOMALY_DETECTION (the app shows it as an anomaly-detection
 * project), its `train` and `test` datasets are the project's TRAIN and TEST datasets, and an
 * image's class is its image-level label `normal` or `anomaly`. Manifests in the Lookout for Vision
 * format (`anomaly-label` with its `-metadata` class name) import through Loupe's manifest importer.
 */
import type { OutputOf } from '../../preload/contract';
import type * as lv from '../../preload/contract/lookoutvision';
import type { z } from 'zod';
import type { Context } from '../core/context';
import { projectArn } from '../arn';
import { createDataset, deleteDataset } from '../datasets';
import { updateDatasetEntries } from '../datasets/entries';
import { transaction } from '../db';
import * as q from '../db/queries';
import { codedError } from '../errors';
import { ANOMALY, ANOMALY_FEATURE, classOf, NORMAL } from '../training/anomalyTraining';


const seconds = (ms: number) => ms / 1000;

/** The service's ARN of a project (Loupe keeps its own ARN on the row). */
export function lookoutVisionProjectArn(ctx: Context, name: string): string {
  return `arn:aws:lookoutvision:${ctx.identity.region}:${ctx.identity.account}:project/${name}`;
}

export function requireAnomalyProject(ctx: Context, name: string): q.ProjectRow {
  const project = q.findProjectByName(ctx.db, name);
  if (!project || project.feature !== ANOMALY_FEATURE) {
    throw codedError('ResourceNotFoundException', 'LfvProjectNotFound', { name });
  }
  return project;
}

function datasetTypeOf(type: string): 'TRAIN' | 'TEST' {
  return type === 'test' ? 'TEST' : 'TRAIN';
}

export function requireDataset(ctx: Context, project: q.ProjectRow, type: string): q.DatasetRow {
  const dataset = q.findDatasetOfType(ctx.db, project.id, datasetTypeOf(type));
  if (!dataset) throw codedError('ResourceNotFoundException', 'LfvNoDataset', { project: project.name, type });
  return dataset;
}

function projectMetadata(ctx: Context, row: q.ProjectRow): lv.ProjectMetadata {
  return { ProjectArn: lookoutVisionProjectArn(ctx, row.name), ProjectName: row.name, CreationTimestamp: seconds(row.createdMs) };
}

/** Loupe's dataset statuses are the service's, but for a failed update. */
function datasetStatus(status: string): string {
  return status === 'UPDATE_FAILED' ? 'UPDATE_FAILED_ROLLBACK_COMPLETE' : status;
}

function datasetMetadata(row: q.DatasetRow): lv.DatasetMetadata {
  return { DatasetType: row.type === 'TEST' ? 'test' : 'train', CreationTimestamp: seconds(row.createdMs), Status: datasetStatus(row.status), StatusMessage: row.statusMessage };
}

export function createProject(ctx: Context, input: z.output<typeof lv.CreateProjectInput>): OutputOf<'LookoutVisionCreateProject'> {
  const createdMs = ctx.now();
  const row = transaction(ctx.db, () => {
    if (q.findProjectByName(ctx.db, input.ProjectName)) {
      throw codedError('ConflictException', 'LfvProjectExists', { name: input.ProjectName });
    }
    return q.insertProject(ctx.db, {
      name: input.ProjectName,
      arn: projectArn(ctx.identity, input.ProjectName, createdMs),
      createdMs,
      status: 'CREATED',
      feature: ANOMALY_FEATURE,
      autoUpdate: null,
    });
  });
  ctx.events.resourcesChanged(row.arn);
  return { ProjectMetadata: projectMetadata(ctx, row) };
}

export function describeProject(ctx: Context, input: z.output<typeof lv.DescribeProjectInput>): OutputOf<'LookoutVisionDescribeProject'> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  return { ProjectDescription: { ...projectMetadata(ctx, project), Datasets: q.listDatasetsOfProject(ctx.db, project.id).map(datasetMetadata) } };
}

export function listProjects(ctx: Context, input: z.output<typeof lv.ListProjectsInput>): OutputOf<'LookoutVisionListProjects'> {
  const limit = input.MaxResults ?? 100;
  const offset = pageOffset(input.NextToken);
  const all = q.listProjects(ctx.db, { features: [ANOMALY_FEATURE], limit: 1_000_000 }).sort((a, b) => a.createdMs - b.createdMs);
  const page = all.slice(offset, offset + limit);
  return { Projects: page.map((row) => projectMetadata(ctx, row)), ...(offset + limit < all.length ? { NextToken: String(offset + limit) } : {}) };
}

export function deleteProject(ctx: Context, input: z.output<typeof lv.ProjectNameInput>): OutputOf<'LookoutVisionDeleteProject'> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  const children = q.countProjectChildren(ctx.db, project.id);
  if (children.versions > 0 || children.datasets > 0) {
    throw codedError('ConflictException', 'LfvProjectNotEmpty', { project: project.name, datasets: children.datasets, models: children.versions });
  }
  q.deleteProjectRow(ctx.db, project.id);
  q.deleteTags(ctx.db, lookoutVisionProjectArn(ctx, project.name));
  ctx.events.resourcesChanged(project.arn);
  return { ProjectArn: lookoutVisionProjectArn(ctx, project.name) };
}

export function pageOffset(token: string | undefined): number {
  if (token === undefined) return 0;
  const offset = Number(token);
  if (!Number.isInteger(offset) || offset < 0) throw codedError('ValidationException', 'LfvBadNextToken');
  return offset;
}

export function createLookoutVisionDataset(ctx: Context, input: z.output<typeof lv.CreateDatasetInput>): OutputOf<'LookoutVisionCreateDataset'> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  const type = datasetTypeOf(input.DatasetType);
  if (q.findDatasetOfType(ctx.db, project.id, type)) {
    throw codedError('ConflictException', 'LfvDatasetExists', { project: project.name, type: input.DatasetType });
  }
  const manifest = input.DatasetSource?.GroundTruthManifest.S3Object;
  const { DatasetArn } = createDataset(ctx, {
    ProjectArn: project.arn,
    DatasetType: type,
    ...(manifest ? { DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: manifest.Bucket, Name: manifest.Key, ...(manifest.VersionId ? { Version: manifest.VersionId } : {}) } } } } : {}),
  });
  return { DatasetMetadata: datasetMetadata(q.findDatasetByArn(ctx.db, DatasetArn)!) };
}

export function describeLookoutVisionDataset(ctx: Context, input: z.output<typeof lv.DescribeDatasetInput>): OutputOf<'LookoutVisionDescribeDataset'> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  const dataset = requireDataset(ctx, project, input.DatasetType);
  const normal = q.entryIdsWithLabel(ctx.db, dataset.id, NORMAL).length;
  const anomaly = q.entryIdsWithLabel(ctx.db, dataset.id, ANOMALY).length;
  return {
    DatasetDescription: {
      ...datasetMetadata(dataset),
      ProjectName: project.name,
      LastUpdatedTimestamp: seconds(dataset.updatedMs),
      ImageStats: { Total: q.countEntries(ctx.db, dataset.id), Labeled: normal + anomaly, Normal: normal, Anomaly: anomaly },
    },
  };
}

/** One entry as a line of the Lookout for Vision manifest format. */
function manifestLine(entry: q.StoredEntry): string {
  const anomalyClass = classOf(entry);
  return JSON.stringify({
    'source-ref': entry.sourceRef,
    ...(anomalyClass
      ? {
          'anomaly-label': anomalyClass === ANOMALY ? 1 : 0,
          'anomaly-label-metadata': {
            'class-name': anomalyClass,
            'creation-date': new Date(entry.updatedMs).toISOString(),
            'human-annotated': 'yes',
            'job-name': 'anomaly-label',
            type: 'groundtruth/image-classification',
          },
        }
      : {}),
  });
}

export function listLookoutVisionDatasetEntries(ctx: Context, input: z.output<typeof lv.ListDatasetEntriesInput>): OutputOf<'LookoutVisionListDatasetEntries'> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  const dataset = requireDataset(ctx, project, input.DatasetType);
  if (input.AnomalyClass !== undefined && input.AnomalyClass !== NORMAL && input.AnomalyClass !== ANOMALY) {
    throw codedError('ValidationException', 'LfvBadAnomalyClass', { value: String(input.AnomalyClass) });
  }
  const matching = q.allEntries(ctx.db, dataset.id).filter((entry) => {
    const anomalyClass = classOf(entry);
    if (input.Labeled !== undefined && (anomalyClass !== undefined) !== input.Labeled) return false;
    if (input.AnomalyClass !== undefined && anomalyClass !== input.AnomalyClass) return false;
    if (input.BeforeCreationDate && entry.createdMs >= input.BeforeCreationDate.getTime()) return false;
    if (input.AfterCreationDate && entry.createdMs <= input.AfterCreationDate.getTime()) return false;
    if (input.SourceRefContains && !entry.sourceRef.includes(input.SourceRefContains)) return false;
    return true;
  });
  const limit = input.MaxResults ?? 100;
  const offset = pageOffset(input.NextToken);
  const page = matching.slice(offset, offset + limit);
  return { DatasetEntries: page.map(manifestLine), ...(offset + limit < matching.length ? { NextToken: String(offset + limit) } : {}) };
}

export function updateLookoutVisionDatasetEntries(ctx: Context, input: z.output<typeof lv.UpdateDatasetEntriesInput>): OutputOf<'LookoutVisionUpdateDatasetEntries'> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  const dataset = requireDataset(ctx, project, input.DatasetType);
  updateDatasetEntries(ctx, { DatasetArn: dataset.arn, Changes: { GroundTruth: input.Changes } });
  return { Status: datasetStatus(q.findDatasetByArn(ctx.db, dataset.arn)?.status ?? 'UPDATE_COMPLETE') };
}

export async function deleteLookoutVisionDataset(ctx: Context, input: z.output<typeof lv.DatasetInput>): Promise<OutputOf<'LookoutVisionDeleteDataset'>> {
  const project = requireAnomalyProject(ctx, input.ProjectName);
  const dataset = requireDataset(ctx, project, input.DatasetType);
  await deleteDataset(ctx, { DatasetArn: dataset.arn });
  return {};
}
