import { useEffect, useRef, useState } from 'react';
import { useDescribeError } from '../../../lib/errors';
import { useModelsT } from '../i18n';
import { FolderWatcher, pickFolder } from './folderWatch';

export interface KioskFolder {
  /** The watched folder's name, while one is watched. */
  watching: string | undefined;
  /** Ask for a folder and watch it; each new image goes to `onImage`. Resolves true once watching. */
  start(moveFiles: boolean, onImage: (file: File) => void): Promise<boolean>;
  stop(): void;
  /** Move an analysed image that came from the watched folder into the subfolder `folder`. */
  moveIfWatched(file: File, folder: string): void;
}

/** The folder the kiosk watches (File System Access API); problems go to `onNotice` in words. */
export function useKioskFolder(onNotice: (notice: string | undefined) => void): KioskFolder {
  const { t } = useModelsT();
  const describeError = useDescribeError();
  const [watching, setWatching] = useState<string | undefined>();
  const watcher = useRef<FolderWatcher | undefined>(undefined);
  const watchedFiles = useRef(new WeakSet<File>());

  useEffect(() => () => watcher.current?.stop(), []);

  const start = async (moveFiles: boolean, onImage: (file: File) => void): Promise<boolean> => {
    onNotice(undefined);
    try {
      const directory = await pickFolder(moveFiles);
      watcher.current?.stop();
      const next = new FolderWatcher(
        directory,
        (file) => {
          watchedFiles.current.add(file);
          onImage(file);
        },
        (error) => onNotice(describeError(error).title),
      );
      await next.start();
      watcher.current = next;
      setWatching(directory.name);
      return true;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'NotAllowedError' || name === 'SecurityError') onNotice(t('kiosk.folderRefused'));
      else if (name !== 'AbortError') onNotice(describeError(error).title);
      return false;
    }
  };

  const stop = () => {
    watcher.current?.stop();
    watcher.current = undefined;
    setWatching(undefined);
  };

  const moveIfWatched = (file: File, folder: string) => {
    if (!watcher.current || !watchedFiles.current.has(file)) return;
    watcher.current.move(file.name, folder).catch((error: unknown) => onNotice(describeError(error).title));
  };

  return { watching, start, stop, moveIfWatched };
}
