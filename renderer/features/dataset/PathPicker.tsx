import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { canPickPaths, isImportableName, pickPath, transportKind, uploadForPath } from '../../api';
import type { PickPurpose } from '../../../preload/contract/names';
import { useDescribeError } from '../../lib/errors';
import { Button } from '../../ui';
import { useDatasetT } from './i18n';

export interface PathPickerProps {
  purpose: PickPurpose;
  /** A browser uploads what the user picks (a file, or a folder when true) and gives its path on the server. */
  upload?: 'file' | 'folder';
  /** File types a browser offers for a file (`.json,.csv`). */
  accept?: string;
  /** A browser uploads only the images of a picked folder. */
  onlyImages?: boolean;
  /** The path chosen (desktop) or uploaded (browser), with the name the user knows it by. */
  onPath: (path: string, userName: string) => void;
}

/**
 * A way to choose a path beside a typed one (issue 15: annotation files, manifests and watched
 * folders could only be typed): the system's open dialog in the desktop app; in a browser, an
 * upload of the picked file or folder when the operation can take an uploaded copy; else nothing.
 */
export function PathPicker({ purpose, upload, accept, onlyImages = false, onPath }: PathPickerProps) {
  const { t } = useDatasetT();
  const describeError = useDescribeError();
  const input = useRef<HTMLInputElement>(null);
  const [isBusy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const isFolder = upload === 'folder';
  useEffect(() => {
    // React has no prop for it; Chromium, Firefox and Safari all read the attribute.
    if (isFolder) input.current?.setAttribute('webkitdirectory', '');
    else input.current?.removeAttribute('webkitdirectory');
  }, [isFolder]);

  const problemNote = problem ? (
    <span className="path-picker__problem" role="alert">
      {problem}
    </span>
  ) : null;

  if (canPickPaths()) {
    const browse = async () => {
      setProblem(undefined);
      try {
        const chosen = await pickPath(purpose);
        if (chosen) onPath(chosen, chosen);
      } catch (error) {
        // The dialog could not open (another window has it, the main process refused): say so.
        const described = describeError(error);
        setProblem(described.detail ? `${described.title} ${described.detail}` : described.title);
      }
    };
    return (
      <>
        <Button size="sm" variant="ghost" icon="folder" onClick={() => void browse()}>
          {t('pathPicker.browse')}
        </Button>
        {problemNote}
      </>
    );
  }
  if (!upload || transportKind !== 'http') return null;

  const take = async (list: FileList) => {
    const files = Array.from(list).filter((file) => !onlyImages || isImportableName(file.name));
    if (files.length === 0) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const first = files[0]!;
      const folderName = first.webkitRelativePath.split('/')[0] ?? first.name;
      const picked = isFolder
        ? { name: folderName, isFolder: true, files: files.map((file) => ({ file, relativePath: file.webkitRelativePath.split('/').slice(1).join('/') })) }
        : { name: first.name, isFolder: false, files: [{ file: first, relativePath: first.name }] };
      onPath(await uploadForPath(picked), picked.name);
    } catch (error) {
      const described = describeError(error);
      setProblem(described.detail ? `${described.title} ${described.detail}` : described.title);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button size="sm" variant="ghost" icon="upload" isBusy={isBusy} onClick={() => input.current?.click()}>
        {isFolder ? t('pathPicker.uploadFolder') : t('pathPicker.uploadFile')}
      </Button>
      <input
        ref={input}
        type="file"
        hidden
        accept={isFolder ? undefined : accept}
        data-picker={`path-${purpose}`}
        onChange={(event: ChangeEvent<HTMLInputElement>) => {
          if (event.target.files) void take(event.target.files);
          event.target.value = '';
        }}
      />
      {problemNote}
    </>
  );
}
