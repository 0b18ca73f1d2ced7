/**
 * The database handle the rest of Loupe holds: opaque. Domains pass it to the query functions
 * (`queries/`) and `transaction`, and may ask whether it is still open; only main/db sees the
 * better-sqlite3 connection behind it (`sqlite`).
 */
import type Database from 'better-sqlite3';

/** The better-sqlite3 connection, as main/db uses it. */
export type Sqlite = Database.Database;

declare const opaque: unique symbol;

export interface Db {
  readonly [opaque]: 'loupe-db';
  /** False once Loupe has closed the database (a late callback then leaves it alone). */
  readonly open: boolean;
}

/** main/db's own view of a handle: the connection. */
export function sqlite(db: Db): Sqlite {
  return db as unknown as Sqlite;
}

/** The handle of a connection main/db has opened. */
export function handleOf(connection: Sqlite): Db {
  return connection as unknown as Db;
}
