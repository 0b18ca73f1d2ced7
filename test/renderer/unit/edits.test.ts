import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntryView, InputOf, OperationName, OutputOf } from '../../../preload/contract/api';
import { EditLog, inverseOf, inverseOfRun } from '../../../renderer/features/labeling/edits';
import { LabelingSession, type SessionNotice } from '../../../renderer/features/labeling/session';
import { TestCanvas } from '../../support/TestCanvas';

type Box = EntryView['Boxes'][number];
const box = (Label: string, Left = 10, Top = 10, Width = 50, Height = 40): Box => ({ Label, Left, Top, Width, Height });

class FakeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The labeling operations over an in-memory dataset, with the backend's rules: revisions, refused
 * stale writes (ConflictException), Before in every answer, renames bumping revisions.
 */
class FakeBackend {
  entries = new Map<number, { revision: number; Labels: string[]; Boxes: Box[] }>();
  labels = new Set<string>();
  calls: { name: OperationName; input: any }[] = [];
  /** Holds answers back until released, to test ordering. */
  gate: Promise<void> | null = null;

  constructor(count: number, labels: string[] = []) {
    for (let id = 1; id <= count; id++) this.entries.set(id, { revision: 1, Labels: [], Boxes: [] });
    for (const label of labels) this.labels.add(label);
  }

  views(): EntryView[] {
    return [...this.entries].map(([id, entry]) => ({
      EntryId: id,
      SourceRef: `/images/${id}.jpg`,
      FileName: `${id}.jpg`,
      Width: 400,
      Height: 300,
      DuplicateCount: 0,
      Labels: [...entry.Labels],
      Boxes: entry.Boxes.map((b) => ({ ...b })),
      Errors: [],
      Revision: entry.revision,
    }));
  }

  private snapshot(id: number) {
    const entry = this.entries.get(id)!;
    return { EntryId: id, Labels: [...entry.Labels], Boxes: entry.Boxes.map((b) => ({ ...b })) };
  }

  call = async <N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> => {
    this.calls.push({ name, input });
    if (this.gate) await this.gate;
    return this.handle(name, input as any) as OutputOf<N>;
  };

  private handle(name: OperationName, input: any): unknown {
    switch (name) {
      case 'PutEntryAnnotations': {
        for (const wanted of input.Entries) {
          const entry = this.entries.get(wanted.EntryId)!;
          if (wanted.ExpectedRevision !== undefined && wanted.ExpectedRevision !== entry.revision) {
            throw new FakeError('ConflictException', `revision ${entry.revision}, not ${wanted.ExpectedRevision}`);
          }
        }
        const Before = input.Entries.map((wanted: any) => this.snapshot(wanted.EntryId));
        const Entries = input.Entries.map((wanted: any) => {
          const entry = this.entries.get(wanted.EntryId)!;
          entry.Labels = [...wanted.Labels];
          entry.Boxes = wanted.Boxes.map((b: Box) => ({ ...b }));
          for (const label of [...wanted.Labels, ...wanted.Boxes.map((b: Box) => b.Label)]) this.labels.add(label);
          return { EntryId: wanted.EntryId, Revision: ++entry.revision };
        });
        return { Entries, Before };
      }
      case 'AssignImageLabels': {
        const Before: unknown[] = [];
        const Entries: unknown[] = [];
        for (const id of input.EntryIds as number[]) {
          const entry = this.entries.get(id)!;
          const labels = [...entry.Labels.filter((l) => !(input.Remove ?? []).includes(l)), ...(input.Add ?? []).filter((l: string) => !entry.Labels.includes(l))];
          if (labels.length === entry.Labels.length && labels.every((l) => entry.Labels.includes(l))) continue;
          Before.push(this.snapshot(id));
          entry.Labels = labels;
          Entries.push({ EntryId: id, Revision: ++entry.revision });
        }
        for (const label of input.Add ?? []) this.labels.add(label);
        return { Entries, Before };
      }
      case 'CreateLabels': {
        const Added = (input.Labels as string[]).filter((l) => !this.labels.has(l));
        for (const label of Added) this.labels.add(label);
        return { Added };
      }
      case 'RenameLabel': {
        this.labels.delete(input.LabelName);
        this.labels.add(input.NewLabelName);
        for (const entry of this.entries.values()) {
          if (!entry.Labels.includes(input.LabelName) && !entry.Boxes.some((b) => b.Label === input.LabelName)) continue;
          entry.Labels = entry.Labels.map((l) => (l === input.LabelName ? input.NewLabelName : l));
          entry.Boxes = entry.Boxes.map((b) => (b.Label === input.LabelName ? { ...b, Label: input.NewLabelName } : b));
          entry.revision++;
        }
        return {};
      }
      case 'DeleteLabel': {
        const Before: unknown[] = [];
        const Entries: unknown[] = [];
        let ImageCount = 0;
        let BoxCount = 0;
        for (const [id, entry] of this.entries) {
          const boxes = entry.Boxes.filter((b) => b.Label === input.LabelName).length;
          if (!entry.Labels.includes(input.LabelName) && boxes === 0) continue;
          ImageCount++;
          BoxCount += boxes;
          Before.push(this.snapshot(id));
          entry.Labels = entry.Labels.filter((l) => l !== input.LabelName);
          entry.Boxes = entry.Boxes.filter((b) => b.Label !== input.LabelName);
          Entries.push({ EntryId: id, Revision: ++entry.revision });
        }
        this.labels.delete(input.LabelName);
        return { Entries, Before, ImageCount, BoxCount };
      }
      case 'CopyLabels':
        return this.handle('CreateLabels', { Labels: ['from-other-1', 'from-other-2'] });
      default:
        throw new Error(`The fake backend has no ${name}`);
    }
  }
}

function aSession(count = 3, labels: string[] = ['cat', 'dog']) {
  const backend = new FakeBackend(count, labels);
  const session = new LabelingSession(backend.call, 'arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/train/1');
  session.observe(backend.views());
  const notices: SessionNotice[] = [];
  session.onNotice((notice) => notices.push(notice));
  return { backend, session, notices };
}

const summary = { key: 'edits.assignLabel' };

describe('the inverse of each labeling operation', () => {
  const before = [{ EntryId: 1, Labels: ['cat'], Boxes: [box('cat')] }];
  const change = { Entries: [{ EntryId: 1, Revision: 4 }], Before: before };

  it('puts back the annotations an edit replaced', () => {
    assert.deepEqual(inverseOf({ kind: 'assign-labels', entryIds: [1], add: ['dog'], remove: [] }, { change }), [
      { kind: 'put-annotations', entries: before },
    ]);
    assert.deepEqual(inverseOf({ kind: 'put-annotations', entries: [{ EntryId: 1, Labels: [], Boxes: [] }] }, { change }), [
      { kind: 'put-annotations', entries: before },
    ]);
  });

  it('deletes only the labels a create actually added', () => {
    assert.deepEqual(inverseOf({ kind: 'create-labels', labels: ['cat', 'new'] }, { added: ['new'] }), [{ kind: 'delete-label', label: 'new' }]);
  });

  it('renames back', () => {
    assert.deepEqual(inverseOf({ kind: 'rename-label', from: 'a', to: 'b' }, {}), [{ kind: 'rename-label', from: 'b', to: 'a' }]);
  });

  it('recreates a deleted label and puts its annotations back, in that order', () => {
    assert.deepEqual(inverseOf({ kind: 'delete-label', label: 'cat' }, { change }), [
      { kind: 'create-labels', labels: ['cat'] },
      { kind: 'put-annotations', entries: before },
    ]);
  });

  it('undoes a run last operation first, each inverse in its own order', () => {
    const before = [{ EntryId: 1, Labels: ['x'], Boxes: [] }];
    const run = inverseOfRun(
      [
        { kind: 'rename-label', from: 'w', to: 'v' },
        { kind: 'delete-label', label: 'x' },
      ],
      [{}, { change: { Entries: [{ EntryId: 1, Revision: 3 }], Before: before } }],
    );
    assert.deepEqual(run, [
      { kind: 'create-labels', labels: ['x'] },
      { kind: 'put-annotations', entries: before },
      { kind: 'rename-label', from: 'v', to: 'w' },
    ]);
  });
});

describe('the edit log', () => {
  it('undoes and redoes in order, and a new edit drops what was undone', () => {
    const log = new EditLog();
    const a = log.record({ key: 'a' }, []);
    const b = log.record({ key: 'b' }, []);
    assert.equal(log.takeUndo(), b);
    assert.equal(log.takeUndo(), a);
    assert.equal(log.takeUndo(), undefined);
    assert.equal(log.takeRedo(), a);
    const c = log.record({ key: 'c' }, []);
    assert.equal(log.canRedo, false);
    assert.equal(log.peekUndo(), c);
    log.remove(c);
    assert.equal(log.peekUndo(), a);
  });
});

describe('when edits are saved as they happen', () => {
  it('assigns a label, undoes it with the returned Before, and redoes it', async () => {
    const { backend, session } = aSession();
    assert.equal(await session.assignLabels([1, 2], ['cat'], [], summary), true);
    assert.deepEqual(backend.entries.get(1)!.Labels, ['cat']);
    assert.equal(await session.undo(), true);
    assert.deepEqual(backend.entries.get(1)!.Labels, []);
    const undo = backend.calls.at(-1)!;
    assert.equal(undo.name, 'PutEntryAnnotations');
    // ExpectedRevision is the revision the edit produced.
    assert.deepEqual(
      undo.input.Entries.map((e: any) => [e.EntryId, e.ExpectedRevision, e.Labels]),
      [
        [1, 2, []],
        [2, 2, []],
      ],
    );
    assert.equal(await session.redo(), true);
    assert.deepEqual(backend.entries.get(2)!.Labels, ['cat']);
    assert.equal(await session.undo(), true);
    assert.deepEqual(backend.entries.get(2)!.Labels, []);
  });

  it('shows an edit before the backend answers, and counts it as pending', async () => {
    const { backend, session } = aSession();
    let release!: () => void;
    backend.gate = new Promise((resolve) => (release = resolve));
    const saving = session.setAnnotations(1, { Labels: [], Boxes: [box('cat')] }, summary);
    assert.deepEqual(session.annotations(1)?.Boxes, [box('cat')]);
    assert.equal(session.status.pending, 1);
    release();
    backend.gate = null;
    assert.equal(await saving, true);
    assert.equal(session.status.pending, 0);
    assert.equal(session.revision(1), 2);
  });

  it('runs an undo pressed before the save answered after it, on the same entry', async () => {
    const { backend, session } = aSession();
    let release!: () => void;
    backend.gate = new Promise((resolve) => (release = resolve));
    const saving = session.setAnnotations(1, { Labels: [], Boxes: [box('cat')] }, summary);
    const undoing = session.undo();
    release();
    backend.gate = null;
    assert.equal(await saving, true);
    assert.equal(await undoing, true);
    assert.deepEqual(backend.entries.get(1)!.Boxes, []);
    assert.deepEqual(
      backend.calls.map((call) => [call.name, call.input.Entries[0].ExpectedRevision]),
      [
        ['PutEntryAnnotations', 1],
        ['PutEntryAnnotations', 2],
      ],
    );
  });

  it('saves one entry’s edits in the order they were made', async () => {
    const { backend, session } = aSession();
    const saves = [1, 2, 3, 4].map((n) => session.setAnnotations(1, { Labels: [], Boxes: [box('cat', n)] }, summary));
    assert.deepEqual(await Promise.all(saves), [true, true, true, true]);
    assert.deepEqual(backend.entries.get(1)!.Boxes, [box('cat', 4)]);
    assert.equal(backend.entries.get(1)!.revision, 5);
  });

  it('does not record an edit that changes nothing', async () => {
    const { backend, session } = aSession();
    await session.assignLabels([1], ['cat'], [], summary);
    assert.equal(await session.assignLabels([1], ['cat'], [], summary), false);
    assert.equal(session.log.size, 1);
    assert.equal(backend.calls.length, 1);
  });
});

describe('when an entry changed elsewhere', () => {
  it('refuses to overwrite it, reports a conflict and shows the backend’s version', async () => {
    const { backend, session, notices } = aSession();
    backend.entries.get(1)!.Labels = ['dog'];
    backend.entries.get(1)!.revision = 7;
    assert.equal(await session.setAnnotations(1, { Labels: ['cat'], Boxes: [] }, summary), false);
    assert.deepEqual(backend.entries.get(1)!.Labels, ['dog']);
    assert.equal(notices.at(-1)?.kind, 'conflict');
    assert.equal(session.log.canUndo, false);
    // The next listing brings the editor up to date, and says the open image changed.
    assert.deepEqual(session.observe(backend.views()), [1]);
    assert.deepEqual(session.annotations(1)?.Labels, ['dog']);
  });

  it('ignores a listing older than its own saves', async () => {
    const { backend, session } = aSession();
    const stale = backend.views();
    await session.setAnnotations(1, { Labels: ['cat'], Boxes: [] }, summary);
    assert.deepEqual(session.observe(stale), []);
    assert.deepEqual(session.annotations(1)?.Labels, ['cat']);
  });

  it('refuses an undo over a newer change made elsewhere', async () => {
    const { backend, session, notices } = aSession();
    await session.assignLabels([1], ['cat'], [], summary);
    backend.entries.get(1)!.revision++;
    assert.equal(await session.undo(), false);
    assert.equal(notices.at(-1)?.kind, 'conflict');
    assert.deepEqual(backend.entries.get(1)!.Labels, ['cat']);
  });
});

describe('when labels are managed', () => {
  it('renames a label and keeps later saves of its entries from conflicting', async () => {
    const { backend, session } = aSession();
    await session.setAnnotations(1, { Labels: ['cat'], Boxes: [box('cat')] }, summary);
    assert.equal(await session.renameLabel('cat', 'kitten', { key: 'edits.renameLabel' }), true);
    assert.deepEqual(session.annotations(1), { Labels: ['kitten'], Boxes: [box('kitten')] });
    // The backend bumped the revision; the session knows, so this save is not a conflict.
    assert.equal(await session.setAnnotations(1, { Labels: ['kitten'], Boxes: [] }, summary), true);
    assert.equal(await session.undo(), true);
    assert.equal(await session.undo(), true);
    assert.deepEqual(backend.entries.get(1)!.Boxes, [box('cat')]);
    assert.ok(backend.labels.has('cat') && !backend.labels.has('kitten'));
  });

  it('deletes a label with its annotations and puts everything back on undo', async () => {
    const { backend, session } = aSession();
    await session.setAnnotations(1, { Labels: ['cat', 'dog'], Boxes: [box('cat'), box('dog', 60)] }, summary);
    await session.assignLabels([2], ['cat'], [], summary);
    assert.equal(await session.deleteLabel('cat', { key: 'edits.deleteLabel' }), true);
    assert.deepEqual(backend.entries.get(1)!, { revision: 3, Labels: ['dog'], Boxes: [box('dog', 60)] });
    assert.deepEqual(session.annotations(2)?.Labels, []);
    assert.ok(!backend.labels.has('cat'));
    assert.equal(await session.undo(), true);
    assert.deepEqual(
      backend.calls.slice(-2).map((call) => call.name),
      ['CreateLabels', 'PutEntryAnnotations'],
    );
    assert.ok(backend.labels.has('cat'));
    assert.deepEqual(backend.entries.get(1)!.Labels, ['cat', 'dog']);
    assert.deepEqual(backend.entries.get(1)!.Boxes, [box('cat'), box('dog', 60)]);
    assert.deepEqual(backend.entries.get(2)!.Labels, ['cat']);
    assert.equal(await session.redo(), true);
    assert.ok(!backend.labels.has('cat'));
    assert.deepEqual(backend.entries.get(2)!.Labels, []);
  });

  it('undoes a label added or copied by deleting what was added', async () => {
    const { backend, session } = aSession();
    await session.createLabels(['bird'], { key: 'edits.createLabel' });
    await session.copyLabels('arn:other', { key: 'edits.copyLabels' });
    assert.ok(backend.labels.has('from-other-1'));
    await session.undo();
    assert.ok(!backend.labels.has('from-other-1') && !backend.labels.has('from-other-2'));
    await session.undo();
    assert.ok(!backend.labels.has('bird'));
    assert.ok(backend.labels.has('cat'));
  });

  it('waits for label-list operations before saving the entries behind them', async () => {
    const { backend, session } = aSession();
    let release!: () => void;
    backend.gate = new Promise((resolve) => (release = resolve));
    const renaming = session.renameLabel('cat', 'kitten', { key: 'edits.renameLabel' });
    const assigning = session.assignLabels([1], ['kitten'], [], summary);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(
      backend.calls.map((call) => call.name),
      ['RenameLabel'],
    );
    release();
    backend.gate = null;
    await Promise.all([renaming, assigning]);
    assert.deepEqual(
      backend.calls.map((call) => call.name),
      ['RenameLabel', 'AssignImageLabels'],
    );
  });
});

describe('when boxes drawn on the canvas are undone', () => {
  it('saves each gesture as one edit and undoes them one by one, in pixels', async () => {
    const { backend, session } = aSession(1);
    const canvas = new TestCanvas({ width: 400, height: 300 });
    const save = () => {
      const commit = canvas.lastCommit!;
      return session.setAnnotations(1, { Labels: [], Boxes: commit.boxes.map((b) => box(b.label, b.left, b.top, b.width, b.height)) }, summary);
    };
    canvas.drag([20, 30], [120, 110]);
    await save();
    canvas.drag([60, 60], [80, 70]);
    await save();
    assert.deepEqual(backend.entries.get(1)!.Boxes, [box('cat', 40, 40, 100, 80)]);
    await session.undo();
    assert.deepEqual(backend.entries.get(1)!.Boxes, [box('cat', 20, 30, 100, 80)]);
    await session.undo();
    assert.deepEqual(backend.entries.get(1)!.Boxes, []);
    await session.redo();
    assert.deepEqual(backend.entries.get(1)!.Boxes, [box('cat', 20, 30, 100, 80)]);
    // The tool takes the undone state like any saved change.
    canvas.tool.load('image', { width: 400, height: 300 }, session.annotations(1)!.Boxes.map((b) => ({ label: b.Label, left: b.Left, top: b.Top, width: b.Width, height: b.Height })));
    assert.deepEqual(canvas.boxes, [{ label: 'cat', left: 20, top: 30, width: 100, height: 80 }]);
  });
});
