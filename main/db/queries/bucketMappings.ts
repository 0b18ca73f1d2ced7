import { sqlite, type Db } from '../handle';

export interface BucketMappingRow {
  bucket: string;
  folder: string;
  createdMs: number;
}

export function upsertBucketMapping(db: Db, row: BucketMappingRow): void {
  sqlite(db).prepare(
    `INSERT INTO bucket_mappings (bucket, folder, created_ms) VALUES (@bucket, @folder, @createdMs)
     ON CONFLICT (bucket) DO UPDATE SET folder = excluded.folder`,
  ).run(row);
}

export function listBucketMappings(db: Db): BucketMappingRow[] {
  return sqlite(db)
    .prepare('SELECT bucket, folder, created_ms AS createdMs FROM bucket_mappings ORDER BY bucket')
    .all() as BucketMappingRow[];
}

export function findBucketMapping(db: Db, bucket: string): BucketMappingRow | undefined {
  return sqlite(db)
    .prepare('SELECT bucket, folder, created_ms AS createdMs FROM bucket_mappings WHERE bucket = ?')
    .get(bucket) as BucketMappingRow | undefined;
}

export function deleteBucketMappingRow(db: Db, bucket: string): boolean {
  return sqlite(db).prepare('DELETE FROM bucket_mappings WHERE bucket = ?').run(bucket).changes > 0;
}
