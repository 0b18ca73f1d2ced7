/**
 * Picks the compiled SQLite module the app opens its database with. Under Electron that is the
 * Electron build in the app's `native/` folder (dist/native in a checkout, staged by `npm start`;
 * resources/native in an installed app, staged by packaging), checked against the stamp written
 * beside it. When it is missing or made for another Electron, the app says so and tries
 * node_modules' own build, which loads only if someone rebuilt it for Electron; otherwise opening
 * the database fails with SqliteBindingError and the app shows `missingBindingMessage`.
 * Imports no Electron, so the choice runs in plain Node tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINDING_FILE, BINDING_STAMP, betterSqlite3Version, type BindingStamp } from '../db';

/** The command that fetches or compiles the Electron build in a checkout. */
export const FETCH_COMMAND = 'npm run native:electron';

export interface NativeFolderOptions {
  /** app.getAppPath(): the checkout, or resources/app.asar in an installed app. */
  appRoot: string;
  isPackaged: boolean;
  /** process.resourcesPath (installed app only). */
  resourcesPath?: string;
}

/** Where the app looks for its Electron-ABI native modules. */
export function nativeFolder(options: NativeFolderOptions): string {
  return options.isPackaged && options.resourcesPath
    ? join(options.resourcesPath, 'native')
    : join(options.appRoot, 'dist', 'native');
}

export interface SqliteChoice {
  /** The Electron build to open the database with; undefined: node_modules' own build. */
  nativeBinding: string | undefined;
  /** Where the Electron build was looked for. */
  expected: string;
  /** Why the Electron build is not used although the app runs under Electron (logged at start-up). */
  warning?: string;
}

export interface ChooseSqliteOptions {
  /** The app's native folder (`nativeFolder`). */
  folder: string;
  /** process.versions by default; `electron` set means the app runs under Electron. */
  versions?: NodeJS.ProcessVersions;
  platform?: string;
  arch?: string;
  /** Whether this is an installed app (the fix is then to reinstall, not a command in a checkout). */
  isPackaged?: boolean;
}

export function chooseSqliteBinding(options: ChooseSqliteOptions): SqliteChoice {
  const versions = options.versions ?? process.versions;
  const expected = join(options.folder, BINDING_FILE);
  const electron = versions.electron;
  if (!electron) return { nativeBinding: undefined, expected };
  const problem = stampProblem(options.folder, {
    electron,
    betterSqlite3: betterSqlite3Version() ?? 'unknown',
    platform: options.platform ?? process.platform,
    arch: options.arch ?? process.arch,
  });
  if (!problem) return { nativeBinding: expected, expected };
  return {
    nativeBinding: undefined,
    expected,
    warning: `${problem}; trying the build in node_modules, which loads only if it was rebuilt for Electron. ${fixHint(options.isPackaged)}`,
  };
}

/**
 * What the start-up dialog says when no SQLite module would load: what is missing and how to get it,
 * in the system's language (the database holding Loupe's own language setting is what failed to open).
 */
export function missingBindingMessage(choice: SqliteChoice, electron: string, isPackaged = false, language: 'en' | 'ko' = 'en'): string {
  if (language === 'ko') {
    return [
      `Electron ${electron}용 SQLite가 없습니다 (찾은 위치: ${choice.expected}).`,
      isPackaged
        ? 'Loupe를 다시 설치하세요. 설치 프로그램에 Electron용 빌드가 들어 있습니다.'
        : `네트워크에 연결된 상태에서 \`${FETCH_COMMAND}\`(또는 이를 실행하는 \`npm start\`)를 한 번 실행하세요.`,
    ].join('\n');
  }
  return [`SQLite for Electron ${electron} is not available (looked for ${choice.expected}).`, fixHint(isPackaged)].join('\n');
}

/** The start-up failure dialog's title. */
export function startFailedTitle(language: 'en' | 'ko' = 'en'): string {
  return language === 'ko' ? 'Loupe를 시작할 수 없습니다' : 'Loupe could not start';
}

function fixHint(isPackaged = false): string {
  return isPackaged
    ? 'Reinstall Loupe: its installer carries the Electron build.'
    : `Run \`${FETCH_COMMAND}\` (or \`npm start\`, which runs it) once with network access.`;
}

/** Why the build in `folder` does not fit `wanted`, or undefined when it does. */
function stampProblem(folder: string, wanted: BindingStamp): string | undefined {
  const file = join(folder, BINDING_FILE);
  const stampFile = join(folder, BINDING_STAMP);
  if (!existsSync(file)) return `SQLite for Electron ${wanted.electron} is missing (${file})`;
  if (!existsSync(stampFile)) return `${file} has no ${BINDING_STAMP} saying what it was built for`;
  let stamp: Partial<BindingStamp>;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Partial<BindingStamp>;
  } catch (error) {
    return `${stampFile} is unreadable (${error instanceof Error ? error.message : String(error)})`;
  }
  const mismatches = (Object.keys(wanted) as (keyof BindingStamp)[])
    .filter((key) => stamp[key] !== wanted[key])
    .map((key) => `${key} ${stamp[key] ?? '?'} (needs ${wanted[key]})`);
  return mismatches.length > 0 ? `${file} was built for ${mismatches.join(', ')}` : undefined;
}
