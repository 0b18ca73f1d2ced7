/**
 * `loupe usage`: DescribeUsage per version and UTC day (running hours, inference-unit hours,
 * images analysed, errors) as JSON, an aligned table, or CSV.
 */
import { parseArgs } from 'node:util';
import type { Usage } from '../../preload/contract';
import { openLoupe } from '../api';
import { EXIT_SERVICE, UsageError } from './args';
import type { Io } from './index';
import { invokeRemote, signingKeys } from './remote';

const COLUMNS = ['ProjectVersionArn', 'Day', 'RunningHours', 'InferenceUnitHours', 'ImagesAnalysed', 'Errors'] as const;

export async function usageCommand(words: string[], io: Io): Promise<number> {
  let values: { 'project-arn'?: string; 'project-version-arn'?: string; output?: string; 'endpoint-url'?: string; profile?: string; home?: string };
  try {
    ({ values } = parseArgs({
      args: words,
      options: {
        'project-arn': { type: 'string' },
        'project-version-arn': { type: 'string' },
        output: { type: 'string', default: 'json' },
        'endpoint-url': { type: 'string' },
        profile: { type: 'string' },
        home: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const output = values.output ?? 'json';
  if (output !== 'json' && output !== 'table' && output !== 'csv') throw new UsageError(`--output ${output} is not supported; use json, table or csv`);
  const input = {
    ...(values['project-arn'] ? { ProjectArn: values['project-arn'] } : {}),
    ...(values['project-version-arn'] ? { ProjectVersionArn: values['project-version-arn'] } : {}),
  };
  const loupe = openLoupe({ home: values.home });
  try {
    const endpoint = values['endpoint-url'];
    const result = endpoint
      ? await invokeRemote(endpoint, await signingKeys(loupe.ctx.credentials, values.profile), loupe.ctx.credentials.Region, 'DescribeUsage', input)
      : await loupe.invoke('DescribeUsage', input);
    if (!result.ok) {
      io.err.write(`An error occurred (${result.error.code}) when calling the DescribeUsage operation: ${result.error.message}\n`);
      return EXIT_SERVICE;
    }
    const usage = result.value as Usage;
    if (output === 'json') io.out.write(`${JSON.stringify(usage, null, 4)}\n`);
    else if (output === 'csv') io.out.write(toCsv(usage));
    else io.out.write(toTable(usage));
    return 0;
  } finally {
    loupe.close();
  }
}

function cells(usage: Usage): string[][] {
  return usage.Days.map((day) => COLUMNS.map((column) => String(day[column])));
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function toCsv(usage: Usage): string {
  const field = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return [COLUMNS.join(','), ...cells(usage).map((row) => row.map(field).join(','))].map((line) => `${line}\r\n`).join('');
}

function toTable(usage: Usage): string {
  const rows = [[...COLUMNS], ...cells(usage)];
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row.map((cell, column) => (column >= 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  const body = rows.length === 1 ? ['(no usage recorded)'] : rows.slice(1).map(line);
  return `${[line(rows[0]!), widths.map((width) => '-'.repeat(width)).join('  '), ...body].join('\n')}\n`;
}
