/**
 * The only importer of better-sqlite3. Opens the Loupe database (WAL, foreign keys, a busy
 * timeout so the watcher and the API never fail on a momentary lock), runs the numbered
 * migrations, and logs slow statements (see SLOW_STATEMENT_MS). Prepared statements are kept and
 * reused by their SQL text (see keepStatements): the one statement cache, which the query modules
 * rely on by calling `db.prepare` where they run a statement.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger } from '../log';
import { isBindingLoadFailure, loadBinding, nodeBindingFile, SqliteBindingError, type BindingInUse } from './binding';
import { handleOf, sqlite, type Db, type Sqlite } from './handle';
import { migrate } from './migrate';

export type { Db } from './handle';

const log = createLogger('db');

/** A statement that runs this long or longer is logged (warn, with its SQL and time). */
export const SLOW_STATEMENT_MS = 200;

export interface OpenOptions {
  /** Log statements that run at least this long (default SLOW_STATEMENT_MS). */
  slowStatementMs?: number;
  /**
   * The compiled SQLite module to load (an absolute .node path): the Electron build when the caller
   * runs under Electron (main/app chooses). Absent: better-sqlite3's own build in node_modules.
   */
  nativeBinding?: string;
  /** Where the app's Electron build is expected, used or not: reported by DescribeSystem. */
  electronBuild?: string;
}

const bindings = new WeakMap<Sqlite, BindingInUse>();

/**
 * Open (creating if needed) and migrate the database at `file`; ':memory:' for a throwaway one.
 * Throws SqliteBindingError when the native module cannot be loaded (built for another runtime).
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const inUse: BindingInUse = {
    ...(options.nativeBinding ? { kind: 'electron', file: options.nativeBinding } : { kind: 'node', file: nodeBindingFile() }),
    electronBuild: options.nativeBinding ?? options.electronBuild,
  };
  // Loaded here first so a wrong build fails with its own path named; better-sqlite3's require then
  // finds the module already loaded.
  if (options.nativeBinding) loadBinding('electron', options.nativeBinding);
  let db: Sqlite;
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
  keepStatements(db, options.slowStatementMs ?? SLOW_STATEMENT_MS);
  const applied = migrate(db);
  if (applied.length > 0) log.info('migrated', { file, applied });
  return handleOf(db);
}

/** Close the database (Loupe is closing); `db.open` is false afterwards. */
export function closeDatabase(db: Db): void {
  sqlite(db).close();
}

/** Which compiled SQLite module `db` was opened with (what `loupe doctor` and Settings report). */
export function bindingOf(db: Db): BindingInUse | undefined {
  return bindings.get(sqlite(db));
}

/** How many distinct SQL texts keep their prepared statement (the queries have far fewer; SQL built per call may not). */
const KEPT_STATEMENTS = 500;

/**
 * Make `db.prepare(sql)` return the statement it prepared before for the same text, rather than
 * compiling it again on every call (each API operation prepares its queries where it runs them).
 * Sound because nothing here changes a statement's mode (pluck, raw, expand) or iterates one
 * statement inside another; the least recently used statement goes once KEPT_STATEMENTS are kept.
 */
function keepStatements(db: Sqlite, slowMs: number): void {
  const prepare = db.prepare.bind(db);
  const kept = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = kept.get(sql);
    if (statement) {
      kept.delete(sql);
    } else {
      statement = timed(prepare(sql), sql, slowMs);
      if (kept.size >= KEPT_STATEMENTS) kept.delete(kept.keys().next().value!);
    }
    kept.set(sql, statement);
    return statement;
  }) as Sqlite['prepare'];
}

/** Make the statement log each run, get or all call that takes `slowMs` or longer. */
function timed(statement: Database.Statement, sql: string, slowMs: number): Database.Statement {
  for (const method of ['run', 'get', 'all'] as const) {
    const call = statement[method].bind(statement) as (...args: unknown[]) => unknown;
    (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const startMs = performance.now();
      try {
        return call(...args);
      } finally {
        const ms = performance.now() - startMs;
        if (ms >= slowMs) log.warn('slow statement', { ms: Math.round(ms), method, sql: sql.replace(/\s+/g, ' ').slice(0, 300) });
      }
    };
  }
  return statement;
}

/** Run `fn` in one transaction: all of its writes land, or none do. */
export function transaction<T>(db: Db, fn: () => T): T {
  return sqlite(db).transaction(fn)();
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
