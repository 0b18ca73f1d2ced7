/**
 * Issue 17: what interrupted S3 writes leave is swept, on real files: `.loupe-upload-*` files at a
 * mapped folder's top once no write has touched them for a minute, half-written parts of uploads
 * that go on, and multipart uploads started longer ago than the abandonment age (or without their
 * record). Objects, fresh temporary files and live uploads stay.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ABANDON_UPLOAD_AFTER_MS, STALE_WRITE_MS, sweepLeftovers } from '../../../main/buckets';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

describe('when Loupe sweeps what interrupted S3 writes left', () => {
  let loupe: TestLoupe;
  let clock = Date.now();
  let folder: string;
  const uploads = () => join(loupe.home, 's3-uploads');
  const age = (path: string, ms: number) => utimesSync(path, new Date(clock - ms), new Date(clock - ms));
  const upload = (id: string, startedMs: number | undefined, files: Record<string, number> = {}) => {
    const dir = join(uploads(), id);
    mkdirSync(dir, { recursive: true });
    if (startedMs !== undefined) writeFileSync(join(dir, 'upload.json'), JSON.stringify({ bucket: 'photos', key: 'big.bin', createdMs: startedMs }));
    for (const [name, ageMs] of Object.entries(files)) {
      writeFileSync(join(dir, name), 'bytes');
      age(join(dir, name), ageMs);
    }
    age(dir, clock - (startedMs ?? clock - 2 * STALE_WRITE_MS));
    return dir;
  };

  before(async () => {
    loupe = aLoupe({ now: () => clock });
    folder = tempDir();
    await loupe.ok('CreateBucketMapping', { Bucket: 'photos', Folder: folder });
  });
  after(() => loupe.dispose());

  it('removes stale temporary files at the folder’s top and keeps objects and writes still going on', () => {
    clock = Date.now();
    mkdirSync(join(folder, 'line-1'));
    for (const name of ['.loupe-upload-0a1b', '.loupe-upload-2c3d', 'part.jpg', 'line-1/.loupe-upload-9f', '.loupe-upload-live']) writeFileSync(join(folder, name), 'x');
    age(join(folder, '.loupe-upload-0a1b'), STALE_WRITE_MS);
    age(join(folder, '.loupe-upload-2c3d'), 3600_000);
    age(join(folder, 'part.jpg'), 3600_000);
    age(join(folder, '.loupe-upload-live'), 5_000);

    const report = sweepLeftovers(loupe.ctx);
    assert.equal(report.tempFiles, 2);
    assert.deepEqual(readdirSync(folder).sort(), ['.loupe-upload-live', 'line-1', 'part.jpg']);
    // Temporary files beside a target (a drive mounted inside the folder) are not looked for.
    assert.deepEqual(readdirSync(join(folder, 'line-1')), ['.loupe-upload-9f']);
  });

  it('aborts uploads older than the abandonment age or without their record, and clears stale parts of the others', () => {
    clock = Date.now();
    const old = upload('a'.repeat(32), clock - ABANDON_UPLOAD_AFTER_MS, { '1.part': 3600_000 });
    const recordless = upload('b'.repeat(32), undefined);
    const live = upload('c'.repeat(32), clock - 3600_000, { '1.part': 3600_000, '1.etag': 3600_000, '2.5e6f.tmp': STALE_WRITE_MS, '3.77aa.tmp': 1_000 });

    const report = sweepLeftovers(loupe.ctx);
    assert.deepEqual(report, { tempFiles: 0, uploads: 2, partFiles: 1 });
    assert.deepEqual(readdirSync(uploads()), ['c'.repeat(32)]);
    assert.deepEqual(readdirSync(live).sort(), ['1.etag', '1.part', '3.77aa.tmp', 'upload.json']);
    assert.ok(old && recordless);
  });

  it('aborts sooner when told to, and answers an empty report when nothing is left', () => {
    clock = Date.now();
    upload('d'.repeat(32), clock - 2 * 3600_000);
    assert.equal(sweepLeftovers(loupe.ctx, { abandonAfterMs: 3 * 3600_000 }).uploads, 0);
    assert.equal(sweepLeftovers(loupe.ctx, { abandonAfterMs: 3600_000 }).uploads, 2);
    assert.deepEqual(sweepLeftovers(loupe.ctx), { tempFiles: 0, uploads: 0, partFiles: 0 });
    assert.deepEqual(readdirSync(uploads()), []);
  });
});
