/**
 * The gallery's window onto a dataset of any size: entries are fetched a page at a time by
 * offset (ListEntries) as their rows come into view, at most a few requests per second while the
 * user scrolls, and only a bounded number of pages is kept. After a change to the dataset the
 * pages on screen are fetched again while the old ones stay visible, so nothing flashes.
 */
import { useEffect, useState } from 'react';
import { call, toApiError, useEvent, type ApiError, type EntryView, type InputOf } from '../../api';

export const PAGE_SIZE = 120;
/** Pages kept at most (PAGE_SIZE × MAX_PAGES entries); the farthest from view go first. */
const MAX_PAGES = 30;
/** How often the visible range is fetched while it keeps moving. */
const FETCH_INTERVAL_MS = 80;
/** A burst of change reports becomes one refetch. */
const INVALIDATE_DELAY_MS = 150;

export interface EntryFilter {
  labels: readonly string[];
  labeled: 'all' | 'labeled' | 'unlabeled';
  errorsOnly: boolean;
  /** Matched against the source-ref, which ends in the file name. */
  search: string;
}

export const NO_FILTER: EntryFilter = { labels: [], labeled: 'all', errorsOnly: false, search: '' };

export function isFiltered(filter: EntryFilter): boolean {
  return filter.labels.length > 0 || filter.labeled !== 'all' || filter.errorsOnly || filter.search.trim() !== '';
}

export function listEntriesInput(datasetArn: string, filter: EntryFilter): InputOf<'ListEntries'> {
  const search = filter.search.trim();
  return {
    DatasetArn: datasetArn,
    ...(filter.labels.length > 0 ? { ContainsLabels: [...filter.labels] } : {}),
    ...(filter.labeled === 'all' ? {} : { Labeled: filter.labeled === 'labeled' }),
    ...(filter.errorsOnly ? { HasErrors: true } : {}),
    ...(search ? { SourceRefContains: search } : {}),
  };
}

type Fetch = (offset: number, limit: number) => Promise<{ Entries: EntryView[]; TotalCount: number }>;

interface Page {
  entries: EntryView[];
  generation: number;
}

export class EntryPages {
  /** Entries matching the filter; undefined until the first answer. */
  total: number | undefined;
  error: ApiError | undefined;
  private readonly pages = new Map<number, Page>();
  private readonly loading = new Map<number, number>();
  private generation = 0;
  private wanted = { first: 0, last: 0 };
  private timer: number | undefined;
  private invalidateTimer: number | undefined;
  private disposed = false;

  constructor(
    private readonly fetchPage: Fetch,
    private readonly onChange: () => void,
  ) {}

  entryAt(index: number): EntryView | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.entries[index % PAGE_SIZE];
  }

  /** The rows on screen show entries `first`…`last` (inclusive). */
  want(first: number, last: number): void {
    this.wanted = { first: Math.floor(Math.max(0, first) / PAGE_SIZE), last: Math.floor(Math.max(0, last) / PAGE_SIZE) };
    if (this.timer !== undefined) return;
    const isFirstLoad = this.total === undefined && this.loading.size === 0;
    if (isFirstLoad) {
      this.loadWanted();
      return;
    }
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      this.loadWanted();
    }, FETCH_INTERVAL_MS);
  }

  /** The dataset changed: fetch what is on screen again (old pages stay until the answers come). */
  invalidate(): void {
    window.clearTimeout(this.invalidateTimer);
    this.invalidateTimer = window.setTimeout(() => {
      this.generation++;
      this.loadWanted();
    }, INVALIDATE_DELAY_MS);
  }

  retry(): void {
    this.error = undefined;
    this.generation++;
    this.loadWanted();
    this.onChange();
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.timer);
    window.clearTimeout(this.invalidateTimer);
  }

  /** Pages held now (for tests of the bound and for diagnostics). */
  get pageCount(): number {
    return this.pages.size;
  }

  private loadWanted(): void {
    if (this.disposed) return;
    const { first, last } = this.wanted;
    const lastPage = this.total === undefined ? first : Math.max(0, Math.ceil(this.total / PAGE_SIZE) - 1);
    for (let page = first; page <= Math.min(last, lastPage); page++) {
      const held = this.pages.get(page);
      if (held?.generation === this.generation || this.loading.get(page) === this.generation) continue;
      this.load(page);
    }
  }

  private load(page: number): void {
    const generation = this.generation;
    this.loading.set(page, generation);
    this.fetchPage(page * PAGE_SIZE, PAGE_SIZE).then(
      (answer) => {
        if (this.disposed) return;
        if (this.loading.get(page) === generation) this.loading.delete(page);
        const held = this.pages.get(page);
        if (held && held.generation > generation) return;
        this.pages.set(page, { entries: answer.Entries, generation });
        if (generation === this.generation) {
          const grew = this.total === undefined || answer.TotalCount > this.total;
          this.total = answer.TotalCount;
          this.error = undefined;
          if (grew) this.loadWanted();
        }
        this.evict();
        this.onChange();
      },
      (error: unknown) => {
        if (this.disposed) return;
        if (this.loading.get(page) === generation) this.loading.delete(page);
        this.error = toApiError(error);
        this.onChange();
      },
    );
  }

  private evict(): void {
    if (this.pages.size <= MAX_PAGES) return;
    const center = (this.wanted.first + this.wanted.last) / 2;
    const farthest = [...this.pages.keys()]
      .filter((page) => page < this.wanted.first || page > this.wanted.last)
      .sort((a, b) => Math.abs(b - center) - Math.abs(a - center));
    for (const page of farthest.slice(0, this.pages.size - MAX_PAGES)) this.pages.delete(page);
  }
}

/** An EntryPages for this dataset and filter, refetching when the dataset changes. */
export function useEntryPages(datasetArn: string, filter: EntryFilter): { pages: EntryPages | undefined; version: number } {
  const [version, setVersion] = useState(0);
  const [pages, setPages] = useState<EntryPages>();
  const key = JSON.stringify(listEntriesInput(datasetArn, filter));

  useEffect(() => {
    const input = JSON.parse(key) as InputOf<'ListEntries'>;
    const created = new EntryPages(
      (offset, limit) => call('ListEntries', { ...input, Offset: offset, MaxResults: limit }),
      () => setVersion((n) => n + 1),
    );
    setPages(created);
    return () => created.dispose();
  }, [key]);

  useEvent('ResourcesChanged', (payload) => {
    if (payload.ResourceArns.includes(datasetArn)) pages?.invalidate();
  });

  return { pages, version };
}
