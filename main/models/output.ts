/**
 * Where a version's files go. OutputConfig names a bucket and key prefix, as the service's does;
 * the bucket resolves through bucket mappings like every other `s3://` location. Without one,
 * Loupe uses its own bucket `loupe-output`, mapped to `<home>/output` at start-up.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { apiError, codedError } from '../errors';

export const DEFAULT_OUTPUT_BUCKET = 'loupe-output';

export interface OutputLocation {
  bucket: string;
  /** Key prefix of the version's files, ending with '/'. */
  prefix: string;
  folder: string;
}

export function ensureDefaultOutputBucket(ctx: Context): void {
  if (q.findBucketMapping(ctx.db, DEFAULT_OUTPUT_BUCKET)) return;
  const folder = join(ctx.home, 'output');
  mkdirSync(folder, { recursive: true });
  q.upsertBucketMapping(ctx.db, { bucket: DEFAULT_OUTPUT_BUCKET, folder, createdMs: ctx.now() });
}

export function outputLocation(ctx: Context, version: q.VersionRow, projectName: string): OutputLocation {
  const bucket = version.outputBucket ?? DEFAULT_OUTPUT_BUCKET;
  const mapping = q.findBucketMapping(ctx.db, bucket);
  if (!mapping) {
    throw codedError('InvalidParameterException', 'OutputBucketNotMapped', { bucket });
  }
  const userPrefix = (version.outputPrefix ?? '').replace(/^\/+/, '');
  // With a key prefix, the files go directly under it (the guide's example); without one, each
  // version gets its own `<project>/<version>/` so versions sharing a bucket never collide.
  const prefix = userPrefix ? `${userPrefix}${userPrefix.endsWith('/') ? '' : '/'}` : `${projectName}/${version.name}/`;
  if (prefix.split('/').some((part) => part === '..')) {
    throw apiError('InvalidParameterException', `Unable to write to output S3 bucket. OutputConfig.S3KeyPrefix ${userPrefix} has a '..' part, which would leave the bucket's folder.`);
  }
  return { bucket, prefix, folder: join(mapping.folder, ...prefix.split('/').filter(Boolean)) };
}

/** The S3Object the API reports for a file of the version. */
export function s3Object(location: OutputLocation, file: string): { S3Object: { Bucket: string; Name: string } } {
  return { S3Object: { Bucket: location.bucket, Name: `${location.prefix}${file}` } };
}

/**
 * A version whose training failed keeps its validation manifests (they say why) but no model:
 * model files and half-written temporaries in its folder are removed.
 */
export function removeFailedModelFiles(ctx: Context, version: q.VersionRow, projectName: string): void {
  let folder: string;
  try {
    folder = outputLocation(ctx, version, projectName).folder;
  } catch {
    // Its bucket is no longer mapped: there is no folder of Loupe's to clean.
    return;
  }
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.endsWith('.onnx') || name.includes('.tmp-') || name === 'signature.json') rmSync(join(folder, name), { force: true, recursive: true });
  }
}
