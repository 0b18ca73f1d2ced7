/**
 * Files dropped on the web UI (serve and kiosk mode) arrive one by one:
 *
 *   PUT /uploads/<batch>/<relative path>   (session token)   → {"Folder": "<home>/uploads/<batch>"}
 *
 * keeping the folder structure the user dropped, so that ImportFolder on the returned Folder
 * labels images by their directory names exactly as a local folder import does. Paths are
 * checked segment by segment and can never leave the batch folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import type { Loupe } from '../api';
import { IMAGE_LIMITS } from '../../preload/contract/imageLimits';
import { codedError } from '../errors';
import { BodyTooLargeError, formatLimit, writeBody } from './body';
import { sendJson } from './json11';

const BATCH = /^[A-Za-z0-9_-]{1,64}$/;

/** Where a batch's files go inside the Loupe home. */
export function uploadFolder(loupe: Loupe, batch: string): string {
  return join(loupe.ctx.home, 'uploads', batch);
}

/**
 * `maxBytes`: IMAGE_LIMITS.maxUploadBytes unless the server was told otherwise. Uploads are the app's
 * own path (ImportFolder on the batch downscales camera images beyond the service's 15 MB and
 * 4096 px), so they take files up to that cap rather than the guide's 15 MB; the API and S3 paths
 * keep their own limits.
 */
export async function handleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  loupe: Loupe,
  rawPath: string,
  maxBytes: number = IMAGE_LIMITS.maxUploadBytes,
): Promise<void> {
  const [batch, ...segments] = rawPath.slice('/uploads/'.length).split('/').map(decodeSegment);
  if (!batch || !BATCH.test(batch) || segments.length === 0 || segments.some((s) => !isSafeSegment(s))) {
    throw codedError('InvalidParameterException', 'UploadPathInvalid');
  }
  const folder = uploadFolder(loupe, batch);
  const target = join(folder, ...segments);
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.part-${randomBytes(4).toString('hex')}`;
  try {
    await writeBody(req, partial, maxBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    throw new BodyTooLargeError(maxBytes, { Code: 'UploadTooLarge', Params: { file: segments.join('/'), limit: formatLimit(maxBytes) } });
  }
  await rename(partial, target);
  sendJson(res, 200, { Folder: folder }, 'application/json');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '\0';
  }
}

function isSafeSegment(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..' && !/[\\/\0:]/.test(segment) && segment.length <= 255;
}
