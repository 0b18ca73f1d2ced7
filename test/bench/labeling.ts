/**
 * Labeling 200 images with the keyboard in Chromium against `loupe serve` on a temp home: a number
 * key assigns a label and auto-advance opens the next image. Measured in the page: from the key
 * press (the event's timestamp) to the arrival of the answer of the AssignImageLabels call it
 * caused, i.e. the edit saved. Target: p95 < 50 ms. Also: images per minute at that pace.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import type { LoupeServer } from '../renderer/fixtures';
import { aLabelingDataset, listEntries } from '../renderer/labelingSetup';
import config from '../renderer/playwright.config';
import { percentile } from './index';

const IMAGES = Number(process.env.LOUPE_BENCH_LABEL_IMAGES ?? 200);
const LABELS = ['ok', 'scratch', 'dent'];
const repoRoot = path.resolve(import.meta.dirname, '../..');

interface Served {
  server: LoupeServer;
  child: ChildProcess;
}

async function serve(home: string): Promise<Served> {
  const child = spawn(process.execPath, ['main/cli/bin.mjs', 'serve', '--port', '0', '--home', home], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`loupe serve did not start:\n${out}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /https?:\/\/\S+/.exec(out)?.[0];
      if (found && /^SecretAccessKey=/m.test(out)) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => reject(new Error(`loupe serve exited with ${code}:\n${out}`)));
  });
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  const origin = parsed.origin;
  const server: LoupeServer = {
    origin,
    url,
    token,
    accessKeyId: '',
    secretAccessKey: '',
    home,
    async call(target, input) {
      const response = await fetch(`${origin}/`, {
        method: 'POST',
        headers: { 'X-Amz-Target': target, 'Content-Type': 'application/x-amz-json-1.1', Authorization: `Bearer ${token}` },
        body: JSON.stringify(input),
      });
      const body: unknown = await response.json();
      if (!response.ok) throw new Error(`${target} failed: ${JSON.stringify(body)}`);
      return body;
    },
  };
  return { server, child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * In the page: when each number key went down, and when each AssignImageLabels answer arrived,
 * both on the page's clock. "Arrived" is the network's responseEnd (Resource Timing) — when the
 * backend had saved the edit and said so — and "handled" is when the page's code saw it, which
 * also waits for whatever the page was busy with (showing the next image).
 */
function instrument(): void {
  const marks = { keys: [] as number[], sent: [] as number[], handled: [] as number[] };
  (window as unknown as { __labelingBench: typeof marks }).__labelingBench = marks;
  performance.setResourceTimingBufferSize(100_000);
  window.addEventListener(
    'keydown',
    (event) => {
      if (/^Digit[1-9]$/.test(event.code)) marks.keys.push(event.timeStamp);
    },
    true,
  );
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const isSave = headers['X-Amz-Target']?.endsWith('.AssignImageLabels') === true;
    if (isSave) marks.sent.push(performance.now());
    const response = await original(input, init);
    if (isSave) marks.handled.push(performance.now());
    return response;
  };
}

/** In the page, after the run: when each save's answer arrived (Resource Timing's responseEnd). */
function arrivals(sent: number[]): number[] {
  const fetches = performance
    .getEntriesByType('resource')
    .filter((entry) => (entry as PerformanceResourceTiming).initiatorType === 'fetch') as PerformanceResourceTiming[];
  return sent.map((start) => {
    let best: PerformanceResourceTiming | undefined;
    for (const entry of fetches) {
      if (entry.startTime < start - 1) continue;
      if (!best || entry.startTime < best.startTime) best = entry;
    }
    return best && best.responseEnd > 0 ? best.responseEnd : Number.NaN;
  });
}

export async function benchLabeling(): Promise<Record<string, string | number>[]> {
  if (!existsSync(path.join(repoRoot, 'dist/renderer/index.html'))) {
    spawnSync('npm', ['run', 'build:renderer', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  }
  const home = await mkdtemp(path.join(tmpdir(), 'loupe-bench-labeling-'));
  const { server, child } = await serve(home);
  const launch = config.use?.launchOptions ?? {};
  const browser = await chromium.launch({
    ...launch,
    executablePath: process.env.CHROMIUM_PATH ?? launch.executablePath ?? '/usr/bin/chromium',
  });
  try {
    const images = Array.from({ length: IMAGES }, (_, i) => ({ name: `part-${String(i).padStart(4, '0')}.jpg`, width: 640, height: 480 }));
    const dataset = await aLabelingDataset(server, 'bench-labeling', images, LABELS);
    const page = await browser.newPage({ viewport: config.use?.viewport ?? { width: 1360, height: 860 } });
    await page.addInitScript(instrument);
    await page.goto(dataset.url('view=image&i=0'));
    await page.getByText(`1 of ${IMAGES}`).waitFor();
    await page.locator('img.lab-canvas__image.is-loaded').waitFor();

    const started = performance.now();
    for (let i = 0; i < IMAGES; i++) {
      const answered = page.waitForResponse((response) => response.request().headers()['x-amz-target']?.endsWith('.AssignImageLabels') === true);
      await page.keyboard.press(String((i % LABELS.length) + 1));
      await answered;
      // Auto-advance: the next image is open before the next key.
      if (i + 1 < IMAGES) await page.getByText(`${i + 2} of ${IMAGES}`).waitFor();
    }
    const seconds = (performance.now() - started) / 1000;
    const marks = await page.evaluate(
      () => (window as unknown as { __labelingBench: { keys: number[]; sent: number[]; handled: number[] } }).__labelingBench,
    );
    const arrivedAt = await page.evaluate(arrivals, marks.sent);
    const since = (times: number[]) => times.map((time, i) => time - (marks.keys[i] ?? time)).filter((ms) => Number.isFinite(ms));
    const arrived = since(arrivedAt);
    const handled = since(marks.handled);
    const sent = since(marks.sent);
    const labelled = (await listEntries(server, dataset.datasetArn)).filter((entry) => entry.Labels.length > 0).length;
    return [
      {
        bench: `Labeling ${IMAGES} images, number key + auto-advance, Chromium against loupe serve`,
        saves: arrived.length,
        'labelled after': labelled,
        'p50 ms key→saved': percentile(arrived, 50),
        'p95 ms key→saved': percentile(arrived, 95),
        'target p95 ms': 50,
        'p95 ms key→request sent': percentile(sent, 95),
        'p95 ms key→page saw it': percentile(handled, 95),
        'images/min': (IMAGES / seconds) * 60,
      },
    ];
  } finally {
    await browser.close();
    await stop(child);
    await rm(home, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  benchLabeling().then(
    (rows) => console.log(rows),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
