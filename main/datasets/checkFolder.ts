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
import { ServiceError } from '../errors';

export async function checkFolder(_ctx: Context, input: CheckFolderInput): Promise<OutputOf<'CheckFolder'>> {
  if (!isAbsolute(input.Folder)) throw new ServiceError('InvalidParameterException', `Folder must be an absolute path: ${input.Folder}`);
  const folder = resolve(input.Folder);
  const info = await stat(folder).catch(() => undefined);
  if (!info) throw new ServiceError('InvalidParameterException', `There is no folder at ${folder}.`);
  if (!info.isDirectory()) throw new ServiceError('InvalidParameterException', `${folder} is a file, not a folder.`);
  const isReadable = await access(folder, constants.R_OK | constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!isReadable) throw new ServiceError('AccessDeniedException', `Loupe may not read the folder ${folder}.`);
  return { Folder: folder };
}
