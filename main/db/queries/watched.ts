/**
 * Watched folders, and the entries a watcher keeps: found by the file they point at (`path`),
 * since a folder is a set of files and a source-ref may be an `s3://` name for the same file.
 * "Inside a folder" is a range on the path (`folder/` ≤ path < `folder0`), so no LIKE escaping.
 */
import { sep } from 'node:path';
import type { DatasetStatus } from '../../../preload/contract';
import { sqlite, type Db } from '../handle';

export interface WatchedFolderRow {
  id: number;
  datasetId: number;
  folder: string;
  autoLabel: boolean;
  createdMs: number;
  datasetArn: string;
  datasetStatus: DatasetStatus;
  projectId: number;
  projectArn: string;
}

/** What the watcher needs of an entry to tell whether its file changed, moved or vanished. */
export interface FileEntryRow {
  id: number;
  sourceRef: string;
  path: string;
  contentHash: string | null;
  sizeBytes: number | null;
  updatedMs: number;
}

const watchedColumns = `w.id, w.dataset_id AS datasetId, w.folder, w.auto_label AS autoLabel, w.created_ms AS createdMs,
  d.arn AS datasetArn, d.status AS datasetStatus, d.project_id AS projectId, p.arn AS projectArn`;
const watchedFrom = `watched_folders w JOIN datasets d ON d.id = w.dataset_id JOIN projects p ON p.id = d.project_id`;

type RawWatched = Omit<WatchedFolderRow, 'autoLabel'> & { autoLabel: number };
const toWatched = (row: RawWatched): WatchedFolderRow => ({ ...row, autoLabel: row.autoLabel === 1 });

export function insertWatchedFolder(
  db: Db,
  folder: { datasetId: number; folder: string; autoLabel: boolean; createdMs: number },
): number {
  const { lastInsertRowid } = sqlite(db)
    .prepare('INSERT INTO watched_folders (dataset_id, folder, auto_label, created_ms) VALUES (?, ?, ?, ?)')
    .run(folder.datasetId, folder.folder, folder.autoLabel ? 1 : 0, folder.createdMs);
  return Number(lastInsertRowid);
}

export function findWatchedFolderById(db: Db, id: number): WatchedFolderRow | undefined {
  const row = sqlite(db).prepare(`SELECT ${watchedColumns} FROM ${watchedFrom} WHERE w.id = ?`).get(id) as RawWatched | undefined;
  return row && toWatched(row);
}

export function findWatchedFolder(db: Db, datasetId: number, folder: string): WatchedFolderRow | undefined {
  const row = sqlite(db)
    .prepare(`SELECT ${watchedColumns} FROM ${watchedFrom} WHERE w.dataset_id = ? AND w.folder = ?`)
    .get(datasetId, folder) as RawWatched | undefined;
  return row && toWatched(row);
}

/** Every watched folder, or those of one project's datasets, oldest first. */
export function listWatchedFolders(db: Db, filter: { projectId?: number; datasetId?: number } = {}): WatchedFolderRow[] {
  const where: string[] = [];
  const params: number[] = [];
  if (filter.projectId !== undefined) {
    where.push('d.project_id = ?');
    params.push(filter.projectId);
  }
  if (filter.datasetId !== undefined) {
    where.push('w.dataset_id = ?');
    params.push(filter.datasetId);
  }
  const rows = sqlite(db)
    .prepare(
      `SELECT ${watchedColumns} FROM ${watchedFrom} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY w.created_ms, w.id`,
    )
    .all(...params) as RawWatched[];
  return rows.map(toWatched);
}

export function deleteWatchedFolder(db: Db, id: number): void {
  sqlite(db).prepare('DELETE FROM watched_folders WHERE id = ?').run(id);
}

/** The path range of files inside `folder`: [folder/, folder0) in binary collation. */
function pathRange(folder: string): [string, string] {
  const prefix = folder.endsWith(sep) ? folder : `${folder}${sep}`;
  return [prefix, `${prefix.slice(0, -1)}${String.fromCharCode(sep.charCodeAt(0) + 1)}`];
}

const fileColumns = `id, source_ref AS sourceRef, path, content_hash AS contentHash, size_bytes AS sizeBytes,
  updated_ms AS updatedMs`;

export function countEntriesInFolder(db: Db, datasetId: number, folder: string): number {
  const [from, to] = pathRange(folder);
  return (
    sqlite(db).prepare('SELECT count(*) AS n FROM entries WHERE dataset_id = ? AND path >= ? AND path < ?').get(datasetId, from, to) as {
      n: number;
    }
  ).n;
}

export function listFolderEntries(db: Db, datasetId: number, folder: string): FileEntryRow[] {
  const [from, to] = pathRange(folder);
  return sqlite(db)
    .prepare(`SELECT ${fileColumns} FROM entries WHERE dataset_id = ? AND path >= ? AND path < ? ORDER BY path`)
    .all(datasetId, from, to) as FileEntryRow[];
}

/** Entries of a dataset whose image is one of `paths` (at most a few hundred at a time). */
export function findEntriesByPath(db: Db, datasetId: number, paths: readonly string[]): FileEntryRow[] {
  if (paths.length === 0) return [];
  const marks = paths.map(() => '?').join(', ');
  return sqlite(db)
    .prepare(`SELECT ${fileColumns} FROM entries WHERE dataset_id = ? AND path IN (${marks}) ORDER BY id`)
    .all(datasetId, ...paths) as FileEntryRow[];
}

/** Entries of a dataset with these source-refs (uses the (dataset_id, source_ref) key). */
export function findEntriesBySourceRef(db: Db, datasetId: number, sourceRefs: readonly string[]): FileEntryRow[] {
  if (sourceRefs.length === 0) return [];
  const marks = sourceRefs.map(() => '?').join(', ');
  return sqlite(db)
    .prepare(`SELECT ${fileColumns} FROM entries WHERE dataset_id = ? AND source_ref IN (${marks}) ORDER BY id`)
    .all(datasetId, ...sourceRefs) as FileEntryRow[];
}

/** Entries of a dataset with this content, inside `folder` (uses entries_by_hash). */
export function findFolderEntriesByHash(db: Db, datasetId: number, folder: string, contentHash: string): FileEntryRow[] {
  const [from, to] = pathRange(folder);
  return sqlite(db)
    .prepare(
      // By hash, which matches a handful of rows at most: left to itself the planner prefers the
      // (dataset, path) index here and reads every entry under the folder for each new file.
      `SELECT ${fileColumns} FROM entries INDEXED BY entries_by_hash
       WHERE content_hash = ? AND dataset_id = ? AND path >= ? AND path < ? ORDER BY id`,
    )
    .all(contentHash, datasetId, from, to) as FileEntryRow[];
}

/** Point an entry at another file (a move); its annotations are rewritten by putEntry after. */
export function relocateEntry(db: Db, entryId: number, sourceRef: string, path: string): void {
  sqlite(db).prepare('UPDATE entries SET source_ref = ?, path = ? WHERE id = ?').run(sourceRef, path, entryId);
}

/** Remove an entry with its labels, boxes and errors (the labels stay declared in the dataset). */
export function deleteEntry(db: Db, entryId: number): void {
  sqlite(db).prepare('DELETE FROM entries WHERE id = ?').run(entryId);
}

/** Every folder some dataset watches (each once). */
export function listWatchedFolderPaths(db: Db): string[] {
  return (sqlite(db).prepare('SELECT DISTINCT folder FROM watched_folders').all() as { folder: string }[]).map((row) => row.folder);
}

/** Whether any entry, in any dataset, reads its image from `path` (whose content is `contentHash`; uses entries_by_hash). */
export function isImageFileInUse(db: Db, path: string, contentHash: string): boolean {
  return (
    sqlite(db)
      .prepare('SELECT 1 FROM entries INDEXED BY entries_by_hash WHERE content_hash = ? AND path = ? LIMIT 1')
      .get(contentHash, path) !== undefined
  );
}
