/**
 * The SQLite module the app opens its database with, chosen as main/app/main.ts chooses it. Under a
 * simulated Electron (process.versions.electron set) the Electron build in the app's native folder
 * is asked for; here a copy of the Node build stands in for it, since that is what loads in Node.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { openLoupe } from '../../../main/api';
import { chooseSqliteBinding, FETCH_COMMAND, missingBindingMessage, nativeFolder } from '../../../main/app/sqliteBinding';
import { BINDING_FILE, BINDING_STAMP, betterSqlite3Version, bindingOf, nodeBindingFile, SqliteBindingError } from '../../../main/db';
import { tempDir } from '../../support/loupe';

const ELECTRON = '45.5.0';

function simulateElectron(version: string): void {
  Object.defineProperty(process.versions, 'electron', { value: version, configurable: true, enumerable: true });
}

/** An app root whose native folder holds `file` (bytes or a copy of the Node build) and a stamp. */
function anAppRoot(build: 'node-copy' | 'garbage' | 'none', stamp?: Partial<Record<string, string>>): { root: string; folder: string } {
  const root = tempDir('loupe-app-');
  const folder = nativeFolder({ appRoot: root, isPackaged: false });
  mkdirSync(folder, { recursive: true });
  if (build === 'node-copy') copyFileSync(nodeBindingFile()!, join(folder, BINDING_FILE));
  if (build === 'garbage') writeFileSync(join(folder, BINDING_FILE), 'not a shared library');
  if (stamp) {
    const full = { electron: ELECTRON, betterSqlite3: betterSqlite3Version(), platform: process.platform, arch: process.arch, ...stamp };
    writeFileSync(join(folder, BINDING_STAMP), JSON.stringify(full));
  }
  return { root, folder };
}

afterEach(() => {
  delete (process.versions as { electron?: string }).electron;
});

describe('when the app runs under Node (the CLI, loupe serve, tests)', () => {
  it('opens the database with the Node build in node_modules', () => {
    const { folder } = anAppRoot('node-copy', {});
    const choice = chooseSqliteBinding({ folder });
    assert.equal(choice.nativeBinding, undefined);
    assert.equal(choice.warning, undefined);
    const loupe = openLoupe({ home: tempDir() });
    try {
      const inUse = bindingOf(loupe.ctx.db);
      assert.deepEqual({ kind: inUse?.kind, file: inUse?.file }, { kind: 'node', file: nodeBindingFile() });
      assert.match(nodeBindingFile()!, /better-sqlite3[\\/]build[\\/]Release[\\/]better_sqlite3\.node$/);
    } finally {
      loupe.close();
    }
  });
});

describe('when the app runs under Electron', () => {
  it('asks for the Electron build in its native folder and opens the database with it', async () => {
    simulateElectron(ELECTRON);
    const { folder } = anAppRoot('node-copy', {});
    const choice = chooseSqliteBinding({ folder });
    const expected = join(folder, BINDING_FILE);
    assert.equal(choice.nativeBinding, expected);
    assert.equal(choice.warning, undefined);
    const loupe = openLoupe({ home: tempDir(), sqliteBinding: choice.nativeBinding! });
    try {
      assert.deepEqual(bindingOf(loupe.ctx.db), { kind: 'electron', file: expected, electronBuild: expected });
      // The module that was loaded is that file, not node_modules' build.
      assert.ok(createRequire(import.meta.url).cache[expected], 'the Electron build was not loaded');
      const created = await loupe.invoke('CreateProject', { ProjectName: 'through-the-electron-build' });
      assert.ok(created.ok, JSON.stringify(created));
    } finally {
      loupe.close();
    }
  });

  it('falls back to the Node build with a clear message when the Electron build is missing', () => {
    simulateElectron(ELECTRON);
    const { folder } = anAppRoot('none');
    const choice = chooseSqliteBinding({ folder });
    assert.equal(choice.nativeBinding, undefined);
    assert.match(choice.warning ?? '', new RegExp(`SQLite for Electron ${ELECTRON.replaceAll('.', '\\.')} is missing`));
    assert.ok(choice.warning?.includes(FETCH_COMMAND), choice.warning);
    // Under Node the fallback loads; under a real Electron this is where the ABI error would come.
    const loupe = openLoupe({ home: tempDir() });
    assert.equal(bindingOf(loupe.ctx.db)?.kind, 'node');
    loupe.close();
    const message = missingBindingMessage(choice, ELECTRON);
    assert.ok(message.includes(choice.expected) && message.includes(FETCH_COMMAND), message);
    assert.match(missingBindingMessage(choice, ELECTRON, true), /Reinstall Loupe/);
    const korean = missingBindingMessage(choice, ELECTRON, false, 'ko');
    assert.ok(korean.includes(choice.expected) && korean.includes(FETCH_COMMAND) && /SQLite가 없습니다/.test(korean), korean);
    assert.match(missingBindingMessage(choice, ELECTRON, true, 'ko'), /다시 설치/);
  });

  it('does not use a build made for another Electron, and says which one it was made for', () => {
    simulateElectron(ELECTRON);
    const { folder } = anAppRoot('node-copy', { electron: '44.0.0' });
    const choice = chooseSqliteBinding({ folder });
    assert.equal(choice.nativeBinding, undefined);
    assert.match(choice.warning ?? '', /electron 44\.0\.0 \(needs 45\.5\.0\)/);
  });

  it('does not use a build without its stamp', () => {
    simulateElectron(ELECTRON);
    const { folder } = anAppRoot('node-copy');
    assert.match(chooseSqliteBinding({ folder }).warning ?? '', /has no better_sqlite3\.json/);
  });

  it('names the file when the Electron build cannot be loaded', () => {
    simulateElectron(ELECTRON);
    const { folder } = anAppRoot('garbage', {});
    const choice = chooseSqliteBinding({ folder });
    assert.equal(choice.nativeBinding, join(folder, BINDING_FILE));
    assert.throws(
      () => openLoupe({ home: tempDir(), sqliteBinding: choice.nativeBinding! }),
      (error: unknown) =>
        error instanceof SqliteBindingError && error.kind === 'electron' && error.message.includes(join(folder, BINDING_FILE)),
    );
  });

  it('looks in resources/native once installed', () => {
    assert.equal(
      nativeFolder({ appRoot: '/opt/Loupe/resources/app.asar', isPackaged: true, resourcesPath: '/opt/Loupe/resources' }),
      join('/opt/Loupe/resources', 'native'),
    );
  });
});
