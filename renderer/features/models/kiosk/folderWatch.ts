/**
 * Watching a folder from the page itself, through the File System Access API (Chromium, and so
 * the app's window): the user picks the folder, the page looks at it every second, and each new
 * image — once its size has stopped changing, so half-written files wait — is handed over. With
 * write access, an analysed file can be moved into a subfolder named after its verdict.
 *
 * Only images that arrive after watching starts are taken; files already there are left alone.
 */
import { isImageFile } from '../analyze/images';

interface FileHandle {
  kind: 'file';
  name: string;
  getFile(): Promise<File>;
}

interface DirectoryHandle {
  kind: 'directory';
  name: string;
  values(): AsyncIterable<FileHandle | DirectoryHandle>;
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryHandle>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandle & { createWritable(): Promise<{ write(data: Blob): Promise<void>; close(): Promise<void> }> }>;
  removeEntry(name: string): Promise<void>;
}

type Picker = (options?: { mode?: 'read' | 'readwrite'; id?: string }) => Promise<DirectoryHandle>;

export type WatchedDirectory = DirectoryHandle;

function picker(): Picker | undefined {
  const candidate = (window as unknown as { showDirectoryPicker?: Picker }).showDirectoryPicker;
  return typeof candidate === 'function' ? candidate.bind(window) : undefined;
}

/** True where the page can be given a folder to watch. */
export function canWatchFolders(): boolean {
  return window.isSecureContext && picker() !== undefined;
}

/** Asks the user for a folder; rejects with an AbortError when they cancel. */
export async function pickFolder(writable: boolean): Promise<WatchedDirectory> {
  const show = picker();
  if (!show) throw new Error('Folder access is not available in this browser.');
  return show({ mode: writable ? 'readwrite' : 'read', id: 'loupe-kiosk' });
}

/** A subfolder name from a verdict: no separators or characters file systems refuse. */
export function folderNameFor(verdict: string): string {
  const cleaned = Array.from(verdict, (char) => (char.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(char) ? '_' : char))
    .join('')
    .replace(/^\.+/, '_')
    .trim();
  return cleaned === '' ? 'no-label' : cleaned.slice(0, 120);
}

interface Seen {
  size: number;
  modified: number;
  /** Handed over already. */
  taken: boolean;
}

export class FolderWatcher {
  private readonly seen = new Map<string, Seen>();
  private timer: number | undefined;
  private busy = false;
  private started = false;

  constructor(
    readonly directory: WatchedDirectory,
    private readonly onImage: (file: File) => void,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = 1000,
  ) {}

  async start(): Promise<void> {
    // What is there now is the baseline; only what comes after is taken.
    for await (const entry of this.directory.values()) {
      if (entry.kind !== 'file') continue;
      const file = await entry.getFile().catch(() => undefined);
      this.seen.set(entry.name, { size: file?.size ?? -1, modified: file?.lastModified ?? 0, taken: true });
    }
    this.started = true;
    this.timer = window.setInterval(() => void this.poll(), this.intervalMs);
  }

  stop(): void {
    this.started = false;
    window.clearInterval(this.timer);
  }

  /** Looks once; a file is taken when it was seen with the same size and time on the previous look. */
  async poll(): Promise<void> {
    if (this.busy || !this.started) return;
    this.busy = true;
    try {
      const present = new Set<string>();
      for await (const entry of this.directory.values()) {
        if (entry.kind !== 'file') continue;
        present.add(entry.name);
        const file = await entry.getFile().catch(() => undefined);
        if (!file) continue;
        const known = this.seen.get(entry.name);
        if (!known || known.size !== file.size || known.modified !== file.lastModified) {
          // New or still being written (or rewritten): look again next time.
          this.seen.set(entry.name, { size: file.size, modified: file.lastModified, taken: false });
          continue;
        }
        if (known.taken || file.size === 0) continue;
        known.taken = true;
        if (isImageFile(file)) this.onImage(file);
      }
      for (const name of [...this.seen.keys()]) if (!present.has(name)) this.seen.delete(name);
    } catch (error) {
      this.onError(error);
    } finally {
      this.busy = false;
    }
  }

  /** Moves a top-level file into `<folder>/<subfolder>/` (a copy, then the original is removed). */
  async move(fileName: string, subfolder: string): Promise<void> {
    const handle = await this.directory.getFileHandle(fileName);
    const file = await handle.getFile();
    const target = await this.directory.getDirectoryHandle(folderNameFor(subfolder), { create: true });
    const copy = await target.getFileHandle(fileName, { create: true });
    const writable = await copy.createWritable();
    await writable.write(file);
    await writable.close();
    await this.directory.removeEntry(fileName);
    this.seen.delete(fileName);
  }
}
