import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { aClock, aLoupe, type TestLoupe } from '../../support/loupe';
import { anImage } from '../../support/images';

describe('when images are removed from a dataset (issue 15)', () => {
  let loupe: TestLoupe;
  let DatasetArn: string;

  before(async () => {
    loupe = aLoupe({ now: aClock() });
    const folder = join(loupe.home, 'parts');
    for (const [i, label] of ['ok', 'ok', 'dent', 'dent'].entries()) await anImage(join(folder, label, `part-${i}.jpg`), { width: 320, height: 240 });
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'parts' });
    DatasetArn = (await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' })).DatasetArn;
    await waitForJob(loupe.ctx, (await loupe.ok('ImportFolder', { DatasetArn, Folder: folder, AutoLabel: true })).JobId);
  });
  after(() => loupe.dispose());

  const entries = async () => (await loupe.ok('ListEntries', { DatasetArn })).Entries;

  it('takes them out with their labels and boxes, and the undo token puts them back as they were', async () => {
    const all = await entries();
    const dent = all.filter((entry) => entry.Labels.includes('dent'));
    await loupe.ok('PutEntryAnnotations', {
      DatasetArn,
      Entries: [{ EntryId: dent[0]!.EntryId, Labels: ['dent'], Boxes: [{ Label: 'dent', Left: 10, Top: 20, Width: 100, Height: 50 }] }],
    });
    const before = (await entries()).filter((entry) => entry.Labels.includes('dent'));

    const removed = await loupe.ok('RemoveEntries', { DatasetArn, EntryIds: dent.map((entry) => entry.EntryId) });
    assert.equal(removed.RemovedCount, 2);
    assert.deepEqual((await entries()).map((entry) => entry.FileName).sort(), ['part-0.jpg', 'part-1.jpg']);
    const stats = (await loupe.ok('DescribeDataset', { DatasetArn })).DatasetDescription.DatasetStats;
    assert.equal(stats.TotalEntries, 2);

    const restored = await loupe.ok('RestoreEntries', { DatasetArn, UndoToken: removed.UndoToken });
    assert.equal(restored.RestoredCount, 2);
    const back = (await entries()).filter((entry) => entry.Labels.includes('dent'));
    const shape = (list: typeof back) =>
      list.map(({ SourceRef, Labels, Boxes, Width, Height, ContentHash, Errors }) => ({ SourceRef, Labels, Boxes, Width, Height, ContentHash, Errors })).sort((a, b) => a.SourceRef.localeCompare(b.SourceRef));
    assert.deepEqual(shape(back), shape(before));

    // A token undoes once.
    const again = await loupe.fails('RestoreEntries', { DatasetArn, UndoToken: removed.UndoToken });
    assert.equal(again.code, 'InvalidParameterException');
  });

  it('refuses an entry of another dataset and removes nothing then', async () => {
    const all = await entries();
    const refused = await loupe.fails('RemoveEntries', { DatasetArn, EntryIds: [all[0]!.EntryId, 999_999] });
    assert.equal(refused.code, 'InvalidParameterException');
    assert.match(refused.message, /999999/);
    assert.equal((await entries()).length, all.length);
  });

  it('refuses a request without entries at the schema', async () => {
    const refused = await loupe.fails('RemoveEntries', { DatasetArn, EntryIds: [] });
    assert.equal(refused.code, 'ValidationException');
  });
});
