/**
 * Issue #16: an annotation import of a file that is not one fails with a message that names the
 * file and not its bytes (a COCO import of a password file), and a CSV import of a file whose
 * rows name no image (/etc/passwd) fails instead of adding junk entries.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { anImage } from '../../support/images';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

const PASSWD = ['root:x:0:0:root:/root:/bin/bash', 'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin', 'secret-user:x:1000:1000:Secret,,,:/home/secret:/bin/bash'].join('\n');

describe('issue #16: importing files that are not annotation files', () => {
  let loupe: TestLoupe;
  let folder: string;
  before(() => {
    loupe = aLoupe();
    folder = tempDir('loupe-junk-');
    writeFileSync(join(folder, 'passwd'), PASSWD);
  });
  after(() => loupe.dispose());

  async function importAs(Format: 'COCO' | 'CSV', Path: string) {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: `junk-${Format.toLowerCase()}-${Math.random().toString(36).slice(2, 6)}` });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    const { JobId } = await loupe.ok('ImportAnnotations', { DatasetArn, Format, Path });
    await waitForJob(loupe.ctx, JobId);
    const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
    return DatasetDescription;
  }

  it('fails a COCO import of a non-JSON file without echoing its bytes', async () => {
    const described = await importAs('COCO', join(folder, 'passwd'));
    assert.equal(described.Status, 'UPDATE_FAILED');
    assert.match(described.StatusMessage ?? '', /passwd cannot be imported as COCO: it is not valid JSON/);
    assert.doesNotMatch(described.StatusMessage ?? '', /root|secret|bash/);
    assert.equal(described.DatasetStats?.TotalEntries, 0);
  });

  it('fails a CSV import of a file whose rows name no image, adding nothing', async () => {
    const described = await importAs('CSV', join(folder, 'passwd'));
    assert.equal(described.Status, 'UPDATE_FAILED');
    assert.match(described.StatusMessage ?? '', /names no image file/);
    assert.equal(described.DatasetStats?.TotalEntries, 0);
  });

  it('still imports a CSV whose rows name images, reporting the rows that do not', async () => {
    await anImage(join(folder, 'cat.jpg'));
    writeFileSync(join(folder, 'labels.csv'), ['cat.jpg,cat', 'notes.txt,cat'].join('\n'));
    const described = await importAs('CSV', join(folder, 'labels.csv'));
    assert.equal(described.Status, 'UPDATE_COMPLETE', described.StatusMessage);
    assert.equal(described.DatasetStats?.TotalEntries, 1);
    assert.match(described.StatusMessage ?? '', /line 2: NOT_AN_IMAGE/);
  });
});
