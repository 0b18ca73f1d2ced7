/**
 * A real `loupe serve` per test, on a free port over a temp home, so every test starts from an
 * empty workspace and tests can run in parallel.
 */
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const START_TIMEOUT_MS = 20_000;

export interface LoupeServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The printed URL with `#token=…`: opens the UI signed in. */
  url: string;
  token: string;
  accessKeyId: string;
  secretAccessKey: string;
  home: string;
  /** Calls an operation over HTTP as the web UI does (session token). */
  call(target: string, input: unknown): Promise<unknown>;
}

export const test = base.extend<{ loupe: LoupeServer }>({
  // Playwright reads a fixture's dependencies from this pattern; this one depends on nothing.
  // eslint-disable-next-line no-empty-pattern
  loupe: async ({}, use) => {
    const home = await mkdtemp(path.join(tmpdir(), 'loupe-ui-'));
    const child = spawn(process.execPath, ['main/cli/bin.mjs', 'serve', '--port', '0', '--home', home], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const printed = await readStartup(child);
      const url = new URL(printed.url);
      const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
      const origin = url.origin;
      await use({
        origin,
        url: printed.url,
        token,
        accessKeyId: printed.accessKeyId,
        secretAccessKey: printed.secretAccessKey,
        home,
        async call(target, input) {
          const response = await fetch(`${origin}/`, {
            method: 'POST',
            headers: {
              'X-Amz-Target': target,
              'Content-Type': 'application/x-amz-json-1.1',
              Authorization: `Bearer ${token}`,
            },
            body: JSON.stringify(input),
          });
          const body: unknown = await response.json();
          if (!response.ok) throw new Error(`${target} failed: ${JSON.stringify(body)}`);
          return body;
        },
      });
    } finally {
      await stop(child);
      await rm(home, { recursive: true, force: true });
    }
  },
});

export { expect };

interface Startup {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Everything printed up to then. */
  printed: string;
}

/** A `loupe serve` of the spec's own (e.g. with `--kiosk-model`); `stop()` ends it. */
export async function startServe(home: string, args: readonly string[]): Promise<Startup & { stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['main/cli/bin.mjs', 'serve', '--port', '0', '--home', home, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    return { ...(await readStartup(child)), stop: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

/** Reads stdout until the URL and both keys are printed. */
function readStartup(child: ChildProcess): Promise<Startup> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`loupe serve did not start in ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`${error.message}\nstdout:\n${out}\nstderr:\n${err}`));
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /https?:\/\/\S+/.exec(out)?.[0];
      const accessKeyId = /^AccessKeyId=(\S+)$/m.exec(out)?.[1];
      const secretAccessKey = /^SecretAccessKey=(\S+)$/m.exec(out)?.[1];
      if (url && accessKeyId && secretAccessKey) {
        clearTimeout(timer);
        resolve({ url, accessKeyId, secretAccessKey, printed: out });
      }
    });
    child.once('exit', (code) => fail(new Error(`loupe serve exited with ${code}`)));
    child.once('error', (error) => fail(error));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The cell of `row` under the column headed `column` (found by its header's position). */
export async function cellOf(page: Page, row: Locator, column: string): Promise<Locator> {
  const headers = await page.getByRole('columnheader').allInnerTexts();
  const index = headers.findIndex((text) => text.trim() === column);
  if (index < 0) throw new Error(`No column "${column}" in ${JSON.stringify(headers)}`);
  return row.getByRole('cell').nth(index);
}
