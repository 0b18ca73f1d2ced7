/**
 * ImportFolder and ImportFiles: images from disk into a dataset, as a job (the dataset goes
 * UPDATE_IN_PROGRESS → UPDATE_COMPLETE | UPDATE_FAILED). The folder is the user's choice; nothing
 * outside it is read.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { OutputOf } from '../../preload/contract';
import type { ImportFilesInput, ImportFolderInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { ServiceError } from '../errors';
import { draftForFile, isIgnoredFile, labelFromFolder, listImageFiles, skippedLinkReport } from './folders';
import { requireIdleDataset } from './guards';
import { startIngest } from './ingest';
import { createResolver } from './sources';

/** An anomaly-detection project, and the label of its good images (Lookout for Vision's class names). */
const ANOMALY_FEATURE = 'ANOMALY_DETECTION';
const NORMAL_LABEL = 'normal';

export function importFolder(ctx: Context, input: ImportFolderInput): OutputOf<'ImportFolder'> {
  const dataset = requireIdleDataset(ctx, input.DatasetArn);
  const folder = requireAbsolute(input.Folder, 'Folder');
  const autoLabel = input.AutoLabel ?? true;
  const labelOf = folderLabeller(ctx, dataset, input.FolderLabels);
  const jobId = startIngest(ctx, dataset, 'update', 'ImportFolder', async (job) => {
    const info = await stat(folder).catch(() => undefined);
    if (!info?.isDirectory()) throw new ServiceError('InvalidParameterException', `${folder} is not a folder.`);
    job.progress({ phase: 'finding images' });
    const { files, skippedLinks } = await listImageFiles(folder, job.signal);
    const resolver = createResolver(ctx, { baseFolder: folder });
    const nowIso = new Date(ctx.now()).toISOString();
    const knownPaths = new Map<string, string>();
    const drafts = files.map((file) => {
      const sourceRef = resolver.sourceRefFor(file);
      knownPaths.set(sourceRef, file);
      return draftForFile(sourceRef, autoLabel ? labelOf(labelFromFolder(folder, file)) : undefined, nowIso);
    });
    return { drafts, dropped: skippedLinks.map(skippedLinkReport), resolver, knownPaths };
  });
  return { JobId: jobId };
}

export function importFiles(ctx: Context, input: ImportFilesInput): OutputOf<'ImportFiles'> {
  const dataset = requireIdleDataset(ctx, input.DatasetArn);
  const files = input.Files.map((file) => requireAbsolute(file, 'Files'));
  const jobId = startIngest(ctx, dataset, 'update', 'ImportFiles', async () => {
    const resolver = createResolver(ctx);
    const nowIso = new Date(ctx.now()).toISOString();
    const knownPaths = new Map<string, string>();
    const drafts = files
      .filter((file) => !isIgnoredFile(file))
      .map((file) => {
        const sourceRef = resolver.sourceRefFor(file);
        knownPaths.set(sourceRef, file);
        return draftForFile(sourceRef, undefined, nowIso);
      });
    const dropped = files
      .filter((file) => isIgnoredFile(file))
      .map((file) => ({ where: file, code: 'ERROR_INVALID_IMAGE', message: 'Not an image file Loupe imports.' }));
    return { drafts, dropped, resolver, knownPaths };
  });
  return { JobId: jobId };
}

/** A folder's name → the label its images get: the user's mapping, else (anomaly projects) `good` → `normal`, else the name. */
function folderLabeller(ctx: Context, dataset: q.DatasetRow, mapping: Record<string, string> | undefined): (name: string | undefined) => string | undefined {
  const anomaly = q.findProjectById(ctx.db, dataset.projectId)?.feature === ANOMALY_FEATURE;
  return (name) => {
    if (name === undefined) return undefined;
    const mapped = mapping?.[name];
    if (mapped !== undefined) return mapped;
    return anomaly && name.toLowerCase() === 'good' ? NORMAL_LABEL : name;
  };
}

function requireAbsolute(path: string, field: string): string {
  if (!isAbsolute(path)) throw new ServiceError('InvalidParameterException', `${field} must be an absolute path: ${path}`);
  return resolve(path);
}
