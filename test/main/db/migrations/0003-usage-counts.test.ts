import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../../../main/db';
import { tempDir } from '../../../support/loupe';

describe('migration 0003 (usage counts)', () => {
  it('upgrades a version-2 database with a version in it; counts go with their version', () => {
    const db = new Database(join(tempDir(), 'loupe.db'));
    db.pragma('foreign_keys = ON');
    assert.deepEqual(migrate(db, 2), [1, 2]);
    db.prepare(`INSERT INTO projects (id, name, arn, created_ms, status) VALUES (1, 'p', 'arn:p', 1, 'CREATED')`).run();
    db.prepare(`INSERT INTO project_versions (id, project_id, name, arn, created_ms, status) VALUES (1, 1, 'v1', 'arn:v', 1, 'RUNNING')`).run();

    assert.deepEqual(migrate(db, 3), [3]);
    assert.equal(db.pragma('user_version', { simple: true }), 3);
    const count = db.prepare(
      `INSERT INTO usage_counts (version_id, day, images, errors) VALUES (1, '2026-01-02', 1, 0)
       ON CONFLICT (version_id, day) DO UPDATE SET images = images + excluded.images, errors = errors + excluded.errors`,
    );
    count.run();
    count.run();
    assert.deepEqual(db.prepare('SELECT day, images, errors FROM usage_counts').all(), [{ day: '2026-01-02', images: 2, errors: 0 }]);
    db.prepare('DELETE FROM project_versions WHERE id = 1').run();
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM usage_counts').get() as { n: number }).n, 0);
    db.close();
  });
});
