/**
 * Loupe's core, ready for a transport: `openLoupe({home})` opens the home folder (database,
 * credentials, log) and returns `invoke` and the event bus. Electron IPC, the HTTP server and
 * the CLI each start from here.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_ACCOUNT } from '../arn';
import { BINDING_FILE, openDatabase } from '../db';
import { homePaths, loadOrCreateCredentials, resolveHome, tightenHome } from '../home';
import { configureLogFile, releaseLogFile } from '../log';
import { abortAllJobs, recoverJobs } from '../jobs';
import { recoverInterruptedDatasets } from '../datasets';
import { recoverInterruptedTraining } from '../training';
import { ensureDefaultOutputBucket } from '../models/output';
import { recoverInterruptedVersions } from '../models';
import { recoverInterruptedProjects } from '../projects';
import { sweepLeftovers } from '../buckets';
import { closeRunningModels } from '../models/runtime';
import { startWatchers, stopWatchers } from '../watch';
import type { Engine } from '../engine/engine';
import { createProcessEngine } from '../engine/processEngine';
import type { BackboneDownloadOptions, Context } from '../core/context';
import { invoke } from './dispatcher';
import { EventBus } from '../core/events';

export type { Context } from '../core/context';
export { EventBus } from '../core/events';
export { invoke, call, describeIssues } from './dispatcher';
export { stopWatchers } from '../watch';

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
  /**
   * Watch every persisted watched folder, each compared with its dataset first (the app and
   * `loupe serve`; one-shot commands leave it off). WatchFolder starts its own watcher either way.
   */
  watch?: boolean;
  /** The compute engine for training and analysis (default: ONNX Runtime with the built backbones). */
  engine?: Engine;
  /** Where the built backbones are; dist/models of this checkout by default (the app passes its own). */
  modelsDir?: string;
  /**
   * The compiled SQLite module to open the database with (an absolute .node path): the app passes
   * the Electron build it chose (main/app/sqliteBinding.ts); absent, the Node build in node_modules.
   */
  sqliteBinding?: string;
  /** Where the app's Electron build of SQLite is expected (reported by DescribeSystem); dist/native beside modelsDir by default. */
  electronSqliteBuild?: string;
  /** Downloadable backbones: another catalogue, a mirror, a timeout (default: the pinned ones, LOUPE_BACKBONE_MIRROR). */
  backboneDownloads?: BackboneDownloadOptions;
  /** Incomplete S3 multipart uploads are aborted this long after they started (default 7 days). */
  abandonUploadsAfterMs?: number;
}

/** How often a long-running Loupe sweeps what interrupted S3 writes left (it also does at start-up). */
const SWEEP_EVERY_MS = 3600_000;

function defaultModelsDir(): string {
  // A CommonJS bundle (the Electron app) has an empty import.meta: it passes modelsDir instead.
  const here = (import.meta as { url?: string }).url;
  return here ? fileURLToPath(new URL('../../dist/models', here)) : join(process.cwd(), 'dist', 'models');
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
  const modelsDir = options.modelsDir ?? defaultModelsDir();
  const db = openDatabase(paths.database, {
    ...(options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {}),
    electronBuild: options.electronSqliteBuild ?? join(dirname(modelsDir), 'native', BINDING_FILE),
  });
  tightenHome(home);
  const ctx: Context = {
    db,
    home,
    identity: { region: credentials.Region, account: LOCAL_ACCOUNT },
    credentials,
    events: new EventBus(),
    now: options.now ?? Date.now,
    engine: options.engine ?? createProcessEngine({ modelsDir, registeredDir: join(home, 'backbones') }),
    modelsDir,
    ...(options.backboneDownloads ? { backboneDownloads: options.backboneDownloads } : {}),
    // The Electron bundle is CommonJS, where import.meta is empty: it passes its version in.
    versions: { loupe: options.versions?.loupe ?? loupeVersion(), node: process.versions.node, ...options.versions },
  };
  recoverJobs(ctx, () => undefined);
  recoverInterruptedDatasets(ctx);
  ensureDefaultOutputBucket(ctx);
  recoverInterruptedTraining(ctx);
  recoverInterruptedVersions(ctx);
  recoverInterruptedProjects(ctx);
  const sweep = () => sweepLeftovers(ctx, options.abandonUploadsAfterMs === undefined ? {} : { abandonAfterMs: options.abandonUploadsAfterMs });
  sweep();
  const sweeper = setInterval(sweep, SWEEP_EVERY_MS);
  sweeper.unref();
  if (options.watch) startWatchers(ctx);
  return {
    ctx,
    invoke: (name, input) => invoke(ctx, name, input),
    close: () => {
      // Watchers stop at once; their operating-system watches close a moment later. A transport
      // that must know they are closed awaits stopWatchers(ctx) before close().
      clearInterval(sweeper);
      void stopWatchers(ctx);
      void closeRunningModels(ctx);
      abortAllJobs(ctx);
      db.close();
      releaseLogFile(paths.log);
    },
  };
}
