/**
 * The database keeps prepared statements by their SQL text: the same text gives the same statement
 * (compiled once), results stay right across reuses and schema changes, and the least recently
 * used statement is let go once 500 texts are kept.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '../../../main/db';
import { configureLogFile, releaseLogFile } from '../../../main/log';
import { tempDir } from '../../support/loupe';
import { sqlite } from '../../../main/db/handle';

describe('kept statements', () => {
  it('gives the same statement for the same SQL and answers each call with its own arguments', () => {
    const db = sqlite(openDatabase(join(tempDir(), 'loupe.db')));
    try {
      db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
      const insert = 'INSERT INTO notes (text) VALUES (?)';
      assert.equal(db.prepare(insert), db.prepare(insert));
      for (const text of ['a', 'b', 'c']) db.prepare(insert).run(text);
      const byId = 'SELECT text FROM notes WHERE id = ?';
      assert.deepEqual([1, 2, 3].map((id) => (db.prepare(byId).get(id) as { text: string }).text), ['a', 'b', 'c']);
      // A schema change under a kept statement: SQLite prepares it again by itself.
      db.exec('ALTER TABLE notes ADD COLUMN seen INTEGER NOT NULL DEFAULT 0');
      assert.deepEqual(db.prepare('SELECT * FROM notes WHERE id = ?').get(2), { id: 2, text: 'b', seen: 0 });
      assert.equal((db.prepare(byId).get(3) as { text: string }).text, 'c');
    } finally {
      db.close();
    }
  });

  it('lets the least recently used statement go after 500 others', () => {
    const db = sqlite(openDatabase(':memory:'));
    try {
      const first = db.prepare('SELECT 0 AS n');
      const recent = db.prepare('SELECT -1 AS n');
      for (let i = 1; i < 499; i++) db.prepare(`SELECT ${i} AS n`);
      assert.equal(db.prepare('SELECT -1 AS n'), recent, 'still kept');
      db.prepare('SELECT 499 AS n');
      db.prepare('SELECT 500 AS n');
      assert.notEqual(db.prepare('SELECT 0 AS n'), first, 'prepared again');
      assert.equal((db.prepare('SELECT 0 AS n').get() as { n: number }).n, 0);
    } finally {
      db.close();
    }
  });
});

describe('slow statements', () => {
  it('logs a statement that runs past the threshold, with its SQL and time, and not the quick ones', () => {
    const logFile = join(tempDir(), 'loupe.log');
    configureLogFile(logFile);
    const db = sqlite(openDatabase(':memory:', { slowStatementMs: 100 }));
    try {
      assert.equal((db.prepare('SELECT 1 AS quick').get() as { quick: number }).quick, 1);
      // Counting to a million in SQL takes well past 100 ms on any machine.
      const slow = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) SELECT count(*) AS c FROM n';
      assert.equal((db.prepare(slow).get() as { c: number }).c, 1_000_000);
    } finally {
      db.close();
      releaseLogFile(logFile);
    }
    const lines = readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes('slow statement'));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, / warn db slow statement /);
    assert.match(lines[0]!, /WITH RECURSIVE n\(i\)/);
    const fields = JSON.parse(lines[0]!.slice(lines[0]!.indexOf('{'))) as { ms: number; method: string };
    assert.ok(fields.ms >= 100, `logged ${fields.ms} ms`);
    assert.equal(fields.method, 'get');
  });
});
