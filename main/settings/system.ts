/**
 * DescribeSystem: what this machine has for running Loupe and what is in use — runtimes, SQLite's
 * two builds, ONNX Runtime's execution providers (a one-node model is loaded to find the one in
 * use), the home folder and the disk it is on. `loupe doctor` prints it; Settings shows it.
 */
import { accessSync, constants, existsSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { probeProviders } from '../../native/ort';
import type { OutputOf, SqliteBuild } from '../../preload/contract';
import type { Context } from '../core/context';
import { BINDING_STAMP, bindingOf, nodeBindingFile, type BindingStamp } from '../db';

export async function describeSystem(ctx: Context): Promise<OutputOf<'DescribeSystem'>> {
  const providers = await probeProviders();
  return {
    Runtime: {
      Node: process.versions.node,
      ...(process.versions.electron ? { Electron: process.versions.electron } : {}),
      Platform: process.platform,
      Arch: process.arch,
    },
    Sqlite: describeSqlite(ctx),
    ExecutionProviders: {
      Ladder: providers.ladder,
      InUse: providers.inUse,
      FellBack: providers.fellBack.map((rung) => ({ Provider: rung.provider, Reason: rung.reason })),
      Known: providers.known.map((backend) => ({ Name: backend.name, Bundled: backend.bundled })),
      ...(providers.cuda ? { Cuda: { Library: providers.cuda.library, Present: providers.cuda.present } } : {}),
    },
    Home: describeHome(ctx.home),
    Disk: describeDisk(ctx.home),
  };
}

function describeSqlite(ctx: Context): OutputOf<'DescribeSystem'>['Sqlite'] {
  const inUse = bindingOf(ctx.db);
  const builds: SqliteBuild[] = [];
  const node = nodeBindingFile();
  if (node) builds.push({ Kind: 'node', File: node, Present: existsSync(node), InUse: inUse?.kind === 'node' });
  const electron = inUse?.electronBuild;
  if (electron) {
    const builtFor = readStamp(join(dirname(electron), BINDING_STAMP));
    builds.push({
      Kind: 'electron',
      File: electron,
      Present: existsSync(electron),
      InUse: inUse?.kind === 'electron',
      ...(builtFor ? { BuiltFor: builtFor } : {}),
    });
  }
  return { InUse: inUse?.kind ?? 'node', Builds: builds };
}

function readStamp(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const stamp = JSON.parse(readFileSync(file, 'utf8')) as Partial<BindingStamp>;
    return `electron ${stamp.electron}, better-sqlite3 ${stamp.betterSqlite3}, ${stamp.platform} ${stamp.arch}`;
  } catch (error) {
    return `unreadable stamp (${error instanceof Error ? error.message : String(error)})`;
  }
}

function describeHome(home: string): OutputOf<'DescribeSystem'>['Home'] {
  const can = (mode: number): boolean => {
    try {
      accessSync(home, mode);
      return true;
    } catch {
      // Not permitted (or absent): that is the answer.
      return false;
    }
  };
  const exists = existsSync(home);
  return {
    Path: home,
    Exists: exists,
    Readable: exists && can(constants.R_OK),
    Writable: exists && can(constants.W_OK),
    ...(exists && process.platform !== 'win32' ? { Mode: (statSync(home).mode & 0o777).toString(8).padStart(3, '0') } : {}),
  };
}

function describeDisk(home: string): OutputOf<'DescribeSystem'>['Disk'] {
  // The nearest existing folder: a home about to be made is on its parent's disk.
  let path = home;
  while (!existsSync(path) && dirname(path) !== path) path = dirname(path);
  const disk = statfsSync(path);
  return { Path: path, FreeBytes: disk.bavail * disk.bsize, TotalBytes: disk.blocks * disk.bsize };
}
