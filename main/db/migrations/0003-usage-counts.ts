/**
 * Images a running model analysed, and the requests it failed, per version and UTC day: the
 * usage report's counts beside `usage_intervals` (units in service over time).
 */
import type Database from 'better-sqlite3';

export function migrateTo0003(db: Database.Database): void {
  db.exec(`
    CREATE TABLE usage_counts (
      version_id INTEGER NOT NULL REFERENCES project_versions (id) ON DELETE CASCADE,
      day        TEXT    NOT NULL,
      images     INTEGER NOT NULL DEFAULT 0,
      errors     INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (version_id, day)
    ) STRICT;
  `);
}
