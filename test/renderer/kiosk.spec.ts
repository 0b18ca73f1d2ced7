/**
 * Issue #16: the kiosk link of `loupe serve --kiosk-model <arn>`. A kiosk browser opens the printed
 * link and gets that one model's kiosk screen, analyses with it, and can reach nothing else; the
 * link works once; the token sits in an HttpOnly cookie the page cannot read; leaving takes the
 * PIN and ends the kiosk. And the PIN pad locks after five wrong PINs (English and Korean).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { classFolder } from '../support/classes';
import { expect, startServe, test, type LoupeServer } from './fixtures';
import { dropFiles, LOUPE, REKOGNITION, waitForDatasets } from './screens';

type Call = (target: string, input: unknown) => Promise<unknown>;

function callerOf(url: string): Call {
  const { origin, hash } = new URL(url);
  const token = new URLSearchParams(hash.slice(1)).get('token') ?? '';
  return async (target, input) => {
    const response = await fetch(`${origin}/`, {
      method: 'POST',
      headers: { 'X-Amz-Target': target, 'Content-Type': 'application/x-amz-json-1.1', Authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    });
    const body: unknown = await response.json();
    if (!response.ok) throw new Error(`${target} failed: ${JSON.stringify(body)}`);
    return body;
  };
}

async function waitForStatus(call: Call, ProjectArn: string, wanted: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { ProjectVersionDescriptions } = (await call(`${REKOGNITION}.DescribeProjectVersions`, { ProjectArn })) as {
      ProjectVersionDescriptions: { ProjectVersionArn: string; Status: string; StatusMessage?: string }[];
    };
    const version = ProjectVersionDescriptions[0]!;
    if (version.Status === wanted) return version.ProjectVersionArn;
    if (version.Status.endsWith('FAILED')) throw new Error(`${version.Status}: ${version.StatusMessage}`);
    if (Date.now() > deadline) throw new Error(`still ${version.Status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** What the page's own origin answers to an operation sent with the kiosk cookie only. */
function callFromPage(page: Page, target: string, input: unknown): Promise<{ status: number; type: string | undefined }> {
  return page.evaluate(
    async ([target, input]) => {
      const response = await fetch('/', {
        method: 'POST',
        headers: { 'X-Amz-Target': target as string, 'Content-Type': 'application/x-amz-json-1.1' },
        body: JSON.stringify(input),
      });
      const body = (await response.json()) as { __type?: string };
      return { status: response.status, type: body.__type };
    },
    [target, input] as const,
  );
}

test.describe('a kiosk link', () => {
  test.describe.configure({ timeout: 180_000 });

  test('opens one model’s kiosk once, analyses with it, reaches nothing else, and ends with the PIN', async ({ page, browser }) => {
    const home = await mkdtemp(path.join(tmpdir(), 'loupe-ui-kiosk-'));
    const root = await mkdtemp(path.join(tmpdir(), 'loupe-ui-kiosk-images-'));
    let server = await startServe(home, []);
    try {
      // A model trained through the API of a first start of Loupe.
      let call = callerOf(server.url);
      const trainDir = await classFolder(path.join(root, 'train'), 8, 0);
      const testDir = await classFolder(path.join(root, 'test'), 4, 100);
      const { ProjectArn } = (await call(`${REKOGNITION}.CreateProject`, { ProjectName: 'line' })) as { ProjectArn: string };
      const datasets: string[] = [];
      for (const [type, folder] of [['TRAIN', trainDir], ['TEST', testDir]] as const) {
        const { DatasetArn } = (await call(`${REKOGNITION}.CreateDataset`, { ProjectArn, DatasetType: type })) as { DatasetArn: string };
        await call(`${LOUPE}.ImportFolder`, { DatasetArn, Folder: folder });
        datasets.push(DatasetArn);
      }
      await waitForDatasets({ call } as LoupeServer, datasets, [16, 8]);
      await call(`${REKOGNITION}.CreateProjectVersion`, { ProjectArn, VersionName: 'v1' });
      const modelArn = await waitForStatus(call, ProjectArn, 'TRAINING_COMPLETED', 120_000);
      await call(`${REKOGNITION}.CreateProject`, { ProjectName: 'other' });
      await call(`${LOUPE}.SetKioskPin`, { Pin: '2468' });
      await server.stop();

      // The shop-floor start: a link for the kiosk of that one model.
      server = await startServe(home, ['--kiosk-model', modelArn]);
      call = callerOf(server.url);
      const kioskUrl = /^Kiosk=(\S+)$/m.exec(server.printed)?.[1];
      expect(kioskUrl).toMatch(/\/#kiosk-code=[\w-]{20,}$/);
      await call(`${REKOGNITION}.StartProjectVersion`, { ProjectVersionArn: modelArn, MinInferenceUnits: 1 });
      await waitForStatus(call, ProjectArn, 'RUNNING', 60_000);

      await page.goto(kioskUrl!);
      const kiosk = page.getByTestId('kiosk');
      await expect(kiosk).toContainText('Waiting for images');
      await expect(page).toHaveURL(/#\/kiosk\/line\/v1$/);
      // The code left the address bar; the token is in a cookie the page cannot read.
      const cookies = await page.context().cookies();
      expect(cookies.map((cookie) => [cookie.name, cookie.httpOnly, cookie.sameSite])).toEqual([['loupe-kiosk', true, 'Strict']]);
      expect(await page.evaluate(() => document.cookie)).toBe('');
      expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain(cookies[0]!.value);

      // It analyses with its model.
      await dropFiles(page, kiosk, [{ name: 'part-1.jpg', bytes: await readFile(path.join(testDir, 'stripes', '102.jpg')), type: 'image/jpeg' }]);
      await expect(page.getByTestId('kiosk-verdict')).toHaveText('stripes', { timeout: 30_000 });

      // Nothing else: not the credentials, not another project, not another operation on its model.
      for (const [target, input] of [
        [`${LOUPE}.GetApiCredentials`, {}],
        [`${REKOGNITION}.DescribeProjects`, {}],
        [`${REKOGNITION}.DescribeProjects`, { ProjectNames: ['other'] }],
        [`${REKOGNITION}.StopProjectVersion`, { ProjectVersionArn: modelArn }],
        [`${REKOGNITION}.DeleteProject`, { ProjectArn }],
        [`${LOUPE}.SetKioskPin`, {}],
        [`${LOUPE}.ListJobs`, {}],
      ] as const) {
        expect(await callFromPage(page, target, input), target).toEqual({ status: 403, type: 'AccessDeniedException' });
      }
      const images = await page.evaluate(async () => (await fetch('/images/1/thumb')).status);
      expect(images).toBe(403);
      // Other routes of the app lead back to the kiosk.
      await page.goto(new URL('/#/projects/other', server.url).href);
      await expect(page).toHaveURL(/#\/kiosk\/line\/v1$/);
      await expect(kiosk).toBeVisible();

      // The link works once: a second browser that opens it is refused and offered the sign-in form.
      const other = await browser.newContext();
      try {
        const second = await other.newPage();
        await second.goto(kioskUrl!);
        await expect(second.getByText('This kiosk link cannot be used')).toBeVisible();
        await expect(second.getByRole('heading', { level: 1 })).toBeVisible();
        expect(await other.cookies()).toEqual([]);
      } finally {
        await other.close();
      }

      // Leaving takes the PIN, then ends the kiosk: the cookie is gone and the page asks for keys.
      await kiosk.getByRole('button', { name: 'Exit' }).click();
      const pad = page.getByRole('dialog', { name: 'Leave the kiosk' });
      await page.keyboard.type('1111');
      await page.keyboard.press('Enter');
      await expect(pad.getByTestId('pin-error')).toHaveText('Wrong PIN. 4 tries left before the keypad locks.');
      await page.keyboard.type('2468');
      await page.keyboard.press('Enter');
      await expect(page.getByLabel('Access key ID')).toBeVisible();
      expect(await page.context().cookies()).toEqual([]);
      expect(await callFromPage(page, `${REKOGNITION}.DetectCustomLabels`, { ProjectVersionArn: modelArn, Image: { Bytes: 'AA==' } })).toMatchObject({ status: 403 });
    } finally {
      await server.stop();
      await rm(home, { recursive: true, force: true });
      await rm(root, { recursive: true, force: true });
    }
  });
});

test.describe('the kiosk PIN pad', () => {
  test('locks after five wrong PINs and says for how long, in English and Korean', async ({ page, loupe }) => {
    // A model version from a package: the kiosk screen and its pad need no running model.
    const folder = path.join(await mkdtemp(path.join(tmpdir(), 'loupe-ui-package-')), 'p.v1');
    await mkdir(folder, { recursive: true });
    const model = Buffer.from('the bytes of a model');
    await writeFile(path.join(folder, 'model.onnx'), model);
    await writeFile(
      path.join(folder, 'loupe-model.json'),
      JSON.stringify({
        format: 1,
        model: 'model.onnx',
        sha256: createHash('sha256').update(model).digest('hex'),
        sourceProjectVersionArn: 'arn:aws:rekognition:us-east-1:000000000000:project/p/version/v1/1',
        f1Score: null,
        executionProvider: null,
        files: ['model.onnx'],
        evaluationSummary: null,
        trainingSeconds: null,
      }),
    );
    const { ProjectArn } = (await loupe.call(`${REKOGNITION}.CreateProject`, { ProjectName: 'pads' })) as { ProjectArn: string };
    await loupe.call(`${LOUPE}.ImportModelPackage`, { ProjectArn, VersionName: 'v1', Folder: folder });
    await loupe.call(`${LOUPE}.SetKioskPin`, { Pin: '2468' });

    await page.goto(loupe.url);
    await page.goto(`${loupe.origin}/#/kiosk/pads/v1`);
    await page.getByTestId('kiosk').getByRole('button', { name: 'Exit' }).click();
    const pad = page.getByRole('dialog', { name: 'Leave the kiosk' });
    for (let left = 4; left >= 0; left--) {
      await page.keyboard.type('1111');
      await page.keyboard.press('Enter');
      if (left > 0) await expect(pad.getByTestId('pin-error')).toContainText(`${left} ${left === 1 ? 'try' : 'tries'} left`);
    }
    await expect(pad.getByTestId('pin-error')).toHaveText(/^Too many wrong PINs\. Try again in (30|29|28) s\.$/);
    await expect(pad.getByRole('button', { name: '2', exact: true })).toBeDisabled();
    // The lock is the backend's: the right PIN is refused too, and a reload does not lift it.
    await page.reload();
    await page.getByTestId('kiosk').getByRole('button', { name: 'Exit' }).click();
    await page.keyboard.type('2468');
    await page.keyboard.press('Enter');
    await expect(pad.getByTestId('pin-error')).toHaveText(/^Too many wrong PINs\. Try again in \d+ s\.$/);
    await loupe.call(`${LOUPE}.UpdateSettings`, { Language: 'ko' });
    // The pad follows the language (its title too, so the error is found by its test id).
    await expect(page.getByTestId('pin-error')).toHaveText(/^잘못된 PIN을 너무 많이 입력했습니다\. \d+초 후에 다시 시도하세요\.$/);
  });
});
