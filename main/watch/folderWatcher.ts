/**
 * One watched folder kept in step with its dataset. Events (chokidar's, the operating system's
 * rename events, and the comparison made when the watcher starts) only name a path; what the path
 * holds on disk decides what happens, so duplicate, late or out-of-order events are harmless:
 *
 * - a file no event called changed, whose size matches its entry and that was last modified before
 *   the entry was written: nothing (the entry's `updated_ms` is when Loupe last recorded the file,
 *   so no extra column is needed); any other file is read and hashed, and an unchanged hash writes
 *   nothing either;
 * - a new or changed file: read once it is settled — chokidar saw its size hold for `stableMs`
 *   (awaitWriteFinish), its mtime is at least `stableMs` old, and its size and mtime are the same
 *   after it was read as before — then probed and written (added, updated or moved: changes.ts);
 * - a vanished file: its entry is removed once nothing is left to read and `moveWindowMs` has
 *   passed, so that the other half of a move (which waits `stableMs` to be read) is seen first.
 *
 * Files are written in batches of up to `batchSize`, each one transaction and one ResourcesChanged
 * event. While an import holds the dataset (CREATE/UPDATE_IN_PROGRESS) a batch waits and retries;
 * the watcher never sets the dataset's status. If the folder itself disappears (an unplugged
 * drive), nothing is removed: the watcher reports ERROR and starts again when the folder is back.
 */
import { existsSync, type Stats } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { mapLimited } from '../../preload/contract/async';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { BUSY_DATASET_STATUSES } from '../datasets/guards';
import { draftForFile, isIgnoredFile, isIgnoredFolder, labelFromFolder, listImageFiles } from '../datasets/folders';
import { missingCopies, remakeCopies, removeUnusedCopies } from '../datasets/downscaled';
import { probeDraft } from '../datasets/ingest';
import { createResolver, isInside } from '../datasets/sources';
import { homePaths } from '../home';
import { createLogger } from '../log';
import { writeChanges, type ProbedFile } from './changes';

const log = createLogger('watch');

export const WATCH_TIMING = {
  /**
   * A file must rest this long before it is read (chokidar's awaitWriteFinish, and its mtime).
   * Short, because a file landing should be queryable in under a second (p95); a copy that stalls
   * longer than this is read early and read again when it changes.
   */
  stableMs: 250,
  /** How often a growing file is looked at. */
  pollMs: 40,
  /** Events gathered before the first batch of a quiet watcher starts. */
  gatherMs: 20,
  /** Paths looked at (and probed) between two chances to write. */
  readChunk: 32,
  /** Entries written per transaction (and per ResourcesChanged event), at most. */
  batchSize: 250,
  /** Files read are written at the latest this long after the first of them was read. */
  flushMs: 100,
  /** Images read and probed at once (sharp decodes on libuv's pool). */
  probeConcurrency: 8,
  /** A vanished file's entry waits this long for the other half of a move. */
  moveWindowMs: 1500,
  /** Retry delay while an import holds the dataset. */
  busyRetryMs: 250,
  /** How often a missing folder is looked for. */
  missingRetryMs: 2000,
  /**
   * After this many events, the folder is compared once more when things are quiet: a burst can
   * overflow the operating system's event queue, and such losses are silent.
   */
  sweepAfterEvents: 200,
  sweepDelayMs: 1000,
};

/**
 * Without an event, a file counts as already recorded when its size matches and it was last
 * modified this long before its entry was written. The margin absorbs coarse file-system
 * timestamps (a write's mtime can trail the clock by a tick); the watcher itself records a file
 * at least `stableMs` after its last write, so its own entries always qualify.
 */
const MTIME_MARGIN_MS = 100;

/** The folders listImageFiles skips: hidden ones, macOS resource forks, node_modules. */

export type WatchState = { status: 'WATCHING' } | { status: 'ERROR'; message: string };

type Seen =
  | { kind: 'missing' }
  | { kind: 'ignored' }
  | { kind: 'young'; waitMs: number }
  | { kind: 'file'; size: number; mtimeMs: number };

export class FolderWatcher {
  state: WatchState = { status: 'WATCHING' };
  private chokidar: FSWatcher | undefined;
  private realRoot: string;
  /**
   * Paths to look at, in arrival order → whether an event said the file changed (then its size
   * and mtime are not trusted to tell, and it is read and hashed).
   */
  private readonly queue = new Map<string, boolean>();
  /** Files still being written: looked at again when they should have settled. */
  private readonly settling = new Map<string, NodeJS.Timeout>();
  /** Paths whose file is gone → when that was seen (Date.now). */
  private readonly vanished = new Map<string, number>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAtMs = Number.POSITIVE_INFINITY;
  private retryTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private eventsSinceSweep = 0;
  private draining: Promise<void> | undefined;
  private stopped = false;
  /** Aborts a folder walk in flight when the watcher stops. */
  private readonly stopping = new AbortController();
  /** The folder is gone; events and work wait until it is back. */
  private missing = false;
  /** Bumped whenever a chokidar watcher is closed, so that a start in flight knows it was superseded. */
  private generation = 0;
  private abandonReady: (() => void) | undefined;
  private markStarted!: () => void;
  /** Settles once the folder is being watched and compared (or watching it failed, or it stopped). */
  readonly started = new Promise<void>((resolve) => (this.markStarted = resolve));

  constructor(
    private readonly ctx: Context,
    readonly row: q.WatchedFolderRow,
    /** Called when the watched folder's row is gone (unwatched, or its dataset deleted). */
    private readonly onRowGone: () => void,
  ) {
    this.realRoot = row.folder;
  }

  get folder(): string {
    return this.row.folder;
  }

  /** Watch the folder, then compare it with the dataset's entries under it. */
  async start(): Promise<void> {
    try {
      await this.watchAndCompare(++this.generation);
    } finally {
      this.markStarted();
    }
  }

  /** False once this start was superseded: the folder went missing, or the watcher stopped. */
  private isCurrent(generation: number): boolean {
    return !this.stopped && generation === this.generation;
  }

  private async watchAndCompare(generation: number): Promise<void> {
    const root = this.folder;
    const info = await stat(root).catch(() => undefined);
    if (!this.isCurrent(generation)) return;
    if (!info?.isDirectory()) {
      this.folderMissing();
      return;
    }
    this.realRoot = await realpath(root);
    if (!this.isCurrent(generation)) return;
    const watcher = watch(root, {
      ignoreInitial: true,
      followSymlinks: false,
      ignorePermissionErrors: true,
      awaitWriteFinish: { stabilityThreshold: WATCH_TIMING.stableMs, pollInterval: WATCH_TIMING.pollMs },
      ignored: (path: string, stats?: Stats) => this.isIgnored(path, stats),
    });
    this.chokidar = watcher;
    // A closed watcher may still deliver what it had queued: only the current one is listened to.
    const current = () => this.chokidar === watcher;
    watcher
      .on('add', (path) => current() && this.pathEvent(path))
      .on('change', (path) => current() && this.pathEvent(path))
      .on('unlink', (path) => current() && this.pathEvent(path))
      .on('unlinkDir', (path) => current() && this.folderRemoved(path))
      .on('raw', (event, name, details) => current() && this.rawEvent(event, name, details))
      .on('error', (error) => {
        log.warn('watch error', { dataset: this.row.datasetArn, error });
        if (current()) this.state = { status: 'ERROR', message: `Watching ${root} failed: ${(error as Error).message}` };
      });
    await new Promise<void>((resolve) => {
      this.abandonReady = resolve;
      watcher.once('ready', resolve);
    });
    this.abandonReady = undefined;
    if (!this.isCurrent(generation)) return;
    this.state = { status: 'WATCHING' };
    await this.compareWithEntries(generation);
  }

  /** Stop for good: timers and pending work are dropped now, chokidar closes in the background. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.abort();
    this.markStarted();
    this.clearTimers();
    this.queue.clear();
    this.vanished.clear();
    await this.closeWatcher();
  }

  /** Close the current chokidar watcher; a start still waiting for it gives up. */
  private async closeWatcher(): Promise<void> {
    this.generation++;
    const watcher = this.chokidar;
    this.chokidar = undefined;
    this.abandonReady?.();
    if (!watcher) return;
    // Closed from inside one of its own event handlers (unlinkDir of the folder), chokidar 5 leaves
    // an operating-system watch open and the process never exits; a turn later it closes cleanly.
    await new Promise((resolve) => setTimeout(resolve, 0));
    try {
      await watcher.close();
    } catch (error) {
      log.warn('closing the watcher failed', { dataset: this.row.datasetArn, error });
    }
  }

  /**
   * Look at every file under the folder and every entry that points inside it: new and changed
   * files are read, vanished ones removed (moves among them are recognised by content).
   */
  private async compareWithEntries(generation = this.generation): Promise<void> {
    const startedMs = performance.now();
    let files: string[];
    let skippedLinks: number;
    try {
      const scan = await listImageFiles(this.folder, this.stopping.signal);
      files = scan.files;
      skippedLinks = scan.skippedLinks.length;
    } catch (error) {
      if (!this.isCurrent(generation)) return;
      log.warn('listing the folder failed', { dataset: this.row.datasetArn, error });
      if (!(await isDirectory(this.folder))) this.folderMissing();
      else this.failed(error);
      return;
    }
    if (!this.isCurrent(generation) || !this.ctx.db.open) return;
    const entries = this.filesOfEntriesUnder(this.folder);
    const onDisk = new Set(files);
    for (const file of files) this.queue.set(file, this.queue.get(file) ?? false);
    let missing = 0;
    for (const path of entries) {
      if (onDisk.has(path)) continue;
      this.queue.set(path, this.queue.get(path) ?? false);
      missing++;
    }
    log.info('comparing folder with entries', {
      dataset: this.row.datasetArn,
      files: files.length,
      entries: entries.length,
      missing,
      skippedLinks,
      listMs: Math.round(performance.now() - startedMs),
    });
    this.wake(0);
  }

  private isIgnored(path: string, stats?: Stats): boolean {
    if (path === this.folder) return false;
    if (isIgnoredFolder(basename(path))) return true;
    return stats?.isFile() === true && isIgnoredFile(path);
  }

  private pathEvent(path: string): void {
    if (this.stopped || this.missing || isIgnoredFile(path)) return;
    this.enqueue(path);
    if (++this.eventsSinceSweep === WATCH_TIMING.sweepAfterEvents) this.scheduleSweep();
  }

  private enqueue(path: string, changed = true): void {
    const timer = this.settling.get(path);
    if (timer) {
      clearTimeout(timer);
      this.settling.delete(path);
    }
    this.queue.set(path, changed || (this.queue.get(path) ?? false));
    this.wake(WATCH_TIMING.gatherMs);
  }

  /**
   * A file that chokidar still waits on (awaitWriteFinish) and that is deleted in the meantime
   * gets neither `add` nor `unlink`; yet the start-up comparison may already have imported it.
   * The operating system's own rename event (create, delete, move) still names it: when the file
   * is gone, it is looked at like any unlink.
   */
  private rawEvent(event: string, name: string | null, details: unknown): void {
    const watched = (details as { watchedPath?: string } | undefined)?.watchedPath;
    if (this.stopped || this.missing || event !== 'rename' || !name || !watched) return;
    // A directory's watch names a child; a file's own watch names the file itself.
    const path = name === basename(watched) ? watched : join(watched, name);
    if (!isInside(this.folder, path) || isIgnoredFile(path) || existsSync(path)) return;
    this.enqueue(path);
  }

  /** A folder went away (deleted, or moved out): every entry under it is looked at. */
  private folderRemoved(path: string): void {
    if (this.stopped || this.missing) return;
    if (path === this.folder) {
      this.folderMissing();
      return;
    }
    if (!this.ctx.db.open) return;
    for (const file of this.filesOfEntriesUnder(path)) this.enqueue(file);
  }

  /** The folder is gone: keep every entry, report it, and start again when it is back. */
  private folderMissing(): void {
    if (this.stopped || this.missing) return;
    this.missing = true;
    this.state = { status: 'ERROR', message: `The folder ${this.folder} is missing; its entries are kept until it is back.` };
    log.warn('watched folder missing', { dataset: this.row.datasetArn });
    this.clearTimers();
    this.queue.clear();
    this.vanished.clear();
    void this.closeWatcher();
    this.retryTimer = setInterval(() => {
      void isDirectory(this.folder).then((back) => {
        if (!back || this.stopped || !this.retryTimer) return;
        clearInterval(this.retryTimer);
        this.retryTimer = undefined;
        this.missing = false;
        log.info('watched folder is back', { dataset: this.row.datasetArn });
        this.start().catch((error: unknown) => this.failed(error));
      });
    }, WATCH_TIMING.missingRetryMs);
  }

  failed(error: unknown): void {
    log.error('watcher failed', { dataset: this.row.datasetArn, error });
    this.state = { status: 'ERROR', message: `Watching ${this.folder} failed: ${error instanceof Error ? error.message : String(error)}` };
  }

  private scheduleSweep(): void {
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = undefined;
      if (this.stopped) return;
      // Still busy with the burst: look again later.
      if (this.draining || this.queue.size > 0 || this.settling.size > 0) return this.scheduleSweep();
      this.eventsSinceSweep = 0;
      void this.compareWithEntries();
    }, WATCH_TIMING.sweepDelayMs);
  }

  private clearTimers(): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAtMs = Number.POSITIVE_INFINITY;
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    for (const timer of this.settling.values()) clearTimeout(timer);
    this.settling.clear();
  }

  /** Run the queue in `delayMs` (or sooner, if already due sooner); a running drain picks new paths up itself. */
  private wake(delayMs: number): void {
    if (this.stopped || this.missing || this.draining) return;
    const atMs = Date.now() + delayMs;
    if (this.wakeTimer && this.wakeAtMs <= atMs) return;
    clearTimeout(this.wakeTimer);
    this.wakeAtMs = atMs;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAtMs = Number.POSITIVE_INFINITY;
      this.draining = this.drain()
        .catch((error: unknown) => log.error('watch batch failed', { dataset: this.row.datasetArn, error }))
        .finally(() => {
          this.draining = undefined;
          this.afterDrain();
        });
    }, delayMs);
  }

  private afterDrain(): void {
    if (this.stopped) return;
    if (this.queue.size > 0) return this.wake(0);
    if (this.vanished.size > 0 && this.settling.size === 0) {
      const oldest = Math.min(...this.vanished.values());
      this.wake(Math.max(0, oldest + WATCH_TIMING.moveWindowMs - Date.now()));
    }
  }

  /**
   * Read queued paths a few at a time and write what was read once there is a batch's worth, the
   * oldest read file has waited `flushMs`, or nothing is left to read: a burst is written in large
   * transactions while no file waits long for the rest of its batch.
   */
  private async drain(): Promise<void> {
    const files: ProbedFile[] = [];
    let firstReadMs = 0;
    while (!this.stopped && !this.missing) {
      const paths = takeFirst(this.queue, WATCH_TIMING.readChunk);
      if (paths.length > 0) {
        const read = await this.read(paths);
        if (this.stopped) return;
        if (files.length === 0) firstReadMs = performance.now();
        files.push(...read);
      }
      const idle = this.queue.size === 0;
      const gone = idle && this.settling.size === 0 ? this.dueRemovals() : [];
      const due =
        files.length >= WATCH_TIMING.batchSize || (files.length > 0 && (idle || performance.now() - firstReadMs >= WATCH_TIMING.flushMs));
      if (due || gone.length > 0) {
        if (gone.length > 0 && !(await isDirectory(this.folder))) {
          if (!this.stopped) this.folderMissing();
          return;
        }
        const batch = files.splice(0, WATCH_TIMING.batchSize);
        await this.write(batch, gone);
        firstReadMs = performance.now();
        continue;
      }
      if (paths.length === 0) return;
    }
  }

  /** Vanished paths whose move window has passed, oldest first. */
  private dueRemovals(): string[] {
    const dueMs = Date.now() - WATCH_TIMING.moveWindowMs;
    return [...this.vanished]
      .filter(([, sinceMs]) => sinceMs <= dueMs)
      .slice(0, WATCH_TIMING.batchSize)
      .map(([path]) => path);
  }

  /** Look at each path; probe the new and changed files. */
  private async read(batch: [path: string, changed: boolean][]): Promise<ProbedFile[]> {
    if (!this.ctx.db.open) return [];
    const paths = batch.map(([path]) => path);
    const changedPaths = new Set(batch.filter(([, changed]) => changed).map(([path]) => path));
    const resolver = createResolver(this.ctx);
    const refs = new Map(paths.map((path) => [path, resolver.sourceRefFor(path)]));
    const known = new Map(q.findEntriesBySourceRef(this.ctx.db, this.row.datasetId, [...refs.values()]).map((e) => [e.sourceRef, e]));
    const nowIso = new Date(this.ctx.now()).toISOString();
    const files: ProbedFile[] = [];
    await mapLimited(paths, WATCH_TIMING.probeConcurrency, async (path) => {
      const seen = await this.look(path);
      if (this.stopped) return;
      const sourceRef = refs.get(path)!;
      const entry = known.get(sourceRef);
      if (seen.kind === 'missing') {
        // Whether an entry points at it is settled when the removal is written (by path, whatever its source-ref).
        if (!this.vanished.has(path)) this.vanished.set(path, Date.now());
        return;
      }
      this.vanished.delete(path);
      if (seen.kind === 'ignored') return;
      const changed = changedPaths.has(path);
      if (seen.kind === 'young') return this.settle(path, seen.waitMs, changed);
      // An entry reading a downscaled copy has the copy's size: its time alone tells.
      const recorded =
        entry &&
        (entry.path === path ? entry.sizeBytes === seen.size : isInside(this.downscaled, entry.path)) &&
        entry.updatedMs >= seen.mtimeMs + MTIME_MARGIN_MS;
      if (recorded && !changed) return;
      const draft = draftForFile(sourceRef, this.row.autoLabel ? labelFromFolder(this.folder, path) : undefined, nowIso);
      // The folder-import rule: camera images beyond the service's limits become downscaled copies.
      const { image } = await probeDraft(draft, resolver, new Map([[sourceRef, path]]), this.downscaled);
      // Written to (or removed) while it was read: look again rather than record a torn file.
      const after = await this.look(path);
      if (this.stopped) return;
      if (after.kind !== 'file' || after.size !== seen.size || after.mtimeMs !== seen.mtimeMs) {
        this.queue.set(path, true);
        return;
      }
      files.push({ path, sourceRef, draft, image });
    });
    return files;
  }

  /** A file modified moments ago may still be written: look again when it should have settled. */
  private settle(path: string, waitMs: number, changed: boolean): void {
    if (this.settling.has(path)) return;
    this.settling.set(
      path,
      setTimeout(() => {
        this.settling.delete(path);
        this.enqueue(path, changed);
      }, waitMs),
    );
  }

  private async look(path: string): Promise<Seen> {
    let info: Stats;
    try {
      info = await lstat(path);
    } catch (error) {
      return isGone(error) ? { kind: 'missing' } : { kind: 'ignored' };
    }
    if (!isInside(this.folder, path) || !this.isImportable(path)) return { kind: 'ignored' };
    if (info.isSymbolicLink()) {
      // Followed only while it stays inside the folder, as listImageFiles does.
      const target = await realpath(path).catch(() => undefined);
      if (!target) return { kind: 'missing' };
      if (!isInside(this.realRoot, target)) return { kind: 'ignored' };
      // A link to an image that is read under its own name would make a second entry of it.
      if (this.isImportable(join(this.folder, relative(this.realRoot, target)))) return { kind: 'ignored' };
      try {
        info = await stat(path);
      } catch (error) {
        return isGone(error) ? { kind: 'missing' } : { kind: 'ignored' };
      }
    }
    if (!info.isFile()) return { kind: 'ignored' };
    const ageMs = Date.now() - info.mtimeMs;
    if (ageMs >= 0 && ageMs < WATCH_TIMING.stableMs) return { kind: 'young', waitMs: WATCH_TIMING.stableMs - ageMs + 5 };
    return { kind: 'file', size: info.size, mtimeMs: info.mtimeMs };
  }

  /** The directory rule's view: an image file, and no hidden folder on the way down. */
  /**
   * The files under `folder` this dataset's entries came from: an entry's own path, or for an entry
   * reading a downscaled copy, the original its source-ref names.
   */
  private filesOfEntriesUnder(folder: string): string[] {
    const paths = q.listFolderEntries(this.ctx.db, this.row.datasetId, folder).map((entry) => entry.path);
    return [...paths, ...downscaledFilesUnder(this.ctx, this.row.datasetId, folder)];
  }

  private get downscaled(): string {
    return homePaths(this.ctx.home).downscaled;
  }

  private isImportable(path: string): boolean {
    if (isIgnoredFile(path)) return false;
    const folders = relative(this.folder, dirname(path));
    return folders === '' || !folders.split(sep).some(isIgnoredFolder);
  }

  private async write(files: ProbedFile[], gone: string[]): Promise<void> {
    for (;;) {
      if (this.stopped || !this.ctx.db.open) return;
      const row = q.findWatchedFolderById(this.ctx.db, this.row.id);
      if (!row) {
        log.info('watched folder removed; stopping', { dataset: this.row.datasetArn });
        this.onRowGone();
        return;
      }
      // Imports and copies write a dataset in one go; the watcher waits for them to finish.
      if (BUSY_DATASET_STATUSES.has(row.datasetStatus)) {
        await delay(WATCH_TIMING.busyRetryMs);
        continue;
      }
      // A copy a dataset's deletion removed since it was read is made again; then, with nothing
      // missing, the write follows without a pause.
      const missing = missingCopies(files.flatMap((f) => (f.image.path && f.image.path !== f.path ? [{ path: f.image.path, original: f.path }] : [])));
      if (missing.length > 0) {
        await remakeCopies(missing).catch((error: unknown) => log.warn('a downscaled copy could not be made again', { dataset: row.datasetArn, error }));
        // A file whose copy cannot be made (it went meanwhile) waits for its next event.
        const lost = new Set(missingCopies(missing).map((copy) => copy.path));
        files = files.filter((file) => !lost.has(file.image.path ?? ''));
        continue;
      }
      const startedMs = performance.now();
      const result = writeChanges(this.ctx, row, files, gone);
      removeUnusedCopies(this.ctx, result.removedCopies);
      for (const path of [...gone, ...result.movedFrom]) this.vanished.delete(path);
      const changed = result.added + result.updated + result.moved + result.removed;
      if (changed > 0) {
        this.ctx.events.resourcesChanged(row.datasetArn, row.projectArn);
        log.info('batch written', {
          dataset: row.datasetArn,
          added: result.added,
          updated: result.updated,
          moved: result.moved,
          removed: result.removed,
          writeMs: Math.round(performance.now() - startedMs),
        });
      }
      return;
    }
  }
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function isDirectory(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info?.isDirectory() === true;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function takeFirst<K, V>(map: Map<K, V>, count: number): [K, V][] {
  const taken: [K, V][] = [];
  for (const item of map) {
    if (taken.length === count) break;
    taken.push(item);
  }
  for (const [key] of taken) map.delete(key);
  return taken;
}

/** The files under `folder` whose entries in the dataset read a downscaled copy (named by their source-ref). */
export function downscaledFilesUnder(ctx: Context, datasetId: number, folder: string): string[] {
  const resolver = createResolver(ctx);
  return q.listFolderEntries(ctx.db, datasetId, homePaths(ctx.home).downscaled).flatMap((entry) => {
    const original = resolver.resolve(entry.sourceRef);
    return original.ok && isInside(folder, original.path) ? [original.path] : [];
  });
}
