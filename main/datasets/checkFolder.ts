/**
 * CheckFolder: whether a typed path is a folder Loupe can read, asked before anything is created
 * (issue 15: a mistyped path created the dataset, then failed its import, and said so twice).
 */
import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { OutputOf } from '../../preload/contract';
import type { CheckFolderInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import { codedError } from '../errors';

export async function checkFolder(_ctx: Context, input: CheckFolderInput): Promise<OutputOf<'CheckFolder'>> {
  if (!isAbsolute(input.Folder)) throw codedError('InvalidParameterException', 'NotAbsolutePath', { field: 'Folder', path: input.Folder });
  const folder = resolve(input.Folder);
  const info = await stat(folder).catch(() => undefined);
  if (!info) throw codedError('InvalidParameterException', 'NoFolderAt', { path: folder });
  if (!info.isDirectory()) throw codedError('InvalidParameterException', 'NotAFolder', { path: folder });
  const isReadable = await access(folder, constants.R_OK | constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!isReadable) throw codedError('AccessDeniedException', 'FolderNotReadable', { path: folder });
  return { Folder: folder };
}
