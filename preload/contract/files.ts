/**
 * Which files are images Loupe looks at and which folders it skips: one rule for folder imports,
 * the watcher, and the files a browser drops or picks. A plain module that imports nothing, so
 * main and the renderer share it.
 */

/** Files worth importing: PNG and JPEG, plus formats people drop in by mistake (they get ERROR_INVALID_IMAGE). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp', 'tif', 'tiff', 'heic']);

/** Hidden, temporary and partial files never become entries (`.DS_Store`, `~$x.jpg`, `x.jpg.part`). */
export function isIgnoredFileName(name: string): boolean {
  if (name.startsWith('.') || name.startsWith('~')) return true;
  return /\.(part|partial|crdownload|download|tmp|temp|swp)$/i.test(name);
}

/** Whether the name ends in one of IMAGE_EXTENSIONS (any case). */
export function hasImageExtension(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && IMAGE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/** Files a folder import would consider: images, not hidden, temporary or partial files. */
export function isImportableName(name: string): boolean {
  return !isIgnoredFileName(name) && hasImageExtension(name);
}

/** A folder on the way (below the chosen one) that is skipped: hidden ones (`.git`, `.thumbnails`), `__MACOSX`, `node_modules`. */
export function isIgnoredFolderName(name: string): boolean {
  return name.startsWith('.') || name === '__MACOSX' || name === 'node_modules';
}

/** The kind a file that is not an image is counted under in an import's summary: `.txt`, `.pdf`, `no extension`. */
export function fileKind(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : 'no extension';
}

/** Counts `name` as a skipped file of its kind, unless it is hidden, temporary or partial (those are not the user's). */
export function countSkippedFile(counts: Record<string, number>, name: string): void {
  if (isIgnoredFileName(name)) return;
  const kind = fileKind(name);
  counts[kind] = (counts[kind] ?? 0) + 1;
}
