/**
 * `loupe import` (a folder into a dataset, with progress, Ctrl-C cancels) and `loupe detect`
 * (images through a running model, which lives in the app or `loupe serve`).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Job } from '../../preload/contract';
import { openLoupe } from '../api';
import { waitForJob } from '../jobs';
import { EXIT_SERVICE, UsageError } from './args';
import type { Io } from './index';
import { invokeRemote, signingKeys } from './remote';


function parse<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(words: string[], options: T, positionals = false) {
  try {
    return parseArgs({ args: words, options, strict: true, allowPositionals: positionals });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export async function importCommand(words: string[], io: Io): Promise<number> {
  const { values } = parse(words, {
    'dataset-arn': { type: 'string' },
    folder: { type: 'string' },
    'no-auto-label': { type: 'boolean', default: false },
    home: { type: 'string' },
  });
  if (!values['dataset-arn'] || !values.folder) throw new UsageError('import needs --dataset-arn and --folder');
  const loupe = openLoupe({ home: values.home });
  try {
    const started = await loupe.invoke('ImportFolder', {
      DatasetArn: values['dataset-arn'],
      Folder: resolve(values.folder),
      AutoLabel: !values['no-auto-label'],
    });
    if (!started.ok) {
      io.err.write(`An error occurred (${started.error.code}) when calling the ImportFolder operation: ${started.error.message}\n`);
      return EXIT_SERVICE;
    }
    const { JobId } = started.value as { JobId: number };
    const cancel = () => void loupe.invoke('CancelJob', { JobId });
    process.once('SIGINT', cancel);
    const off = loupe.ctx.events.on('JobProgressed', (job) => {
      if (job.JobId === JobId) io.err.write(`\r${progressLine(job)}`);
    });
    const job = await waitForJob(loupe.ctx, JobId);
    off();
    process.off('SIGINT', cancel);
    io.err.write(`\r${progressLine(job)}\n`);
    const described = await loupe.invoke('DescribeDataset', { DatasetArn: values['dataset-arn'] });
    if (described.ok) io.out.write(`${JSON.stringify(described.value, null, 4)}\n`);
    return job.Status === 'succeeded' ? 0 : EXIT_SERVICE;
  } finally {
    loupe.close();
  }
}

function progressLine(job: Job): string {
  const count = job.Total ? `${job.Done ?? 0}/${job.Total}` : '';
  const rate = job.Rate ? `${job.Rate.toFixed(0)}/s` : '';
  const eta = job.EtaSeconds !== undefined && job.Status === 'running' ? `ETA ${Math.ceil(job.EtaSeconds)} s` : '';
  return [job.Status, job.Phase, count, rate, eta, job.Status !== 'running' ? job.Message : ''].filter(Boolean).join('  ');
}

export async function detectCommand(words: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    words,
    {
      'project-version-arn': { type: 'string' },
      'min-confidence': { type: 'string' },
      'max-results': { type: 'string' },
      'endpoint-url': { type: 'string', default: 'http://127.0.0.1:7800' },
      profile: { type: 'string' },
      home: { type: 'string' },
    },
    true,
  );
  if (!values['project-version-arn'] || positionals.length === 0) {
    throw new UsageError('detect needs --project-version-arn and at least one image');
  }
  const minConfidence = values['min-confidence'] === undefined ? undefined : Number(values['min-confidence']);
  const maxResults = values['max-results'] === undefined ? undefined : Number(values['max-results']);
  if (minConfidence !== undefined && !Number.isFinite(minConfidence)) throw new UsageError('--min-confidence must be a number 0–100');
  if (maxResults !== undefined && !Number.isInteger(maxResults)) throw new UsageError('--max-results must be a whole number');
  const loupe = openLoupe({ home: values.home });
  try {
    let failed = false;
    const results: { Image: string; CustomLabels?: unknown; Error?: unknown }[] = [];
    const keys = await signingKeys(loupe.ctx.credentials, values.profile);
    for (const image of positionals) {
      const bytes = await readFile(image);
      const result = await invokeRemote(values['endpoint-url'], keys, loupe.ctx.credentials.Region, 'DetectCustomLabels', {
        ProjectVersionArn: values['project-version-arn'],
        Image: { Bytes: bytes.toString('base64') },
        ...(minConfidence === undefined ? {} : { MinConfidence: minConfidence }),
        ...(maxResults === undefined ? {} : { MaxResults: maxResults }),
      });
      if (result.ok) results.push({ Image: image, ...(result.value as { CustomLabels: unknown }) });
      else {
        failed = true;
        results.push({ Image: image, Error: result.error });
      }
    }
    io.out.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 4)}\n`);
    return failed ? EXIT_SERVICE : 0;
  } finally {
    loupe.close();
  }
}
