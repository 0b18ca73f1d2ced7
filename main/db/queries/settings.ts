import { sqlite, type Db } from '../handle';

/** Settings are JSON values under a key; the caller owns their shape and defaults. */
export function readSetting(db: Db, key: string): unknown {
  const row = sqlite(db).prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as unknown) : undefined;
}

export function writeSetting(db: Db, key: string, value: unknown): void {
  sqlite(db).prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, JSON.stringify(value));
}

export function deleteSetting(db: Db, key: string): void {
  sqlite(db).prepare('DELETE FROM settings WHERE key = ?').run(key);
}
