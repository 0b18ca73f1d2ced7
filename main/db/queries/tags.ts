import { sqlite, type Db } from '../handle';

export function listTags(db: Db, resourceArn: string): Record<string, string> {
  const rows = sqlite(db).prepare('SELECT key, value FROM tags WHERE resource_arn = ? ORDER BY key').all(resourceArn) as {
    key: string;
    value: string;
  }[];
  return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}

export function upsertTags(db: Db, resourceArn: string, tags: Record<string, string>): void {
  const statement = sqlite(db).prepare(
    `INSERT INTO tags (resource_arn, key, value) VALUES (?, ?, ?)
     ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value`,
  );
  for (const [key, value] of Object.entries(tags)) statement.run(resourceArn, key, value);
}

export function deleteTags(db: Db, resourceArn: string, keys?: string[]): void {
  if (!keys) {
    sqlite(db).prepare('DELETE FROM tags WHERE resource_arn = ?').run(resourceArn);
    return;
  }
  const statement = sqlite(db).prepare('DELETE FROM tags WHERE resource_arn = ? AND key = ?');
  for (const key of keys) statement.run(resourceArn, key);
}
