/**
 * ImportFolder and ImportFiles: images from disk into a dataset, as a job (the dataset goes
 * UPDATE_IN_PROGRESS → UPDATE_COMPLETE | UPDATE_FAILED). The folder is the user's choice; nothing
 * outside it is read.
 */
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import type { OutputOf } from '../../preload/contract';
import type { ImportFilesInput, ImportFolderInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { codedError } from '../errors';
import { homePaths } from '../home';
import { draftForFile, isIgnoredFile, labelFromFolder, listImageFiles, skippedLinkReport } from './folders';
import { countSkippedFile } from '../../preload/contract/files';
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
    if (!info) throw codedError('InvalidParameterException', 'NoFolderAt', { path: folder });
    if (!info.isDirectory()) throw codedError('InvalidParameterException', 'NotAFolder', { path: folder });
    job.progress({ phase: 'finding images' });
    const { files, skippedLinks, skippedFiles } = await listImageFiles(folder, job.signal);
    const resolver = createResolver(ctx, { baseFolder: folder });
    const nowIso = new Date(ctx.now()).toISOString();
    const knownPaths = new Map<string, string>();
    const drafts = files.map((file) => {
      const sourceRef = resolver.sourceRefFor(file);
      knownPaths.set(sourceRef, file);
      return draftForFile(sourceRef, autoLabel ? labelOf(labelFromFolder(folder, file)) : undefined, nowIso);
    });
    return {
      drafts,
      dropped: skippedLinks.map(skippedLinkReport),
      resolver,
      knownPaths,
      skippedFiles: addCounts(skippedFiles, input.SkippedFiles),
      downscaleFolder: homePaths(ctx.home).downscaled,
    };
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
    const skippedFiles: Record<string, number> = {};
    for (const file of files.filter(isIgnoredFile)) countSkippedFile(skippedFiles, basename(file));
    const drafts = files
      .filter((file) => !isIgnoredFile(file))
      .map((file) => {
        const sourceRef = resolver.sourceRefFor(file);
        knownPaths.set(sourceRef, file);
        return draftForFile(sourceRef, undefined, nowIso);
      });
    return { drafts, dropped: [], resolver, knownPaths, skippedFiles: addCounts(skippedFiles, input.SkippedFiles), downscaleFolder: homePaths(ctx.home).downscaled };
  });
  return { JobId: jobId };
}

function addCounts(counts: Record<string, number>, more: Record<string, number> | undefined): Record<string, number> {
  const sum = { ...counts };
  for (const [kind, count] of Object.entries(more ?? {})) if (count > 0) sum[kind] = (sum[kind] ?? 0) + count;
  return sum;
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
  if (!isAbsolute(path)) throw codedError('InvalidParameterException', 'NotAbsolutePath', { field, path });
  return resolve(path);
}
