/**
 * Projects: create, describe (the service's paging and filters), delete (the API's refusal and
 * the console's cascade), and the summaries the Projects screen shows.
 */
import type {
  DatasetMetadata,
  OutputOf,
  ProjectDescription,
  ProjectSummary,
} from '../../preload/contract';
import type {
  CreateProjectInput,
  DeleteProjectInput,
  DescribeProjectsInput,
} from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import { projectArn } from '../arn';
import { transaction } from '../db';
import * as q from '../db/queries';
import { deleteDatasetCascade, removeUnusedCopies } from '../datasets';
import { codedError, notFound } from '../errors';
import { epochSeconds, decodePageToken, encodePageToken, keysetPage } from '../paging';

export function createProject(ctx: Context, input: CreateProjectInput): OutputOf<'CreateProject'> {
  const createdMs = ctx.now();
  const arn = projectArn(ctx.identity, input.ProjectName, createdMs);
  const project = transaction(ctx.db, () => {
    if (q.findProjectByName(ctx.db, input.ProjectName)) {
      throw codedError('ResourceInUseException', 'ProjectExists', { name: input.ProjectName });
    }
    const row = q.insertProject(ctx.db, {
      name: input.ProjectName,
      arn,
      createdMs,
      status: 'CREATED',
      feature: input.Feature ?? 'CUSTOM_LABELS',
      autoUpdate: input.AutoUpdate ?? null,
    });
    if (input.Tags) q.upsertTags(ctx.db, arn, input.Tags);
    return row;
  });
  ctx.events.resourcesChanged(project.arn);
  return { ProjectArn: project.arn };
}

export function describeProjects(ctx: Context, input: DescribeProjectsInput): OutputOf<'DescribeProjects'> {
  const limit = input.MaxResults ?? 100;
  const beforeId = !input.NextToken ? undefined : decodePageToken(input.NextToken);
  const rows = q.listProjects(ctx.db, {
    names: input.ProjectNames,
    features: input.Features,
    limit: limit + 1,
    beforeId,
  });
  const { page, next } = keysetPage(rows, limit, (last) => encodePageToken(last.id));
  const descriptions: ProjectDescription[] = page.map((row) => ({
    ProjectArn: row.arn,
    CreationTimestamp: epochSeconds(row.createdMs),
    Status: row.status,
    Datasets: datasetsOf(ctx, row.id),
    Feature: row.feature,
    ...(row.autoUpdate ? { AutoUpdate: row.autoUpdate } : {}),
  }));
  return { ProjectDescriptions: descriptions, ...next };
}

function datasetsOf(ctx: Context, projectId: number): DatasetMetadata[] {
  return q.listDatasetsOfProject(ctx.db, projectId).map((dataset) => ({
    CreationTimestamp: epochSeconds(dataset.createdMs),
    DatasetType: dataset.type,
    DatasetArn: dataset.arn,
    Status: dataset.status,
    StatusMessage: dataset.statusMessage,
    StatusMessageCode: dataset.statusMessageCode,
  }));
}

export function requireProject(ctx: Context, arn: string): q.ProjectRow {
  const project = q.findProjectByArn(ctx.db, arn);
  if (!project) throw notFound('project', arn);
  return project;
}

/** The API's DeleteProject: refuses while the project still has datasets or models (L10174). */
export function deleteProject(ctx: Context, input: DeleteProjectInput): OutputOf<'DeleteProject'> {
  transaction(ctx.db, () => {
    const project = requireProject(ctx, input.ProjectArn);
    const children = q.countProjectChildren(ctx.db, project.id);
    if (children.datasets > 0 || children.versions > 0) {
      throw codedError('ResourceInUseException', 'ProjectNotEmpty', { project: project.name, datasets: children.datasets, models: children.versions });
    }
    removeProject(ctx, project);
  });
  ctx.events.resourcesChanged(input.ProjectArn);
  return { Status: 'DELETING' };
}

/**
 * The console's delete (L10131): the project's models and datasets go with it, unless a model
 * is training or running — those must be stopped first.
 */
export function deleteProjectCascade(ctx: Context, input: DeleteProjectInput): OutputOf<'DeleteProjectCascade'> {
  const copies = transaction(ctx.db, () => {
    const project = requireProject(ctx, input.ProjectArn);
    const versions = q.listVersionArnsOfProject(ctx.db, project.id);
    const busy = versions.filter((version) => BUSY_VERSION_STATUSES.has(version.status));
    if (busy.length > 0) {
      throw codedError('ResourceInUseException', 'ProjectModelsBusy', { project: project.name, models: busy.map((v) => v.arn).join(', ') });
    }
    for (const version of versions) {
      q.deleteTags(ctx.db, version.arn);
      q.deleteVersionRow(ctx.db, version.id);
    }
    const copies = q.listDatasetsOfProject(ctx.db, project.id).flatMap((dataset) => deleteDatasetCascade(ctx, dataset));
    removeProject(ctx, project);
    return copies;
  });
  removeUnusedCopies(ctx, copies);
  ctx.events.resourcesChanged(input.ProjectArn);
  return { Status: 'DELETING' };
}

const BUSY_VERSION_STATUSES = new Set(['TRAINING_IN_PROGRESS', 'STARTING', 'RUNNING', 'STOPPING', 'COPYING_IN_PROGRESS']);

function removeProject(ctx: Context, project: q.ProjectRow): void {
  q.deleteTags(ctx.db, project.arn);
  q.deleteProjectRow(ctx.db, project.id);
}

/**
 * At start-up: a project left CREATING is created (its row is all there is to it); one left
 * DELETING is deleted when nothing is left in it, and otherwise kept CREATED so its remaining
 * datasets and models can still be seen and deleted.
 */
export function recoverInterruptedProjects(ctx: Context): void {
  for (const project of q.listProjectsWithStatus(ctx.db, ['CREATING', 'DELETING'])) {
    transaction(ctx.db, () => {
      const children = q.countProjectChildren(ctx.db, project.id);
      if (project.status === 'DELETING' && children.datasets === 0 && children.versions === 0) removeProject(ctx, project);
      else q.setProjectStatus(ctx.db, project.id, 'CREATED');
    });
  }
}

/** Every project with the console's columns: versions, newest model's F1, status and message, and its best usable model. */
export function listProjectSummaries(ctx: Context): OutputOf<'ListProjectSummaries'> {
  const latest = new Map(q.latestVersionPerProject(ctx.db).map((row) => [row.projectId, row]));
  const best = new Map(q.bestUsableVersionPerProject(ctx.db).map((row) => [row.projectId, row]));
  const projects: ProjectSummary[] = q.listProjects(ctx.db, { limit: -1 }).map((row) => {
    const version = latest.get(row.id);
    const usable = best.get(row.id);
    return {
      ProjectArn: row.arn,
      ProjectName: row.name,
      CreationTimestamp: epochSeconds(row.createdMs),
      Status: row.status,
      VersionCount: version?.versionCount ?? 0,
      Datasets: datasetsOf(ctx, row.id),
      ...(version
        ? {
            LatestVersion: {
              VersionName: version.name,
              Status: version.status,
              StatusMessage: version.statusMessage,
              ...(version.f1Score === null ? {} : { F1Score: version.f1Score }),
            },
          }
        : {}),
      ...(usable
        ? {
            BestVersion: {
              VersionName: usable.name,
              Status: usable.status,
              StatusMessage: usable.statusMessage,
              ...(usable.f1Score === null ? {} : { F1Score: usable.f1Score }),
            },
          }
        : {}),
    };
  });
  return { Projects: projects };
}
