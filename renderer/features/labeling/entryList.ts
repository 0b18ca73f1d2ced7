/**
 * The dataset's filtered entries as the grid and the single-image view page through them:
 * fetched by ListEntries in pages of 100 by offset, on demand, and fetched again when resources
 * change. Selection works on EntryIds over the whole filtered list, so ranges and "select all"
 * can ask for the ids of entries that were never shown (`idsBetween`, `allIds`).
 *
 * Plain TypeScript over an injected caller (see session.ts).
 */
import { VersionedStore } from '../../lib/versionedStore';
import type { EntryView } from '../../../preload/contract/api';
import type { Caller, LabelingSession } from './session';

export interface EntryFilter {
  Labeled?: boolean;
  ContainsLabels?: string[];
  SourceRefContains?: string;
}

export const PAGE_SIZE = 100;
/** ListEntries answers at most this many entries per call. */
const BULK_PAGE = 1000;

interface Page {
  entries: EntryView[];
  isStale: boolean;
}

export class EntryList extends VersionedStore {
  /** Entries matching the filter; null until the first page answers. */
  total: number | null = null;
  error: unknown = null;
  private readonly pages = new Map<number, Page>();
  private readonly loading = new Map<number, Promise<void>>();
  private wanted: [number, number] = [0, 0];
  private generation = 0;
  private readonly elsewhereListeners = new Set<(ids: number[]) => void>();

  constructor(
    private readonly call: Caller,
    private readonly session: LabelingSession,
    readonly datasetArn: string,
    readonly filter: EntryFilter,
  ) {
    super();
  }

  /** Entries whose annotations changed outside this window (see LabelingSession.observe). */
  onChangedElsewhere(listener: (ids: number[]) => void): () => void {
    this.elsewhereListeners.add(listener);
    return () => this.elsewhereListeners.delete(listener);
  }

  /** The entry at `index`, with this session's unsaved edits, or undefined if not loaded yet. */
  at(index: number): EntryView | undefined {
    const page = this.pages.get(Math.floor(index / PAGE_SIZE));
    const entry = page?.entries[index % PAGE_SIZE];
    return entry ? this.session.view(entry) : undefined;
  }

  /** Where the entry is in the loaded pages, if it is loaded. */
  indexOf(entryId: number): number | undefined {
    for (const [number, page] of this.pages) {
      const at = page.entries.findIndex((entry) => entry.EntryId === entryId);
      if (at >= 0) return number * PAGE_SIZE + at;
    }
    return undefined;
  }

  /** How many entries are loaded (all of them when it equals `total`). */
  loadedCount(): number {
    let count = 0;
    for (const page of this.pages.values()) count += page.entries.length;
    return count;
  }

  /** Loaded entries (for counts over a selection). */
  loaded(): EntryView[] {
    return [...this.pages.values()].flatMap((page) => page.entries.map((entry) => this.session.view(entry)));
  }

  /** Asks for the entries from `start` to `end` (exclusive), the ones on screen. */
  ensure(start: number, end: number): void {
    this.wanted = [Math.max(0, start), Math.max(start, end)];
    void this.load(this.wanted[0], this.wanted[1]);
  }

  private pageNumbers(start: number, end: number): number[] {
    const numbers: number[] = [];
    const last = this.total === null ? Math.floor(Math.max(0, end - 1) / PAGE_SIZE) : Math.floor(Math.max(0, Math.min(end, this.total) - 1) / PAGE_SIZE);
    for (let n = Math.floor(start / PAGE_SIZE); n <= Math.max(0, last); n++) numbers.push(n);
    return numbers;
  }

  private async load(start: number, end: number): Promise<void> {
    await Promise.all(
      this.pageNumbers(start, end).map((number) => {
        const page = this.pages.get(number);
        if (page && !page.isStale) return undefined;
        return this.fetchPage(number);
      }),
    );
  }

  private fetchPage(number: number): Promise<void> {
    const inFlight = this.loading.get(number);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const promise = this.call('ListEntries', {
      DatasetArn: this.datasetArn,
      ...this.filter,
      Offset: number * PAGE_SIZE,
      MaxResults: PAGE_SIZE,
    })
      .then(
        (result) => {
          if (generation !== this.generation) return;
          this.accept(number * PAGE_SIZE, result.Entries, result.TotalCount);
          this.error = null;
        },
        (error: unknown) => {
          this.error = error;
        },
      )
      .finally(() => {
        if (this.loading.get(number) === promise) this.loading.delete(number);
        this.changed();
      });
    this.loading.set(number, promise);
    return promise;
  }

  /** Stores entries listed from `offset` into their pages. */
  private accept(offset: number, entries: EntryView[], total: number): void {
    const elsewhere = this.session.observe(entries);
    this.total = total;
    for (let start = 0; start < entries.length; start += PAGE_SIZE) {
      this.pages.set(Math.floor((offset + start) / PAGE_SIZE), { entries: entries.slice(start, start + PAGE_SIZE), isStale: false });
    }
    if (entries.length === 0 && offset === 0) this.pages.clear();
    // Pages past the end are gone (entries were removed).
    for (const number of [...this.pages.keys()]) if (number * PAGE_SIZE >= total) this.pages.delete(number);
    if (elsewhere.length > 0) for (const listener of this.elsewhereListeners) listener(elsewhere);
  }

  /** Marks everything stale and fetches the pages on screen again. */
  refresh(): void {
    for (const page of this.pages.values()) page.isStale = true;
    // A refresh outranks pages still loading from before it.
    this.generation++;
    this.loading.clear();
    void this.load(this.wanted[0], Math.max(this.wanted[1], 1));
  }

  /** Waits until the entries from `start` to `end` are loaded (for ranges beyond the screen). */
  async ensureLoaded(start: number, end: number): Promise<void> {
    await this.load(start, end);
  }

  /** The ids of entries `from` to `to`, inclusive, in either order; fetches missing pages. */
  async idsBetween(from: number, to: number): Promise<number[]> {
    const start = Math.max(0, Math.min(from, to));
    const end = Math.max(from, to) + 1;
    if (end - start > BULK_PAGE) await this.bulkLoad(start, end);
    else await this.load(start, end);
    const ids: number[] = [];
    for (let index = start; index < end; index++) {
      const entry = this.pages.get(Math.floor(index / PAGE_SIZE))?.entries[index % PAGE_SIZE];
      if (entry) ids.push(entry.EntryId);
    }
    return ids;
  }

  /** Every id matching the filter (select all across pages). */
  async allIds(): Promise<number[]> {
    if (this.total === null) await this.load(0, PAGE_SIZE);
    return this.idsBetween(0, Math.max(0, (this.total ?? 0) - 1));
  }

  private async bulkLoad(start: number, end: number): Promise<void> {
    for (let offset = Math.floor(start / PAGE_SIZE) * PAGE_SIZE; offset < end; offset += BULK_PAGE) {
      const pages = this.pageNumbers(offset, Math.min(end, offset + BULK_PAGE));
      if (pages.every((number) => this.pages.get(number) && !this.pages.get(number)!.isStale)) continue;
      const result = await this.call('ListEntries', { DatasetArn: this.datasetArn, ...this.filter, Offset: offset, MaxResults: BULK_PAGE });
      this.accept(offset, result.Entries, result.TotalCount);
      if (result.Entries.length < BULK_PAGE) break;
    }
    this.changed();
  }
}
