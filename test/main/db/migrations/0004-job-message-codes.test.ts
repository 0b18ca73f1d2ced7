import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../../../main/db';
import { tempDir } from '../../../support/loupe';

describe('migration 0004 (job message codes)', () => {
  it('keeps a version-3 job and lets it carry a coded message', () => {
    const db = new Database(join(tempDir(), 'loupe.db'));
    assert.deepEqual(migrate(db, 3), [1, 2, 3]);
    db.prepare(`INSERT INTO jobs (id, kind, status, message, created_ms, updated_ms) VALUES (1, 'ImportFolder', 'succeeded', 'Done.', 1, 1)`).run();

    assert.deepEqual(migrate(db), [4]);
    assert.deepEqual(db.prepare('SELECT message, message_code AS code, message_params_json AS params FROM jobs').get(), {
      message: 'Done.',
      code: null,
      params: null,
    });
    db.prepare(`UPDATE jobs SET message_code = 'ImportSummary', message_params_json = '{"written":2}' WHERE id = 1`).run();
    assert.equal((db.prepare('SELECT message_code AS code FROM jobs').get() as { code: string }).code, 'ImportSummary');
    db.close();
  });
});
