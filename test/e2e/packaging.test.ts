/**
 * Packaging, offline: `electron-builder --dir` with electron-builder.yml on this checkout, with a
 * stand-in Electron distribution (an executable holding Electron's fuse wire, nothing else) and a
 * stand-in SQLite for Electron in a temporary build cache (a copy of the Node build: no Electron
 * build can be had here). Checks what an installer would hold: the bundles and package.json in
 * app.asar, native code unpacked, each entry where main/app looks for it, SQLite for Electron in
 * resources/native, and the fuses flipped. Writes only to a temporary folder. Linux only: the
 * stand-in is a Linux Electron. About 30 s on two busy cores.
 */
import { getRawHeader, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { appFiles } from '../../main/app/appFiles';
import { chooseSqliteBinding, nativeFolder } from '../../main/app/sqliteBinding';
import { BINDING_FILE, BINDING_STAMP, nodeBindingFile } from '../../main/db';
import { cachedBuildFile, projectTarget } from '../../scripts/nativeBinding';
import { staleSteps } from '../../scripts/start';
import { tempDir } from '../support/loupe';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's fuse defaults, in FuseV1Options order: RunAsNode on, cookies unencrypted, NODE_OPTIONS and --inspect on, no integrity check, app from anywhere, default snapshot, file: privileges. */
const DEFAULT_WIRE = '10110001';
/** A fuse's byte in the wire: '0' off, '1' on. */
const OFF = '0'.charCodeAt(0);
const ON = '1'.charCodeAt(0);
const skip = process.platform !== 'linux' ? 'the stand-in Electron distribution is a Linux one' : false;

describe('an installer made by electron-builder.yml', { skip, timeout: 300_000 }, () => {
  let resources = '';
  let archive = '';
  let entries: string[] = [];
  let executable = '';
  const target = projectTarget(root);

  before(() => {
    // A fresh clone builds dist/ at install; build only what is absent.
    for (const part of staleSteps(root).filter((step) => step.reason.endsWith('is missing'))) {
      const run = spawnSync('npm', ['run', part.script, '--silent'], { cwd: root, stdio: 'inherit' });
      assert.equal(run.status, 0, `npm run ${part.script} failed`);
    }
    const work = tempDir('loupe-pack-');
    const electronDist = join(work, 'electron-dist');
    mkdirSync(electronDist);
    const wire = Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length]), Buffer.from(DEFAULT_WIRE)]);
    writeFileSync(join(electronDist, 'electron'), wire, { mode: 0o755 });
    writeFileSync(join(electronDist, 'version'), target.electron);
    const cache = join(work, 'native-cache');
    const standIn = cachedBuildFile(cache, { ...target, platform: 'linux', arch: process.arch });
    mkdirSync(dirname(standIn), { recursive: true });
    copyFileSync(nodeBindingFile()!, standIn);

    const output = join(work, 'release');
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules', 'electron-builder', 'cli.js'),
        '--dir',
        '--linux',
        `--${process.arch}`,
        '--config',
        'electron-builder.yml',
        `-c.electronDist=${electronDist}`,
        `-c.directories.output=${output}`,
      ],
      { cwd: root, env: { ...process.env, LOUPE_NATIVE_CACHE: cache }, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, `electron-builder failed:\n${run.stdout}\n${run.stderr}`);
    const unpacked = join(output, process.arch === 'x64' ? 'linux-unpacked' : `linux-${process.arch}-unpacked`);
    resources = join(unpacked, 'resources');
    archive = join(resources, 'app.asar');
    entries = listPackage(archive, { isPack: false }).map((entry) => entry.split(sep).join('/'));
    executable = join(unpacked, 'loupe');
  });

  it('holds package.json and every bundle in app.asar', () => {
    for (const file of ['/package.json', '/dist/app/main.cjs', '/dist/app/preload.cjs', '/dist/app/training.cjs', '/dist/renderer/index.html']) {
      assert.ok(entries.includes(file), `${file} is not in app.asar`);
    }
    assert.ok(entries.some((file) => /^\/dist\/models\/[^/]+\.onnx$/.test(file)), 'no backbone in app.asar');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    assert.ok(entries.includes(`/${pkg.main}`), `package.json's main ${pkg.main} is not in app.asar`);
  });

  it('has each entry where main/app looks for it', () => {
    const files = appFiles(archive);
    for (const inArchive of [files.preload, files.training, join(files.renderer, 'index.html')]) {
      assert.ok(entries.includes(`/${relative(archive, inArchive).split(sep).join('/')}`), `${inArchive} is not in app.asar`);
    }
    assert.ok(entries.some((file) => file.startsWith(`/${relative(archive, files.models)}/`)), 'no models where the app looks');
    // The inference unit is a worker thread's script: a real file beside the archive.
    assert.match(files.inference, /app\.asar\.unpacked/);
    assert.ok(existsSync(files.inference), `${files.inference} is missing`);
  });

  it('unpacks all native code: .node files, ONNX Runtime and libvips', () => {
    const native = entries.filter((file) => /\.node$|\.so(\.\d+)*$|\.dylib$|\.dll$/.test(file));
    assert.ok(native.length > 0);
    for (const file of native) {
      assert.ok('unpacked' in statFile(archive, file.slice(1), false), `${file} is inside app.asar`);
      assert.ok(existsSync(join(`${archive}.unpacked`, file)), `${file} is not in app.asar.unpacked`);
    }
    const has = (pattern: RegExp, what: string) => assert.ok(native.some((file) => pattern.test(file)), `${what} is not unpacked`);
    has(new RegExp(`/onnxruntime-node/bin/napi-v6/linux/${process.arch}/onnxruntime_binding\\.node$`), 'the ONNX Runtime binding');
    has(new RegExp(`/onnxruntime-node/bin/napi-v6/linux/${process.arch}/libonnxruntime\\.so\\.1$`), 'ONNX Runtime');
    has(/\/@img\/sharp-linux-[^/]+\/lib\/sharp-[^/]+\.node$/, "sharp's binding");
    has(/\/@img\/sharp-libvips-linux-[^/]+\/lib\/libvips-cpp\.so/, 'libvips');
    assert.ok(existsSync(join(`${archive}.unpacked`, 'node_modules', 'onnxruntime-common', 'package.json')), 'onnxruntime-common is not unpacked');
    assert.deepEqual(native.filter((file) => /\/napi-v6\/(win32|darwin)\//.test(file)), [], "other platforms' ONNX Runtime binaries are in a Linux installer");
  });

  it('carries only Node-API modules in node_modules, which load in Electron unchanged', () => {
    const modules = entries.filter((file) => file.endsWith('.node'));
    assert.ok(modules.length >= 2);
    for (const file of modules) {
      const bytes = readFileSync(join(`${archive}.unpacked`, file)).toString('latin1');
      // A Node-API module registers through napi_register_module_v1; an ABI-bound one through node_register_module_v<ABI>.
      assert.ok(bytes.includes('napi_register_module_v1'), `${file} is not a Node-API module`);
      assert.doesNotMatch(bytes, /node_register_module_v\d+/, `${file} is bound to one Node ABI`);
    }
  });

  it("carries SQLite for Electron in resources/native, and not node_modules' Node build", () => {
    const folder = nativeFolder({ appRoot: archive, isPackaged: true, resourcesPath: resources });
    assert.ok(existsSync(join(folder, BINDING_FILE)));
    const stamp = JSON.parse(readFileSync(join(folder, BINDING_STAMP), 'utf8')) as Record<string, string>;
    assert.deepEqual(stamp, { ...target, platform: 'linux', arch: process.arch });
    const choice = chooseSqliteBinding({ folder, versions: { ...process.versions, electron: target.electron }, platform: 'linux', arch: process.arch });
    assert.equal(choice.nativeBinding, join(folder, BINDING_FILE));
    assert.equal(choice.warning, undefined);
    assert.ok(!entries.some((file) => file.startsWith('/node_modules/better-sqlite3/build/')), "node_modules' Node build went into the installer");
    assert.ok(entries.includes('/node_modules/better-sqlite3/lib/database.js'));
  });

  it('flips the fuses: no run-as-Node, NODE_OPTIONS or --inspect; asar only, integrity checked; cookies encrypted', async () => {
    const wire = await getCurrentFuseWire(executable);
    assert.deepEqual(
      {
        runAsNode: wire[FuseV1Options.RunAsNode],
        nodeOptions: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
        inspect: wire[FuseV1Options.EnableNodeCliInspectArguments],
        integrity: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
        onlyAsar: wire[FuseV1Options.OnlyLoadAppFromAsar],
        cookies: wire[FuseV1Options.EnableCookieEncryption],
      },
      {
        runAsNode: OFF,
        nodeOptions: OFF,
        inspect: OFF,
        integrity: ON,
        onlyAsar: ON,
        cookies: ON,
      },
    );
    assert.ok(getRawHeader(archive).header, 'app.asar has no header');
  });
});
