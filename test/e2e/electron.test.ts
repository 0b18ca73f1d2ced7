/**
 * The Electron app itself, driven by Playwright's `_electron` against a temporary LOUPE_HOME.
 * Needs the Electron binary (node_modules/electron/dist, fetched by electron's install script);
 * without it the suite skips itself and says why. Before launching it does what `npm start` does
 * short of starting (scripts/start.ts): builds what is stale and stages SQLite for Electron.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ElectronApplication, Page } from '@playwright/test';
import type { Job, LoupeBridge, Result, SystemReport } from '../../preload/contract';
import { start } from '../../scripts/start';
import { classFolder } from '../support/classes';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP_MESSAGE =
  'Electron binary not installed (node_modules/electron/dist missing): skipping the Electron suite (window, IPC, SQLite for Electron, the open dialog, kiosk window); run it where `npm install` could fetch Electron';

/** The Electron executable, resolved the way the electron package does, without downloading. */
function electronBinary(): string | undefined {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const executable = readFileSync(pathFile, 'utf8').trim();
  const distFolder = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(root, 'node_modules', 'electron', 'dist');
  const binary = join(distFolder, executable);
  return existsSync(binary) ? binary : undefined;
}

/** What the page sees; evaluated in the renderer, so only the bridge and plain values cross. */
type PageGlobals = typeof globalThis & { loupe?: LoupeBridge; require?: unknown; process?: unknown };

const binary = electronBinary();

describe('the Electron app', { skip: binary ? false : SKIP_MESSAGE }, () => {
  let app: ElectronApplication;
  let page: Page;
  let home: string;

  before(async () => {
    const said: string[] = [];
    const ready = await start(root, { launch: false, out: (line) => said.push(line), err: (line) => said.push(line) });
    assert.equal(ready, 0, `the app could not be prepared:\n${said.join('\n')}`);
    home = mkdtempSync(join(tmpdir(), 'loupe-e2e-'));
    const { _electron } = await import('@playwright/test');
    const env = Object.fromEntries(
      Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    app = await _electron.launch({
      executablePath: binary,
      args: [root],
      cwd: root,
      env: { ...env, LOUPE_HOME: home },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  /** Call an operation through the page's bridge; fails the test on an error envelope. */
  async function call<T>(name: string, input: unknown): Promise<T> {
    const result = (await page.evaluate(([op, body]) => (globalThis as PageGlobals).loupe!.call(op, body), [name, input] as const)) as Result<T>;
    assert.ok(result.ok, `${name}: ${JSON.stringify(result)}`);
    return result.value;
  }

  async function until(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      assert.ok(Date.now() < deadline, 'timed out');
      await new Promise((done) => setTimeout(done, 500));
    }
  }

  after(async () => {
    await app?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('opens one window titled Loupe on the app:// origin', async () => {
    const titles = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.getTitle()));
    assert.equal(titles.length, 1);
    assert.match(titles[0] ?? '', /Loupe/);
    assert.match(page.url(), /^app:\/\/loupe\//);
  });

  it('gives the page window.loupe and no Node', async () => {
    const seen = await page.evaluate(() => {
      const g = globalThis as PageGlobals;
      return {
        loupe: typeof g.loupe,
        call: typeof g.loupe?.call,
        on: typeof g.loupe?.on,
        require: typeof g.require,
        process: typeof g.process,
      };
    });
    assert.deepEqual(seen, { loupe: 'object', call: 'function', on: 'function', require: 'undefined', process: 'undefined' });
  });

  it('runs an operation through IPC', async () => {
    const result = await page.evaluate(() =>
      (globalThis as PageGlobals).loupe!.call('CreateProject', { ProjectName: 'e2e' }),
    ) as Result<{ ProjectArn: string }>;
    assert.ok(result.ok, JSON.stringify(result));
    assert.match(result.value.ProjectArn, /^arn:aws:rekognition:[^:]+:\d+:project\/e2e\/\d+$/);
  });

  it('issue 15: answers the open dialog\'s choice to the page, by purpose, and refuses purposes it does not know', async () => {
    // The system's dialog cannot be clicked by a test: Electron's dialog.showOpenDialog is replaced
    // in the main process by one that records what it was asked and chooses a path.
    await app.evaluate(({ dialog }) => {
      const asked: unknown[] = [];
      (globalThis as { dialogAsked?: unknown[] }).dialogAsked = asked;
      dialog.showOpenDialog = (async (...args: unknown[]) => {
        const options = args[args.length - 1] as { properties?: string[] };
        asked.push(options);
        return { canceled: false, filePaths: [options.properties?.includes('openDirectory') ? '/data/parts' : '/data/train.manifest'] };
      }) as typeof dialog.showOpenDialog;
    });
    const pick = (purpose: string) =>
      page.evaluate((p) => (globalThis as PageGlobals).loupe!.pickPath!(p).then((path) => ({ path }), (error: Error) => ({ error: error.message })), purpose);
    assert.deepEqual(await pick('manifest'), { path: '/data/train.manifest' });
    assert.deepEqual(await pick('watchedFolder'), { path: '/data/parts' });
    const refused = await pick('anything');
    assert.ok('error' in refused && /Not something Loupe picks/.test(refused.error), JSON.stringify(refused));
    const asked = (await app.evaluate(() => (globalThis as { dialogAsked?: unknown[] }).dialogAsked)) as { properties: string[]; filters?: { extensions: string[] }[] }[];
    assert.equal(asked.length, 2, 'a refused purpose opens no dialog');
    assert.deepEqual(asked[0]!.properties, ['openFile']);
    assert.deepEqual(asked[0]!.filters?.[0]?.extensions, ['manifest', 'jsonl', 'json']);
    assert.deepEqual(asked[1]!.properties, ['openDirectory']);
  });

  it('opens its database with SQLite built for Electron', async () => {
    const result = await call<SystemReport>('DescribeSystem', {});
    assert.equal(result.Runtime.Electron, await app.evaluate(() => process.versions.electron));
    assert.equal(result.Sqlite.InUse, 'electron');
    assert.ok(result.Sqlite.Builds.some((build) => build.Kind === 'electron' && build.InUse && build.Present));
  });

  it('trains a tiny classifier from imported folders through IPC', { timeout: 600_000 }, async () => {
    const images = mkdtempSync(join(tmpdir(), 'loupe-e2e-images-'));
    try {
      await classFolder(join(images, 'train'), 6, 0);
      await classFolder(join(images, 'test'), 3, 50);
      const { ProjectArn } = await call<{ ProjectArn: string }>('CreateProject', { ProjectName: 'e2e-training' });
      for (const [type, folder] of [['TRAIN', 'train'], ['TEST', 'test']] as const) {
        const { DatasetArn } = await call<{ DatasetArn: string }>('CreateDataset', { ProjectArn, DatasetType: type });
        const { JobId } = await call<{ JobId: number }>('ImportFolder', { DatasetArn, Folder: join(images, folder) });
        await until(async () => {
          const { Jobs } = await call<{ Jobs: Job[] }>('ListJobs', {});
          const job = Jobs.find((candidate) => candidate.JobId === JobId);
          assert.ok(job && job.Status !== 'failed' && job.Status !== 'cancelled', JSON.stringify(job));
          return job.Status === 'succeeded';
        });
      }
      const { ProjectVersionArn } = await call<{ ProjectVersionArn: string }>('CreateProjectVersion', { ProjectArn, VersionName: 'v1' });
      await until(async () => {
        const { ProjectVersionDescriptions } = await call<{ ProjectVersionDescriptions: { ProjectVersionArn: string; Status: string; StatusMessage?: string }[] }>(
          'DescribeProjectVersions',
          { ProjectArn },
        );
        const version = ProjectVersionDescriptions.find((description) => description.ProjectVersionArn === ProjectVersionArn);
        assert.notEqual(version?.Status, 'TRAINING_FAILED', version?.StatusMessage);
        return version?.Status === 'TRAINING_COMPLETED';
      }, 540_000);
    } finally {
      rmSync(images, { recursive: true, force: true });
    }
  });

  it('refuses names the contract does not list', async () => {
    const refused = await page.evaluate(async () => {
      const loupe = (globalThis as PageGlobals).loupe!;
      const call = await loupe.call('RunShellCommand', {});
      let on = '';
      try {
        loupe.on('SomethingHappened', () => undefined);
      } catch (error) {
        on = (error as Error).message;
      }
      return { call, on };
    });
    assert.equal(refused.call.ok ? 'ok' : refused.call.error.code, 'UnknownOperationException');
    assert.match(refused.on, /Unknown Loupe event/);
  });

  // http, not https: an https link would (rightly) open in the user's browser.
  it('keeps the window on its own origin and opens no new windows', async () => {
    const denied = await page.evaluate(() => window.open('http://127.0.0.1:9/') === null);
    assert.ok(denied, 'window.open returned a window');
    await page.evaluate(() => {
      window.location.href = 'http://127.0.0.1:9/';
    });
    await new Promise((done) => setTimeout(done, 500));
    assert.match(page.url(), /^app:\/\/loupe\//);
    const count = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
    assert.equal(count, 1);
  });

  it('opens a kiosk route in a kiosk window of its own, which refuses other routes and closes only when its page asks', async () => {
    const refused = await page.evaluate(() =>
      (globalThis as PageGlobals).loupe!.openKiosk!('/settings').then(
        () => 'opened',
        (error: Error) => error.message,
      ),
    );
    assert.match(refused, /Not a kiosk route/);
    const kioskPage = app.waitForEvent('window');
    await page.evaluate(() => (globalThis as PageGlobals).loupe!.openKiosk!('/kiosk/e2e/e2e.v1'));
    const kiosk = await kioskPage;
    assert.match(kiosk.url(), /\?window=kiosk#\/kiosk\/e2e\/e2e\.v1$/);
    const state = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ kiosk: w.isKiosk(), title: w.getTitle() })));
    assert.equal(state.filter((w) => w.kiosk).length, 1);
    // Closing from outside is refused; the page's own request closes it.
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().find((w) => w.isKiosk())?.close());
    assert.equal(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length), 2);
    await kiosk.evaluate(() => (globalThis as PageGlobals).loupe!.closeKiosk!());
    await new Promise((done) => setTimeout(done, 300));
    assert.equal(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length), 1);
  });
});
