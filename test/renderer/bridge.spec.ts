import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * Inside Electron the renderer talks to `window.loupe` instead of HTTP. A small in-page fake of
 * the bridge (the preload's shape: envelopes, `on` returning an unsubscribe) stands in for main.
 */
const distDir = path.resolve(import.meta.dirname, '../../dist/renderer');
const ORIGIN = 'http://loupe.test';
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

test.beforeEach(async ({ page }) => {
  await page.route(`${ORIGIN}/**`, async (route) => {
    const pathname = new URL(route.request().url()).pathname;
    const file = path.join(distDir, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(distDir)) return route.fulfill({ status: 403 });
    try {
      await route.fulfill({ body: await readFile(file), contentType: types[path.extname(file)] ?? 'application/octet-stream' });
    } catch {
      await route.fulfill({ status: 404 });
    }
  });
  await page.addInitScript(() => {
    type Listener = (payload: unknown) => void;
    const listeners = new Map<string, Set<Listener>>();
    const projects: { ProjectName: string; ProjectArn: string; CreationTimestamp: number }[] = [];
    let language = 'en';
    const emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((listener) => listener(payload));
    const ok = (value: unknown) => Promise.resolve({ ok: true, value });
    const fail = (code: string, message: string) => Promise.resolve({ ok: false, error: { code, message } });
    const summary = (project: (typeof projects)[number]) => ({ ...project, Status: 'CREATED', VersionCount: 0, Datasets: [] });
    const handlers: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {
      GetSettings: () => ok({ Language: language }),
      UpdateSettings: (input) => {
        language = String(input.Language);
        emit('SettingsChanged', { Language: language });
        return ok({ Language: language });
      },
      GetAppInfo: () => ok({ Name: 'Loupe', Version: '9.9.9', Versions: {}, Platform: 'test', Home: '/home' }),
      ListProjectSummaries: () => ok({ Projects: projects.map(summary) }),
      CreateProject: (input) => {
        const name = String(input.ProjectName);
        if (projects.some((project) => project.ProjectName === name)) {
          return fail('ResourceAlreadyExistsException', `A project named ${name} already exists.`);
        }
        const ms = Date.now();
        const arn = `arn:aws:rekognition:us-east-1:000000000000:project/${name}/${ms}`;
        projects.push({ ProjectName: name, ProjectArn: arn, CreationTimestamp: ms / 1000 });
        emit('ResourcesChanged', { ResourceArns: [arn] });
        return ok({ ProjectArn: arn });
      },
    };
    const bridge = {
      call: (name: string, input: unknown) =>
        handlers[name]?.((input ?? {}) as Record<string, unknown>) ?? fail('UnknownOperationException', `No ${name} here.`),
      on: (event: string, listener: Listener) => {
        const set = listeners.get(event) ?? new Set<Listener>();
        listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      },
    };
    Object.assign(window, { loupe: bridge, emitLoupeEvent: emit });
  });
});

test('inside Electron the bridge carries operations, errors and events', async ({ page }) => {
  await page.goto(`${ORIGIN}/index.html`);
  await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
  // No sessions inside the app.
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await expect(page.getByText('Version 9.9.9')).toBeVisible();

  await page.getByRole('button', { name: 'Create project' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create project' });
  await dialog.getByLabel('Project name').fill('bridge-project');
  await dialog.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'bridge-project' })).toBeVisible();
  await page.getByRole('link', { name: 'Projects' }).first().click();
  await expect(page.getByRole('row', { name: 'bridge-project' })).toBeVisible();

  await page.getByRole('button', { name: 'Create project' }).click();
  await dialog.getByLabel('Project name').fill('bridge-project');
  await dialog.getByRole('button', { name: 'Create project' }).click();
  await expect(dialog.getByRole('alert')).toContainText('ResourceAlreadyExistsException');
  await page.keyboard.press('Escape');

  // Another window changed the language: this one follows.
  await page.evaluate(() => (window as unknown as { emitLoupeEvent: (e: string, p: unknown) => void }).emitLoupeEvent('SettingsChanged', { Language: 'ko' }));
  await expect(page.getByRole('heading', { level: 1, name: '프로젝트' })).toBeVisible();
});
