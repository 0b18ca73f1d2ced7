/**
 * SQLite for Electron, beside node_modules' Node build. better-sqlite3 compiles for Node's ABI at
 * install; the app needs a build for Electron's (main/db/binding.ts says why). This module gets one
 * with @electron/rebuild — a prebuilt download for Electron's version, platform and CPU where
 * better-sqlite3 publishes one, otherwise a compile against Electron's headers — in a work folder
 * of its own, never in node_modules. Builds are cached per better-sqlite3 + Electron + platform +
 * CPU (`.cache/native`, or LOUPE_NATIVE_CACHE), and copied with a stamp into the app's native folder:
 * dist/native for `npm start`, resources/native in an installer (scripts/afterPack.mjs).
 *
 *   node --import tsx scripts/nativeBinding.ts      (npm run native:electron) fetches and stages for this machine
 *
 * Offline overrides, as the tools themselves read them: npm_config_better_sqlite3_binary_host
 * (prebuilt downloads), ELECTRON_REBUILD_DIST_URL (Electron's headers).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FETCH_COMMAND, nativeFolder } from '../main/app/sqliteBinding';
import { BINDING_FILE, BINDING_STAMP, type BindingStamp } from '../main/db/binding';
import { describeMissing, MissingPiece } from './missing';

export { FETCH_COMMAND };

export type Log = (line: string) => void;

/** The versions a build is made for, read from the project's node_modules. */
export function projectTarget(root: string, platform: string = process.platform, arch: string = process.arch): BindingStamp {
  const require = createRequire(join(root, 'package.json'));
  const version = (name: string): string => (require(`${name}/package.json`) as { version: string }).version;
  return { electron: version('electron'), betterSqlite3: version('better-sqlite3'), platform, arch };
}

export function cacheRoot(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.LOUPE_NATIVE_CACHE ? resolve(env.LOUPE_NATIVE_CACHE) : join(root, '.cache', 'native');
}

/** The cached build for `target`: `<cache>/better-sqlite3-<v>-electron-<v>-<platform>-<arch>/better_sqlite3.node`. */
export function cachedBuildFile(cache: string, target: BindingStamp): string {
  const key = `better-sqlite3-${target.betterSqlite3}-electron-${target.electron}-${target.platform}-${target.arch}`;
  return join(cache, key, BINDING_FILE);
}

/** Whether `folder` already holds the build for `target` (file present, stamp equal). */
export function isStaged(folder: string, target: BindingStamp): boolean {
  const stampFile = join(folder, BINDING_STAMP);
  if (!existsSync(join(folder, BINDING_FILE)) || !existsSync(stampFile)) return false;
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Partial<BindingStamp>;
    return (Object.keys(target) as (keyof BindingStamp)[]).every((key) => stamp[key] === target[key]);
  } catch {
    // An unreadable stamp is as good as none: the build is staged again.
    return false;
  }
}

/** Copy a cached build and its stamp into the app's native folder. */
export function stageBuild(file: string, folder: string, target: BindingStamp): void {
  mkdirSync(folder, { recursive: true });
  copyFileSync(file, join(folder, BINDING_FILE));
  writeFileSync(join(folder, BINDING_STAMP), `${JSON.stringify(target, null, 2)}\n`);
}

/** Compilers and tools node-gyp reports missing, and what installs them. */
const TOOLCHAIN = /not found: (make|g\+\+|c\+\+|cc|gcc|python)|find (any )?Python|No Xcode or CLT|xcode-select|Could not find any Visual Studio|`make` failed|command not found/i;
const TOOLCHAIN_FIX: Record<string, string> = {
  linux: 'sudo apt-get install build-essential python3   (or your distribution\'s C++ compiler, make and Python 3)',
  darwin: 'xcode-select --install',
  win32: 'install Visual Studio Build Tools with "Desktop development with C++", and Python 3',
};

/**
 * Make the build for `target` and return its cached file: the cache first, then @electron/rebuild
 * (prebuilt download, else compile; compiling only for this machine's platform). Throws MissingPiece.
 */
export async function fetchBuild(root: string, target: BindingStamp, options: { env?: NodeJS.ProcessEnv; log?: Log } = {}): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const cached = cachedBuildFile(cacheRoot(root, env), target);
  if (existsSync(cached)) return cached;

  const what = `SQLite for Electron ${target.electron} (better-sqlite3 ${target.betterSqlite3}, ${target.platform} ${target.arch})`;
  const work = join(dirname(cached), 'work');
  const source = dirname(createRequire(join(root, 'package.json')).resolve('better-sqlite3/package.json'));
  rmSync(work, { recursive: true, force: true });
  const moduleFolder = join(work, 'node_modules', 'better-sqlite3');
  // The package's sources without its Node build; its build tools resolve from the project's node_modules.
  for (const entry of ['package.json', 'binding.gyp', 'lib', 'src', 'deps']) {
    cpSync(join(source, entry), join(moduleFolder, entry), { recursive: true });
  }
  const prebuildInstall = dirname(createRequire(join(source, 'package.json')).resolve('prebuild-install/package.json'));
  symlinkSync(prebuildInstall, join(work, 'node_modules', 'prebuild-install'), 'junction');
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'loupe-native', private: true, dependencies: { 'better-sqlite3': target.betterSqlite3 } }));

  log(`Getting ${what}: a prebuilt download, or else a compile against Electron's headers (needs network once; a compile takes minutes)...`);
  // In a plain Node process: @electron/rebuild forks node-gyp with this process's flags, and a loader
  // given to this process does not resolve from the work folder.
  const request = { buildPath: work, electronVersion: target.electron, platform: target.platform, arch: target.arch };
  const args = [fileURLToPath(new URL('electronRebuild.mjs', import.meta.url)), JSON.stringify(request)];
  const run = spawnSync(process.execPath, args, { cwd: work, env: { ...env }, encoding: 'utf8' });
  const output = `${run.stdout ?? ''}\n${run.stderr ?? ''}`;
  if (run.error || run.status !== 0) {
    rmSync(work, { recursive: true, force: true });
    throw missingBuild(what, target, run.error ? run.error.message : output);
  }
  const built = join(moduleFolder, 'build', 'Release', BINDING_FILE);
  if (!existsSync(built)) throw missingBuild(what, target, `@electron/rebuild finished without ${built}`);
  mkdirSync(dirname(cached), { recursive: true });
  copyFileSync(built, cached);
  rmSync(work, { recursive: true, force: true });
  log(`Cached ${cached}`);
  return cached;
}

/** What a failed rebuild's output says went wrong: the toolchain, or the network. */
function missingBuild(what: string, target: BindingStamp, output: string): MissingPiece {
  const crossPlatform = target.platform !== process.platform;
  const toolchain = crossPlatform ? undefined : output.split('\n').find((line) => TOOLCHAIN.test(line));
  if (toolchain) {
    return new MissingPiece(what, `no prebuilt download could be had, and compiling one needs a C++ toolchain (${toolchain.trim().replace(ANSI_COLOUR, '')}).`, [
      TOOLCHAIN_FIX[process.platform] ?? 'install a C++ compiler, make and Python 3',
      `${FETCH_COMMAND}   (with network access: Electron's headers are downloaded once)`,
    ]);
  }
  const reason = failureLine(output);
  return new MissingPiece(
    what,
    crossPlatform
      ? `no prebuilt download could be fetched, and it cannot be compiled on ${process.platform} (${reason}).`
      : `neither a prebuilt download nor Electron's headers could be fetched (${reason}). The first start needs the network once.`,
    [
      `${FETCH_COMMAND}   (with network access)`,
      `air-gapped: copy ${cachedBuildFile('.cache/native', target)} from a prepared checkout into the same place here`,
    ],
  );
}

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const NETWORK = /network connectivity|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|fetch failed|bad port|getaddrinfo/i;

/** The most telling line of a rebuild's output: no network, else node-gyp's own error, else the last line. */
function failureLine(output: string): string {
  if (NETWORK.test(output)) return 'no network connection to the download hosts';
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line.length > 0 && !line.startsWith('at '));
  const telling = lines.find((line) => /^(\w*Error\b|gyp ERR! (stack )?(Error|find))|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|not found:/i.test(line));
  return (telling ?? lines.at(-1) ?? 'no output').replace(ANSI_COLOUR, '').slice(0, 300);
}

/** Make sure `folder` holds the build for `target`; returns what was done. Throws MissingPiece. */
export async function ensureStaged(
  root: string,
  folder: string,
  target: BindingStamp,
  options: { env?: NodeJS.ProcessEnv; log?: Log } = {},
): Promise<'up to date' | 'staged'> {
  if (isStaged(folder, target)) return 'up to date';
  stageBuild(await fetchBuild(root, target, options), folder, target);
  return 'staged';
}

/** `npm run native:electron`: fetch and stage the build for this machine into dist/native. */
async function main(): Promise<void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const target = projectTarget(root);
  try {
    const done = await ensureStaged(root, nativeFolder({ appRoot: root, isPackaged: false }), target, { log: (line) => console.log(line) });
    console.log(`SQLite for Electron ${target.electron}: ${done} (dist/native/${BINDING_FILE})`);
  } catch (error) {
    if (!(error instanceof MissingPiece)) throw error;
    console.error(describeMissing([error]));
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
