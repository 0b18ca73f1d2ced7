/**
 * Issue #16: a folder with link loops (`ln -s . self`, a link back to the root) or links leading
 * out of it is read once, ends, and says which links it did not follow; watching it does the same,
 * and unwatching stops it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stopWatchers } from '../../../main/api';
import * as q from '../../../main/db/queries';
import { listImageFiles } from '../../../main/datasets/folders';
import { waitForJob } from '../../../main/jobs';
import { watchersStarted } from '../../../main/watch';
import { anImage } from '../../support/images';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

/** F/lbl/{a,b,c}.jpg, F/lbl/self → ., F/lbl/up → F, F/lbl/out → a folder outside F, F/lbl/twice.jpg → a.jpg. */
async function aLoopingFolder(): Promise<string> {
  const root = join(tempDir('loupe-loops-'), 'F');
  for (const name of ['a', 'b', 'c']) await anImage(join(root, 'lbl', `${name}.jpg`), { color: name === 'a' ? '#113355' : name === 'b' ? '#335511' : '#551133' });
  const outside = tempDir('loupe-outside-');
  await anImage(join(outside, 'secret.jpg'));
  symlinkSync('.', join(root, 'lbl', 'self'));
  symlinkSync(root, join(root, 'lbl', 'up'));
  symlinkSync(outside, join(root, 'lbl', 'out'));
  symlinkSync(join(root, 'lbl', 'a.jpg'), join(root, 'lbl', 'twice.jpg'));
  symlinkSync(join(root, 'nowhere.jpg'), join(root, 'lbl', 'broken.jpg'));
  return root;
}

describe('issue #16: a folder with link loops', () => {
  let loupe: TestLoupe;
  let root: string;
  before(async () => {
    loupe = aLoupe();
    root = await aLoopingFolder();
  });
  after(async () => {
    await stopWatchers(loupe.ctx);
    loupe.dispose();
  });

  it('is walked once: each real folder read once, no link followed out of it', async () => {
    const scan = await listImageFiles(root);
    assert.deepEqual(scan.files, ['a.jpg', 'b.jpg', 'c.jpg'].map((n) => join(root, 'lbl', n)));
    const skipped = Object.fromEntries(scan.skippedLinks.map((l) => [l.path.slice(root.length + 1), l.reason]));
    assert.deepEqual(skipped, {
      [join('lbl', 'self')]: 'loop',
      [join('lbl', 'up')]: 'loop',
      [join('lbl', 'out')]: 'outside',
      [join('lbl', 'twice.jpg')]: 'duplicate',
      [join('lbl', 'broken.jpg')]: 'broken',
    });
  });

  it('stops a walk that is cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(listImageFiles(root, controller.signal), { name: 'AbortError' });
  });

  it('imports three entries with ImportFolder and names the skipped links in the summary', async () => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'loops' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    const { JobId } = await loupe.ok('ImportFolder', { DatasetArn, Folder: root });
    const job = await waitForJob(loupe.ctx, JobId);
    assert.equal(job.Status, 'succeeded', job.Message);
    const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
    assert.equal(DatasetDescription.DatasetStats?.TotalEntries, 3);
    assert.match(DatasetDescription.StatusMessage ?? '', /5 left out/);
    assert.match(DatasetDescription.StatusMessage ?? '', /self: LINK_LOOP/);
    assert.match(DatasetDescription.StatusMessage ?? '', /out: LINK_OUTSIDE/);
  });

  it('watches the same folder with three entries, and UnwatchFolder stops it', async () => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'loops-watched' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    await loupe.ok('WatchFolder', { DatasetArn, Folder: root });
    await watchersStarted(loupe.ctx);
    const datasetId = q.findDatasetByArn(loupe.ctx.db, DatasetArn)!.id;
    const deadline = Date.now() + 5000;
    while (q.countEntriesInFolder(loupe.ctx.db, datasetId, root) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(q.listFolderEntries(loupe.ctx.db, datasetId, root).map((e) => e.path), ['a.jpg', 'b.jpg', 'c.jpg'].map((n) => join(root, 'lbl', n)));
    await loupe.ok('UnwatchFolder', { DatasetArn, Folder: root });
    assert.deepEqual((await loupe.ok('ListWatchedFolders', { ProjectArn })).WatchedFolders, []);
    mkdirSync(join(root, 'late'));
    await anImage(join(root, 'late', 'late.jpg'));
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(q.countEntriesInFolder(loupe.ctx.db, datasetId, root), 3);
  });
});

describe('issue #16: links inside a mapped bucket folder', () => {
  it('are not followed out of the folder by manifests', async () => {
    const loupe = aLoupe();
    try {
      const bucket = tempDir('loupe-bucket-');
      const outside = tempDir('loupe-bucket-outside-');
      await anImage(join(outside, 'secret.jpg'));
      await anImage(join(bucket, 'real.jpg'));
      // Enough good lines that two bad ones stay under the manifest's 20% error share.
      for (let i = 0; i < 10; i++) await anImage(join(bucket, `good${i}.jpg`), { color: `#${i}${i}${i}000` });
      symlinkSync(join(outside, 'secret.jpg'), join(bucket, 'x.jpg'));
      symlinkSync(outside, join(bucket, 'dir'));
      symlinkSync(join(bucket, 'real.jpg'), join(bucket, 'alias.jpg'));
      await loupe.ok('CreateBucketMapping', { Bucket: 'linked', Folder: bucket });
      const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'linked' });
      const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
      const lines = ['real.jpg', 'x.jpg', 'dir/secret.jpg', 'alias.jpg', ...Array.from({ length: 10 }, (_, i) => `good${i}.jpg`)].map((key) => JSON.stringify({ 'source-ref': `s3://linked/${key}` }));
      await loupe.ok('UpdateDatasetEntries', { DatasetArn, Changes: { GroundTruth: lines.join('\n') } });
      const [job] = (await loupe.ok('ListJobs', { ResourceArn: DatasetArn })).Jobs;
      await waitForJob(loupe.ctx, job!.JobId);
      const { Entries } = await loupe.ok('ListEntries', { DatasetArn });
      const readable = (key: string) => Entries.find((e) => e.SourceRef === `s3://linked/${key}`)?.Width !== undefined;
      assert.equal(readable('real.jpg'), true);
      assert.equal(readable('alias.jpg'), true, 'a link that stays inside is followed');
      for (const key of ['x.jpg', 'dir/secret.jpg']) {
        const entry = Entries.find((e) => e.SourceRef === `s3://linked/${key}`);
        assert.equal(readable(key), false, key);
        assert.match(JSON.stringify(entry?.Errors), /points outside/, key);
      }
    } finally {
      loupe.dispose();
    }
  });
});
