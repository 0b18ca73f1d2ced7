/**
 * Images from a folder, labelled by the guide's rule (L2245–2275): an image's label is the name of
 * the immediate child folder of the chosen location that contains it, at any depth; images directly
 * in the location are unlabelled; nothing outside the location is imported. The watcher uses the
 * same rule, so both agree on every file.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { countSkippedFile, isIgnoredFolderName, isImportableName } from '../../preload/contract/files';
import type { EntryDraft, ImageLabel } from '../db/entry';
import { codedError } from '../errors';
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

/** A link the walk did not follow, for the import's summary. */
export interface SkippedLink {
  path: string;
  reason: 'outside' | 'loop' | 'duplicate' | 'broken';
}

export interface FolderScan {
  /** Importable files, sorted. */
  files: string[];
  skippedLinks: SkippedLink[];
  /** Files left out because they are not images Loupe imports, counted by kind (files.ts `fileKind`). */
  skippedFiles: Record<string, number>;
}


/**
 * Bounds of one walk: a tree deeper or wider than this is refused rather than walked until memory
 * runs out (a bind mount or a link loop the other checks miss must still end).
 */
export const WALK_LIMITS = { maxDepth: 64, maxFolders: 100_000, maxFiles: 1_000_000 } as const;

/**
 * Every importable file below `root`. Each real directory is walked once (by device and inode), so
 * a link to a folder already walked (`ln -s . self`, a link to a parent) adds nothing; a link is
 * followed only while its target stays inside the real root; real folders are walked before links,
 * so a file reached both ways keeps the label of where it really is. Skipped links are returned.
 */
export async function listImageFiles(root: string, signal?: AbortSignal): Promise<FolderScan> {
  const realRoot = await realpath(root);
  const files: string[] = [];
  const skippedLinks: SkippedLink[] = [];
  const skippedFiles: Record<string, number> = {};
  const skip = (path: string) => countSkippedFile(skippedFiles, basename(path));
  const walked = new Set<string>();
  const seenFiles = new Set<string>();
  const links: { path: string; depth: number }[] = [];
  const fileKey = (info: { dev: number; ino: number }) => `${info.dev}:${info.ino}`;

  const addFile = (path: string, info: { dev: number; ino: number }) => {
    if (isIgnoredFile(path)) return;
    if (files.length >= WALK_LIMITS.maxFiles) throw codedError('LimitExceededException', 'FolderTooManyFiles', { path: root, count: WALK_LIMITS.maxFiles });
    seenFiles.add(fileKey(info));
    files.push(path);
  };
  const walk = async (folder: string, depth: number): Promise<void> => {
    signal?.throwIfAborted();
    const info = await stat(folder);
    if (walked.has(fileKey(info))) return;
    walked.add(fileKey(info));
    if (walked.size > WALK_LIMITS.maxFolders) throw codedError('LimitExceededException', 'FolderTooManyFolders', { path: root, count: WALK_LIMITS.maxFolders });
    if (depth > WALK_LIMITS.maxDepth) throw codedError('LimitExceededException', 'FolderTooDeep', { path: root, depth: WALK_LIMITS.maxDepth });
    const items = await readdir(folder, { withFileTypes: true });
    for (const item of items) {
      const path = join(folder, item.name);
      if (item.isDirectory()) {
        if (!isIgnoredFolder(item.name)) await walk(path, depth + 1);
      } else if (item.isFile()) {
        if (!isIgnoredFile(path)) addFile(path, await lstat(path));
        else skip(path);
      } else if (item.isSymbolicLink()) {
        links.push({ path, depth: depth + 1 });
      }
    }
  };
  const follow = async (path: string, depth: number): Promise<void> => {
    const target = await realpath(path).catch(() => undefined);
    const info = target === undefined ? undefined : await stat(target).catch(() => undefined);
    if (!target || !info) {
      if (!isIgnoredFile(path)) skippedLinks.push({ path, reason: 'broken' });
      return;
    }
    // Only links that would have been read are worth a line: folders, and files with an image's name.
    if (info.isFile() && isIgnoredFile(path)) return void skip(path);
    if (info.isDirectory() && isIgnoredFolder(basename(path))) return;
    if (!info.isFile() && !info.isDirectory()) return;
    if (!isInside(realRoot, target)) return void skippedLinks.push({ path, reason: 'outside' });
    if (info.isFile()) {
      if (seenFiles.has(fileKey(info))) return void skippedLinks.push({ path, reason: 'duplicate' });
      return addFile(path, info);
    }
    if (walked.has(fileKey(info))) return void skippedLinks.push({ path, reason: 'loop' });
    await walk(path, depth);
  };

  await walk(root, 0);
  // Links last, one at a time: a followed folder may bring more links, which join the list.
  for (let i = 0; i < links.length; i++) {
    signal?.throwIfAborted();
    await follow(links[i]!.path, links[i]!.depth);
  }
  return { files: files.sort(), skippedLinks, skippedFiles };
}

/** A skipped link as a line of an import's report. */
export function skippedLinkReport(link: SkippedLink): { where: string; code: string; message: string } {
  const message = {
    outside: 'A link to a place outside the chosen folder; it was not followed.',
    loop: 'A link to a folder already read (a link loop); it was not followed.',
    duplicate: 'A link to an image already read under its own name; it was not imported twice.',
    broken: 'A link whose target does not exist.',
  }[link.reason];
  return { where: link.path, code: `LINK_${link.reason.toUpperCase()}`, message };
}

/** An image-level label made by Loupe (folder names, labelling): its attribute is its own name. */
export function loupeLabel(name: string, nowIso: string): ImageLabel {
  return { name, attribute: name, confidence: 1, humanAnnotated: 'yes', creationDate: nowIso };
}

export function draftForFile(sourceRef: string, label: string | undefined, nowIso: string): EntryDraft {
  return { sourceRef, labels: label ? [loupeLabel(label, nowIso)] : [], boxes: [], errors: [] };
}
