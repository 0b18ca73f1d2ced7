import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate, migrations, openDatabase } from '../../../../main/db';
import { tempDir } from '../../../support/loupe';
import { sqlite } from '../../../../main/db/handle';

const EXPECTED_TABLES = [
  'bucket_mappings',
  'boxes',
  'datasets',
  'entries',
  'entry_errors',
  'entry_labels',
  'evaluations',
  'jobs',
  'labels',
  'project_policies',
  'project_versions',
  'projects',
  'settings',
  'tags',
  'usage_counts',
  'usage_intervals',
  'watched_folders',
];

describe('migration 0001 on a fresh database file', () => {
  const file = join(tempDir(), 'loupe.db');
  const db = sqlite(openDatabase(file));

  it('creates every table, all STRICT', () => {
    const tables = db.prepare(`SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'`).all() as {
      name: string;
      strict: number;
    }[];
    assert.deepEqual(tables.map((t) => t.name).sort(), [...EXPECTED_TABLES].sort());
    assert.ok(tables.every((t) => t.strict === 1), 'every table is STRICT');
  });

  it('records the schema version and turns on WAL and foreign keys', () => {
    assert.equal(db.pragma('user_version', { simple: true }), migrations.at(-1)!.version);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  });

  it('enforces the one-TRAIN-one-TEST rule and cascades deletes from projects', () => {
    db.prepare(`INSERT INTO projects (id, name, arn, created_ms, status) VALUES (1, 'p', 'arn:p', 1, 'CREATED')`).run();
    const insertDataset = db.prepare(
      `INSERT INTO datasets (project_id, type, arn, created_ms, updated_ms, status) VALUES (1, ?, ?, 1, 1, 'CREATE_COMPLETE')`,
    );
    insertDataset.run('TRAIN', 'arn:d1');
    assert.throws(() => insertDataset.run('TRAIN', 'arn:d2'), /UNIQUE constraint failed/);
    assert.throws(() => insertDataset.run('VALIDATION', 'arn:d3'), /CHECK constraint failed/);
    db.prepare(`DELETE FROM projects WHERE id = 1`).run();
    assert.equal((db.prepare('SELECT count(*) AS n FROM datasets').get() as { n: number }).n, 0);
  });

  it('looks entries up by content hash and boxes by entry through their indexes', () => {
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join(' | ');
    assert.match(plan(`SELECT id FROM entries WHERE content_hash = 'x'`), /USING (COVERING )?INDEX entries_by_hash/);
    assert.match(plan(`SELECT id FROM boxes WHERE entry_id = 1 ORDER BY ordinal`), /USING (COVERING )?INDEX boxes_by_entry/);
    assert.match(plan(`SELECT entry_id FROM entry_labels WHERE label_id = 3`), /USING (COVERING )?INDEX entry_labels_by_label/);
  });

  it('is not applied twice when the file is opened again', () => {
    db.close();
    const again = sqlite(openDatabase(file));
    assert.deepEqual(migrate(again), []);
    again.close();
  });

  it('refuses a database written by a newer Loupe', () => {
    const raw = new Database(join(tempDir(), 'future.db'));
    raw.pragma('user_version = 999');
    assert.throws(() => migrate(raw), /newer Loupe/);
    raw.close();
  });
});
