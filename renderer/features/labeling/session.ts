/**
 * A labeling session on one dataset: it saves every edit as it happens, keeps the undo log, and
 * knows each entry's revision so that nothing changed elsewhere is ever overwritten silently.
 *
 * - Saves run through a small queue: operations on the same entry run one after another (in the
 *   order they were made); operations on different entries run side by side; operations on the
 *   label list wait for everything before them and hold everything after them.
 * - Edits show at once (optimistic); a failed save puts the entry back as the backend has it and
 *   is reported. A ConflictException (the entry changed since it was loaded) reloads the entry.
 * - PutEntryAnnotations carries ExpectedRevision: the revision this session last saw the backend
 *   give the entry.
 *
 * Plain TypeScript: the caller is injected, so the session runs in Node tests with a fake backend.
 */
import { VersionedStore } from '../../lib/versionedStore';
import { KeyedSequencer } from '../../../preload/contract/async';
import type { AnnotationChange, EntryAnnotations, EntryView, InputOf, OperationName, OutputOf } from '../../../preload/contract/api';
import {
  EditLog,
  assignedLabels,
  entriesOf,
  inverseOfRun,
  type Edit,
  type EditSummary,
  type LabelingOp,
  type OpOutcome,
} from './edits';

export type Caller = <N extends OperationName>(name: N, input: InputOf<N>) => Promise<OutputOf<N>>;

export type Annotations = Pick<EntryAnnotations, 'Labels' | 'Boxes'>;

interface EntryState {
  /** The backend's revision as last seen (from a listing or a save's answer). */
  revision: number;
  /** The annotations at that revision. */
  confirmed: Annotations;
  /** What the editor shows: confirmed plus edits not yet saved. */
  current: Annotations;
  /** Saves of this entry queued or in flight. */
  pending: number;
}

export type SessionNotice =
  | { kind: 'saveFailed'; error: unknown; summary: EditSummary }
  | { kind: 'undoFailed'; error: unknown; summary: EditSummary; direction: 'undo' | 'redo' }
  | { kind: 'conflict'; error: unknown; entryIds: number[] }
  | { kind: 'undone' | 'redone'; summary: EditSummary };

export interface SaveStatus {
  /** Operations queued or in flight. */
  pending: number;
  /** The last failure, until the next successful save. */
  failed: boolean;
}

/** PutEntryAnnotations takes at most this many entries per call. */
const PUT_CHUNK = 1000;

export function sameAnnotations(a: Annotations, b: Annotations): boolean {
  if (a.Labels.length !== b.Labels.length || a.Boxes.length !== b.Boxes.length) return false;
  const labels = new Set(a.Labels);
  if (!b.Labels.every((label) => labels.has(label))) return false;
  return a.Boxes.every((box, i) => {
    const other = b.Boxes[i]!;
    return box.Label === other.Label && box.Left === other.Left && box.Top === other.Top && box.Width === other.Width && box.Height === other.Height;
  });
}

function renamed(annotations: Annotations, from: string, to: string): Annotations {
  return {
    Labels: [...new Set(annotations.Labels.map((label) => (label === from ? to : label)))],
    Boxes: annotations.Boxes.map((box) => (box.Label === from ? { ...box, Label: to } : box)),
  };
}

function without(annotations: Annotations, label: string): Annotations {
  return { Labels: annotations.Labels.filter((l) => l !== label), Boxes: annotations.Boxes.filter((b) => b.Label !== label) };
}

function carries(annotations: Annotations, label: string): boolean {
  return annotations.Labels.includes(label) || annotations.Boxes.some((box) => box.Label === label);
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

export class LabelingSession extends VersionedStore {
  readonly log = new EditLog();
  private readonly entries = new Map<number, EntryState>();
  private readonly views = new WeakMap<object, { current: Annotations; view: object }>();
  /** Saves in order per entry; label-list operations ('all') wait for and hold back every save. */
  private readonly queue = new KeyedSequencer<number>();
  private pendingOps = 0;
  /** Operations on the label list in flight: they change many entries' revisions at once. */
  private labelOpsInFlight = 0;
  private failed = false;
  private readonly noticeListeners = new Set<(notice: SessionNotice) => void>();
  private readonly refreshListeners = new Set<() => void>();
  /** Operations saved so far: counts and listings that depend on them can be fetched again. */
  savedCount = 0;

  constructor(
    private readonly call: Caller,
    readonly datasetArn: string,
  ) {
    super();
  }

  // --- Subscriptions -------------------------------------------------------------------------

  onNotice(listener: (notice: SessionNotice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /** Called when listings should be fetched again (after a conflict or a failed save). */
  onNeedsRefresh(listener: () => void): () => void {
    this.refreshListeners.add(listener);
    return () => this.refreshListeners.delete(listener);
  }


  private notify(notice: SessionNotice): void {
    for (const listener of this.noticeListeners) listener(notice);
  }

  private needsRefresh(): void {
    for (const listener of this.refreshListeners) listener();
  }

  get status(): SaveStatus {
    return { pending: this.pendingOps, failed: this.failed };
  }

  /** Resolves when every queued save has answered. */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.queue.settled();
      if (this.pendingOps === 0) return;
    }
  }

  // --- What the backend has ------------------------------------------------------------------

  /**
   * Takes entries from a listing. Returns the ids whose annotations changed elsewhere since this
   * session last saw them (another window, the API, the folder watcher); the editor says so.
   */
  observe(entries: readonly EntryView[]): number[] {
    const changedElsewhere: number[] = [];
    let isChanged = false;
    for (const entry of entries) {
      const state = this.entries.get(entry.EntryId);
      if (!state) {
        // Listings are never mutated, so their arrays are shared (and view() can return the entry itself).
        const annotations = { Labels: entry.Labels, Boxes: entry.Boxes };
        this.entries.set(entry.EntryId, { revision: entry.Revision, confirmed: annotations, current: annotations, pending: 0 });
        continue;
      }
      // Saves in flight answer with newer revisions themselves; an older listing is stale.
      if (state.pending > 0 || entry.Revision <= state.revision) continue;
      const annotations = { Labels: entry.Labels, Boxes: entry.Boxes };
      if (this.labelOpsInFlight === 0 && !sameAnnotations(annotations, state.current)) changedElsewhere.push(entry.EntryId);
      state.revision = entry.Revision;
      state.confirmed = annotations;
      state.current = annotations;
      isChanged = true;
    }
    if (isChanged) this.changed();
    return changedElsewhere;
  }

  /** The entry with the annotations the editor should show (its own edits included). */
  view<T extends Pick<EntryView, 'EntryId' | 'Labels' | 'Boxes'>>(entry: T): T {
    const state = this.entries.get(entry.EntryId);
    if (!state) return entry;
    if (state.current.Labels === entry.Labels && state.current.Boxes === entry.Boxes) return entry;
    // The same object while nothing changes, so memoised rows and cells stay put.
    const cached = this.views.get(entry);
    if (cached && cached.current === state.current) return cached.view as T;
    const view = { ...entry, Labels: state.current.Labels, Boxes: state.current.Boxes };
    this.views.set(entry, { current: state.current, view });
    return view;
  }

  annotations(entryId: number): Annotations | undefined {
    return this.entries.get(entryId)?.current;
  }

  revision(entryId: number): number | undefined {
    return this.entries.get(entryId)?.revision;
  }

  // --- Edits ---------------------------------------------------------------------------------

  /** Gives one entry exactly these labels and boxes. */
  setAnnotations(entryId: number, next: Annotations, summary: EditSummary): Promise<boolean> {
    const current = this.entries.get(entryId)?.current;
    // Nothing to save, and nothing for Ctrl+Z to undo.
    if (current && sameAnnotations(current, next)) return Promise.resolve(false);
    return this.perform(summary, [{ kind: 'put-annotations', entries: [{ EntryId: entryId, Labels: next.Labels, Boxes: next.Boxes }] }]);
  }

  assignLabels(entryIds: number[], add: string[], remove: string[], summary: EditSummary): Promise<boolean> {
    if (entryIds.length === 0 || (add.length === 0 && remove.length === 0)) return Promise.resolve(false);
    const isNoChange = entryIds.every((id) => {
      const current = this.entries.get(id)?.current;
      if (!current) return false;
      const next = assignedLabels(current.Labels, add, remove);
      return next.length === current.Labels.length && next.every((label) => current.Labels.includes(label));
    });
    if (isNoChange) return Promise.resolve(false);
    return this.perform(summary, [{ kind: 'assign-labels', entryIds, add, remove }]);
  }

  createLabels(labels: string[], summary: EditSummary): Promise<boolean> {
    return this.perform(summary, [{ kind: 'create-labels', labels }]);
  }

  renameLabel(from: string, to: string, summary: EditSummary): Promise<boolean> {
    return this.perform(summary, [{ kind: 'rename-label', from, to }]);
  }

  deleteLabel(label: string, summary: EditSummary): Promise<boolean> {
    return this.perform(summary, [{ kind: 'delete-label', label }]);
  }

  copyLabels(sourceDatasetArn: string, summary: EditSummary): Promise<boolean> {
    return this.perform(summary, [{ kind: 'copy-labels', sourceDatasetArn }]);
  }

  /** Records and runs a new edit; resolves true once saved, false if it failed (and was reported). */
  private async perform(summary: EditSummary, forward: LabelingOp[]): Promise<boolean> {
    const edit = this.log.record(summary, forward);
    try {
      const outcomes = await this.run(forward);
      edit.backward = inverseOfRun(forward, outcomes);
      return true;
    } catch (error) {
      this.log.remove(edit);
      this.report(error, { kind: 'saveFailed', error, summary });
      return false;
    }
  }

  undo(): Promise<boolean> {
    const edit = this.log.takeUndo();
    return edit ? this.replay(edit, 'undo') : Promise.resolve(false);
  }

  redo(): Promise<boolean> {
    const edit = this.log.takeRedo();
    return edit ? this.replay(edit, 'redo') : Promise.resolve(false);
  }

  private async replay(edit: Edit, direction: 'undo' | 'redo'): Promise<boolean> {
    // An undo pressed before the edit's own save has answered waits for it: the operations that
    // put it back are only known from that answer. The queue orders them on the same entries.
    const ops = () => (direction === 'undo' ? edit.backward : edit.forward);
    try {
      const outcomes = await this.run(ops() ?? ops, this.scopeOf(edit.forward));
      const ran = ops() ?? [];
      if (direction === 'undo') edit.forward = inverseOfRun(ran, outcomes);
      else edit.backward = inverseOfRun(ran, outcomes);
      this.notify({ kind: direction === 'undo' ? 'undone' : 'redone', summary: edit.summary });
      return true;
    } catch (error) {
      this.log.remove(edit);
      this.report(error, { kind: 'undoFailed', error, summary: edit.summary, direction });
      return false;
    }
  }

  private scopeOf(ops: readonly LabelingOp[]): number[] | 'all' {
    const ids = new Set<number>();
    for (const op of ops) {
      const scope = entriesOf(op);
      if (scope === 'all') return 'all';
      for (const id of scope) ids.add(id);
    }
    return [...ids];
  }

  private report(error: unknown, notice: SessionNotice): void {
    if (errorCode(error) === 'ConflictException') {
      this.notify({ kind: 'conflict', error, entryIds: [] });
    } else {
      this.notify(notice);
    }
    this.needsRefresh();
  }

  // --- The queue -----------------------------------------------------------------------------

  /**
   * Queues `ops` (or, for undo and redo, a function giving them when their turn comes) behind
   * earlier operations on the same entries, applies them locally at once, and runs them.
   */
  private run(ops: LabelingOp[] | (() => LabelingOp[] | null), scope?: number[] | 'all'): Promise<OpOutcome[]> {
    const known = typeof ops === 'function' ? null : ops;
    const where = scope ?? this.scopeOf(known ?? []);
    const touched = where === 'all' ? [] : where;
    if (known) for (const op of known) this.applyLocally(op);
    for (const id of touched) {
      const state = this.entries.get(id);
      if (state) state.pending++;
    }
    this.pendingOps++;
    if (where === 'all') this.labelOpsInFlight++;
    this.changed();

    const start = async () => {
      const list = typeof ops === 'function' ? ops() : ops;
      if (!list) throw new Error('The edit to undo never saved.');
      if (!known) for (const op of list) this.applyLocally(op);
      const outcomes: OpOutcome[] = [];
      for (const op of list) outcomes.push(await this.execute(op));
      return outcomes;
    };
    // With nothing ahead of it, the request leaves now, inside the key press, before the screen
    // re-renders; otherwise it waits for the saves ahead of it on the same entries.
    return this.queue.run(where === 'all' ? 'all' : touched, start, (ok) => this.finish(touched, where === 'all', ok));
  }

  private finish(touched: number[], isLabelOp: boolean, ok: boolean): void {
    this.pendingOps--;
    if (isLabelOp) this.labelOpsInFlight--;
    this.failed = !ok;
    if (ok) this.savedCount++;
    for (const id of touched) {
      const state = this.entries.get(id);
      if (!state) continue;
      state.pending = Math.max(0, state.pending - 1);
      // A failed save leaves the entry as the backend last had it.
      if (!ok && state.pending === 0) state.current = state.confirmed;
    }
    if (!ok && isLabelOp) {
      for (const state of this.entries.values()) if (state.pending === 0) state.current = state.confirmed;
    }
    this.changed();
  }

  /** Shows an operation's effect before the backend answers. */
  private applyLocally(op: LabelingOp): void {
    switch (op.kind) {
      case 'put-annotations':
        for (const entry of op.entries) {
          const state = this.entries.get(entry.EntryId);
          if (state) state.current = { Labels: [...entry.Labels], Boxes: entry.Boxes.map((box) => ({ ...box })) };
        }
        break;
      case 'assign-labels':
        for (const id of op.entryIds) {
          const state = this.entries.get(id);
          if (state) state.current = { ...state.current, Labels: assignedLabels(state.current.Labels, op.add, op.remove) };
        }
        break;
      case 'rename-label':
        for (const state of this.entries.values()) state.current = renamed(state.current, op.from, op.to);
        break;
      case 'delete-label':
        for (const state of this.entries.values()) state.current = without(state.current, op.label);
        break;
      case 'create-labels':
      case 'copy-labels':
        break;
    }
  }

  /** Runs one operation against the backend and records the revisions it answers with. */
  private async execute(op: LabelingOp): Promise<OpOutcome> {
    const DatasetArn = this.datasetArn;
    switch (op.kind) {
      case 'put-annotations': {
        const merged: AnnotationChange = { Entries: [], Before: [] };
        for (let start = 0; start < op.entries.length; start += PUT_CHUNK) {
          const chunk = op.entries.slice(start, start + PUT_CHUNK);
          const change = await this.call('PutEntryAnnotations', {
            DatasetArn,
            Entries: chunk.map((entry) => {
              const revision = this.entries.get(entry.EntryId)?.revision;
              return {
                EntryId: entry.EntryId,
                ...(revision === undefined ? {} : { ExpectedRevision: revision }),
                Labels: entry.Labels,
                Boxes: entry.Boxes,
              };
            }),
          });
          const sent = new Map(chunk.map((entry) => [entry.EntryId, entry]));
          this.confirm(change, (id) => sent.get(id));
          merged.Entries.push(...change.Entries);
          merged.Before.push(...change.Before);
        }
        return { change: merged };
      }
      case 'assign-labels': {
        const change = await this.call('AssignImageLabels', {
          DatasetArn,
          EntryIds: op.entryIds,
          ...(op.add.length > 0 ? { Add: op.add } : {}),
          ...(op.remove.length > 0 ? { Remove: op.remove } : {}),
        });
        const before = new Map(change.Before.map((entry) => [entry.EntryId, entry]));
        this.confirm(change, (id) => {
          const was = before.get(id);
          return was ? { Labels: assignedLabels(was.Labels, op.add, op.remove), Boxes: was.Boxes } : undefined;
        });
        return { change };
      }
      case 'create-labels': {
        const { Added } = await this.call('CreateLabels', { DatasetArn, Labels: op.labels });
        return { added: Added };
      }
      case 'copy-labels': {
        const { Added } = await this.call('CopyLabels', { DatasetArn, SourceDatasetArn: op.sourceDatasetArn });
        return { added: Added };
      }
      case 'rename-label': {
        await this.call('RenameLabel', { DatasetArn, LabelName: op.from, NewLabelName: op.to });
        // The backend bumps the revision of every entry that carries the label; so do we, so
        // the next save of those entries expects the right revision.
        for (const state of this.entries.values()) {
          if (carries(state.confirmed, op.from)) {
            state.revision++;
            state.confirmed = renamed(state.confirmed, op.from, op.to);
          }
        }
        return {};
      }
      case 'delete-label': {
        const change = await this.call('DeleteLabel', { DatasetArn, LabelName: op.label });
        const before = new Map(change.Before.map((entry) => [entry.EntryId, entry]));
        this.confirm(change, (id) => {
          const was = before.get(id);
          return was ? without(was, op.label) : undefined;
        });
        return { change };
      }
    }
  }

  /** Records what the backend now has for the entries an operation changed. */
  private confirm(change: AnnotationChange, after: (id: number) => Annotations | undefined): void {
    for (const { EntryId, Revision } of change.Entries) {
      const annotations = after(EntryId);
      const state = this.entries.get(EntryId);
      if (!annotations) {
        if (state) state.revision = Math.max(state.revision, Revision);
        continue;
      }
      const copy = { Labels: [...annotations.Labels], Boxes: annotations.Boxes.map((box) => ({ ...box })) };
      if (!state) {
        this.entries.set(EntryId, { revision: Revision, confirmed: copy, current: copy, pending: 0 });
        continue;
      }
      state.revision = Revision;
      state.confirmed = copy;
    }
  }
}
