import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../../../main/db';
import { tempDir } from '../../../support/loupe';

describe('migration 0002 (entries by path)', () => {
  it('upgrades a version-1 database with entries in it, and the watcher path queries use the index', () => {
    const db = new Database(join(tempDir(), 'loupe.db'));
    assert.deepEqual(migrate(db, 1), [1]);
    db.prepare(`INSERT INTO projects (id, name, arn, created_ms, status) VALUES (1, 'p', 'arn:p', 1, 'CREATED')`).run();
    db.prepare(`INSERT INTO datasets (id, project_id, type, arn, created_ms, updated_ms, status) VALUES (1, 1, 'TRAIN', 'arn:d', 1, 1, 'CREATE_COMPLETE')`).run();
    const insert = db.prepare(`INSERT INTO entries (dataset_id, source_ref, path, created_ms, updated_ms) VALUES (1, ?, ?, 1, 1)`);
    for (let i = 0; i < 50; i++) insert.run(`s3://b/${i}.jpg`, `/images/${i}.jpg`);

    assert.deepEqual(migrate(db, 2), [2]);
    assert.equal(db.pragma('user_version', { simple: true }), 2);
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT id FROM entries WHERE dataset_id = ? AND path >= ? AND path < ?`)
      .all(1, '/images/', '/images0') as { detail: string }[];
    assert.ok(plan.some((step) => step.detail.includes('entries_by_path')), JSON.stringify(plan));
    assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM entries WHERE dataset_id = 1 AND path >= '/images/' AND path < '/images0'`).get() as { n: number }).n, 50);
    db.close();
  });
});
