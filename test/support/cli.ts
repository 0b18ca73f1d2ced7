/** The `loupe` command line run in-process, its output captured. */
import { PassThrough } from 'node:stream';
import { main } from '../../main/cli';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** `loupe <args> --home <home>` (`help` takes no home): exit code, standard output and standard error. */
export async function runCli(home: string, ...args: string[]): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (chunk: Buffer) => (chunks.out += chunk.toString()));
  err.on('data', (chunk: Buffer) => (chunks.err += chunk.toString()));
  const code = await main([...args, ...(args[0] === 'help' ? [] : ['--home', home])], { out, err });
  return { code, ...chunks };
}
