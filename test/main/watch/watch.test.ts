import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as q from '../../../main/db/queries';
import { stopWatchers } from '../../../main/api';
import { WATCH_TIMING, watchersStarted } from '../../../main/watch';
import { anImage } from '../../support/images';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

/** Retry `fn` until it stops throwing (its assertions hold) or `timeoutMs` passes. */
async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Long enough for any event about a file to have been written, had it been imported. */
const QUIET_MS = WATCH_TIMING.stableMs + WATCH_TIMING.pollMs * 2 + 400;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let jpeg: Buffer;
let otherJpeg: Buffer;
/** A distinct small JPEG: the same picture with a few bytes after its end marker. */
const variant = (n: number, base = jpeg) => {
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(n);
  return Buffer.concat([base, tail]);
};

function write(path: string, bytes: Buffer): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

describe('a watched folder', () => {
  let loupe: TestLoupe;
  let serial = 0;

  before(async () => {
    const scratch = tempDir('loupe-watch-images-');
    jpeg = readFileSync(await anImage(join(scratch, 'base.jpg'), {}));
    otherJpeg = readFileSync(await anImage(join(scratch, 'other.jpg'), { color: '#cc3322' }));
    loupe = aLoupe();
  });
  after(async () => {
    await stopWatchers(loupe.ctx);
    loupe.dispose();
  });

  async function aWatchedDataset(options: { autoLabel?: boolean; before?: (root: string) => Promise<void> | void } = {}) {
    const root = tempDir('loupe-watched-');
    await options.before?.(root);
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: `watch-${++serial}` });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    const { WatchedFolder } = await loupe.ok('WatchFolder', {
      DatasetArn,
      Folder: root,
      ...(options.autoLabel === undefined ? {} : { AutoLabel: options.autoLabel }),
    });
    const datasetId = q.findDatasetByArn(loupe.ctx.db, DatasetArn)!.id;
    // From here on, files reach the dataset through the watcher's events.
    await watchersStarted(loupe.ctx);
    return { root, ProjectArn, DatasetArn, datasetId, WatchedFolder };
  }

  /** The dataset's entries under `root`, by path relative to it. */
  function entriesIn(datasetId: number, root: string) {
    return new Map(
      q.listFolderEntries(loupe.ctx.db, datasetId, root).map((row) => {
        const stored = q.findEntry(loupe.ctx.db, datasetId, row.sourceRef)!;
        return [row.path.slice(root.length + 1), stored] as const;
      }),
    );
  }
  /** The entry for `relative` under `root`; throws until there is one (for eventually). */
  function entryAt(datasetId: number, root: string, relative: string): q.StoredEntry {
    const entry = entriesIn(datasetId, root).get(relative);
    assert.ok(entry, `${relative} has an entry`);
    return entry;
  }
  const labelsOf = (entry: q.StoredEntry) => entry.draft.labels.map((label) => label.name).sort();

  describe('when it is first watched', () => {
    it('imports the images already there, labelled by their folder, and reports them', async () => {
      const { datasetId, root, DatasetArn, ProjectArn, WatchedFolder } = await aWatchedDataset({
        before: (root) => {
          write(join(root, 'ok', 'a.jpg'), variant(1));
          write(join(root, 'scratch', 'deep', 'b.jpg'), variant(2));
          write(join(root, 'c.jpg'), variant(3));
        },
      });
      assert.equal(WatchedFolder.Status, 'WATCHING');
      assert.equal(WatchedFolder.AutoLabel, true);
      const entries = await eventually(() => {
        const found = entriesIn(datasetId, root);
        assert.equal(found.size, 3);
        return found;
      });
      assert.deepEqual(labelsOf(entries.get(join('ok', 'a.jpg'))!), ['ok']);
      assert.deepEqual(labelsOf(entries.get(join('scratch', 'deep', 'b.jpg'))!), ['scratch']);
      assert.deepEqual(labelsOf(entries.get('c.jpg')!), []);
      const { WatchedFolders } = await loupe.ok('ListWatchedFolders', { ProjectArn });
      assert.equal(WatchedFolders.length, 1);
      assert.deepEqual({ ...WatchedFolders[0], CreationTimestamp: 0 }, {
        DatasetArn,
        Folder: root,
        AutoLabel: true,
        CreationTimestamp: 0,
        Status: 'WATCHING',
        EntryCount: 3,
      });
    });
  });

  describe('when an image lands in a label folder', () => {
    it('becomes an entry with that label, queryable through ListDatasetEntries', async () => {
      const { datasetId, root, DatasetArn } = await aWatchedDataset();
      const before = (await loupe.ok('DescribeDataset', { DatasetArn })).DatasetDescription.LastUpdatedTimestamp;
      const changes: string[][] = [];
      const off = loupe.ctx.events.on('ResourcesChanged', (event) => changes.push(event.ResourceArns));
      const path = write(join(root, 'dent', 'new-1.jpg'), variant(10));
      const line = await eventually(async () => {
        const { DatasetEntries } = await loupe.ok('ListDatasetEntries', { DatasetArn, SourceRefContains: 'new-1.jpg' });
        assert.equal(DatasetEntries.length, 1);
        return JSON.parse(DatasetEntries[0]!);
      });
      off();
      assert.equal(line['source-ref'], path);
      const entry = entriesIn(datasetId, root).get(join('dent', 'new-1.jpg'))!;
      assert.deepEqual(labelsOf(entry), ['dent']);
      assert.equal(entry.contentHash, sha256(variant(10)));
      assert.ok(changes.some((arns) => arns.includes(DatasetArn)), 'ResourcesChanged names the dataset');
      const after = (await loupe.ok('DescribeDataset', { DatasetArn })).DatasetDescription.LastUpdatedTimestamp;
      assert.ok(after > before, `LastUpdatedTimestamp moves on (${before} → ${after})`);
    });

    it('keeps it unlabelled when AutoLabel is off', async () => {
      const { datasetId, root } = await aWatchedDataset({ autoLabel: false });
      write(join(root, 'dent', 'plain.jpg'), variant(11));
      const entry = await eventually(() => entryAt(datasetId, root, join('dent', 'plain.jpg')));
      assert.deepEqual(labelsOf(entry), []);
    });

    it('records an unreadable image with ERROR_INVALID_IMAGE', async () => {
      const { datasetId, root } = await aWatchedDataset();
      write(join(root, 'ok', 'broken.jpg'), Buffer.from('this is not a JPEG at all'));
      const entry = await eventually(() => entryAt(datasetId, root, join('ok', 'broken.jpg')));
      assert.deepEqual(
        entry.draft.errors.map((error) => error.code),
        ['ERROR_INVALID_IMAGE'],
      );
    });
  });

  describe('when an image moves to another label folder', () => {
    it('relabels the same entry and keeps its boxes and other labels', async () => {
      const { datasetId, root } = await aWatchedDataset();
      write(join(root, 'ok', 'part.jpg'), variant(20));
      const before = await eventually(() => entryAt(datasetId, root, join('ok', 'part.jpg')));
      // Annotate it as a user would: a box and a label of their own.
      const annotated = {
        ...before.draft,
        labels: [...before.draft.labels, { name: 'reviewed', attribute: 'reviewed', confidence: 1 }],
        boxes: [{ name: 'dent', attribute: 'bounding-box', left: 4, top: 5, width: 20, height: 10, confidence: 1 }],
      };
      q.putEntry(loupe.ctx.db, datasetId, annotated, before, Date.now());

      mkdirSync(join(root, 'dent'));
      renameSync(join(root, 'ok', 'part.jpg'), join(root, 'dent', 'part.jpg'));

      const moved = await eventually(() => {
        assert.equal(entriesIn(datasetId, root).size, 1);
        return entryAt(datasetId, root, join('dent', 'part.jpg'));
      });
      assert.equal(moved.id, before.id, 'the same entry');
      assert.equal(moved.sourceRef, join(root, 'dent', 'part.jpg'));
      assert.deepEqual(labelsOf(moved), ['dent', 'reviewed']);
      assert.deepEqual(
        moved.draft.boxes.map(({ name, left, top, width, height }) => ({ name, left, top, width, height })),
        [{ name: 'dent', left: 4, top: 5, width: 20, height: 10 }],
      );
      // The old path's removal, once due, finds nothing left to remove.
      await sleep(WATCH_TIMING.moveWindowMs + 200);
      assert.equal(entriesIn(datasetId, root).size, 1);
    });
  });

  describe('when an image is deleted', () => {
    it('removes its entry', async () => {
      const { datasetId, root } = await aWatchedDataset();
      const path = write(join(root, 'ok', 'gone.jpg'), variant(30));
      write(join(root, 'ok', 'stays.jpg'), variant(31));
      await eventually(() => assert.equal(entriesIn(datasetId, root).size, 2));
      rmSync(path);
      await eventually(() => assert.deepEqual([...entriesIn(datasetId, root).keys()], [join('ok', 'stays.jpg')]));
    });
  });

  describe('when an image is deleted moments after it lands', () => {
    it('leaves no entry behind', async () => {
      const { datasetId, root } = await aWatchedDataset();
      const path = write(join(root, 'ok', 'fleeting.jpg'), variant(35));
      await sleep(50);
      rmSync(path);
      write(join(root, 'ok', 'after.jpg'), variant(36));
      await eventually(() => entryAt(datasetId, root, join('ok', 'after.jpg')));
      await sleep(WATCH_TIMING.moveWindowMs + 200);
      assert.deepEqual([...entriesIn(datasetId, root).keys()], [join('ok', 'after.jpg')]);
    });
  });

  describe('when the folder itself disappears', () => {
    it('keeps its entries, reports ERROR, and catches up when the folder is back', async () => {
      const { datasetId, root, ProjectArn } = await aWatchedDataset();
      write(join(root, 'ok', 'before.jpg'), variant(37));
      await eventually(() => entryAt(datasetId, root, join('ok', 'before.jpg')));
      rmSync(root, { recursive: true });
      const listed = await eventually(async () => {
        const [folder] = (await loupe.ok('ListWatchedFolders', { ProjectArn })).WatchedFolders;
        assert.equal(folder?.Status, 'ERROR');
        return folder;
      });
      assert.match(listed.Message ?? '', /missing/);
      await sleep(WATCH_TIMING.moveWindowMs + 200);
      assert.equal(entriesIn(datasetId, root).size, 1, 'nothing removed while the folder is away');

      write(join(root, 'ok', 'back.jpg'), variant(38));
      await eventually(() => assert.deepEqual([...entriesIn(datasetId, root).keys()], [join('ok', 'back.jpg')]), 10_000);
      const [folder] = (await loupe.ok('ListWatchedFolders', { ProjectArn })).WatchedFolders;
      assert.equal(folder?.Status, 'WATCHING');
    });
  });

  describe('when an image is changed in place', () => {
    it('updates the entry and keeps its labels, even when the size stays the same', async () => {
      const { datasetId, root } = await aWatchedDataset();
      const path = write(join(root, 'ok', 'edited.jpg'), variant(40));
      const first = await eventually(() => entryAt(datasetId, root, join('ok', 'edited.jpg')));
      // At once, so the file's (coarse) mtime may not be later than the entry's last write.
      writeFileSync(path, variant(41));
      const second = await eventually(() => {
        const entry = entryAt(datasetId, root, join('ok', 'edited.jpg'));
        assert.equal(entry.contentHash, sha256(variant(41)));
        return entry;
      });
      assert.equal(second.id, first.id);
      assert.deepEqual(labelsOf(second), ['ok']);
    });
  });

  describe('when a burst of 1,000 images lands', () => {
    it('loses none of them', async () => {
      const { datasetId, root, DatasetArn } = await aWatchedDataset();
      const batches: number[] = [];
      const off = loupe.ctx.events.on('ResourcesChanged', (event) => {
        if (event.ResourceArns.includes(DatasetArn)) batches.push(Date.now());
      });
      for (const label of ['a', 'b', 'c', 'd']) mkdirSync(join(root, label));
      for (let i = 0; i < 1000; i++) writeFileSync(join(root, 'abcd'[i % 4]!, `burst-${i}.jpg`), variant(1000 + i));
      await eventually(() => assert.equal(q.countEntriesInFolder(loupe.ctx.db, datasetId, root), 1000), 20_000);
      off();
      const stats = q.datasetStats(loupe.ctx.db, datasetId);
      assert.equal(stats.ErrorEntries, 0);
      assert.equal(stats.LabeledEntries, 1000);
      assert.equal(stats.TotalLabels, 4);
      assert.ok(batches.length < 1000 / 2, `written in batches (${batches.length} events)`);
    });
  });

  describe('when an image is still being written', () => {
    it('imports it once, whole, and never as an invalid image', async () => {
      const { datasetId, root, DatasetArn } = await aWatchedDataset();
      const bytes = variant(50, otherJpeg);
      let sawError = false;
      const off = loupe.ctx.events.on('ResourcesChanged', (event) => {
        if (!event.ResourceArns.includes(DatasetArn)) return;
        if (q.datasetStats(loupe.ctx.db, datasetId).ErrorEntries > 0) sawError = true;
      });
      const path = join(root, 'ok', 'slow.jpg');
      mkdirSync(join(root, 'ok'));
      writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
      await sleep(100);
      appendFileSync(path, bytes.subarray(bytes.length >> 1));
      const entry = await eventually(() => entryAt(datasetId, root, join('ok', 'slow.jpg')));
      await sleep(QUIET_MS);
      off();
      const entries = entriesIn(datasetId, root);
      assert.equal(entries.size, 1);
      assert.equal(entries.get(join('ok', 'slow.jpg'))!.contentHash, sha256(bytes));
      assert.equal(entry.contentHash, sha256(bytes));
      assert.equal(entry.revision, 1, 'written once');
      assert.equal(sawError, false);
    });
  });

  describe('when hidden, temporary and partial files appear', () => {
    it('ignores them', async () => {
      const { datasetId, root } = await aWatchedDataset();
      write(join(root, 'ok', '.DS_Store'), Buffer.from('x'));
      write(join(root, 'ok', '~$lock.jpg'), jpeg);
      write(join(root, 'ok', 'upload.jpg.part'), jpeg);
      write(join(root, 'ok', '.hidden.jpg'), variant(60));
      write(join(root, '.thumbnails', 'thumb.jpg'), variant(61));
      write(join(root, 'ok', 'notes.txt'), Buffer.from('notes'));
      write(join(root, 'ok', 'real.jpg'), variant(62));
      await eventually(() => entryAt(datasetId, root, join('ok', 'real.jpg')));
      await sleep(QUIET_MS);
      assert.deepEqual([...entriesIn(datasetId, root).keys()], [join('ok', 'real.jpg')]);
    });
  });

  describe('while an import holds the dataset', () => {
    it('waits, then writes, and leaves the dataset status alone', async () => {
      const { datasetId, root, DatasetArn } = await aWatchedDataset();
      q.setDatasetStatus(loupe.ctx.db, datasetId, 'UPDATE_IN_PROGRESS', '', 'SUCCESS', Date.now());
      write(join(root, 'ok', 'queued.jpg'), variant(70));
      await sleep(QUIET_MS);
      assert.equal(entriesIn(datasetId, root).size, 0, 'nothing written during the import');
      q.setDatasetStatus(loupe.ctx.db, datasetId, 'UPDATE_COMPLETE', 'done', 'SUCCESS', Date.now());
      await eventually(() => assert.equal(entriesIn(datasetId, root).size, 1));
      const after = q.findDatasetByArn(loupe.ctx.db, DatasetArn)!;
      assert.equal(after.status, 'UPDATE_COMPLETE');
      assert.equal(after.statusMessage, 'done');
    });
  });

  describe('when it is unwatched', () => {
    it('stops updating the dataset and keeps the entries it made', async () => {
      const { datasetId, root, DatasetArn, ProjectArn } = await aWatchedDataset();
      write(join(root, 'ok', 'kept.jpg'), variant(80));
      await eventually(() => assert.equal(entriesIn(datasetId, root).size, 1));
      await loupe.ok('UnwatchFolder', { DatasetArn, Folder: root });
      write(join(root, 'ok', 'unseen.jpg'), variant(81));
      await sleep(QUIET_MS);
      assert.deepEqual([...entriesIn(datasetId, root).keys()], [join('ok', 'kept.jpg')]);
      assert.deepEqual((await loupe.ok('ListWatchedFolders', { ProjectArn })).WatchedFolders, []);
    });
  });

  describe('when its dataset is deleted', () => {
    it('stops watching with it', async () => {
      const { root, DatasetArn, ProjectArn } = await aWatchedDataset();
      await loupe.ok('DeleteDataset', { DatasetArn });
      write(join(root, 'ok', 'after.jpg'), variant(90));
      await sleep(QUIET_MS);
      assert.deepEqual((await loupe.ok('ListWatchedFolders', { ProjectArn })).WatchedFolders, []);
      // A folder no longer watched by anyone can be watched again by another dataset.
      const { DatasetArn: other } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TEST' });
      await loupe.ok('WatchFolder', { DatasetArn: other, Folder: root });
      const otherId = q.findDatasetByArn(loupe.ctx.db, other)!.id;
      await eventually(() => assert.equal(entriesIn(otherId, root).size, 1));
    });
  });

  describe('when asked to watch a folder it cannot', () => {
    it('answers with the service error types', async () => {
      const { root, DatasetArn } = await aWatchedDataset();
      const fails = async (name: 'WatchFolder' | 'UnwatchFolder', input: Record<string, unknown>) =>
        (await loupe.fails(name, { DatasetArn, ...input })).code;
      assert.equal(await fails('WatchFolder', { Folder: 'relative/folder' }), 'InvalidParameterException');
      assert.equal(await fails('WatchFolder', { Folder: join(root, 'missing') }), 'InvalidParameterException');
      write(join(root, 'file.jpg'), jpeg);
      assert.equal(await fails('WatchFolder', { Folder: join(root, 'file.jpg') }), 'InvalidParameterException');
      assert.equal(await fails('WatchFolder', { Folder: root }), 'ResourceAlreadyExistsException');
      assert.equal(await fails('WatchFolder', { Folder: `${root}/` }), 'ResourceAlreadyExistsException');
      mkdirSync(join(root, 'inner'));
      assert.equal(await fails('WatchFolder', { Folder: join(root, 'inner') }), 'InvalidParameterException');
      assert.equal(await fails('UnwatchFolder', { Folder: tempDir() }), 'ResourceNotFoundException');
      const missingDataset = DatasetArn.replace(/\/\d+$/, '/1');
      assert.equal(
        (await loupe.fails('WatchFolder', { DatasetArn: missingDataset, Folder: root })).code,
        'ResourceNotFoundException',
      );
      assert.equal(
        (await loupe.fails('ListWatchedFolders', { ProjectArn: 'arn:aws:rekognition:us-east-1:123456789012:project/nope/1' })).code,
        'ResourceNotFoundException',
      );
    });
  });
});

describe('changes made while Loupe was closed', () => {
  it('are found when Loupe opens with watch: true', async () => {
    const scratch = tempDir('loupe-watch-images-');
    const base = readFileSync(await anImage(join(scratch, 'base.jpg'), { color: '#22aa44' }));
    const other = readFileSync(await anImage(join(scratch, 'other.jpg'), { color: '#aa2244' }));
    const home = tempDir();
    const root = tempDir('loupe-watched-');
    write(join(root, 'ok', 'stays.jpg'), variant(1, base));
    write(join(root, 'ok', 'removed.jpg'), variant(2, base));
    write(join(root, 'ok', 'changed.jpg'), variant(3, base));
    write(join(root, 'ok', 'moved.jpg'), variant(4, base));

    let loupe = aLoupe({ home, watch: true });
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'restart' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    await loupe.ok('WatchFolder', { DatasetArn, Folder: root });
    const datasetId = q.findDatasetByArn(loupe.ctx.db, DatasetArn)!.id;
    await eventually(() => assert.equal(q.countEntriesInFolder(loupe.ctx.db, datasetId, root), 4));
    const moving = q.findEntry(loupe.ctx.db, datasetId, join(root, 'ok', 'moved.jpg'))!;
    const box = { name: 'dent', attribute: 'bounding-box', left: 1, top: 2, width: 30, height: 20 };
    q.putEntry(loupe.ctx.db, datasetId, { ...moving.draft, boxes: [box] }, moving, Date.now());
    await stopWatchers(loupe.ctx);
    loupe.close();

    rmSync(join(root, 'ok', 'removed.jpg'));
    writeFileSync(join(root, 'ok', 'changed.jpg'), variant(5, other));
    write(join(root, 'scratch', 'added.jpg'), variant(6, base));
    mkdirSync(join(root, 'dent'));
    renameSync(join(root, 'ok', 'moved.jpg'), join(root, 'dent', 'moved.jpg'));

    loupe = aLoupe({ home, watch: true });
    try {
      const paths = () => q.listFolderEntries(loupe.ctx.db, datasetId, root).map((e) => e.path.slice(root.length + 1));
      await eventually(() =>
        assert.deepEqual(paths(), [join('dent', 'moved.jpg'), join('ok', 'changed.jpg'), join('ok', 'stays.jpg'), join('scratch', 'added.jpg')]),
      );
      const entry = (name: string) => q.findEntry(loupe.ctx.db, datasetId, join(root, name))!;
      assert.equal(entry(join('ok', 'changed.jpg')).contentHash, sha256(variant(5, other)));
      assert.deepEqual(entry(join('scratch', 'added.jpg')).draft.labels.map((l) => l.name), ['scratch']);
      const moved = entry(join('dent', 'moved.jpg'));
      assert.equal(moved.id, moving.id);
      assert.deepEqual(moved.draft.labels.map((l) => l.name), ['dent']);
      assert.deepEqual(moved.draft.boxes.map((b) => b.name), ['dent']);
      const { WatchedFolders } = await loupe.ok('ListWatchedFolders', {});
      assert.equal(WatchedFolders[0]?.Status, 'WATCHING');
      assert.equal(WatchedFolders[0]?.EntryCount, 4);
    } finally {
      await stopWatchers(loupe.ctx);
      loupe.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
