/** What the browser specs share: screenshots in both languages, waiting for datasets, dropping files, the Evaluate tiles, starting a model. */
import path from 'node:path';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { expect, type LoupeServer } from './fixtures';

export const REKOGNITION = 'RekognitionService';
export const LOUPE = 'LoupeService';

const screenshotDir = path.resolve(import.meta.dirname, '../../test-results/screenshots');

/**
 * `test-results/screenshots/<name>.png`, attached to the test. The whole page by default: the window
 * is made as tall as the page first (the side bar is sticky, and a full-page capture would leave it
 * behind), then put back; `wholePage: false` keeps the window as it is.
 */
export async function shot(page: Page, testInfo: TestInfo, name: string, options: { wholePage?: boolean } = {}): Promise<void> {
  const file = path.join(screenshotDir, `${name}.png`);
  const viewport = options.wholePage === false ? null : page.viewportSize();
  if (viewport) {
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: viewport.width, height: Math.min(3200, Math.max(viewport.height, height)) });
  }
  await page.screenshot({ path: file, style: '.ui-toasts { display: none !important; }', animations: 'disabled' });
  if (viewport) await page.setViewportSize(viewport);
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** `<name>-en` and `<name>-ko`: the same screen in English, then in Korean (the app's language setting), then back. */
export async function shootBoth(
  page: Page,
  loupe: LoupeServer,
  testInfo: TestInfo,
  name: string,
  koreanText?: string | RegExp,
  options: { wholePage?: boolean } = {},
): Promise<void> {
  await shot(page, testInfo, `${name}-en`, options);
  await loupe.call(`${LOUPE}.UpdateSettings`, { Language: 'ko' });
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  if (koreanText) await expect(page.getByText(koreanText).first()).toBeVisible();
  await shot(page, testInfo, `${name}-ko`, options);
  await loupe.call(`${LOUPE}.UpdateSettings`, { Language: 'en' });
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
}

/** Until each dataset has finished and holds at least its count of entries. */
export async function waitForDatasets(loupe: LoupeServer, arns: string[], counts: number[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ready = true;
    for (const [index, DatasetArn] of arns.entries()) {
      const described = (await loupe.call(`${REKOGNITION}.DescribeDataset`, { DatasetArn })) as {
        DatasetDescription: { Status: string; DatasetStats: { TotalEntries: number } };
      };
      const { Status, DatasetStats } = described.DatasetDescription;
      if (Status.endsWith('FAILED')) throw new Error(`Dataset failed: ${JSON.stringify(described)}`);
      if (Status.endsWith('IN_PROGRESS') || DatasetStats.TotalEntries < counts[index]!) ready = false;
    }
    if (ready) return;
    if (Date.now() > deadline) throw new Error('The datasets were not ready in time');
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Drops files on an element as a browser would (a DataTransfer with File objects). */
export async function dropFiles(page: Page, target: Locator, files: { name: string; bytes: Buffer; type: string }[]): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const data = new DataTransfer();
    for (const file of list) {
      const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
      data.items.add(new File([bytes], file.name, { type: file.type }));
    }
    return data;
  }, files.map((file) => ({ name: file.name, type: file.type, base64: file.bytes.toString('base64') })));
  await target.dispatchEvent('dragenter', { dataTransfer: transfer });
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await target.dispatchEvent('drop', { dataTransfer: transfer });
}

/** The value of an Evaluate tile. */
export function tile(page: Page, name: string): Locator {
  return page.getByRole('group', { name, exact: true }).locator('.eval-tile__value');
}

/** A score as the screens print it. */
export const score = (value: number) => value.toFixed(3);

/** Open a version's Use tab and start it with one inference unit; returns the start/stop panel once it says Running. */
export async function startFromUseTab(page: Page, loupe: LoupeServer, project: string, version: string, timeoutMs: number): Promise<Locator> {
  await page.goto(`${loupe.origin}/#/projects/${project}/models/${version}?tab=use`);
  const startPanel = page.getByRole('region', { name: 'Start or stop model' });
  await startPanel.getByLabel('Inference units', { exact: true }).fill('1');
  await startPanel.getByRole('button', { name: 'Start' }).click();
  await expect(startPanel.locator('.start-stop__status')).toContainText('Running', { timeout: timeoutMs });
  return startPanel;
}
