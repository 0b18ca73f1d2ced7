/**
 * Which compiled SQLite module opens the database. better-sqlite3 compiles itself for Node's ABI
 * at install (NODE_MODULE_VERSION 115 on Node 20), which `npm test`, the CLI and `loupe serve`
 * need; Electron loads only modules built for its own ABI (150 for Electron 45). So node_modules
 * keeps the Node build, and a second build for Electron sits in a `native/` folder beside the app
 * (dist/native in a checkout, resources/native in an installed app), staged by `npm start` and by
 * packaging (scripts/nativeBinding.ts). The caller says which one to use (main/app, under Electron);
 * this module only loads it and remembers, per database, which file that was.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** The file name of both builds: better-sqlite3's own name, so its `nativeBinding` option takes the path as it is. */
export const BINDING_FILE = 'better_sqlite3.node';
/** Written beside the Electron build: which Electron, better-sqlite3, platform and CPU it was made for. */
export const BINDING_STAMP = 'better_sqlite3.json';

export interface BindingStamp {
  electron: string;
  betterSqlite3: string;
  platform: string;
  arch: string;
}

export type BindingKind = 'node' | 'electron';

/** The module a database was opened with. */
export interface BindingInUse {
  kind: BindingKind;
  /** The .node file; undefined when better-sqlite3's package cannot be resolved. */
  file: string | undefined;
  /** Where the Electron build is (or would be), when the caller said. */
  electronBuild?: string | undefined;
}

/** A native module that could not be loaded (built for another ABI, another CPU, or missing). */
export class SqliteBindingError extends Error {
  constructor(
    readonly kind: BindingKind,
    readonly file: string | undefined,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(`SQLite's native module (${kind} build${file ? `, ${file}` : ''}) could not be loaded: ${reason}`, { cause });
    this.name = 'SqliteBindingError';
  }
}

// A CommonJS bundle (the app) has an empty import.meta and its own require.
const here = (import.meta as { url?: string }).url;
const localRequire: NodeJS.Require = here ? createRequire(here) : require;

/** better-sqlite3's package folder, or undefined when it cannot be resolved (never inside a healthy install). */
export function betterSqlite3Folder(): string | undefined {
  try {
    return dirname(localRequire.resolve('better-sqlite3/package.json'));
  } catch {
    // A bundle without the package beside it: the caller reports the build as absent.
    return undefined;
  }
}

/** The Node build node_modules holds (where better-sqlite3's install puts it). */
export function nodeBindingFile(): string | undefined {
  const folder = betterSqlite3Folder();
  return folder ? join(folder, 'build', 'Release', BINDING_FILE) : undefined;
}

/** The better-sqlite3 version installed, as the stamp records it. */
export function betterSqlite3Version(): string | undefined {
  const folder = betterSqlite3Folder();
  if (!folder) return undefined;
  return (localRequire(join(folder, 'package.json')) as { version: string }).version;
}

/**
 * Load the native module at `file` (an absolute .node path). Throws SqliteBindingError naming the file
 * when it is missing or was built for another runtime.
 */
export function loadBinding(kind: BindingKind, file: string): object {
  const path = resolve(file);
  if (!existsSync(path)) throw new SqliteBindingError(kind, path, new Error('the file does not exist'));
  try {
    return localRequire(path) as object;
  } catch (error) {
    throw new SqliteBindingError(kind, path, error);
  }
}

/** Whether an error from opening a database is really the default native module failing to load. */
export function isBindingLoadFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === 'ERR_DLOPEN_FAILED' ||
    /NODE_MODULE_VERSION|Could not locate the bindings file|invalid ELF header|not a valid Win32 application|wrong ELF class|mach-o/i.test(error.message)
  );
}
