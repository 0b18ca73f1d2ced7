/**
 * The objects of mapped buckets: a bucket is a folder the user mapped (Settings › Bucket
 * mappings), an object is a file under it, its key the file's path relative to the folder.
 * Writes land whole or not at all: the bytes go to a temporary file in the bucket's folder, are
 * flushed to disk, and only then renamed over the target, so a watcher sees a finished file and a crash
 * leaves no half-written object.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type Dirent, mkdirSync, realpathSync, statSync } from 'node:fs';
import { copyFile, open, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { perContext, type Context } from '../core/context';
import { contentTypeOf } from '../contentTypes';
import { isInside } from '../datasets/sources';
import * as q from '../db/queries';
import { DEFAULT_OUTPUT_BUCKET } from '../models/output';
import { ObjectError } from './errors';
import { isTempName, keyOfPath, keyParts, pathOfKey, TEMP_PREFIX } from './keys';

export interface Bucket {
  name: string;
  /** The mapped folder's real path. */
  folder: string;
  createdMs: number;
  /** Loupe's own output bucket is read-only: its files are written by training. */
  isReadOnly: boolean;
}

export interface ObjectInfo {
  key: string;
  path: string;
  sizeBytes: number;
  modifiedMs: number;
  /** Quoted, as S3 sends it: the MD5 of the bytes, or `<md5 of the parts' md5s>-<parts>`. */
  etag: string;
  contentType: string;
}

export interface ListOptions {
  prefix?: string;
  delimiter?: string;
  /** Only keys (and common prefixes) after this one. */
  after?: string;
  maxKeys: number;
}

export interface ObjectList {
  objects: ObjectInfo[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned, to continue after. */
  last?: string;
}

/** A write's source: the request body, already unframed and checked by the transport as it streams. */
export type ByteSource = AsyncIterable<Buffer>;

interface CachedEtag {
  sizeBytes: number;
  modifiedMs: number;
  etag: string;
}

/** ETags of files seen or written, valid while the file keeps its size and modification time. */
const etagCache = perContext(() => new Map<string, CachedEtag>());

export function listBuckets(ctx: Context): Bucket[] {
  return q.listBucketMappings(ctx.db).flatMap((row) => {
    const bucket = toBucket(row);
    return bucket ? [bucket] : [];
  });
}

/** The bucket named `name`, or NoSuchBucket when no folder is mapped to it (or it is gone). */
export function openBucket(ctx: Context, name: string): Bucket {
  const row = q.findBucketMapping(ctx.db, name);
  const bucket = row ? toBucket(row) : undefined;
  if (!bucket) {
    throw new ObjectError(
      'NoSuchBucket',
      row
        ? `The bucket ${name} is mapped to ${row.folder}, which is not a folder any more.`
        : `No folder is mapped to the bucket ${name}. Map one in Settings › Bucket mappings (CreateBucketMapping).`,
    );
  }
  return bucket;
}

function toBucket(row: q.BucketMappingRow): Bucket | undefined {
  let folder: string;
  try {
    folder = realpathSync(row.folder);
  } catch {
    return undefined;
  }
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  return { name: row.bucket, folder, createdMs: row.createdMs, isReadOnly: row.bucket === DEFAULT_OUTPUT_BUCKET };
}

/** An existing object, or NoSuchKey. */
export async function headObject(ctx: Context, bucket: Bucket, key: string): Promise<ObjectInfo> {
  const path = pathOfKey(bucket.folder, key);
  const stats = key.endsWith('/') ? undefined : await stat(path).catch(() => undefined);
  if (!stats?.isFile() || !isInside(bucket.folder, realpathSync(path))) {
    throw new ObjectError('NoSuchKey', `The bucket ${bucket.name} has no object ${key}.`);
  }
  return describe(ctx, key, path, stats.size, stats.mtimeMs);
}

/** The object's bytes from `start` to `end` inclusive (the whole file by default). */
export function readObject(info: ObjectInfo, range?: { start: number; end: number }): NodeJS.ReadableStream {
  return createReadStream(info.path, range ?? {});
}

export async function listObjects(ctx: Context, bucket: Bucket, options: ListOptions): Promise<ObjectList> {
  const prefix = options.prefix ?? '';
  const delimiter = options.delimiter ?? '';
  const keys = await keysUnder(bucket.folder, prefix);
  const items: { name: string; path?: string }[] = [];
  let lastPrefix: string | undefined;
  for (const { key, path } of keys) {
    if (!key.startsWith(prefix)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut !== -1) {
      const common = key.slice(0, cut + delimiter.length);
      if (common !== lastPrefix) items.push({ name: common });
      lastPrefix = common;
    } else {
      items.push({ name: key, path });
    }
  }
  const after = options.after;
  const start = after === undefined ? 0 : items.findIndex((item) => compareKeys(item.name, after) > 0);
  const page = start === -1 ? [] : items.slice(start, start + options.maxKeys);
  const objects: ObjectInfo[] = [];
  const commonPrefixes: string[] = [];
  for (const item of page) {
    if (item.path === undefined) {
      commonPrefixes.push(item.name);
      continue;
    }
    const stats = await stat(item.path).catch(() => undefined);
    if (stats?.isFile()) objects.push(await describe(ctx, item.name, item.path, stats.size, stats.mtimeMs));
  }
  return {
    objects,
    commonPrefixes,
    isTruncated: start !== -1 && start + options.maxKeys < items.length,
    ...(page.length > 0 ? { last: page[page.length - 1]!.name } : {}),
  };
}

/** S3 orders keys by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Every file under the folder part of `prefix`, as sorted keys; symbolic links leading out are left out. */
async function keysUnder(folder: string, prefix: string): Promise<{ key: string; path: string }[]> {
  const slash = prefix.lastIndexOf('/');
  let start = folder;
  if (slash > 0) {
    try {
      start = pathOfKey(folder, prefix.slice(0, slash + 1));
    } catch {
      return [];
    }
  }
  const found: { key: string; path: string }[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (isTempName(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) found.push({ key: keyOfPath(folder, path), path });
      else if (entry.isSymbolicLink()) {
        const real = await realpath(path);
        if (!real || !isInside(folder, real)) continue;
        const stats = await stat(path).catch(() => undefined);
        // Links to folders inside the bucket are not walked: they could loop.
        if (stats?.isFile()) found.push({ key: keyOfPath(folder, path), path });
      }
    }
  };
  await walk(start);
  return found.sort((a, b) => compareKeys(a.key, b.key));
}

async function realpath(path: string): Promise<string | undefined> {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Write `source` as the object `key`, whole or not at all. A source that throws (a bad checksum
 * or signature found at the end, a dropped connection) leaves the old object, if any, untouched.
 */
export async function writeObject(ctx: Context, bucket: Bucket, key: string, source: ByteSource): Promise<ObjectInfo> {
  requireWritable(bucket, key);
  const path = pathOfKey(bucket.folder, key);
  if (key.endsWith('/')) {
    // A "folder marker": the folder itself, as S3 consoles and tools create them.
    for await (const chunk of source) {
      if (chunk.length > 0) throw new ObjectError('InvalidArgument', `The key ${key} names a folder; a folder holds no bytes.`);
    }
    mkdirSync(path, { recursive: true });
    return { key, path, sizeBytes: 0, modifiedMs: ctx.now(), etag: EMPTY_ETAG, contentType: 'application/x-directory' };
  }
  const md5 = createHash('md5');
  await writeAtomically(bucket, key, path, async (write) => {
    for await (const chunk of source) {
      md5.update(chunk);
      await write(chunk);
    }
  });
  return remember(ctx, key, path, `"${md5.digest('hex')}"`);
}

const EMPTY_ETAG = `"${createHash('md5').digest('hex')}"`;

export async function copyObject(ctx: Context, from: { bucket: Bucket; key: string }, to: { bucket: Bucket; key: string }): Promise<ObjectInfo> {
  const source = await headObject(ctx, from.bucket, from.key);
  return writeObject(ctx, to.bucket, to.key, readObject(source) as AsyncIterable<Buffer>);
}

/** Delete the object; deleting one that does not exist succeeds, as in S3. */
export async function deleteObject(ctx: Context, bucket: Bucket, key: string): Promise<void> {
  requireWritable(bucket, key);
  const path = pathOfKey(bucket.folder, key);
  etagCache(ctx).delete(path);
  if (key.endsWith('/')) {
    await rmdir(path).catch(() => undefined);
    return;
  }
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT' && error.code !== 'EISDIR' && error.code !== 'EPERM') throw error;
  });
}

function requireWritable(bucket: Bucket, key: string): void {
  keyParts(key);
  if (bucket.isReadOnly) {
    throw new ObjectError('AccessDenied', `The bucket ${bucket.name} holds Loupe's own output; it can be read, not written.`);
  }
}

/**
 * Run `fill` against a temporary file in the bucket's folder, flush it, and rename it over `path`; on any
 * failure the temporary file is removed and `path` is left as it was.
 */
export async function writeAtomically(
  bucket: Bucket,
  key: string,
  path: string,
  fill: (write: (chunk: Buffer) => Promise<void>) => Promise<void>,
): Promise<void> {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  // The folders just made must still be inside the bucket (no link raced in on the way).
  if (!isInside(bucket.folder, realpathSync(dir))) {
    throw new ObjectError('AccessDenied', `The key '${key}' leads outside the bucket's folder.`);
  }
  // The temporary file sits at the bucket's top: a folder watcher that has just seen `dir` appear
  // must not be left with only a hidden file to find in it while the rename races its scan.
  const temp = join(bucket.folder, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
  const handle = await open(temp, 'wx');
  let done = false;
  try {
    await fill(async (chunk) => {
      await handle.write(chunk);
    });
    await handle.sync();
    await handle.close();
    await rename(temp, path).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EXDEV') throw error;
      // `dir` is on another file system (a drive mounted inside the folder): go through a
      // temporary file beside the target instead.
      const beside = join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
      try {
        await copyFile(temp, beside);
        await rename(beside, path);
      } finally {
        await unlink(beside).catch(() => undefined);
      }
      await unlink(temp);
    });
    done = true;
  } finally {
    if (!done) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
  }
}

/** Record a just-written file's ETag and describe it. */
export async function remember(ctx: Context, key: string, path: string, etag: string): Promise<ObjectInfo> {
  const stats = await stat(path);
  etagCache(ctx).set(path, { sizeBytes: stats.size, modifiedMs: stats.mtimeMs, etag });
  return { key, path, sizeBytes: stats.size, modifiedMs: stats.mtimeMs, etag, contentType: contentTypeOf(path) };
}

async function describe(ctx: Context, key: string, path: string, sizeBytes: number, modifiedMs: number): Promise<ObjectInfo> {
  const cache = etagCache(ctx);
  let cached = cache.get(path);
  if (!cached || cached.sizeBytes !== sizeBytes || cached.modifiedMs !== modifiedMs) {
    const md5 = createHash('md5');
    for await (const chunk of createReadStream(path)) md5.update(chunk as Buffer);
    cached = { sizeBytes, modifiedMs, etag: `"${md5.digest('hex')}"` };
    cache.set(path, cached);
  }
  return { key, path, sizeBytes, modifiedMs, etag: cached.etag, contentType: contentTypeOf(path) };
}
