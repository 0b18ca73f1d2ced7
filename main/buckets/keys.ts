/**
 * Object keys → files inside the bucket's folder, and nothing else. A key is a relative path with
 * `/` between its parts; it never names a file outside the folder: no `..` or `.` parts, no empty
 * parts, no absolute keys, no backslashes or NUL, and no symbolic link on the way that leads out
 * of the folder. A key ending in `/` names a folder (S3's "folder marker").
 */
import { lstatSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { isInside } from '../datasets/sources';
import { ObjectError } from './errors';

/** S3's longest key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
/** Files Loupe writes while an object is on its way in; never objects, never listed. */
export const TEMP_PREFIX = '.loupe-upload-';

export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}

/** The key's parts, or an ObjectError saying why it cannot name a file in the folder. */
export function keyParts(key: string): string[] {
  if (key === '') throw new ObjectError('InvalidArgument', 'The object key is empty.');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new ObjectError('KeyTooLongError', `Object keys are at most ${MAX_KEY_BYTES} bytes long.`);
  }
  if (key.startsWith('/')) throw refused(key, 'it is absolute (starts with /)');
  if (/[\\\0]/.test(key)) throw refused(key, 'it contains a backslash or a NUL character');
  if (/^[A-Za-z]:/.test(key)) throw refused(key, 'it starts with a drive letter');
  const parts = key.endsWith('/') ? key.slice(0, -1).split('/') : key.split('/');
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') throw refused(key, `it has a '${part || '(empty)'}' part`);
    if (isTempName(part)) throw refused(key, `names starting with ${TEMP_PREFIX} are Loupe's temporary files`);
  }
  return parts;
}

/**
 * The file `key` names inside `folder` (which must be the folder's real path). The deepest part
 * of the path that exists must really be inside the folder, so a symbolic link in the folder
 * that points elsewhere is never followed out of it.
 */
export function pathOfKey(folder: string, key: string): string {
  const path = join(folder, ...keyParts(key));
  if (!isInside(folder, path)) throw refused(key, 'it leads outside the bucket');
  let existing = path;
  for (;;) {
    const stats = lstatSync(existing, { throwIfNoEntry: false });
    if (stats) break;
    const parent = dirname(existing);
    if (parent === existing || !isInside(folder, parent)) return path;
    existing = parent;
  }
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    // A dangling link: it leads nowhere Loupe may look.
    throw refused(key, 'a symbolic link on its way leads nowhere');
  }
  if (!isInside(folder, real)) throw refused(key, "a symbolic link on its way leads outside the bucket's folder");
  return path;
}

/** The key of a file inside the folder: its relative path with `/` between parts. */
export function keyOfPath(folder: string, path: string): string {
  return path.slice(folder.length + 1).split(sep).join('/');
}

function refused(key: string, why: string): ObjectError {
  return new ObjectError('AccessDenied', `The key '${key}' cannot be used because ${why}; keys stay inside the bucket's folder.`);
}
