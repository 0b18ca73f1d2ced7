/**
 * `npm start`: build what is stale, make sure Electron and SQLite for Electron are here, start the
 * app. The first start needs the network once (Electron's binary; a prebuilt SQLite for Electron or
 * Electron's headers to compile one); later starts work offline. Whatever cannot be had is said as
 * what is missing and the exact command that fixes it, and the script exits 1 without a stack trace.
 *
 *   node --import tsx scripts/start.ts [--plan]     --plan prints the decisions and changes nothing
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeFolder } from '../main/app/sqliteBinding';
import { describeMissing, firstLine, MissingPiece } from './missing';
import { cacheRoot, cachedBuildFile, ensureStaged, isStaged, projectTarget, type Log } from './nativeBinding';

/**
 * Each build script, what it writes and what it is made from: run when an output is missing or older
 * than an input (READMEs aside). build:models checks its own outputs by hash and leaves them alone
 * when they are current, so only their absence decides it here.
 */
export const BUILD_STEPS: readonly { script: string; outputs: readonly string[]; inputs: readonly string[] }[] = [
  { script: 'build:models', outputs: ['dist/models'], inputs: [] },
  { script: 'build:renderer', outputs: ['dist/renderer/index.html'], inputs: ['renderer', 'preload/contract', 'package.json'] },
  {
    script: 'build:app',
    outputs: ['dist/app/main.cjs', 'dist/app/preload.cjs', 'dist/app/training.cjs', 'dist/app/inference.cjs'],
    inputs: ['main', 'preload', 'native', 'package.json'],
  },
];

export interface StalePart {
  script: string;
  reason: string;
}

/** The build steps whose outputs are missing or older than their newest input. */
export function staleSteps(root: string): StalePart[] {
  const stale: StalePart[] = [];
  for (const step of BUILD_STEPS) {
    const outputs = step.outputs.map((output) => ({ output, oldest: oldestFile(join(root, output)) }));
    const missing = outputs.find((entry) => entry.oldest === undefined);
    if (missing) {
      stale.push({ script: step.script, reason: `${missing.output} is missing` });
      continue;
    }
    const oldest = outputs.reduce((a, b) => (a.oldest!.mtimeMs <= b.oldest!.mtimeMs ? a : b));
    const newest = step.inputs
      .map((input) => newestFile(join(root, input)))
      .filter((found): found is FileTime => found !== undefined)
      .reduce<FileTime | undefined>((a, b) => (a && a.mtimeMs >= b.mtimeMs ? a : b), undefined);
    if (newest && newest.mtimeMs > oldest.oldest!.mtimeMs) {
      stale.push({ script: step.script, reason: `${relative(root, newest.path)} is newer than ${relative(root, oldest.oldest!.path)}` });
    }
  }
  return stale;
}

interface FileTime {
  path: string;
  mtimeMs: number;
}

function filesUnder(path: string): FileTime[] {
  if (!existsSync(path)) return [];
  const stat = statSync(path);
  if (!stat.isDirectory()) return [{ path, mtimeMs: stat.mtimeMs }];
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.md'))
    .map((entry) => {
      const file = join(entry.parentPath, entry.name);
      return { path: file, mtimeMs: statSync(file).mtimeMs };
    });
}

function newestFile(path: string): FileTime | undefined {
  return filesUnder(path).reduce<FileTime | undefined>((a, b) => (a && a.mtimeMs >= b.mtimeMs ? a : b), undefined);
}

function oldestFile(path: string): FileTime | undefined {
  return filesUnder(path).reduce<FileTime | undefined>((a, b) => (a && a.mtimeMs <= b.mtimeMs ? a : b), undefined);
}

/** Where electron's install script puts the binary, when it is there. */
export function electronBinary(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const folder = electronPackage(root);
  const pathFile = join(folder, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(env.ELECTRON_OVERRIDE_DIST_PATH ?? join(folder, 'dist'), readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

function electronPackage(root: string): string {
  return dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
}

/** Where @electron/get keeps downloaded Electron zips (electron_config_cache overrides it). */
export function electronCacheFolder(env: NodeJS.ProcessEnv = process.env): string {
  if (env.electron_config_cache) return env.electron_config_cache;
  switch (process.platform) {
    case 'win32':
      return '%LOCALAPPDATA%\\electron\\Cache';
    case 'darwin':
      return '~/Library/Caches/electron';
    default:
      return '~/.cache/electron';
  }
}

export interface StartPlan {
  build: StalePart[];
  electron: { version: string; action: 'present' | 'download' };
  sqlite: { action: 'up to date' | 'stage from cache' | 'fetch'; folder: string; cached: string };
}

export function planStart(root: string, env: NodeJS.ProcessEnv = process.env): StartPlan {
  const target = projectTarget(root);
  const folder = nativeFolder({ appRoot: root, isPackaged: false });
  const cached = cachedBuildFile(cacheRoot(root, env), target);
  return {
    build: staleSteps(root),
    electron: { version: target.electron, action: electronBinary(root, env) ? 'present' : 'download' },
    sqlite: {
      action: isStaged(folder, target) ? 'up to date' : existsSync(cached) ? 'stage from cache' : 'fetch',
      folder,
      cached,
    },
  };
}

export function describePlan(root: string, plan: StartPlan): string[] {
  return [
    ...(plan.build.length === 0 ? ['build: up to date'] : plan.build.map((part) => `build: npm run ${part.script} (${part.reason})`)),
    plan.electron.action === 'present'
      ? `electron: ${plan.electron.version} present`
      : `electron: download Electron ${plan.electron.version} (needs the network once)`,
    plan.sqlite.action === 'up to date'
      ? `sqlite for electron: up to date in ${relative(root, plan.sqlite.folder)}`
      : plan.sqlite.action === 'stage from cache'
        ? `sqlite for electron: copy ${plan.sqlite.cached} to ${relative(root, plan.sqlite.folder)}`
        : 'sqlite for electron: fetch a prebuilt build or compile one against Electron\'s headers (needs the network once)',
    'then: electron .',
  ];
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Print the decisions only. */
  plan?: boolean;
  /** Start the app once everything is here (false: stop there, for packaging and tests). */
  launch?: boolean;
  out?: Log;
  err?: Log;
}

/** Run `npm start` for the project at `root`; resolves to the exit code. */
export async function start(root: string, options: StartOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const out = options.out ?? ((line) => console.log(line));
  const err = options.err ?? ((line) => console.error(line));
  const plan = planStart(root, env);
  if (options.plan) {
    for (const line of describePlan(root, plan)) out(line);
    return 0;
  }

  for (const part of plan.build) {
    out(`Building: npm run ${part.script} (${part.reason})`);
    const run = spawnSync('npm', ['run', part.script, '--silent'], { cwd: root, env, stdio: 'inherit', shell: process.platform === 'win32' });
    if (run.status !== 0) {
      err(`npm run ${part.script} failed (${run.error ? firstLine(run.error) : `exit ${run.status}`}); its output is above.`);
      return 1;
    }
  }

  // Both are tried, so one start reports everything that is missing.
  const missing: MissingPiece[] = [];
  if (plan.electron.action === 'download') {
    const piece = downloadElectron(root, plan.electron.version, env, out);
    if (piece) missing.push(piece);
  }
  try {
    await ensureStaged(root, plan.sqlite.folder, projectTarget(root), { env, log: out });
  } catch (error) {
    if (!(error instanceof MissingPiece)) throw error;
    missing.push(error);
  }
  if (missing.length > 0) {
    err(describeMissing(missing));
    return 1;
  }
  const binary = electronBinary(root, env);
  if (!binary) {
    err(describeMissing([electronMissing(plan.electron.version, env, 'its install script finished but the binary is not there')]));
    return 1;
  }
  if (options.launch === false) return 0;
  return launch(binary, root, env, err);
}

function downloadElectron(root: string, version: string, env: NodeJS.ProcessEnv, out: Log): MissingPiece | undefined {
  out(`Downloading Electron ${version} (once; it is cached in ${electronCacheFolder(env)})...`);
  const run = spawnSync(process.execPath, [join(electronPackage(root), 'install.js')], { cwd: root, env, encoding: 'utf8' });
  if (run.status === 0 && electronBinary(root, env)) return undefined;
  const output = `${run.stderr ?? ''}\n${run.stdout ?? ''}`;
  const reason = run.error ? firstLine(run.error) : firstLine(output.replace(/^\s*at .*$/gm, ''));
  return electronMissing(version, env, `the download failed (${reason}).`);
}

function electronMissing(version: string, env: NodeJS.ProcessEnv, why: string): MissingPiece {
  const zip = `electron-v${version}-${process.platform}-${process.arch}.zip`;
  return new MissingPiece(`Electron ${version}`, `${why} The first start needs the network once.`, [
    'node node_modules/electron/install.js   (with network access; ELECTRON_MIRROR picks a mirror)',
    `air-gapped: copy ${zip} from the Electron cache of a connected machine (${electronCacheFolder(env)}, in a folder of its own) into the same place here, then run the command above`,
  ]);
}

function launch(binary: string, root: string, env: NodeJS.ProcessEnv, err: Log): Promise<number> {
  return new Promise((done) => {
    // ELECTRON_RUN_AS_NODE in the caller's environment would start Node instead of the app.
    const { ELECTRON_RUN_AS_NODE: _runAsNode, ...appEnv } = env;
    const child = spawn(binary, [root, ...process.argv.slice(2).filter((arg) => arg !== '--plan')], { cwd: root, env: appEnv, stdio: 'inherit' });
    child.on('error', (error) => {
      err(`Electron could not be started (${firstLine(error)}): ${binary}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  process.exitCode = await start(root, { plan: process.argv.includes('--plan') });
}
