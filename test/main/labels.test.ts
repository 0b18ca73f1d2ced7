import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../main/jobs';
import { aClock, aLoupe, type TestLoupe } from '../support/loupe';
import { anImage } from '../support/images';

describe('labeling', () => {
  let loupe: TestLoupe;
  let DatasetArn: string;
  let ids: number[];

  before(async () => {
    loupe = aLoupe({ now: aClock() });
    const folder = join(loupe.home, 'parts');
    for (let i = 0; i < 4; i++) await anImage(join(folder, `part-${i}.jpg`), { width: 320, height: 240 });
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'parts' });
    DatasetArn = (await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' })).DatasetArn;
    await waitForJob(loupe.ctx, (await loupe.ok('ImportFolder', { DatasetArn, Folder: folder })).JobId);
    ids = (await loupe.ok('ListEntries', { DatasetArn })).Entries.map((e) => e.EntryId);
  });
  after(() => loupe.dispose());

  const entry = async (id: number) => (await loupe.ok('ListEntries', { DatasetArn })).Entries.find((e) => e.EntryId === id)!;

  it('assigns labels to a selection in bulk and undoes it with what it returns', async () => {
    await loupe.ok('CreateLabels', { DatasetArn, Labels: ['ok', 'scratch', 'dent'] });
    const change = await loupe.ok('AssignImageLabels', { DatasetArn, EntryIds: ids.slice(0, 3), Add: ['ok', 'scratch'] });
    assert.equal(change.Entries.length, 3);
    assert.deepEqual((await entry(ids[0]!)).Labels, ['ok', 'scratch']);
    const removed = await loupe.ok('AssignImageLabels', { DatasetArn, EntryIds: ids.slice(0, 3), Remove: ['scratch'] });
    assert.deepEqual((await entry(ids[1]!)).Labels, ['ok']);
    await loupe.ok('PutEntryAnnotations', { DatasetArn, Entries: removed.Before });
    assert.deepEqual((await entry(ids[1]!)).Labels, ['ok', 'scratch']);
  });

  it('stores boxes in image pixels and refuses one below the minimum size or off the image', async () => {
    const target = await entry(ids[3]!);
    await loupe.ok('PutEntryAnnotations', {
      DatasetArn,
      Entries: [{ EntryId: target.EntryId, ExpectedRevision: target.Revision, Labels: [], Boxes: [{ Label: 'dent', Left: 10.5, Top: 20, Width: 100, Height: 50 }] }],
    });
    assert.deepEqual((await entry(ids[3]!)).Boxes, [{ Label: 'dent', Left: 10.5, Top: 20, Width: 100, Height: 50 }]);
    const tiny = await loupe.fails('PutEntryAnnotations', {
      DatasetArn,
      Entries: [{ EntryId: target.EntryId, Labels: [], Boxes: [{ Label: 'dent', Left: 1, Top: 1, Width: 1, Height: 30 }] }],
    });
    assert.equal(tiny.code, 'InvalidParameterException');
    assert.match(tiny.message, /ERROR_BOUNDING_BOX_TOO_SMALL/);
    const off = await loupe.fails('PutEntryAnnotations', {
      DatasetArn,
      Entries: [{ EntryId: target.EntryId, Labels: [], Boxes: [{ Label: 'dent', Left: 300, Top: 1, Width: 50, Height: 30 }] }],
    });
    assert.match(off.message, /ERROR_INVALID_BOUNDING_BOX/);
  });

  it('never overwrites an entry that changed since the editor loaded it', async () => {
    const stale = await entry(ids[3]!);
    await loupe.ok('AssignImageLabels', { DatasetArn, EntryIds: [stale.EntryId], Add: ['ok'] });
    const conflict = await loupe.fails('PutEntryAnnotations', {
      DatasetArn,
      Entries: [{ EntryId: stale.EntryId, ExpectedRevision: stale.Revision, Labels: [], Boxes: [] }],
    });
    assert.equal(conflict.code, 'ConflictException');
    assert.deepEqual((await entry(ids[3]!)).Labels, ['ok']);
  });

  it('renames a label everywhere and refuses a name that exists', async () => {
    await loupe.ok('RenameLabel', { DatasetArn, LabelName: 'dent', NewLabelName: 'dent-deep' });
    assert.equal((await entry(ids[3]!)).Boxes[0]?.Label, 'dent-deep');
    assert.equal((await loupe.fails('RenameLabel', { DatasetArn, LabelName: 'ok', NewLabelName: 'scratch' })).code, 'ResourceAlreadyExistsException');
  });

  it('deletes a label with its annotations after telling how many, and can put them back', async () => {
    assert.deepEqual(await loupe.ok('DescribeLabelUsage', { DatasetArn, LabelName: 'scratch' }), { ImageCount: 3, BoxCount: 0 });
    const deleted = await loupe.ok('DeleteLabel', { DatasetArn, LabelName: 'scratch' });
    assert.equal(deleted.ImageCount, 3);
    assert.deepEqual((await entry(ids[0]!)).Labels, ['ok']);
    const labels = (await loupe.ok('ListDatasetLabels', { DatasetArn })).DatasetLabelDescriptions.map((l) => l.LabelName);
    assert.ok(!labels.includes('scratch'));
    await loupe.ok('CreateLabels', { DatasetArn, Labels: ['scratch'] });
    await loupe.ok('PutEntryAnnotations', { DatasetArn, Entries: deleted.Before });
    assert.deepEqual((await entry(ids[0]!)).Labels, ['ok', 'scratch']);
  });

  it('keeps Ground Truth metadata of annotations an edit does not touch', async () => {
    const line = (await loupe.ok('ListDatasetEntries', { DatasetArn, SourceRefContains: 'part-3' })).DatasetEntries[0]!;
    const parsed = JSON.parse(line);
    assert.equal(parsed['bounding-box-metadata']['human-annotated'], 'yes');
    assert.equal(typeof parsed['bounding-box-metadata']['creation-date'], 'string');
    assert.equal(parsed['ok-metadata']['class-name'], 'ok');
  });

  it('copies the label list from the other dataset', async () => {
    const [project] = (await loupe.ok('DescribeProjects', { ProjectNames: ['parts'] })).ProjectDescriptions;
    const { DatasetArn: test } = await loupe.ok('CreateDataset', { ProjectArn: project!.ProjectArn, DatasetType: 'TEST' });
    const { Added } = await loupe.ok('CopyLabels', { DatasetArn: test, SourceDatasetArn: DatasetArn });
    assert.deepEqual(Added.sort(), ['dent-deep', 'ok', 'scratch']);
  });
});
