import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aLoupe, type TestLoupe } from '../../support/loupe';

describe('when a typed folder is checked before a dataset is created (issue 15)', () => {
  let loupe: TestLoupe;
  before(() => {
    loupe = aLoupe();
  });
  after(() => loupe.dispose());

  it('answers the folder for one that exists', async () => {
    const folder = join(loupe.home, 'pictures');
    await mkdir(folder, { recursive: true });
    assert.deepEqual(await loupe.ok('CheckFolder', { Folder: `${folder}/` }), { Folder: folder });
  });

  it('refuses a mistyped path, a file and a relative path, naming what was typed', async () => {
    const missing = await loupe.fails('CheckFolder', { Folder: join(loupe.home, 'pictrues') });
    assert.equal(missing.code, 'InvalidParameterException');
    assert.match(missing.message, /pictrues/);
    const file = join(loupe.home, 'note.txt');
    await writeFile(file, 'text');
    const notFolder = await loupe.fails('CheckFolder', { Folder: file });
    assert.match(notFolder.message, /is a file, not a folder/);
    const relative = await loupe.fails('CheckFolder', { Folder: 'pictures' });
    assert.equal(relative.code === 'InvalidParameterException' || relative.code === 'ValidationException', true, relative.code);
  });

  it('creates nothing', async () => {
    assert.deepEqual((await loupe.ok('DescribeProjects', {})).ProjectDescriptions, []);
  });
});
