/**
 * WatchFolder, UnwatchFolder and ListWatchedFolders, and the live watchers of one open Loupe.
 * A watched folder is a row in `watched_folders` (the wish) plus, while Loupe runs, a FolderWatcher
 * (the work). WatchFolder starts its watcher at once; `startWatchers` starts one for every row when
 * Loupe opens (openLoupe's `watch` option), and each first compares its folder with the dataset.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { OutputOf, WatchedFolder } from '../../preload/contract';
import type { ListWatchedFoldersInput, UnwatchFolderInput, WatchFolderInput } from '../../preload/contract/schemas';
import { perContext, type Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { requireDataset } from '../datasets/guards';
import { isInside } from '../datasets/sources';
import { codedError, notFound } from '../errors';
import { createLogger } from '../log';
import { epochSeconds } from '../paging';
import { downscaledFilesUnder, FolderWatcher } from './folderWatcher';

export { WATCH_TIMING } from './folderWatcher';

const log = createLogger('watch');

const liveWatchers = perContext(() => new Map<number, FolderWatcher>());

/** Whether this Loupe's bus already tells the watchers of a deleted dataset to stop. */
const listening = perContext(() => ({ done: false }));

/** A deleted dataset's watched folders went with its row (ON DELETE CASCADE); their watchers stop. */
function listenForDeletedDatasets(ctx: Context): void {
  const state = listening(ctx);
  if (state.done) return;
  state.done = true;
  ctx.events.on('DatasetDeleted', ({ datasetId }) => void stopWatchingDataset(ctx, datasetId));
}

export async function watchFolder(ctx: Context, input: WatchFolderInput): Promise<OutputOf<'WatchFolder'>> {
  requireDataset(ctx, input.DatasetArn);
  const folder = absoluteFolder(input.Folder);
  const info = await stat(folder).catch(() => undefined);
  if (!info) throw codedError('InvalidParameterException', 'NoFolderAt', { path: folder });
  if (!info.isDirectory()) throw codedError('InvalidParameterException', 'NotAFolder', { path: folder });
  const row = transaction(ctx.db, () => {
    const dataset = requireDataset(ctx, input.DatasetArn);
    if (q.findWatchedFolder(ctx.db, dataset.id, folder)) {
      throw codedError('ResourceAlreadyExistsException', 'AlreadyWatched', { dataset: dataset.arn, path: folder });
    }
    // Two watchers over the same files would each claim them with different labels.
    const overlapping = q
      .listWatchedFolders(ctx.db, { datasetId: dataset.id })
      .find((other) => isInside(other.folder, folder) || isInside(folder, other.folder));
    if (overlapping) {
      throw codedError('InvalidParameterException', 'WatchOverlaps', { path: folder, other: overlapping.folder });
    }
    const id = q.insertWatchedFolder(ctx.db, { datasetId: dataset.id, folder, autoLabel: input.AutoLabel ?? true, createdMs: ctx.now() });
    return q.findWatchedFolderById(ctx.db, id)!;
  });
  launch(ctx, row);
  log.info('watching', { dataset: row.datasetArn, autoLabel: row.autoLabel });
  ctx.events.resourcesChanged(row.datasetArn, row.projectArn);
  return { WatchedFolder: describe(ctx, row) };
}

export async function unwatchFolder(ctx: Context, input: UnwatchFolderInput): Promise<OutputOf<'UnwatchFolder'>> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  const folder = absoluteFolder(input.Folder);
  const row = q.findWatchedFolder(ctx.db, dataset.id, folder);
  if (!row) throw codedError('ResourceNotFoundException', 'NotWatched', { dataset: dataset.arn, path: folder });
  q.deleteWatchedFolder(ctx.db, row.id);
  const watcher = liveWatchers(ctx).get(row.id);
  liveWatchers(ctx).delete(row.id);
  log.info('unwatched', { dataset: row.datasetArn });
  ctx.events.resourcesChanged(row.datasetArn, row.projectArn);
  await watcher?.stop();
  return {};
}

export function listWatchedFolders(ctx: Context, input: ListWatchedFoldersInput): OutputOf<'ListWatchedFolders'> {
  let projectId: number | undefined;
  if (input.ProjectArn !== undefined) {
    const project = q.findProjectByArn(ctx.db, input.ProjectArn);
    if (!project) throw notFound('project', input.ProjectArn);
    projectId = project.id;
  }
  const rows = q.listWatchedFolders(ctx.db, projectId === undefined ? {} : { projectId });
  return { WatchedFolders: rows.map((row) => describe(ctx, row)) };
}

/** Start a watcher for every persisted watched folder (each compares its folder with the dataset first). */
export function startWatchers(ctx: Context): void {
  const rows = q.listWatchedFolders(ctx.db);
  for (const row of rows) launch(ctx, row);
  if (rows.length > 0) log.info('watchers started', { count: rows.length });
}

/** Settles when every live watcher of this Loupe watches its folder and has queued its comparison. */
export async function watchersStarted(ctx: Context): Promise<void> {
  await Promise.all([...liveWatchers(ctx).values()].map((watcher) => watcher.started));
}

/**
 * Stop every watcher of this Loupe. Everything but closing the operating system's watches happens
 * before this returns its promise, so a caller that cannot wait (a synchronous close) may ignore it.
 */
export async function stopWatchers(ctx: Context): Promise<void> {
  const watchers = [...liveWatchers(ctx).values()];
  liveWatchers(ctx).clear();
  await Promise.all(watchers.map((watcher) => watcher.stop()));
}

/** Stop the watchers of one dataset (it is being deleted; its rows go with it by cascade). */
export async function stopWatchingDataset(ctx: Context, datasetId: number): Promise<void> {
  const watchers = [...liveWatchers(ctx).values()].filter((watcher) => watcher.row.datasetId === datasetId);
  for (const watcher of watchers) liveWatchers(ctx).delete(watcher.row.id);
  await Promise.all(watchers.map((watcher) => watcher.stop()));
}

function launch(ctx: Context, row: q.WatchedFolderRow): void {
  listenForDeletedDatasets(ctx);
  const watchers = liveWatchers(ctx);
  if (watchers.has(row.id)) return;
  const watcher = new FolderWatcher(ctx, row, () => {
    if (watchers.get(row.id) === watcher) watchers.delete(row.id);
    void watcher.stop();
  });
  watchers.set(row.id, watcher);
  watcher.start().catch((error: unknown) => watcher.failed(error));
}

function describe(ctx: Context, row: q.WatchedFolderRow): WatchedFolder {
  const watcher = liveWatchers(ctx).get(row.id);
  // Without a live watcher (Loupe opened without watching), say what can be known: is the folder there?
  const state =
    watcher?.state ??
    (existsSync(row.folder)
      ? ({ status: 'WATCHING' } as const)
      : ({ status: 'ERROR', message: `The folder ${row.folder} is missing; its entries are kept until it is back.` } as const));
  return {
    DatasetArn: row.datasetArn,
    Folder: row.folder,
    AutoLabel: row.autoLabel,
    CreationTimestamp: epochSeconds(row.createdMs),
    Status: state.status,
    ...(state.status === 'ERROR' ? { Message: state.message } : {}),
    EntryCount: q.countEntriesInFolder(ctx.db, row.datasetId, row.folder) + downscaledFilesUnder(ctx, row.datasetId, row.folder).length,
  };
}

function absoluteFolder(path: string): string {
  if (!isAbsolute(path)) throw codedError('InvalidParameterException', 'NotAbsolutePath', { field: 'Folder', path });
  return resolve(path);
}
