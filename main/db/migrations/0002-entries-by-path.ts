/**
 * Watched folders look entries up by file path (a folder's range, a batch of paths, a moved file's
 * old place); without this index each lookup scanned the whole dataset.
 */
import type Database from 'better-sqlite3';

export function migrateTo0002(db: Database.Database): void {
  db.exec('CREATE INDEX entries_by_path ON entries (dataset_id, path)');
}
