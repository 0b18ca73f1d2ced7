/**
 * Datasets in the browser against a real `loupe serve`: the create-dataset page with a typed
 * folder and with an uploaded one, the gallery's labels, counts and filters, an entry's errors in
 * words, drops, and a gallery of thousands of images that keeps only a window of cards.
 */
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import sharp from 'sharp';
import { expect, test, type LoupeServer } from './fixtures';
import { shootBoth, shot } from './screens';

/** A small picture of one colour; 96×72 is inside the guide's 64–4096 px. */
function picture(format: 'png' | 'jpeg', hue: number, width = 96, height = 72): Promise<Buffer> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: hue, g: 255 - hue, b: (hue * 3) % 256 } } });
  return (format === 'png' ? image.png() : image.jpeg()).toBuffer();
}

/**
 * ok/1.png, ok/2.png, scratch/3.jpg, root.jpg and bad/broken.jpg (not an image at all):
 * labels ok, scratch and bad; root.jpg unlabeled; broken.jpg gets ERROR_INVALID_IMAGE.
 */
async function makeTree(parent: string): Promise<string> {
  const root = path.join(parent, 'tree');
  for (const folder of ['ok', 'scratch', 'bad']) await mkdir(path.join(root, folder), { recursive: true });
  await writeFile(path.join(root, 'ok', '1.png'), await picture('png', 20));
  await writeFile(path.join(root, 'ok', '2.png'), await picture('png', 90));
  await writeFile(path.join(root, 'scratch', '3.jpg'), await picture('jpeg', 160));
  await writeFile(path.join(root, 'root.jpg'), await picture('jpeg', 230));
  await writeFile(path.join(root, 'bad', 'broken.jpg'), Buffer.from('this is not a JPEG file, only some text'));
  return root;
}

async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'loupe-ui-images-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function createProjectThroughUi(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Create project' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Create project' });
  await dialog.getByLabel('Project name').fill(name);
  await dialog.getByRole('button', { name: 'Create project' }).click();
  await expect(dialog).toBeHidden();
  // Creating a project opens it (issue 15); back to the list.
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByRole('link', { name: 'Projects' }).first().click();
}

function stat(page: Page, term: string): Locator {
  return page.locator('.dataset-stat').filter({ has: page.getByText(term, { exact: true }) }).locator('dd');
}

function gallery(page: Page): Locator {
  return page.getByRole('list', { name: /^Images of the Training dataset$/ });
}

async function openGalleryFor(page: Page, loupe: LoupeServer, route: string): Promise<void> {
  await page.goto(loupe.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
  await page.goto(`${loupe.origin}/#${route}`);
}

test.describe('when a dataset is created from a folder tree', () => {
  test('the gallery shows its labels, counts and errors, and filters them', async ({ page, loupe }, testInfo) => {
    await withTempDir(async (dir) => {
      const tree = await makeTree(dir);
      await page.goto(loupe.url);
      await createProjectThroughUi(page, 'shelf');
      await page.getByRole('row', { name: 'shelf' }).getByRole('link', { name: 'shelf' }).click();
      await expect(page.getByRole('listitem', { name: 'Training dataset' })).toContainText('Not created yet');

      await page.getByRole('link', { name: 'Create dataset' }).first().click();
      await expect(page.getByRole('heading', { level: 1, name: 'Create dataset' })).toBeVisible();
      await page.getByRole('radio', { name: /Start with a single dataset/ }).check();
      await expect(page.getByRole('radio', { name: /Import images from a folder/ })).toBeChecked();
      await expect(page.getByRole('checkbox', { name: 'Automatically assign image-level labels to images based on the folder' })).toBeChecked();
      await page.getByRole('button', { name: 'Create dataset' }).click();
      await expect(page.getByText('Enter a folder, or drop one.')).toBeVisible();
      await page.getByLabel('Folder on the computer running Loupe').fill(tree);
      await shootBoth(page, loupe, testInfo, 'create-dataset', '폴더에서 이미지 가져오기');
      await page.getByRole('button', { name: 'Create dataset' }).click();

      await expect(page).toHaveURL(/#\/projects\/shelf\/datasets\/train$/);
      const activity = page.getByRole('region', { name: 'Activity' });
      const job = activity.getByRole('listitem', { name: 'Importing a folder' });
      await expect(job).toContainText('Done');
      await expect(job).toContainText('5 images added or updated, 1 with an invalid image.');

      await expect(stat(page, 'Images')).toHaveText('5');
      await expect(stat(page, 'Labeled images')).toHaveText('4');
      await expect(stat(page, 'Labels')).toHaveText('3');
      await expect(stat(page, 'Images with errors')).toHaveText(/^1/);

      const cards = gallery(page).getByRole('listitem');
      await expect(cards).toHaveCount(5);
      await expect(cards.filter({ hasText: 'Unlabeled' })).toHaveCount(1);
      await expect(gallery(page).getByRole('listitem', { name: 'root.jpg' })).toContainText('Unlabeled');
      await expect(gallery(page).getByRole('listitem', { name: '1.png' })).toContainText('ok');
      await expect(gallery(page).getByRole('listitem', { name: '3.jpg' })).toContainText('scratch');
      // 1.png and 2.png differ; nothing is a duplicate.
      await expect(gallery(page).getByText('Duplicate')).toHaveCount(0);
      await expect(page.getByRole('link', { name: 'Start labeling' })).toHaveAttribute('href', '#/projects/shelf/datasets/train/label');

      const filters = page.getByRole('complementary', { name: 'Filters' });
      await expect(filters.getByRole('checkbox', { name: /^ok/ })).toBeVisible();
      await shot(page, testInfo, 'dataset-en');

      // The console's "Errors" filter, then the error under the image in words.
      await filters.getByRole('checkbox', { name: /Only images with errors/ }).check();
      await expect(cards).toHaveCount(1);
      await expect(cards.first()).toHaveAccessibleName('broken.jpg');
      await expect(page.getByText('1 of 5 images')).toBeVisible();
      await cards.first().getByRole('button', { name: 'Show the errors of broken.jpg' }).click();
      const errors = page.getByRole('dialog', { name: 'Errors in broken.jpg' });
      await expect(errors).toContainText('ERROR_INVALID_IMAGE');
      await expect(errors).toContainText("The image can't be read. It may be damaged, missing, or not a PNG or JPEG file.");
      await shootBoth(page, loupe, testInfo, 'dataset-errors', 'broken.jpg의 오류', { wholePage: false });
      await errors.getByRole('button', { name: 'Close' }).first().click();
      await expect(errors).toBeHidden();
      await filters.getByRole('checkbox', { name: /Only images with errors/ }).uncheck();
      await expect(cards).toHaveCount(5);

      await filters.getByRole('checkbox', { name: /^ok/ }).check();
      await expect(cards).toHaveCount(2);
      await expect(gallery(page).getByRole('listitem', { name: '1.png' })).toBeVisible();
      await expect(gallery(page).getByRole('listitem', { name: '2.png' })).toBeVisible();
      await filters.getByRole('checkbox', { name: /^ok/ }).uncheck();

      await filters.getByRole('radio', { name: /Unlabeled/ }).check();
      await expect(cards).toHaveCount(1);
      await expect(cards.first()).toHaveAccessibleName('root.jpg');
      await filters.getByRole('radio', { name: /All images/ }).check();

      const search = page.getByRole('searchbox', { name: 'Find images by file name' });
      await search.fill('3.jp');
      await expect(cards).toHaveCount(1);
      await expect(cards.first()).toHaveAccessibleName('3.jpg');
      await search.fill('');
      await expect(cards).toHaveCount(5);

      // Another window changes the language: the page follows.
      await loupe.call('LoupeService.UpdateSettings', { Language: 'ko' });
      await expect(page.getByRole('heading', { level: 1, name: '데이터세트' })).toBeVisible();
      await expect(page.getByRole('link', { name: '레이블 지정 시작' })).toBeVisible();
      await shot(page, testInfo, 'dataset-ko');
      await page.getByRole('link', { name: 'shelf' }).click();
      await expect(page.getByRole('listitem', { name: '훈련 데이터세트' })).toContainText('5');
      await shot(page, testInfo, 'project-datasets-ko');
    });
  });

  test('a folder picked in the browser is uploaded, and dropped files land in the test dataset', async ({ page, loupe }) => {
    await withTempDir(async (dir) => {
      const tree = await makeTree(dir);
      await loupe.call('RekognitionService.CreateProject', { ProjectName: 'uploads' });
      await openGalleryFor(page, loupe, '/projects/uploads/datasets/create');
      await expect(page.getByRole('radio', { name: /Start with a training dataset and a test dataset/ })).toBeChecked();
      await page.locator('input[data-picker="folder"]').first().setInputFiles(tree);
      await expect(page.getByText('5 images')).toBeVisible();
      const testDetails = page.getByRole('region', { name: 'Test dataset details' });
      await testDetails.getByRole('radio', { name: /Create an empty dataset/ }).check();
      await page.getByRole('button', { name: 'Create datasets' }).click();

      await expect(page).toHaveURL(/datasets\/train$/);
      await expect(page.getByRole('region', { name: 'Activity' }).getByRole('listitem', { name: 'Importing a folder' })).toContainText('Done');
      await expect(stat(page, 'Images')).toHaveText('5');
      await expect(stat(page, 'Labels')).toHaveText('3');
      await expect(gallery(page).getByRole('listitem', { name: '2.png' })).toContainText('ok');

      // Two loose files dropped on the test tab arrive unlabeled.
      await page.getByRole('tab', { name: 'Test' }).click();
      await expect(page.getByRole('heading', { name: 'Test dataset' })).toBeVisible();
      const files = [
        { name: 'drop-a.png', data: (await picture('png', 40)).toString('base64') },
        { name: 'drop-b.png', data: (await picture('png', 200)).toString('base64') },
      ];
      const dataTransfer = await page.evaluateHandle((items) => {
        const transfer = new DataTransfer();
        for (const item of items) {
          const bytes = Uint8Array.from(atob(item.data), (char) => char.charCodeAt(0));
          transfer.items.add(new File([bytes], item.name, { type: 'image/png' }));
        }
        return transfer;
      }, files);
      await page.dispatchEvent('main', 'dragenter', { dataTransfer });
      const target = page.locator('[data-drop-target]');
      await expect(target).toContainText('Drop to import into the Test dataset');
      await target.dispatchEvent('dragover', { dataTransfer });
      await target.dispatchEvent('drop', { dataTransfer });
      await expect(target).toBeHidden();
      const testGallery = page.getByRole('list', { name: 'Images of the Test dataset' });
      await expect(testGallery.getByRole('listitem')).toHaveCount(2);
      await expect(testGallery.getByRole('listitem', { name: 'drop-a.png' })).toContainText('Unlabeled');
      await expect(stat(page, 'Labeled images')).toHaveText('0');
    });
  });
});

test.describe('when a dataset has images', () => {
  test('it is split, exported, watched and deleted from its page', async ({ page, loupe }) => {
    await withTempDir(async (dir) => {
      const tree = path.join(dir, 'labeled');
      for (const label of ['cat', 'dog']) {
        await mkdir(path.join(tree, label), { recursive: true });
        for (let index = 0; index < 5; index++) {
          await writeFile(path.join(tree, label, `${label}-${index}.png`), await picture('png', (label === 'cat' ? 0 : 120) + index * 20));
        }
      }
      const { ProjectArn } = (await loupe.call('RekognitionService.CreateProject', { ProjectName: 'actions' })) as { ProjectArn: string };
      const { DatasetArn } = (await loupe.call('RekognitionService.CreateDataset', { ProjectArn, DatasetType: 'TRAIN' })) as { DatasetArn: string };
      await loupe.call('LoupeService.ImportFolder', { DatasetArn, Folder: tree, AutoLabel: true });
      await openGalleryFor(page, loupe, '/projects/actions/datasets/train');
      await expect(stat(page, 'Images')).toHaveText('10', { timeout: 15_000 });

      // DistributeDatasetEntries into a test dataset created on the way.
      await page.getByRole('button', { name: 'Actions' }).click();
      await page.getByRole('menuitem', { name: 'Split 20% into the test dataset…' }).click();
      const split = page.getByRole('dialog', { name: 'Split the training dataset' });
      await split.getByRole('button', { name: 'Split dataset' }).click();
      await expect(split).toBeHidden();
      await expect(page).toHaveURL(/datasets\/test$/);
      await expect(stat(page, 'Images')).toHaveText('2');
      await expect(stat(page, 'Labels')).toHaveText('2');

      // ExportDataset as COCO, with the images copied.
      const exported = path.join(dir, 'export');
      await page.getByRole('button', { name: 'Actions' }).click();
      await page.getByRole('menuitem', { name: 'Export dataset…' }).click();
      const exportDialog = page.getByRole('dialog', { name: 'Export the Test dataset' });
      await exportDialog.getByLabel('Format').selectOption('COCO');
      await exportDialog.getByLabel('Destination folder').fill(exported);
      await exportDialog.getByRole('checkbox', { name: 'Copy the images into the folder' }).check();
      await exportDialog.getByRole('button', { name: 'Export' }).click();
      await expect(exportDialog).toBeHidden();
      await expect(page.getByRole('region', { name: 'Activity' }).getByRole('listitem', { name: 'Exporting as COCO' })).toContainText('2 entries written');
      await access(path.join(exported, 'test.json'));

      // A watched folder: its images join the dataset, and its count follows new files.
      const inbox = path.join(dir, 'inbox');
      await mkdir(path.join(inbox, 'cat'), { recursive: true });
      await writeFile(path.join(inbox, 'cat', 'new-1.png'), await picture('png', 33));
      await page.getByRole('button', { name: 'Actions' }).click();
      await page.getByRole('menuitem', { name: 'Watch a folder' }).click();
      await page.getByLabel('Folder', { exact: true }).fill(inbox);
      await page.getByRole('button', { name: 'Start watching' }).click();
      const watched = page.getByRole('listitem', { name: inbox });
      await expect(watched).toContainText('Watching');
      await expect(watched).toContainText('1 image', { timeout: 15_000 });
      await writeFile(path.join(inbox, 'cat', 'new-2.png'), await picture('png', 66));
      await expect(watched).toContainText('2 images', { timeout: 15_000 });
      await expect(stat(page, 'Images')).toHaveText('4');
      await watched.getByRole('button', { name: `Stop watching ${inbox}` }).click();
      await expect(watched).toBeHidden();

      // DeleteDataset after typing the word.
      await page.getByRole('button', { name: 'Actions' }).click();
      await page.getByRole('menuitem', { name: 'Delete dataset…' }).click();
      const remove = page.getByRole('dialog', { name: 'Delete the Test dataset' });
      await expect(remove.getByRole('button', { name: 'Delete dataset' })).toBeDisabled();
      await remove.getByLabel('To confirm, type “delete”').fill('delete');
      await remove.getByRole('button', { name: 'Delete dataset' }).click();
      await expect(remove).toBeHidden();
      await expect(page.getByRole('heading', { name: 'No test dataset yet' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Split the training dataset' })).toBeVisible();
    });
  });
});

test.describe('when a dataset holds thousands of images', () => {
  test('the gallery keeps only a window of cards and loads later ones on scroll', async ({ page, loupe }) => {
    test.setTimeout(60_000);
    await withTempDir(async (dir) => {
      const count = 5000;
      const folder = path.join(dir, 'many');
      await mkdir(folder);
      // A few pictures under many names: every file is its own entry (unique source-ref).
      const pictures = await Promise.all([10, 80, 150, 220].map((hue) => picture('png', hue, 64, 64)));
      for (let start = 0; start < count; start += 500) {
        await Promise.all(
          Array.from({ length: Math.min(500, count - start) }, (_, offset) => {
            const index = start + offset;
            return writeFile(path.join(folder, `img-${String(index).padStart(5, '0')}.png`), pictures[index % pictures.length]!);
          }),
        );
      }
      const { ProjectArn } = (await loupe.call('RekognitionService.CreateProject', { ProjectName: 'big' })) as { ProjectArn: string };
      const { DatasetArn } = (await loupe.call('RekognitionService.CreateDataset', { ProjectArn, DatasetType: 'TRAIN' })) as { DatasetArn: string };
      await loupe.call('LoupeService.ImportFolder', { DatasetArn, Folder: folder, AutoLabel: true });
      await expect
        .poll(
          async () => ((await loupe.call('RekognitionService.DescribeDataset', { DatasetArn })) as { DatasetDescription: { Status: string } }).DatasetDescription.Status,
          { timeout: 30_000 },
        )
        .toBe('UPDATE_COMPLETE');

      await openGalleryFor(page, loupe, '/projects/big/datasets/train');
      await expect(page.getByText('5,000 images')).toBeVisible({ timeout: 15_000 });
      const list = gallery(page);
      const cards = list.getByRole('listitem');
      await expect(list.getByRole('listitem', { name: 'img-00000.png' })).toBeVisible();
      const shown = await cards.count();
      expect(shown).toBeGreaterThan(0);
      expect(shown).toBeLessThan(200);
      await expect(list.getByRole('listitem', { name: 'img-00000.png' })).toContainText('Duplicate');

      // The page is the one scroll container (issue 15).
      await page.evaluate(() => window.scrollTo({ top: document.documentElement.scrollHeight }));
      await expect(list.getByRole('listitem', { name: 'img-04999.png' })).toBeVisible({ timeout: 15_000 });
      await expect(list.getByRole('listitem', { name: 'img-00000.png' })).toHaveCount(0);
      expect(await cards.count()).toBeLessThan(200);

      await page.evaluate(() => window.scrollTo({ top: document.documentElement.scrollHeight / 2 }));
      await expect(cards.filter({ hasText: /img-02\d{3}\.png/ }).first()).toBeVisible();
      expect(await cards.count()).toBeLessThan(200);
    });
  });
});
