/**
 * Numbered migrations, each in its own transaction, tracked by `PRAGMA user_version`.
 * Adding one: create migrations/NNNN-short-description.ts exporting migrateToNNNN(db), list it
 * below, and add test/main/db/migrations/NNNN-short-description.test.ts.
 */
import type Database from 'better-sqlite3';
import { migrateTo0001 } from './migrations/0001-initial';
import { migrateTo0002 } from './migrations/0002-entries-by-path';
import { migrateTo0003 } from './migrations/0003-usage-counts';
import { migrateTo0004 } from './migrations/0004-job-message-codes';

type Migration = { version: number; name: string; up: (db: Database.Database) => void };

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', up: migrateTo0001 },
  { version: 2, name: 'entries by path', up: migrateTo0002 },
  { version: 3, name: 'usage counts', up: migrateTo0003 },
  { version: 4, name: 'job message codes', up: migrateTo0004 },
];

/** Apply every migration newer than the database; returns the versions applied. */
export function migrate(db: Database.Database, upTo = Number.POSITIVE_INFINITY): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(`The database was written by a newer Loupe (schema ${current}, this build knows ${latest}).`);
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > upTo) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}
