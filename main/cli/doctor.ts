/**
 * `loupe doctor`: the DescribeSystem operation, printed for a person — runtimes, SQLite's builds and
 * the one in use, ONNX Runtime's providers and the one in use, the home folder and free disk — with
 * the command that fixes whatever is missing. `--endpoint-url` asks a running Loupe (the app or
 * `loupe serve`) about itself; `--output json` prints the operation's output as it is.
 */
import { parseArgs } from 'node:util';
import type { SystemReport } from '../../preload/contract';
import { openLoupe } from '../api';
import { EXIT_SERVICE, UsageError } from './args';
import type { Io } from './index';
import { invokeRemote, signingKeys } from './remote';

/** Less free space than this on the home's disk is worth a warning: models, caches and logs live there. */
const LOW_DISK_BYTES = 2 * 1024 ** 3;

export async function doctorCommand(words: string[], io: Io): Promise<number> {
  let values: { home?: string; output?: string; 'endpoint-url'?: string; profile?: string };
  try {
    ({ values } = parseArgs({
      args: words,
      options: { home: { type: 'string' }, output: { type: 'string' }, 'endpoint-url': { type: 'string' }, profile: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.output !== undefined && values.output !== 'json' && values.output !== 'text') {
    throw new UsageError('--output takes json or text');
  }
  const loupe = openLoupe({ home: values.home });
  try {
    const result = values['endpoint-url']
      ? await invokeRemote(values['endpoint-url'], await signingKeys(loupe.ctx.credentials, values.profile), loupe.ctx.credentials.Region, 'DescribeSystem', {})
      : await loupe.invoke('DescribeSystem', {});
    if (!result.ok) {
      io.err.write(`An error occurred (${result.error.code}) when calling the DescribeSystem operation: ${result.error.message}\n`);
      return EXIT_SERVICE;
    }
    const report = result.value as SystemReport;
    if (values.output === 'json') {
      io.out.write(`${JSON.stringify(report, null, 4)}\n`);
      return 0;
    }
    const { lines, problems } = describeReport(report);
    io.out.write(`${lines.join('\n')}\n`);
    if (problems.length > 0) io.out.write(`\nProblems:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
    return problems.length > 0 ? 1 : 0;
  } finally {
    loupe.close();
  }
}

/** The report as lines for a terminal, and what needs fixing (a reason to exit 1). */
export function describeReport(report: SystemReport): { lines: string[]; problems: string[] } {
  const problems: string[] = [];
  const runtime = report.Runtime;
  const lines = [
    `Runtime      Node ${runtime.Node}${runtime.Electron ? `, Electron ${runtime.Electron}` : ''} (${runtime.Platform} ${runtime.Arch})`,
    `SQLite       in use: the ${report.Sqlite.InUse === 'electron' ? 'Electron' : 'Node'} build`,
  ];
  for (const build of report.Sqlite.Builds) {
    const state = build.Present ? (build.InUse ? 'present, in use' : 'present') : 'missing';
    lines.push(`  ${build.Kind.padEnd(10)} ${state}  ${build.File}${build.BuiltFor ? `  (${build.BuiltFor})` : ''}`);
    if (!build.Present && build.Kind === 'electron' && !runtime.Electron) {
      lines.push('             the desktop app needs it: `npm start` or `npm run native:electron` fetches it');
    }
    if (!build.Present && build.InUse) problems.push(`the SQLite build in use is missing: ${build.File}`);
  }
  const providers = report.ExecutionProviders;
  lines.push(`Providers    in use: ${providers.InUse}; tried in order: ${providers.Ladder.join(', ')}`);
  for (const rung of providers.FellBack) lines.push(`  ${rung.Provider.padEnd(10)} unavailable: ${rung.Reason}`);
  lines.push(`  known      ${providers.Known.map((known) => `${known.Name}${known.Bundled ? '' : ' (installed separately)'}`).join(', ')}`);
  if (providers.Cuda) {
    lines.push(`  cuda       ${providers.Cuda.Present ? 'installed' : 'not installed'}  ${providers.Cuda.Library}`);
    if (!providers.Cuda.Present) lines.push('             for an NVIDIA GPU: `npm run gpu:cuda` installs it (see README, "GPU on Linux")');
  }
  const home = report.Home;
  const access = [home.Readable ? 'readable' : 'NOT readable', home.Writable ? 'writable' : 'NOT writable'].join(', ');
  lines.push(`Home         ${home.Path}  ${home.Exists ? `${access}${home.Mode ? `, mode ${home.Mode}` : ''}` : 'does not exist yet'}`);
  if (home.Exists && (!home.Readable || !home.Writable)) problems.push(`the home folder must be readable and writable by you: ${home.Path}`);
  lines.push(`Disk         ${gib(report.Disk.FreeBytes)} free of ${gib(report.Disk.TotalBytes)}  (${report.Disk.Path})`);
  if (report.Disk.FreeBytes < LOW_DISK_BYTES) problems.push(`less than ${gib(LOW_DISK_BYTES)} free on the home folder's disk`);
  return { lines, problems };
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
