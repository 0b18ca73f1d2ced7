/**
 * What a new user meets first (issue 15), in Chromium against a real `loupe serve`: the dataset
 * page right after an import shows whole rows of the gallery at 1440×900 and 1024×768 in one scroll
 * container, detection cards name and draw their boxes and open for labeling, and dialogs take the
 * keyboard. Screenshots in English and Korean.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { writeSquaresDataset } from '../support/squares';
import { expect, test } from './fixtures';
import { aLabelingDataset } from './labelingSetup';
import { LOUPE, REKOGNITION, shootBoth, waitForDatasets } from './screens';

async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'loupe-ui-first-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `count` small JPEGs spread over three label folders. */
async function makeFolder(parent: string, count: number): Promise<string> {
  const root = path.join(parent, 'parts');
  const labels = ['good', 'scratch', 'dent'];
  for (const label of labels) await mkdir(path.join(root, label), { recursive: true });
  for (let i = 0; i < count; i++) {
    const hue = (i * 37) % 256;
    const bytes = await sharp({ create: { width: 160, height: 120, channels: 3, background: { r: hue, g: 255 - hue, b: (hue * 5) % 256 } } })
      .jpeg()
      .toBuffer();
    await writeFile(path.join(root, labels[i % labels.length]!, `part-${i}.jpg`), bytes);
  }
  return root;
}

/** How many rows of gallery cards are wholly inside the window, without scrolling. */
async function wholeRowsInView(page: Page): Promise<number> {
  return page.evaluate(() => {
    const tops = new Set<number>();
    for (const card of Array.from(document.querySelectorAll('.entry-card:not(.entry-card--skeleton)'))) {
      const box = card.getBoundingClientRect();
      if (box.top >= 0 && box.bottom <= window.innerHeight) tops.add(Math.round(box.top));
    }
    return tops.size;
  });
}

/** How many elements on the page scroll vertically on their own (the page itself not counted). */
async function innerScrollers(page: Page): Promise<number> {
  return page.evaluate(() => {
    let count = 0;
    for (const element of Array.from(document.querySelectorAll('main *'))) {
      const style = getComputedStyle(element);
      if (/(auto|scroll)/.test(style.overflowY) && element.scrollHeight > element.clientHeight + 1 && !element.closest('.gallery-filters')) count++;
    }
    return count;
  });
}

test.describe.configure({ timeout: 90_000 });

test.describe('when a folder has just been imported', () => {
  test('the gallery shows two whole rows at 1440×900 and one at 1024×768, in the page’s one scroll', async ({ page, loupe }, testInfo) => {
    await withTempDir(async (dir) => {
      const folder = await makeFolder(dir, 60);
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(loupe.url);
      await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
      await loupe.call(`${REKOGNITION}.CreateProject`, { ProjectName: 'parts' });
      await page.goto(`${loupe.origin}/#/projects/parts/datasets/create`);
      await page.getByRole('radio', { name: /Start with a single dataset/ }).check();
      await page.getByLabel('Folder on the computer running Loupe').fill(folder);
      await page.getByRole('button', { name: 'Create dataset' }).click();
      await expect(page).toHaveURL(/#\/projects\/parts\/datasets\/train$/);
      const described = (await loupe.call(`${REKOGNITION}.DescribeProjects`, { ProjectNames: ['parts'] })) as {
        ProjectDescriptions: { Datasets: { DatasetArn: string }[] }[];
      };
      await waitForDatasets(loupe, [described.ProjectDescriptions[0]!.Datasets[0]!.DatasetArn], [60]);
      const gallery = page.getByRole('list', { name: /^Images of the Training dataset$/ });
      await expect(gallery.getByRole('listitem').first()).toBeVisible();
      await expect(page.getByRole('region', { name: 'Activity' })).toContainText('60 images');

      expect(await wholeRowsInView(page)).toBeGreaterThanOrEqual(2);
      expect(await innerScrollers(page)).toBe(0);
      await shootBoth(page, loupe, testInfo, 'first-dataset-1440', '이미지');

      await page.setViewportSize({ width: 1024, height: 768 });
      await expect.poll(() => wholeRowsInView(page)).toBeGreaterThanOrEqual(1);
      await shootBoth(page, loupe, testInfo, 'first-dataset-1024', '이미지');

      // The wheel scrolls the page, and the page brings in further rows.
      await page.mouse.move(700, 600);
      await page.mouse.wheel(0, 5000);
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(1000);
      await expect.poll(() => wholeRowsInView(page)).toBeGreaterThanOrEqual(2);
    });
  });
});

test.describe('when a dataset holds detection images', () => {
  test('a card names its box labels, draws its boxes, and opens for labeling on Enter and on click', async ({ page, loupe }, testInfo) => {
    await withTempDir(async (dir) => {
      const { images } = await writeSquaresDataset(dir, 'squares', 12, 12);
      await loupe.call(`${LOUPE}.CreateBucketMapping`, { Bucket: 'squares', Folder: dir });
      const { ProjectArn } = (await loupe.call(`${REKOGNITION}.CreateProject`, { ProjectName: 'squares' })) as { ProjectArn: string };
      const { DatasetArn } = (await loupe.call(`${REKOGNITION}.CreateDataset`, {
        ProjectArn,
        DatasetType: 'TRAIN',
        DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'squares', Name: 'train.manifest' } } },
      })) as { DatasetArn: string };
      await waitForDatasets(loupe, [DatasetArn], [12]);

      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(loupe.url);
      await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
      await page.goto(`${loupe.origin}/#/projects/squares/datasets/train`);
      const gallery = page.getByRole('list', { name: /^Images of the Training dataset$/ });
      const drawn = images.get('img-1.png')!;
      const card = gallery.getByRole('listitem', { name: 'img-1.png' });
      await expect(card).toBeVisible();
      await expect(gallery.getByText('Unlabeled')).toHaveCount(0);
      for (const label of new Set(drawn.squares.map((square) => square.label))) await expect(card).toContainText(label);
      await expect(card.locator('svg rect')).toHaveCount(drawn.squares.length);
      // The drawn box sits where the square is in the picture, as the card scales it.
      const picture = await card.locator('img').boundingBox();
      const rect = await card.locator('svg rect').first().boundingBox();
      const square = drawn.squares[0]!;
      const scale = Math.min(picture!.width / drawn.width, picture!.height / drawn.height);
      const left = picture!.x + (picture!.width - drawn.width * scale) / 2 + square.left * scale;
      expect(Math.abs(rect!.x - left)).toBeLessThan(3);
      expect(Math.abs(rect!.width - square.width * scale)).toBeLessThan(3);
      await shootBoth(page, loupe, testInfo, 'first-detection-cards', '경계 상자');

      // Enter on the card opens that image for labeling; Escape-free way back is the browser's.
      await card.getByRole('link', { name: 'Open img-1.png for labeling' }).focus();
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/\/datasets\/train\/label\?view=image/);
      await expect(page.locator('.lab-image__file')).toHaveText('img-1.png');
      await page.goBack();

      // A click on the picture opens the image too, also from a filtered gallery.
      await page.getByRole('searchbox').fill('img-7');
      const other = gallery.getByRole('listitem', { name: 'img-7.png' });
      await expect(gallery.getByRole('listitem')).toHaveCount(1);
      await other.click({ position: { x: 30, y: 30 } });
      await expect(page.locator('.lab-image__file')).toHaveText('img-7.png');
    });
  });
});

test.describe('when a dialog opens', () => {
  test('a project name is typed at once, Enter creates the project, and it opens', async ({ page, loupe }, testInfo) => {
    await page.goto(loupe.url);
    await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
    await page.getByRole('button', { name: 'Create project' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create project' });
    await expect(dialog.getByLabel('Project name')).toBeFocused();
    await page.keyboard.type('typed-name');
    await shootBoth(page, loupe, testInfo, 'first-create-project', '프로젝트 생성');
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('heading', { level: 1, name: 'typed-name' })).toBeVisible();
    await expect(page).toHaveURL(/#\/projects\/typed-name$/);
  });

  test('Manage labels opened with L takes a typed label, and every label keeps its key and colour', async ({ page, loupe }, testInfo) => {
    const dataset = await aLabelingDataset(loupe, 'keys', [{ name: 'a.png', width: 96, height: 72 }], ['scratch', 'dent', 'patches']);
    await page.goto(dataset.url());
    const pane = page.locator('.lab-label-list');
    const keyOf = (label: string) => pane.getByRole('listitem', { name: label, exact: true }).locator('.lab-key');
    const colourOf = (label: string) => pane.getByRole('listitem', { name: label, exact: true }).locator('.lab-swatch').evaluate((element) => getComputedStyle(element).backgroundColor);
    await expect(keyOf('patches')).toHaveText('2');
    const before = { dent: await colourOf('dent'), patches: await colourOf('patches'), scratch: await colourOf('scratch') };

    await page.getByRole('listbox', { name: 'Images' }).getByRole('option', { name: 'a.png' }).click();
    await page.keyboard.press('l');
    const manage = page.getByRole('dialog', { name: 'Manage labels' });
    await expect(manage.getByRole('textbox').first()).toBeFocused();
    await page.keyboard.type('needs_review');
    await page.keyboard.press('Enter');
    await expect(manage.getByRole('listitem')).toHaveCount(4);
    await shootBoth(page, loupe, testInfo, 'first-manage-labels', '레이블 관리');
    await manage.getByRole('button', { name: 'Done' }).click();

    // Sorted by name, needs_review would have pushed patches from 2 to 3 and scratch from 3 to 4.
    await expect(keyOf('needs_review')).toHaveText('4');
    await expect(keyOf('dent')).toHaveText('1');
    await expect(keyOf('patches')).toHaveText('2');
    await expect(keyOf('scratch')).toHaveText('3');
    expect({ dent: await colourOf('dent'), patches: await colourOf('patches'), scratch: await colourOf('scratch') }).toEqual(before);
  });
});

test.describe('when images are removed from a dataset', () => {
  test('the broken ones are selected, removed, and put back with Undo', async ({ page, loupe }, testInfo) => {
    await withTempDir(async (dir) => {
      const folder = await makeFolder(dir, 6);
      await writeFile(path.join(folder, 'good', 'broken-1.jpg'), 'not a picture');
      await writeFile(path.join(folder, 'dent', 'broken-2.jpg'), 'not a picture either');
      const { ProjectArn } = (await loupe.call(`${REKOGNITION}.CreateProject`, { ProjectName: 'tidy' })) as { ProjectArn: string };
      const { DatasetArn } = (await loupe.call(`${REKOGNITION}.CreateDataset`, { ProjectArn, DatasetType: 'TRAIN' })) as { DatasetArn: string };
      await loupe.call(`${LOUPE}.ImportFolder`, { DatasetArn, Folder: folder, AutoLabel: true });
      await waitForDatasets(loupe, [DatasetArn], [8]);

      await page.goto(loupe.url);
      await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
      await page.goto(`${loupe.origin}/#/projects/tidy/datasets/train`);
      const gallery = page.getByRole('list', { name: /^Images of the Training dataset$/ });
      await expect(gallery.getByRole('listitem')).toHaveCount(8);
      await page.getByRole('complementary', { name: 'Filters' }).getByRole('checkbox', { name: /Only images with errors/ }).check();
      await expect(gallery.getByRole('listitem')).toHaveCount(2);

      await gallery.getByRole('checkbox', { name: 'Select broken-1.jpg' }).check();
      const bar = page.getByRole('region', { name: 'Selected images' });
      await expect(bar).toContainText('1 image selected');
      await bar.getByRole('button', { name: 'Select all 2 shown' }).click();
      await expect(bar).toContainText('2 images selected');
      await shootBoth(page, loupe, testInfo, 'first-remove-selected', '선택됨');
      await bar.getByRole('button', { name: 'Remove from dataset' }).click();

      const removed = page.getByRole('status').filter({ hasText: 'removed from the dataset' });
      await expect(removed).toContainText('2 images removed from the dataset.');
      await expect(gallery.getByRole('listitem')).toHaveCount(0);
      const count = async () => ((await loupe.call(`${LOUPE}.ListEntries`, { DatasetArn, MaxResults: 1 })) as { TotalCount: number }).TotalCount;
      expect(await count()).toBe(6);
      await shootBoth(page, loupe, testInfo, 'first-removed', '제거했습니다');

      await removed.getByRole('button', { name: 'Undo' }).click();
      await expect(gallery.getByRole('listitem')).toHaveCount(2);
      expect(await count()).toBe(8);
      await expect(gallery.getByRole('listitem', { name: 'broken-2.jpg' })).toContainText('dent');
    });
  });
});

test.describe('when a folder path is mistyped', () => {
  test('the create-dataset page refuses it before creating anything, with one message at the field', async ({ page, loupe }, testInfo) => {
    await loupe.call(`${REKOGNITION}.CreateProject`, { ProjectName: 'typo' });
    await page.goto(loupe.url);
    await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
    await page.goto(`${loupe.origin}/#/projects/typo/datasets/create`);
    await page.getByRole('radio', { name: /Start with a single dataset/ }).check();
    const missing = path.join(loupe.home, 'pictrues');
    await page.getByLabel('Folder on the computer running Loupe').fill(missing);
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await expect(page.getByText(`There is no folder Loupe can read at ${missing}.`)).toHaveCount(1);
    await expect(page.getByRole('alert').filter({ hasText: 'failed' })).toHaveCount(0);
    await expect(page).toHaveURL(/datasets\/create$/);
    const described = (await loupe.call(`${REKOGNITION}.DescribeProjects`, { ProjectNames: ['typo'] })) as { ProjectDescriptions: { Datasets: unknown[] }[] };
    expect(described.ProjectDescriptions[0]!.Datasets).toEqual([]);
    await shootBoth(page, loupe, testInfo, 'first-mistyped-folder', '오타');
  });
});

test.describe('when a training is cancelled', () => {
  test('the project list and the model say Cancelled, not a failure', async ({ page, loupe }, testInfo) => {
    await withTempDir(async (dir) => {
      const folder = await makeFolder(dir, 12);
      const { ProjectArn } = (await loupe.call(`${REKOGNITION}.CreateProject`, { ProjectName: 'stopped-early' })) as { ProjectArn: string };
      const { DatasetArn } = (await loupe.call(`${REKOGNITION}.CreateDataset`, { ProjectArn, DatasetType: 'TRAIN' })) as { DatasetArn: string };
      await loupe.call(`${LOUPE}.ImportFolder`, { DatasetArn, Folder: folder, AutoLabel: true });
      await waitForDatasets(loupe, [DatasetArn], [12]);
      const { ProjectVersionArn } = (await loupe.call(`${REKOGNITION}.CreateProjectVersion`, { ProjectArn, VersionName: 'v1' })) as { ProjectVersionArn: string };
      const { Jobs } = (await loupe.call(`${LOUPE}.ListJobs`, { ResourceArn: ProjectVersionArn })) as { Jobs: { JobId: number }[] };
      await loupe.call(`${LOUPE}.CancelJob`, { JobId: Jobs[0]!.JobId });
      const status = async () =>
        ((await loupe.call(`${REKOGNITION}.DescribeProjectVersions`, { ProjectArn })) as { ProjectVersionDescriptions: { Status: string }[] }).ProjectVersionDescriptions[0]!.Status;
      await expect.poll(status, { timeout: 30_000 }).toBe('TRAINING_FAILED');

      await page.goto(loupe.url);
      const row = page.getByRole('row', { name: 'stopped-early' });
      await expect(row).toContainText('Cancelled');
      await expect(row).not.toContainText('Training failed');
      await shootBoth(page, loupe, testInfo, 'first-cancelled-project', '취소됨');
      await page.goto(`${loupe.origin}/#/projects/stopped-early/models/v1`);
      await expect(page.locator('.model-screen__badges')).toContainText('Cancelled');
    });
  });
});
