/**
 * The only importer of better-sqlite3. Opens the Loupe database (WAL, foreign keys, a busy
 * timeout so the watcher and the API never fail on a momentary lock), runs the numbered
 * migrations, and logs slow statements. Prepared statements are kept and reused by their SQL text
 * (see keepStatements).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger } from '../log';
import { isBindingLoadFailure, loadBinding, nodeBindingFile, SqliteBindingError, type BindingInUse } from './binding';
import { migrate } from './migrate';

export type Db = Database.Database;

const log = createLogger('db');

export interface OpenDatabaseOptions {
  /**
   * The compiled SQLite module to load (an absolute .node path): the Electron build when the caller
   * runs under Electron (main/app chooses). Absent: better-sqlite3's own build in node_modules.
   */
  nativeBinding?: string;
  /** Where the app's Electron build is expected, used or not: reported by DescribeSystem. */
  electronBuild?: string;
}

const bindings = new WeakMap<Db, BindingInUse>();

/**
 * Open (creating if needed) and migrate the database at `file`; ':memory:' for a throwaway one.
 * Throws SqliteBindingError when the native module cannot be loaded (built for another runtime).
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const inUse: BindingInUse = {
    ...(options.nativeBinding ? { kind: 'electron', file: options.nativeBinding } : { kind: 'node', file: nodeBindingFile() }),
    electronBuild: options.nativeBinding ?? options.electronBuild,
  };
  // Loaded here first so a wrong build fails with its own path named; better-sqlite3's require then
  // finds the module already loaded.
  if (options.nativeBinding) loadBinding('electron', options.nativeBinding);
  let db: Db;
  try {
    db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (error) {
    if (!options.nativeBinding && isBindingLoadFailure(error)) throw new SqliteBindingError('node', inUse.file, error);
    throw error;
  }
  bindings.set(db, inUse);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  keepStatements(db);
  const applied = migrate(db);
  if (applied.length > 0) log.info('migrated', { file, applied });
  return db;
}

/** Which compiled SQLite module `db` was opened with (what `loupe doctor` and Settings report). */
export function bindingOf(db: Db): BindingInUse | undefined {
  return bindings.get(db);
}

/** How many distinct SQL texts keep their prepared statement (the queries have far fewer; SQL built per call may not). */
const KEPT_STATEMENTS = 500;

/**
 * Make `db.prepare(sql)` return the statement it prepared before for the same text, rather than
 * compiling it again on every call (each API operation prepares its queries where it runs them).
 * Sound because nothing here changes a statement's mode (pluck, raw, expand) or iterates one
 * statement inside another; the least recently used statement goes once KEPT_STATEMENTS are kept.
 */
function keepStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const kept = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = kept.get(sql);
    if (statement) {
      kept.delete(sql);
    } else {
      statement = prepare(sql);
      if (kept.size >= KEPT_STATEMENTS) kept.delete(kept.keys().next().value!);
    }
    kept.set(sql, statement);
    return statement;
  }) as Db['prepare'];
}

/** Run `fn` in one transaction: all of its writes land, or none do. */
export function transaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn)();
}

export { migrations, migrate } from './migrate';
export {
  BINDING_FILE,
  BINDING_STAMP,
  betterSqlite3Version,
  nodeBindingFile,
  SqliteBindingError,
  type BindingInUse,
  type BindingKind,
  type BindingStamp,
} from './binding';
