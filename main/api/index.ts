/**
 * Loupe's core, ready for a transport: `openLoupe({home})` opens the home folder (database,
 * credentials, log) and returns `invoke` and the event bus. Electron IPC, the HTTP server and
 * the CLI each start from here.
 */
import { readFileSync } from 'node:fs';
import { LOCAL_ACCOUNT } from '../arn';
import { openDatabase } from '../db';
import { homePaths, loadOrCreateCredentials, resolveHome } from '../home';
import { configureLogFile, releaseLogFile } from '../log';
import { abortAllJobs, recoverJobs } from '../jobs';
import { recoverInterruptedDatasets } from '../datasets';
import type { Context } from './context';
import { invoke } from './dispatcher';
import { EventBus } from './events';

export type { Context } from './context';
export { EventBus } from './events';
export { invoke, call, describeIssues } from './dispatcher';

export interface Loupe {
  ctx: Context;
  invoke(name: string, input: unknown): ReturnType<typeof invoke>;
  close(): void;
}

export interface OpenLoupeOptions {
  /** The Loupe home; LOUPE_HOME or the default when absent. */
  home?: string;
  /** Extra runtime versions for About (Electron adds electron/chrome). */
  versions?: Record<string, string>;
  now?: () => number;
}

export function loupeVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function openLoupe(options: OpenLoupeOptions = {}): Loupe {
  const home = resolveHome(options.home);
  const paths = homePaths(home);
  configureLogFile(paths.log);
  const credentials = loadOrCreateCredentials(home);
  const db = openDatabase(paths.database);
  const ctx: Context = {
    db,
    home,
    identity: { region: credentials.Region, account: LOCAL_ACCOUNT },
    credentials,
    events: new EventBus(),
    now: options.now ?? Date.now,
    // The Electron bundle is CommonJS, where import.meta is empty: it passes its version in.
    versions: { loupe: options.versions?.loupe ?? loupeVersion(), node: process.versions.node, ...options.versions },
  };
  recoverJobs(ctx, () => undefined);
  recoverInterruptedDatasets(ctx);
  return {
    ctx,
    invoke: (name, input) => invoke(ctx, name, input),
    close: () => {
      abortAllJobs(ctx);
      db.close();
      releaseLogFile(paths.log);
    },
  };
}
