// Placeholder signatures; the watcher replaces this file.
import type { OutputOf } from '../../preload/contract';
import type { ListWatchedFoldersInput, UnwatchFolderInput, WatchFolderInput } from '../../preload/contract/schemas';
import type { Context } from '../api/context';
import { ServiceError } from '../errors';

export function watchFolder(_ctx: Context, _input: WatchFolderInput): OutputOf<'WatchFolder'> {
  throw new ServiceError('InvalidParameterException', 'Watching folders is not available yet.');
}
export function unwatchFolder(_ctx: Context, _input: UnwatchFolderInput): OutputOf<'UnwatchFolder'> {
  throw new ServiceError('InvalidParameterException', 'Watching folders is not available yet.');
}
export function listWatchedFolders(_ctx: Context, _input: ListWatchedFoldersInput): OutputOf<'ListWatchedFolders'> {
  return { WatchedFolders: [] };
}
