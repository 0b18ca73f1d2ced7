/**
 * Files and folders the user drops or picks, turned into paths that ImportFolder and ImportFiles
 * accept. Inside Electron every dropped item has a real path (the preload's `pathForFile`). A
 * browser gives none: the files are uploaded one by one to `PUT /uploads/<batch>/<relative path>`,
 * which keeps the folder structure, and the server's copy is imported instead, so folder names
 * still become labels.
 *
 * A drop is read in two steps because the browser empties a DataTransfer once its event returns:
 * `readDrop` captures the items at once (and walks folders afterwards); `resolveSelection` turns
 * them into paths, uploading when it must.
 */
import { countSkippedFile, isIgnoredFolderName, isImportableName } from '../../preload/contract/files';
import { ApiError, codedApiError, networkError } from './ApiError';
import { transportKind } from './client';
import { errorFromBody, expireSession, getToken, readJson } from './session';

export interface PickedFile {
  file: File;
  /** Where the file sits inside its dropped folder, `/`-separated (`ok/1.png`); its name when loose. */
  relativePath: string;
}

export interface PickedFolder {
  name: string;
  /** Inside Electron: the folder's own path, and `files` stays empty. */
  path?: string;
  /** In a browser: every importable file below the folder. */
  files: PickedFile[];
}

/** What the user dropped or picked: folders (their subfolders name labels) and loose files. */
export interface DropSelection {
  folders: PickedFolder[];
  files: PickedFile[];
  /** In a browser: files left out because they are not images, by kind (`.txt`), for the import's summary. */
  skipped?: Record<string, number>;
}

/** Paths on the machine that runs Loupe, ready for ImportFolder (each folder) and ImportFiles. */
export interface DroppedPaths {
  folders: string[];
  files: string[];
  /** Files that could not be uploaded. */
  failed: number;
  /** Files left out before the upload (not images), by kind: ImportFolder's SkippedFiles. */
  skipped: Record<string, number>;
}

export interface UploadProgress {
  done: number;
  total: number;
}

export interface ResolveOptions {
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
}

const UPLOAD_CONCURRENCY = 4;

export { isImportableName };

/** True while a drag carries files (not text or a link). */
export function carriesFiles(dataTransfer: DataTransfer | null): boolean {
  return Boolean(dataTransfer && Array.from(dataTransfer.types).includes('Files'));
}

/** True when this window can see where dropped files live (inside Electron). */
export function hasLocalPaths(): boolean {
  return typeof window.loupe?.pathForFile === 'function';
}

function pathOf(file: File): string {
  const path = window.loupe?.pathForFile?.(file);
  if (!path) throw codedApiError('InvalidParameterException', 'FileLocationUnknown', { file: file.name });
  return path;
}

/** Captures a drop's items during its event; folders are walked after it (browser only). */
export function readDrop(dataTransfer: DataTransfer): Promise<DropSelection> {
  const items = Array.from(dataTransfer.items).filter((item) => item.kind === 'file');
  const captured =
    items.length > 0
      ? items.map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() }))
      : Array.from(dataTransfer.files).map((file) => ({ entry: null, file }));

  if (hasLocalPaths()) {
    const selection: DropSelection = { folders: [], files: [] };
    for (const { entry, file } of captured) {
      if (!file) continue;
      if (entry?.isDirectory) selection.folders.push({ name: entry.name, path: pathOf(file), files: [] });
      else selection.files.push({ file, relativePath: file.name });
    }
    return Promise.resolve(selection);
  }

  return (async () => {
    const skipped: Record<string, number> = {};
    const selection: DropSelection = { folders: [], files: [], skipped };
    for (const { entry, file } of captured) {
      if (entry?.isDirectory) {
        if (isIgnoredFolderName(entry.name)) continue;
        const files = await walkDroppedFolder(entry as FileSystemDirectoryEntry, isImportableName, '', [], (name) => countSkippedFile(skipped, name));
        selection.folders.push({ name: entry.name, files });
      } else if (file && isImportableName(file.name)) {
        selection.files.push({ file, relativePath: file.name });
      } else if (file) {
        countSkippedFile(skipped, file.name);
      }
    }
    return selection;
  })();
}

/**
 * Every file below a dropped folder whose name `keep` accepts, with its path inside the folder;
 * `onSkip` hears the names it refuses. Skipped folders (preload/contract/files.ts) are not
 * entered. The one folder walker of the renderer.
 */
export async function walkDroppedFolder(
  folder: FileSystemDirectoryEntry,
  keep: (name: string) => boolean,
  prefix = '',
  out: PickedFile[] = [],
  onSkip?: (name: string) => void,
): Promise<PickedFile[]> {
  const reader = folder.createReader();
  // readEntries answers in batches (100 at a time in Chromium) until it answers an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return out;
    for (const entry of batch) {
      if (entry.isDirectory) {
        if (!isIgnoredFolderName(entry.name)) await walkDroppedFolder(entry as FileSystemDirectoryEntry, keep, `${prefix}${entry.name}/`, out, onSkip);
      } else if (entry.isFile && keep(entry.name)) {
        const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
        out.push({ file, relativePath: `${prefix}${entry.name}` });
      } else if (entry.isFile) {
        onSkip?.(entry.name);
      }
    }
  }
}

/**
 * Files from an `<input type="file">`: with `webkitdirectory` each file carries its path inside
 * the chosen folder (`tree/ok/1.png`), which makes the folder; otherwise they are loose files.
 */
export function readPicked(list: FileList | readonly File[]): DropSelection {
  const skipped: Record<string, number> = {};
  const selection: DropSelection = { folders: [], files: [], ...(hasLocalPaths() ? {} : { skipped }) };
  const folders = new Map<string, PickedFolder>();
  for (const file of Array.from(list)) {
    const relative = file.webkitRelativePath;
    const slash = relative.indexOf('/');
    if (!relative || slash < 0) {
      if (isImportableName(file.name)) selection.files.push({ file, relativePath: file.name });
      else countSkippedFile(skipped, file.name);
      continue;
    }
    const name = relative.slice(0, slash);
    const inside = relative.slice(slash + 1);
    let folder = folders.get(name);
    if (!folder) {
      folder = { name, files: [] };
      if (hasLocalPaths()) {
        // The file's own path ends with its relative path; what comes before is the folder's parent.
        const path = pathOf(file);
        folder.path = path.slice(0, path.length - inside.length - 1);
      }
      folders.set(name, folder);
      selection.folders.push(folder);
    }
    const parts = inside.split('/');
    if (hasLocalPaths() || parts.slice(0, -1).some(isIgnoredFolderName)) continue;
    if (!isImportableName(parts.at(-1) ?? '')) {
      countSkippedFile(skipped, parts.at(-1) ?? '');
      continue;
    }
    folder.files.push({ file, relativePath: inside });
  }
  return selection;
}

/** How many files the selection left out because they are not images (browser). */
export function skippedCount(selection: DropSelection): number {
  return Object.values(selection.skipped ?? {}).reduce((sum, count) => sum + count, 0);
}

/** The skipped kinds, most frequent first: `.txt ×2, .pdf`. */
export function skippedKinds(skipped: Record<string, number>): string {
  return Object.entries(skipped)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([kind, count]) => (count > 1 ? `${kind} ×${count}` : kind))
    .join(', ');
}

/** How many files a selection holds (browser), or how many items (Electron, where folders are not walked). */
export function selectionSize(selection: DropSelection): number {
  return selection.files.length + selection.folders.reduce((sum, folder) => sum + (folder.path ? 1 : folder.files.length), 0);
}

/** Paths for the selection: at once inside Electron, after uploading the files in a browser. */
export async function resolveSelection(selection: DropSelection, options: ResolveOptions = {}): Promise<DroppedPaths> {
  if (transportKind === 'bridge') {
    return {
      folders: selection.folders.flatMap((folder) => (folder.path ? [folder.path] : [])),
      files: selection.files.map((picked) => pathOf(picked.file)),
      failed: 0,
      skipped: {},
    };
  }
  return uploadSelection(selection, options);
}

/** `readDrop` and `resolveSelection` in one: what a drop on a page imports. */
export async function dropTargetPaths(dataTransfer: DataTransfer, options: ResolveOptions = {}): Promise<DroppedPaths> {
  return resolveSelection(await readDrop(dataTransfer), options);
}

interface Upload {
  segments: string[];
  file: File;
}

/** Upload roots on the server → what the user picked there (a file or folder name), to name it in messages. */
const uploadedFrom = new Map<string, string>();

/**
 * The user's own name for a path on the server that is inside an upload (`<home>/uploads/<batch>/labels.json`
 * → `labels.json`), so a message names what the user picked, not Loupe's copy; other paths as they are.
 */
export function userPathOf(path: string): string {
  for (const [root, name] of uploadedFrom) {
    if (path === root) return name;
    if (path.startsWith(`${root}/`) || path.startsWith(`${root}\\`)) return `${name}${path.slice(root.length)}`;
  }
  return path;
}

/**
 * Upload one picked file, or the files of one picked folder (each with its path inside it), for an
 * operation that takes a path on the server (ImportAnnotations in a browser). Returns the server
 * path of the file or folder.
 */
export async function uploadForPath(picked: { name: string; files: PickedFile[]; isFolder: boolean }, options: ResolveOptions = {}): Promise<string> {
  if (picked.files.length === 0) throw codedApiError('InvalidParameterException', 'NothingToUpload', { name: picked.name });
  const batch = newBatchId();
  const top = safeSegment(picked.name);
  const uploads: Upload[] = picked.isFolder
    ? picked.files.map((item) => ({ segments: [top, ...item.relativePath.split('/').map(safeSegment)], file: item.file }))
    : [{ segments: [top], file: picked.files[0]!.file }];
  let root: string | undefined;
  let done = 0;
  for (const upload of uploads) {
    root = await uploadOne(batch, upload, options.signal);
    options.onProgress?.({ done: ++done, total: uploads.length });
  }
  const separator = root!.includes('\\') && !root!.includes('/') ? '\\' : '/';
  const path = `${root}${separator}${top}`;
  uploadedFrom.set(path, picked.name);
  return path;
}

async function uploadSelection(selection: DropSelection, options: ResolveOptions): Promise<DroppedPaths> {
  const batch = newBatchId();
  const taken = new Set<string>();
  const uploads: Upload[] = [];
  const folderNames: string[] = [];
  for (const folder of selection.folders) {
    if (folder.files.length === 0) continue;
    const name = uniqueName(safeSegment(folder.name), taken);
    folderNames.push(name);
    for (const picked of folder.files) uploads.push({ segments: [name, ...picked.relativePath.split('/').map(safeSegment)], file: picked.file });
  }
  const fileNames: string[] = [];
  for (const picked of selection.files) {
    const name = uniqueName(safeSegment(picked.file.name), taken);
    fileNames.push(name);
    uploads.push({ segments: [name], file: picked.file });
  }
  if (uploads.length === 0) {
    throw codedApiError('InvalidParameterException', 'NoImagesToImport');
  }

  let root: string | undefined;
  let done = 0;
  let failed = 0;
  let firstError: ApiError | undefined;
  const failedTops = new Set<string>();
  options.onProgress?.({ done, total: uploads.length });
  let next = 0;
  const worker = async () => {
    while (next < uploads.length) {
      options.signal?.throwIfAborted();
      const upload = uploads[next++]!;
      try {
        root = await uploadOne(batch, upload, options.signal);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const apiError = error instanceof ApiError ? error : networkError(error);
        if (apiError.code === 'AccessDeniedException' || apiError.code === 'NetworkError') throw apiError;
        firstError ??= apiError;
        failed++;
        if (upload.segments.length === 1) failedTops.add(upload.segments[0]!);
      }
      done++;
      options.onProgress?.({ done, total: uploads.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, uploads.length) }, worker));
  if (!root) throw firstError ?? codedApiError('InvalidResponse', 'UploadNoFolder');
  const separator = root.includes('\\') && !root.includes('/') ? '\\' : '/';
  const join = (name: string) => `${root}${separator}${name}`;
  return {
    folders: folderNames.map(join),
    files: fileNames.filter((name) => !failedTops.has(name)).map(join),
    failed,
    skipped: { ...selection.skipped },
  };
}

async function uploadOne(batch: string, upload: Upload, signal: AbortSignal | undefined): Promise<string> {
  const token = getToken();
  if (!token) {
    expireSession();
    throw codedApiError('MissingAuthenticationTokenException', 'SignInToContinue');
  }
  const path = [batch, ...upload.segments].map(encodeURIComponent).join('/');
  let response: Response;
  try {
    response = await fetch(`/uploads/${path}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      body: upload.file,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw networkError(error);
  }
  if (response.status === 403) {
    expireSession();
    throw codedApiError('AccessDeniedException', 'SessionEnded');
  }
  type UploadBody = { Folder?: unknown; __type?: unknown; Message?: unknown };
  const body = await readJson<UploadBody>(response).catch((): UploadBody => ({}));
  if (!response.ok) throw errorFromBody(response, body);
  if (typeof body.Folder !== 'string') throw codedApiError('InvalidResponse', 'UploadNoFolder');
  return body.Folder;
}

function newBatchId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Folder and file names the upload path accepts: no separators, colons or dot-only names. */
function safeSegment(name: string): string {
  const cleaned = name.replace(/[\\/:\0]/g, '_').slice(0, 255);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? '_' : cleaned;
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) {
    const dot = name.lastIndexOf('.');
    candidate = dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
  }
  taken.add(candidate);
  return candidate;
}
