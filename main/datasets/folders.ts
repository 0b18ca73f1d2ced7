/**
 * Images from a folder, labelled by the guide's rule (L2245–2275): an image's label is the name of
 * the immediate child folder of the chosen location that contains it, at any depth; images directly
 * in the location are unlabelled; nothing outside the location is imported. The watcher uses the
 * same rule, so both agree on every file.
 */
import { lstat, readdir, realpath } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { isIgnoredFolderName, isImportableName } from '../../preload/contract/files';
import type { EntryDraft, ImageLabel } from '../db/entry';
import { isInside } from './sources';

/** Files that never become entries: not an image by name, or hidden, temporary or partial (preload/contract/files.ts). */
export function isIgnoredFile(path: string): boolean {
  return !isImportableName(basename(path));
}

/** True when a folder on the way (below the root) is skipped: `.git`, `.thumbnails`, `__MACOSX`, `node_modules`. */
export const isIgnoredFolder = isIgnoredFolderName;

/** The label the directory rule gives `file` under `root`, or undefined for a file directly in root. */
export function labelFromFolder(root: string, file: string): string | undefined {
  const parts = relative(root, file).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** Every importable file below `root`; symlinks are followed only while they stay inside it. */
export async function listImageFiles(root: string, signal?: AbortSignal): Promise<string[]> {
  const realRoot = await realpath(root);
  const files: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    signal?.throwIfAborted();
    const items = await readdir(folder, { withFileTypes: true });
    for (const item of items) {
      const path = join(folder, item.name);
      if (item.isDirectory()) {
        if (!isIgnoredFolder(item.name)) await walk(path);
      } else if (item.isFile()) {
        if (!isIgnoredFile(path)) files.push(path);
      } else if (item.isSymbolicLink()) {
        const target = await realpath(path).catch(() => undefined);
        if (!target || !isInside(realRoot, target)) continue;
        const info = await lstat(target);
        if (info.isDirectory() && !isIgnoredFolder(item.name)) await walk(path);
        else if (info.isFile() && !isIgnoredFile(path)) files.push(path);
      }
    }
  };
  await walk(root);
  return files.sort();
}

/** An image-level label made by Loupe (folder names, labelling): its attribute is its own name. */
export function loupeLabel(name: string, nowIso: string): ImageLabel {
  return { name, attribute: name, confidence: 1, humanAnnotated: 'yes', creationDate: nowIso };
}

export function draftForFile(sourceRef: string, label: string | undefined, nowIso: string): EntryDraft {
  return { sourceRef, labels: label ? [loupeLabel(label, nowIso)] : [], boxes: [], errors: [] };
}
