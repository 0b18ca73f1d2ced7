/**
 * Bucket mappings: `s3://bucket/key` in manifests and requests resolves to `<folder>/key`.
 * A mapping is one of the folders the user registered; nothing outside it is ever read.
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { BucketMapping, OutputOf } from '../../preload/contract';
import type { CreateBucketMappingInput, DeleteBucketMappingInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { codedError } from '../errors';
import { epochSeconds } from '../paging';

export function createBucketMapping(ctx: Context, input: CreateBucketMappingInput): OutputOf<'CreateBucketMapping'> {
  if (!isAbsolute(input.Folder)) {
    throw codedError('InvalidParameterException', 'NotAbsolutePath', { field: 'Folder', path: input.Folder });
  }
  const folder = resolve(input.Folder);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw codedError('InvalidParameterException', 'NoFolderOrNotAFolder', { path: folder });
  }
  const row = { bucket: input.Bucket, folder, createdMs: ctx.now() };
  q.upsertBucketMapping(ctx.db, row);
  return toMapping(q.findBucketMapping(ctx.db, input.Bucket) ?? row);
}

export function listBucketMappings(ctx: Context): OutputOf<'ListBucketMappings'> {
  return { BucketMappings: q.listBucketMappings(ctx.db).map(toMapping) };
}

export function deleteBucketMapping(ctx: Context, input: DeleteBucketMappingInput): OutputOf<'DeleteBucketMapping'> {
  if (!q.deleteBucketMappingRow(ctx.db, input.Bucket)) {
    throw codedError('ResourceNotFoundException', 'BucketNotMapped', { bucket: input.Bucket });
  }
  return {};
}

function toMapping(row: q.BucketMappingRow): BucketMapping {
  return { Bucket: row.bucket, Folder: row.folder, CreationTimestamp: epochSeconds(row.createdMs) };
}
