/**
 * The only importer of better-sqlite3. Opens the Loupe database (WAL, foreign keys, a busy
 * timeout so the watcher and the API never fail on a momentary lock), runs the numbered
 * migrations, and logs slow statements.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger } from '../log';
import { migrate } from './migrate';

export type Db = Database.Database;

const log = createLogger('db');

/** Open (creating if needed) and migrate the database at `file`; ':memory:' for a throwaway one. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  const applied = migrate(db);
  if (applied.length > 0) log.info('migrated', { file, applied });
  return db;
}

/** Run `fn` in one transaction: all of its writes land, or none do. */
export function transaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn)();
}

export { migrations, migrate } from './migrate';
