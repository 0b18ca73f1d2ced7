import assert from 'node:assert/strict';
import { writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { aClock, aLoupe, tempDir, type TestLoupe } from '../../support/loupe';
import { anImage } from '../../support/images';
import { sqlite } from '../../../main/db/handle';

describe('importing a folder with labels from directory names', () => {
  let loupe: TestLoupe;
  let root: string;
  let projectArn: string;

  before(async () => {
    loupe = aLoupe({ now: aClock() });
    root = join(tempDir(), 'alexa-devices');
    await anImage(join(root, 'echo', 'echo-1.jpg'));
    await anImage(join(root, 'echo', 'echo-2.png'));
    await anImage(join(root, 'echo-dot', 'echo-dot-image-1.png'));
    await anImage(join(root, 'echo-dot', 'white-echo-dot', 'white-1.jpg'));
    await anImage(join(root, 'echo-dot', 'white-echo-dot', 'deeper', 'white-2.jpg'));
    await anImage(join(root, 'at-the-root.jpg'));
    await anImage(join(root, 'echo', 'imageNotFound.gif'), { format: 'gif' });
    writeFileSync(join(root, 'echo', '.DS_Store'), 'x');
    writeFileSync(join(root, 'echo', '~$lock.jpg'), 'x');
    writeFileSync(join(root, 'echo', 'upload.jpg.part'), 'x');
    writeFileSync(join(root, 'echo', 'notes.txt'), 'x');
    writeFileSync(join(root, 'echo-dot', 'spec.pdf'), 'x');
    writeFileSync(join(root, 'readme.txt'), 'x');
    const outside = await anImage(join(tempDir(), 'outside.jpg'));
    symlinkSync(outside, join(root, 'echo', 'link-outside.jpg'));
    projectArn = (await loupe.ok('CreateProject', { ProjectName: 'alexa' })).ProjectArn;
  });
  after(() => loupe.dispose());

  async function importInto(folder: string, autoLabel?: boolean) {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: `p${Math.random().toString(36).slice(2, 8)}` });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    const { JobId } = await loupe.ok('ImportFolder', { DatasetArn, Folder: folder, ...(autoLabel === undefined ? {} : { AutoLabel: autoLabel }) });
    const job = await waitForJob(loupe.ctx, JobId);
    const entries = (await loupe.ok('ListDatasetEntries', { DatasetArn })).DatasetEntries.map((l) => JSON.parse(l));
    const labelOf = (name: string) => {
      const line = entries.find((e) => e['source-ref'].endsWith(name));
      assert.ok(line, `${name} was imported`);
      const attribute = Object.keys(line).find((k) => k.endsWith('-metadata'));
      return attribute ? line[attribute]['class-name'] : undefined;
    };
    return { DatasetArn, job, entries, labelOf };
  }

  it('labels each image by the immediate child folder, at any depth, and leaves root images unlabeled', async () => {
    const { job, entries, labelOf, DatasetArn } = await importInto(root);
    assert.equal(job.Status, 'succeeded', job.Message);
    assert.equal(labelOf('echo-1.jpg'), 'echo');
    assert.equal(labelOf('echo-dot-image-1.png'), 'echo-dot');
    assert.equal(labelOf('white-1.jpg'), 'echo-dot');
    assert.equal(labelOf('white-2.jpg'), 'echo-dot');
    assert.equal(labelOf('at-the-root.jpg'), undefined);
    const names = entries.map((e) => e['source-ref'].split('/').pop()).sort();
    assert.deepEqual(names, ['at-the-root.jpg', 'echo-1.jpg', 'echo-2.png', 'echo-dot-image-1.png', 'imageNotFound.gif', 'white-1.jpg', 'white-2.jpg']);
    const gif = entries.find((e) => e['source-ref'].endsWith('.gif'));
    assert.equal(gif.errors[0].code, 'ERROR_INVALID_IMAGE');
    const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
    assert.equal(DatasetDescription.Status, 'UPDATE_COMPLETE');
    assert.deepEqual(DatasetDescription.DatasetStats, { LabeledEntries: 6, TotalEntries: 7, TotalLabels: 2, ErrorEntries: 1 });
  });

  it('counts the files it skipped because they are not images, by kind, and not the hidden ones (issue 15)', async () => {
    const { job } = await importInto(root);
    assert.equal(job.MessageCode, 'ImportSummary');
    assert.deepEqual(
      { written: job.MessageParams?.written, skipped: job.MessageParams?.skipped, kinds: job.MessageParams?.skippedKinds },
      { written: 7, skipped: 3, kinds: '.txt ×2, .pdf' },
    );
    assert.match(job.Message ?? '', /7 images added or updated, .*3 files skipped: not images \(\.txt ×2, \.pdf\)\.$/);
  });

  it('adds the files a browser left out before the upload to the skipped ones', async () => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'uploaded' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    const { JobId } = await loupe.ok('ImportFolder', { DatasetArn, Folder: join(root, 'echo-dot'), SkippedFiles: { '.pdf': 2, '.mov': 1 } });
    const job = await waitForJob(loupe.ctx, JobId);
    assert.equal(job.MessageParams?.skipped, 4);
    assert.equal(job.MessageParams?.skippedKinds, '.pdf ×3, .mov');
  });

  it('uses the chosen location as the root: deeper folders name the labels, nothing outside is imported', async () => {
    const { entries, labelOf } = await importInto(join(root, 'echo-dot'));
    assert.equal(labelOf('white-1.jpg'), 'white-echo-dot');
    assert.equal(labelOf('echo-dot-image-1.png'), undefined);
    assert.equal(entries.length, 3);
  });

  it('imports without labels when AutoLabel is off', async () => {
    const { entries } = await importInto(root, false);
    assert.ok(entries.every((e) => Object.keys(e).every((k) => !k.endsWith('-metadata'))));
  });

  it('refuses a relative folder and fails the job for a missing one', async () => {
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn: projectArn, DatasetType: 'TRAIN' });
    assert.equal((await loupe.fails('ImportFolder', { DatasetArn, Folder: 'relative/path' })).code, 'InvalidParameterException');
    const { JobId } = await loupe.ok('ImportFolder', { DatasetArn, Folder: join(root, 'missing') });
    const job = await waitForJob(loupe.ctx, JobId);
    assert.equal(job.Status, 'failed');
    const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
    assert.equal(DatasetDescription.Status, 'UPDATE_FAILED');
    assert.match(DatasetDescription.StatusMessage, /There is no folder at .*missing\./);
    assert.equal(job.MessageCode, 'NoFolderAt');
  });

  it('imports picked files unlabeled and reports the ones that are not images', async () => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'files' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    const { JobId } = await loupe.ok('ImportFiles', {
      DatasetArn,
      Files: [join(root, 'echo', 'echo-1.jpg'), join(root, 'at-the-root.jpg'), join(root, 'echo', '.DS_Store'), join(root, 'readme.txt')],
    });
    const job = await waitForJob(loupe.ctx, JobId);
    assert.equal(job.Status, 'succeeded');
    assert.equal(job.Message, '2 images added or updated, 1 file skipped: not an image (.txt).');
    const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
    assert.deepEqual(DatasetDescription.DatasetStats, { LabeledEntries: 0, TotalEntries: 2, TotalLabels: 0, ErrorEntries: 0 });
  });

  it('lets a cancelled import change nothing', async () => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'cancelled' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    const { JobId } = await loupe.ok('ImportFolder', { DatasetArn, Folder: root });
    await loupe.ok('CancelJob', { JobId });
    const job = await waitForJob(loupe.ctx, JobId);
    assert.equal(job.Status, 'cancelled');
    const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
    assert.equal(DatasetDescription.Status, 'UPDATE_COMPLETE');
    assert.equal(DatasetDescription.DatasetStats.TotalEntries, 0);
  });
});

describe('when Loupe stopped in the middle of an import', () => {
  it('fails the dataset and the job at the next start-up', async () => {
    const home = tempDir();
    const first = aLoupe({ home });
    const { ProjectArn } = await first.ok('CreateProject', { ProjectName: 'crashy' });
    const { DatasetArn } = await first.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    sqlite(first.ctx.db).prepare(`UPDATE datasets SET status = 'UPDATE_IN_PROGRESS' WHERE arn = ?`).run(DatasetArn);
    sqlite(first.ctx.db).prepare(`INSERT INTO jobs (kind, resource_arn, status, created_ms, updated_ms) VALUES ('ImportFolder', ?, 'running', 1, 1)`).run(DatasetArn);
    first.close();
    const second = aLoupe({ home });
    try {
      const { DatasetDescription } = await second.ok('DescribeDataset', { DatasetArn });
      assert.equal(DatasetDescription.Status, 'UPDATE_FAILED');
      assert.match(DatasetDescription.StatusMessage, /Loupe stopped/);
      const { Jobs } = await second.ok('ListJobs', { ResourceArn: DatasetArn });
      assert.deepEqual(Jobs.map((j) => j.Status), ['failed']);
    } finally {
      second.dispose();
    }
  });
});

describe('importing a folder into an anomaly-detection project', () => {
  let loupe: TestLoupe;
  let root: string;

  before(async () => {
    loupe = aLoupe({ now: aClock() });
    root = join(tempDir(), 'line-3');
    await anImage(join(root, 'good', 'part-1.png'));
    await anImage(join(root, 'Good', 'part-2.png'));
    await anImage(join(root, 'ok-parts', 'part-3.png'));
    await anImage(join(root, 'dents', 'part-4.png'));
    await anImage(join(root, 'scratches', 'part-5.png'));
  });
  after(() => loupe.dispose());

  async function labelsAfterImport(project: string, folderLabels?: Record<string, string>) {
    await loupe.ok('LookoutVisionCreateProject', { ProjectName: project });
    const { ProjectDescriptions } = await loupe.ok('DescribeProjects', { ProjectNames: [project] });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn: ProjectDescriptions[0]!.ProjectArn, DatasetType: 'TRAIN' });
    const { JobId } = await loupe.ok('ImportFolder', { DatasetArn, Folder: root, ...(folderLabels ? { FolderLabels: folderLabels } : {}) });
    assert.equal((await waitForJob(loupe.ctx, JobId)).Status, 'succeeded');
    const entries = (await loupe.ok('ListDatasetEntries', { DatasetArn })).DatasetEntries.map((l) => JSON.parse(l));
    return Object.fromEntries(
      entries.map((line) => {
        const attribute = Object.keys(line).find((k) => k.endsWith('-metadata'));
        return [String(line['source-ref']).split('/').pop(), attribute ? line[attribute]['class-name'] : undefined];
      }),
    );
  }

  it('takes a folder named good as the normal images without being told', async () => {
    const labels = await labelsAfterImport('line-a');
    assert.equal(labels['part-1.png'], 'normal');
    assert.equal(labels['part-2.png'], 'normal');
    assert.equal(labels['part-3.png'], 'ok-parts');
  });

  it('labels the folders the user marked as good and as anomalous normal and anomaly', async () => {
    const labels = await labelsAfterImport('line-b', { 'ok-parts': 'normal', dents: 'anomaly', scratches: 'anomaly' });
    assert.deepEqual(labels, { 'part-1.png': 'normal', 'part-2.png': 'normal', 'part-3.png': 'normal', 'part-4.png': 'anomaly', 'part-5.png': 'anomaly' });
  });
});
