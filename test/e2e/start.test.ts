/**
 * `npm start`'s decisions (scripts/start.ts) on a temporary copy of the project: what is stale, what
 * is missing, and what an offline first start says. No network: every download host is a closed
 * port on this machine, and every download cache is a fresh temporary folder.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BINDING_FILE, BINDING_STAMP, nodeBindingFile } from '../../main/db';
import { cachedBuildFile, projectTarget } from '../../scripts/nativeBinding';
import { planStart, start } from '../../scripts/start';
import { tempDir } from '../support/loupe';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCES = ['main/api/index.ts', 'preload/index.ts', 'renderer/main.tsx', 'native/ort/index.ts'];
const OUTPUTS = [
  'dist/app/main.cjs',
  'dist/app/preload.cjs',
  'dist/app/training.cjs',
  'dist/app/inference.cjs',
  'dist/renderer/index.html',
  'dist/models/backbone.onnx',
];

/** A port nothing listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

let offlineHost = '';

before(async () => {
  offlineHost = `http://127.0.0.1:${await closedPort()}/`;
});

/** The environment of a machine without network, with empty caches and home. */
function offlineEnv(project: string): NodeJS.ProcessEnv {
  const home = join(project, '.home');
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH,
    HOME: home,
    USERPROFILE: home,
    npm_config_cache: join(home, 'npm'),
    electron_config_cache: join(home, 'electron'),
    ELECTRON_MIRROR: offlineHost,
    npm_config_better_sqlite3_binary_host: offlineHost.replace(/\/$/, ''),
    ELECTRON_REBUILD_DIST_URL: offlineHost.replace(/\/$/, ''),
    LOUPE_NATIVE_CACHE: join(project, '.native-cache'),
  };
}

/** The project as a fresh clone sees it: package.json, sources, node_modules without Electron's binary. */
function aProjectCopy(options: { built?: boolean } = {}): string {
  const project = tempDir('loupe-start-');
  copyFileSync(join(root, 'package.json'), join(project, 'package.json'));
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, 'electron'), { recursive: true });
  for (const file of ['package.json', 'install.js', 'checksums.json']) {
    copyFileSync(join(root, 'node_modules', 'electron', file), join(modules, 'electron', file));
  }
  for (const name of ['better-sqlite3', 'prebuild-install', '@electron']) {
    symlinkSync(join(root, 'node_modules', name), join(modules, name), 'junction');
  }
  const past = Date.now() / 1000 - 3600;
  utimesSync(join(project, 'package.json'), past, past);
  for (const file of SOURCES) write(project, file, past);
  if (options.built) for (const file of OUTPUTS) write(project, file, past + 60);
  return project;
}

function write(project: string, file: string, mtimeSeconds: number): void {
  const path = join(project, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `// ${file}\n`);
  utimesSync(path, mtimeSeconds, mtimeSeconds);
}

/** Pretend Electron's install script ran: path.txt and a binary where it would put them. */
function installElectronStandIn(project: string): void {
  const folder = join(project, 'node_modules', 'electron');
  writeFileSync(join(folder, 'path.txt'), 'electron');
  mkdirSync(join(folder, 'dist'), { recursive: true });
  writeFileSync(join(folder, 'dist', 'electron'), '');
}

describe('npm start on a fresh clone', () => {
  it('builds every part, downloads Electron and fetches SQLite for Electron', () => {
    const project = aProjectCopy();
    const plan = planStart(project, offlineEnv(project));
    assert.deepEqual(
      plan.build.map((part) => part.script),
      ['build:models', 'build:renderer', 'build:app'],
    );
    assert.match(plan.build[2]!.reason, /dist\/app\/main\.cjs is missing/);
    assert.deepEqual(plan.electron, { version: projectTarget(root).electron, action: 'download' });
    assert.equal(plan.sqlite.action, 'fetch');
  });
});

describe('when a source is newer than its bundle', () => {
  it('rebuilds only the part made from it, and says which file made it stale', () => {
    const project = aProjectCopy({ built: true });
    assert.deepEqual(planStart(project, offlineEnv(project)).build, []);
    write(project, 'main/api/index.ts', Date.now() / 1000);
    const plan = planStart(project, offlineEnv(project));
    assert.deepEqual(plan.build.map((part) => part.script), ['build:app']);
    assert.match(plan.build[0]!.reason, /^main\/api\/index\.ts is newer than dist\/app\/\w+\.cjs$/);
    write(project, 'renderer/main.tsx', Date.now() / 1000 + 1);
    assert.deepEqual(planStart(project, offlineEnv(project)).build.map((part) => part.script), ['build:renderer', 'build:app']);
  });
});

describe('when SQLite for Electron is cached but not in dist/native', () => {
  it('copies it there with its stamp, without the network, and then finds it up to date', async () => {
    const project = aProjectCopy({ built: true });
    installElectronStandIn(project);
    const env = offlineEnv(project);
    const target = projectTarget(project);
    const cached = cachedBuildFile(env.LOUPE_NATIVE_CACHE!, target);
    mkdirSync(dirname(cached), { recursive: true });
    copyFileSync(nodeBindingFile()!, cached);
    assert.equal(planStart(project, env).sqlite.action, 'stage from cache');
    const lines: string[] = [];
    const code = await start(project, { env, launch: false, out: (line) => lines.push(line), err: (line) => lines.push(line) });
    assert.equal(code, 0, lines.join('\n'));
    const staged = join(project, 'dist', 'native');
    assert.deepEqual(readdirSync(staged).sort(), [BINDING_STAMP, BINDING_FILE].sort());
    assert.equal(planStart(project, env).sqlite.action, 'up to date');
    assert.equal(planStart(project, env).electron.action, 'present');
  });
});

describe('an offline first start', () => {
  it('says what is missing and the commands that fix it, exits 1, and prints no stack trace', async () => {
    const project = aProjectCopy({ built: true });
    const env = offlineEnv(project);
    const out: string[] = [];
    const err: string[] = [];
    const code = await start(project, { env, out: (line) => out.push(line), err: (line) => err.push(line) });
    assert.equal(code, 1);
    const said = err.join('\n');
    const electron = projectTarget(project).electron;
    assert.match(said, new RegExp(`Missing: Electron ${electron.replaceAll('.', '\\.')}`));
    assert.match(said, /node node_modules\/electron\/install\.js/);
    assert.match(said, new RegExp(`Missing: SQLite for Electron ${electron.replaceAll('.', '\\.')}`));
    assert.match(said, /npm run native:electron/);
    assert.match(said, /network/);
    assert.doesNotMatch(said, /^\s+at /m, said);
    // Nothing half-made is left where the app or the next start would take it for done.
    assert.equal(existsSync(join(project, 'dist', 'native')), false);
    assert.equal(existsSync(join(project, 'node_modules', 'electron', 'path.txt')), false);
    assert.ok(!out.some((line) => line.startsWith('Building')), out.join('\n'));
  });
});

describe('a start without a compiler', () => {
  it('says the C++ toolchain is missing and how to install it', { skip: process.platform === 'win32' ? 'PATH is narrowed with a symbolic link to node' : false }, async () => {
    const project = aProjectCopy({ built: true });
    installElectronStandIn(project);
    // A PATH with node alone: no Python, make or C++ compiler for node-gyp to find.
    const bin = join(project, '.bin-node-only');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const err: string[] = [];
    const code = await start(project, { env: { ...offlineEnv(project), PATH: bin }, launch: false, out: () => undefined, err: (line) => err.push(line) });
    assert.equal(code, 1);
    const said = err.join('\n');
    assert.match(said, /Missing: SQLite for Electron .*\n {2}no prebuilt download could be had, and compiling one needs a C\+\+ toolchain \(.*Python/);
    assert.match(said, process.platform === 'darwin' ? /xcode-select --install/ : /build-essential python3/);
    assert.match(said, /npm run native:electron/);
    assert.doesNotMatch(said, /Missing: Electron/);
    assert.doesNotMatch(said, /^\s+at /m);
  });
});
