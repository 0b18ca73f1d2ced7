/**
 * `loupe doctor` on this machine (Node, no Electron, no GPU libraries): the DescribeSystem operation
 * through the catalogue, printed. What it says is checked against the machine itself.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { nodeBindingFile } from '../../../main/db';
import type { SystemReport } from '../../../preload/contract';
import { runCli } from '../../support/cli';
import { aLoupe, tempDir } from '../../support/loupe';

describe('loupe doctor on this machine', () => {
  it('reports the Node build of SQLite in use, the Electron build beside the app, and the CPU provider', async () => {
    const home = tempDir();
    const result = await runCli(home, 'doctor', '--output', 'json');
    assert.equal(result.code, 0, result.err);
    const report = JSON.parse(result.out) as SystemReport;
    assert.equal(report.Runtime.Node, process.versions.node);
    assert.equal(report.Runtime.Electron, undefined);
    assert.equal(report.Sqlite.InUse, 'node');
    const node = report.Sqlite.Builds.find((build) => build.Kind === 'node');
    assert.deepEqual(node, { Kind: 'node', File: nodeBindingFile(), Present: true, InUse: true });
    const electron = report.Sqlite.Builds.find((build) => build.Kind === 'electron');
    assert.match(electron?.File ?? '', /dist[\\/]native[\\/]better_sqlite3\.node$/);
    assert.equal(electron?.Present, existsSync(electron!.File));
    assert.equal(electron?.InUse, false);
    // No GPU provider libraries here: the ladder ends on CPU, and CPU is what a model loads on.
    assert.equal(report.ExecutionProviders.InUse, 'cpu');
    assert.equal(report.ExecutionProviders.Ladder.at(-1), 'cpu');
    assert.ok(report.ExecutionProviders.Known.some((known) => known.Name === 'cpu' && known.Bundled));
    if (process.platform === 'linux') {
      assert.equal(report.ExecutionProviders.Cuda?.Present, existsSync(report.ExecutionProviders.Cuda!.Library));
    }
    assert.deepEqual(
      { path: report.Home.Path, exists: report.Home.Exists, readable: report.Home.Readable, writable: report.Home.Writable },
      { path: home, exists: true, readable: true, writable: true },
    );
    assert.ok(report.Disk.FreeBytes > 0 && report.Disk.FreeBytes <= report.Disk.TotalBytes);
  });

  it('prints it for a person, with the command that fetches what the desktop app lacks', async () => {
    const result = await runCli(tempDir(), 'doctor');
    assert.match(result.out, /^SQLite {7}in use: the Node build$/m);
    assert.match(result.out, /^Providers {4}in use: cpu; tried in order: .*cpu$/m);
    assert.match(result.out, new RegExp(`present, in use  ${nodeBindingFile()!.replaceAll('\\', '\\\\').replaceAll('.', '\\.')}`));
    if (!existsSync(join(process.cwd(), 'dist', 'native', 'better_sqlite3.node'))) assert.match(result.out, /npm run native:electron/);
    assert.match(result.out, /^Disk {9}\d+\.\d GiB free of \d+\.\d GiB/m);
  });

  it('is one operation of the catalogue: DescribeSystem answers the same through invoke', async () => {
    const loupe = aLoupe();
    try {
      const report = await loupe.ok('DescribeSystem', {});
      assert.equal(report.ExecutionProviders.InUse, 'cpu');
      assert.equal(report.Home.Path, loupe.home);
    } finally {
      loupe.dispose();
    }
  });

  it('refuses an output format it does not know', async () => {
    const result = await runCli(tempDir(), 'doctor', '--output', 'yaml');
    assert.equal(result.code, 252);
    assert.match(result.err, /--output takes json or text/);
  });
});
