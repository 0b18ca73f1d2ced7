/**
 * `npm run bench`: speed and memory of Loupe's hot paths on this machine, printed as tables.
 * Each bench runs on a fresh temporary home and cleans up after itself. Choose some with
 * `npm run bench -- import api`.
 */
import { benchApi } from './api';
import { benchDetection } from './detection';
import { benchImport } from './import';
import { benchTraining } from './training';

const benches: Record<string, () => Promise<Record<string, string | number>[]>> = {
  api: benchApi,
  import: benchImport,
  training: benchTraining,
  detection: benchDetection,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  benches.watch = (await import('./watch')).benchWatcher;
  benches.labeling = (await import('./labeling')).benchLabeling;
  benches.serving = (await import('./serving')).benchServing;
  for (const [name, run] of Object.entries(benches)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    process.stdout.write(`\n## ${name}\n\n`);
    const rows = await run();
    process.stdout.write(`${table(rows)}\n`);
  }
}

export function table(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '(no rows)';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: string | number | undefined) =>
    typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(2)) : (value ?? '');
  const lines = [columns, columns.map(() => '---'), ...rows.map((row) => columns.map((c) => cell(row[c])))];
  return lines.map((line) => `| ${line.join(' | ')} |`).join('\n');
}

/** Peak resident memory while `fn` runs, sampled every 20 ms. */
export async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakRssMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakRssMiB: peak / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
