/**
 * Multipart uploads, as S3 clients switch to them for large files (boto3's upload_file and
 * `aws s3 cp` above 8 MB, the SDKs' managed uploads). Parts wait in `<home>/s3-uploads/<id>/`,
 * never in the bucket's folder; completing an upload joins them into one temporary file beside
 * the target and renames it into place, so an interrupted upload leaves no partial object.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../core/context';
import { ObjectError } from './errors';
import { pathOfKey } from './keys';
import { remember, writeAtomically, type Bucket, type ByteSource, type ObjectInfo } from './objects';

/** S3's smallest part, except the last one. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;

interface UploadRecord {
  bucket: string;
  key: string;
  createdMs: number;
}

export interface CompletedPart {
  partNumber: number;
  /** As the client sends it back, quoted or not. */
  etag: string;
}

function uploadsDir(ctx: Context): string {
  return join(ctx.home, 's3-uploads');
}

function uploadDir(ctx: Context, uploadId: string): string {
  return join(uploadsDir(ctx), uploadId);
}

export function createUpload(ctx: Context, bucket: Bucket, key: string): string {
  if (bucket.isReadOnly) {
    throw new ObjectError('AccessDenied', `The bucket ${bucket.name} holds Loupe's own output; it can be read, not written.`);
  }
  pathOfKey(bucket.folder, key);
  const uploadId = randomBytes(16).toString('hex');
  const dir = uploadDir(ctx, uploadId);
  mkdirSync(dir, { recursive: true });
  const record: UploadRecord = { bucket: bucket.name, key, createdMs: ctx.now() };
  writeFileSync(join(dir, 'upload.json'), JSON.stringify(record));
  return uploadId;
}

function requireUpload(ctx: Context, bucket: Bucket, key: string, uploadId: string): string {
  const missing = new ObjectError(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  );
  if (!/^[0-9a-f]{32}$/.test(uploadId)) throw missing;
  const dir = uploadDir(ctx, uploadId);
  let record: UploadRecord;
  try {
    record = JSON.parse(readFileSync(join(dir, 'upload.json'), 'utf8')) as UploadRecord;
  } catch {
    throw missing;
  }
  if (record.bucket !== bucket.name || record.key !== key) throw missing;
  return dir;
}

function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new ObjectError('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive.`);
  }
}

/** Store one part (replacing an earlier one with the same number); answers its ETag. */
export async function uploadPart(
  ctx: Context,
  bucket: Bucket,
  key: string,
  uploadId: string,
  partNumber: number,
  source: ByteSource,
): Promise<string> {
  checkPartNumber(partNumber);
  const dir = requireUpload(ctx, bucket, key, uploadId);
  const md5 = createHash('md5');
  const temp = join(dir, `${partNumber}.${randomBytes(4).toString('hex')}.tmp`);
  const chunks = await open(temp, 'wx');
  let done = false;
  try {
    for await (const chunk of source) {
      md5.update(chunk);
      await chunks.write(chunk);
    }
    await chunks.close();
    const etag = `"${md5.digest('hex')}"`;
    await writeFile(join(dir, `${partNumber}.etag`), etag);
    await rename(temp, join(dir, `${partNumber}.part`));
    done = true;
    return etag;
  } finally {
    if (!done) {
      await chunks.close().catch(() => undefined);
      await rm(temp, { force: true });
    }
  }
}

/** Join the listed parts into the object; the upload is gone afterwards. */
export async function completeUpload(
  ctx: Context,
  bucket: Bucket,
  key: string,
  uploadId: string,
  parts: CompletedPart[],
): Promise<ObjectInfo> {
  const dir = requireUpload(ctx, bucket, key, uploadId);
  if (parts.length === 0) {
    throw new ObjectError('InvalidArgument', 'CompleteMultipartUpload needs at least one part.');
  }
  const md5s: Buffer[] = [];
  const files: string[] = [];
  for (const [index, part] of parts.entries()) {
    checkPartNumber(part.partNumber);
    if (index > 0 && part.partNumber <= parts[index - 1]!.partNumber) {
      throw new ObjectError('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.');
    }
    const stored = await readFile(join(dir, `${part.partNumber}.etag`), 'utf8').catch(() => undefined);
    if (stored === undefined || stored !== `"${part.etag.replace(/^"|"$/g, '')}"`) {
      throw new ObjectError(
        'InvalidPart',
        `Part ${part.partNumber} could not be found, or its ETag does not match. Upload it again or list the parts you uploaded.`,
      );
    }
    const file = join(dir, `${part.partNumber}.part`);
    if (index < parts.length - 1 && (await stat(file)).size < MIN_PART_BYTES) {
      throw new ObjectError('EntityTooSmall', `Part ${part.partNumber} is smaller than the minimum allowed part size (5 MiB); only the last part may be smaller.`);
    }
    md5s.push(Buffer.from(stored.slice(1, -1), 'hex'));
    files.push(file);
  }
  const path = pathOfKey(bucket.folder, key);
  await writeAtomically(bucket, key, path, async (write) => {
    for (const file of files) {
      for await (const chunk of createReadStream(file)) await write(chunk as Buffer);
    }
  });
  await rm(dir, { recursive: true, force: true });
  const etag = `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}"`;
  return remember(ctx, key, path, etag);
}

export async function abortUpload(ctx: Context, bucket: Bucket, key: string, uploadId: string): Promise<void> {
  const dir = requireUpload(ctx, bucket, key, uploadId);
  await rm(dir, { recursive: true, force: true });
}
