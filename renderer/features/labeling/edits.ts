/**
 * Labeling edits with undo and redo. Every edit is a list of backend operations (`forward`) and,
 * once they have answered, the operations that put things back (`backward`), computed from what
 * the backend says it replaced:
 *
 *   annotations (PutEntryAnnotations, AssignImageLabels) → PutEntryAnnotations of the returned Before
 *   CreateLabels / CopyLabels                            → DeleteLabel of each label actually added
 *   RenameLabel a → b                                    → RenameLabel b → a
 *   DeleteLabel (and its annotations)                    → CreateLabels + PutEntryAnnotations(Before)
 *
 * Running one direction yields the other: undo's answers give the next redo, and so on. Plain
 * TypeScript with no React, so the log is tested in Node.
 */
import { VersionedStore } from '../../lib/versionedStore';
import type { AnnotationChange, EntryAnnotations } from '../../../preload/contract/api';

export type LabelingOp =
  | { kind: 'put-annotations'; entries: EntryAnnotations[] }
  | { kind: 'assign-labels'; entryIds: number[]; add: string[]; remove: string[] }
  | { kind: 'create-labels'; labels: string[] }
  | { kind: 'rename-label'; from: string; to: string }
  | { kind: 'delete-label'; label: string }
  | { kind: 'copy-labels'; sourceDatasetArn: string };

/** What the backend answered for one operation. */
export interface OpOutcome {
  change?: AnnotationChange;
  added?: string[];
}

/** The entries an operation touches, or 'all' for operations on the label list (they touch any entry). */
export function entriesOf(op: LabelingOp): number[] | 'all' {
  switch (op.kind) {
    case 'put-annotations':
      return op.entries.map((entry) => entry.EntryId);
    case 'assign-labels':
      return op.entryIds;
    default:
      return 'all';
  }
}

/** Labels after adding and removing, as AssignImageLabels computes them. */
export function assignedLabels(labels: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const removed = new Set(remove);
  const kept = labels.filter((label) => !removed.has(label));
  return [...kept, ...add.filter((label) => !kept.includes(label))];
}

/** The operations that undo `op`, given what the backend answered for it. */
export function inverseOf(op: LabelingOp, outcome: OpOutcome): LabelingOp[] {
  switch (op.kind) {
    case 'put-annotations':
    case 'assign-labels': {
      const before = outcome.change?.Before ?? [];
      return before.length > 0 ? [{ kind: 'put-annotations', entries: before }] : [];
    }
    case 'create-labels':
    case 'copy-labels':
      return (outcome.added ?? []).map((label) => ({ kind: 'delete-label', label }));
    case 'rename-label':
      return [{ kind: 'rename-label', from: op.to, to: op.from }];
    case 'delete-label': {
      const before = outcome.change?.Before ?? [];
      return [
        { kind: 'create-labels', labels: [op.label] },
        ...(before.length > 0 ? [{ kind: 'put-annotations' as const, entries: before }] : []),
      ];
    }
  }
}

/** The inverse of a whole run: each operation's inverse (in its own order), last operation first. */
export function inverseOfRun(ops: readonly LabelingOp[], outcomes: readonly OpOutcome[]): LabelingOp[] {
  return ops
    .map((op, i) => inverseOf(op, outcomes[i] ?? {}))
    .reverse()
    .flat();
}

/** What the help text and the undo notice call an edit: an i18n key in the labeling namespace. */
export interface EditSummary {
  key: string;
  values?: Record<string, string | number>;
}

export interface Edit {
  readonly id: number;
  readonly summary: EditSummary;
  /** What doing (or redoing) the edit runs. */
  forward: LabelingOp[];
  /** What undoing it runs; null until the first run has answered. */
  backward: LabelingOp[] | null;
}

export const MAX_EDITS = 500;

/**
 * The linear history: edits before `cursor` are applied, edits from it are undone (redoable).
 * Recording a new edit drops the redoable ones.
 */
export class EditLog extends VersionedStore {
  private edits: Edit[] = [];
  private cursor = 0;
  private nextId = 1;

  get canUndo(): boolean {
    return this.cursor > 0;
  }

  get canRedo(): boolean {
    return this.cursor < this.edits.length;
  }

  get size(): number {
    return this.edits.length;
  }

  /** The edit Ctrl+Z would undo, and the one Ctrl+Shift+Z would redo. */
  peekUndo(): Edit | undefined {
    return this.edits[this.cursor - 1];
  }

  peekRedo(): Edit | undefined {
    return this.edits[this.cursor];
  }

  record(summary: EditSummary, forward: LabelingOp[]): Edit {
    const edit: Edit = { id: this.nextId++, summary, forward, backward: null };
    this.edits.splice(this.cursor);
    this.edits.push(edit);
    if (this.edits.length > MAX_EDITS) this.edits.splice(0, this.edits.length - MAX_EDITS);
    this.cursor = this.edits.length;
    this.changed();
    return edit;
  }

  /** Moves the cursor back over the last applied edit and returns it. */
  takeUndo(): Edit | undefined {
    const edit = this.edits[this.cursor - 1];
    if (!edit) return undefined;
    this.cursor--;
    this.changed();
    return edit;
  }

  takeRedo(): Edit | undefined {
    const edit = this.edits[this.cursor];
    if (!edit) return undefined;
    this.cursor++;
    this.changed();
    return edit;
  }

  /** Forgets an edit that could not be done or undone: its state is no longer known. */
  remove(edit: Edit): void {
    const index = this.edits.indexOf(edit);
    if (index < 0) return;
    this.edits.splice(index, 1);
    if (index < this.cursor) this.cursor--;
    this.changed();
  }

  clear(): void {
    this.edits = [];
    this.cursor = 0;
    this.changed();
  }
}
