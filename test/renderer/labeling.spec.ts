import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { shootBoth, shot } from './screens';
import { LOUPE, aLabelingDataset, dragImage, labelNames, listEntries, nextAnswer, screenPoint } from './labelingSetup';

type Box = { Left: number; Top: number; Width: number; Height: number };

/** Each edge within 1 px of where it should be. */
function expectBoxNear(actual: Box | undefined, expected: Box): void {
  expect(actual, 'a box was stored').toBeDefined();
  for (const key of ['Left', 'Top', 'Width', 'Height'] as const) {
    expect(Math.abs(actual![key] - expected[key]), `${key}: ${actual![key]} vs ${expected[key]}`).toBeLessThanOrEqual(1);
  }
}

const picture = (page: Page) => page.locator('img.lab-canvas__image.is-loaded');

test.describe('when boxes are drawn in single-image mode', () => {
  test('a box drawn with the mouse is stored in image pixels at two zoom levels and on an EXIF-rotated image, then moved and resized', async ({
    page,
    loupe,
  }, testInfo) => {
    const dataset = await aLabelingDataset(
      loupe,
      'boxes',
      [
        { name: 'a-plain.png', width: 400, height: 300 },
        // Stored 300×200 with orientation 6: shown (and boxed) as 200×300.
        { name: 'b-rotated.jpg', width: 300, height: 200, orientation: 6 },
      ],
      ['part'],
    );
    const [plain, rotated] = await listEntries(loupe, dataset.datasetArn);
    expect([plain!.Width, plain!.Height]).toEqual([400, 300]);
    expect([rotated!.Width, rotated!.Height]).toEqual([200, 300]);

    await page.goto(dataset.url('view=image&i=0'));
    await expect(page.getByRole('heading', { level: 1, name: 'Labeling' })).toBeVisible();
    await expect(picture(page)).toBeVisible();
    const size = { width: 400, height: 300 };

    // Fitted (about 200 %): draw a box.
    let saved = nextAnswer(page, 'PutEntryAnnotations');
    await dragImage(page, picture(page), size, [50, 40], [250, 190]);
    await saved;
    let entries = await listEntries(loupe, dataset.datasetArn);
    expectBoxNear(entries[0]!.Boxes[0], { Left: 50, Top: 40, Width: 200, Height: 150 });
    expect(entries[0]!.Boxes[0]!.Label).toBe('part');

    // Zoomed in twice from the keyboard: a second box, still in image pixels.
    const fitted = (await picture(page).boundingBox())!.width;
    await page.keyboard.press('Escape');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await expect.poll(async () => (await picture(page).boundingBox())!.width).toBeGreaterThan(fitted * 1.5);
    saved = nextAnswer(page, 'PutEntryAnnotations');
    await dragImage(page, picture(page), size, [262, 200], [330, 245]);
    await saved;
    entries = await listEntries(loupe, dataset.datasetArn);
    expect(entries[0]!.Boxes).toHaveLength(2);
    expectBoxNear(entries[0]!.Boxes[1], { Left: 262, Top: 200, Width: 68, Height: 45 });
    await shot(page, testInfo, 'labeling-image-zoomed-en', { wholePage: false });

    // Back to fit; move the first box by dragging its body, then resize it by its corner.
    await page.keyboard.press('Escape');
    await page.keyboard.press('0');
    saved = nextAnswer(page, 'PutEntryAnnotations');
    await dragImage(page, picture(page), size, [100, 80], [130, 100]);
    await saved;
    entries = await listEntries(loupe, dataset.datasetArn);
    expectBoxNear(entries[0]!.Boxes[0], { Left: 80, Top: 60, Width: 200, Height: 150 });
    saved = nextAnswer(page, 'PutEntryAnnotations');
    await dragImage(page, picture(page), size, [280, 210], [300, 240]);
    await saved;
    entries = await listEntries(loupe, dataset.datasetArn);
    expectBoxNear(entries[0]!.Boxes[0], { Left: 80, Top: 60, Width: 220, Height: 180 });
    await expect(page.getByRole('list', { name: 'Bounding boxes' }).getByRole('listitem')).toHaveCount(2);
    await shot(page, testInfo, 'labeling-image-en', { wholePage: false });

    // A box too small for the guide is refused with a message and never sent.
    let sent = 0;
    page.on('request', (request) => {
      if (request.headers()['x-amz-target']?.endsWith('.PutEntryAnnotations')) sent++;
    });
    await page.keyboard.press('Escape');
    // One screen pixel wide at about 200 %: under half an image pixel.
    const from = await screenPoint(picture(page), size, 350, 60);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 1, from.y + 60, { steps: 4 });
    await page.mouse.up();
    await expect(page.getByRole('status').filter({ hasText: 'ERROR_BOUNDING_BOX_TOO_SMALL' })).toBeVisible();
    expect(sent).toBe(0);

    // The EXIF-rotated picture is shown upright, and its box lands in oriented pixels.
    await page.getByRole('button', { name: 'Next image', exact: true }).click();
    await expect(page.getByText('2 of 2')).toBeVisible();
    await expect(page.getByText('b-rotated.jpg')).toBeVisible();
    const upright = { width: 200, height: 300 };
    await expect(picture(page)).toBeVisible();
    await expect.poll(async () => {
      const box = (await picture(page).boundingBox())!;
      return Math.round((box.width / box.height) * 100) / 100;
    }).toBe(0.67);
    saved = nextAnswer(page, 'PutEntryAnnotations');
    await dragImage(page, picture(page), upright, [20, 30], [120, 230]);
    await saved;
    entries = await listEntries(loupe, dataset.datasetArn);
    expectBoxNear(entries[1]!.Boxes[0], { Left: 20, Top: 30, Width: 100, Height: 200 });
    await shot(page, testInfo, 'labeling-image-rotated-en', { wholePage: false });

    // Every box is still there after a reload.
    await page.reload();
    await expect(page.getByText('b-rotated.jpg')).toBeVisible();
    await expect(page.getByRole('list', { name: 'Bounding boxes' }).getByRole('listitem')).toHaveCount(1);
    await page.getByRole('button', { name: 'Previous image', exact: true }).click();
    await expect(page.getByRole('list', { name: 'Bounding boxes' }).getByRole('listitem')).toHaveCount(2);
  });

  test('keys nudge, cycle, relabel, delete and repeat boxes, and Ctrl+Z undoes each', async ({ page, loupe }) => {
    const dataset = await aLabelingDataset(
      loupe,
      'keys',
      [
        { name: 'one.png', width: 400, height: 300 },
        { name: 'two.png', width: 400, height: 300 },
      ],
      ['cat', 'dog'],
    );
    const [first] = await listEntries(loupe, dataset.datasetArn);
    await loupe.call(`${LOUPE}.PutEntryAnnotations`, {
      DatasetArn: dataset.datasetArn,
      Entries: [{ EntryId: first!.EntryId, Labels: [], Boxes: [{ Label: 'cat', Left: 10, Top: 10, Width: 100, Height: 80 }] }],
    });
    await page.goto(dataset.url('view=image&i=0'));
    await expect(picture(page)).toBeVisible();
    await expect(page.getByRole('list', { name: 'Bounding boxes' }).getByRole('listitem')).toHaveCount(1);

    await page.keyboard.press('Tab');
    let saved = nextAnswer(page, 'PutEntryAnnotations');
    await page.keyboard.press('Shift+ArrowRight');
    await saved;
    saved = nextAnswer(page, 'PutEntryAnnotations');
    await page.keyboard.press('ArrowDown');
    await saved;
    saved = nextAnswer(page, 'PutEntryAnnotations');
    await page.keyboard.press('2');
    await saved;
    let entries = await listEntries(loupe, dataset.datasetArn);
    expect(entries[0]!.Boxes).toEqual([{ Label: 'dog', Left: 20, Top: 11, Width: 100, Height: 80 }]);

    // Undo the relabel and the nudges, one by one.
    for (const expected of [
      { Label: 'cat', Left: 20, Top: 11 },
      { Label: 'cat', Left: 20, Top: 10 },
    ]) {
      saved = nextAnswer(page, 'PutEntryAnnotations');
      await page.keyboard.press('Control+z');
      await saved;
      entries = await listEntries(loupe, dataset.datasetArn);
      expect(entries[0]!.Boxes[0]).toMatchObject(expected);
    }

    // To the next image (Escape deselects, then the arrow changes image) and repeat the boxes.
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowRight');
    await expect(page.getByText('two.png')).toBeVisible();
    saved = nextAnswer(page, 'PutEntryAnnotations');
    await page.keyboard.press('r');
    await saved;
    entries = await listEntries(loupe, dataset.datasetArn);
    expect(entries[1]!.Boxes).toEqual([{ Label: 'cat', Left: 20, Top: 10, Width: 100, Height: 80 }]);
    saved = nextAnswer(page, 'PutEntryAnnotations');
    await page.keyboard.press('Delete');
    await saved;
    entries = await listEntries(loupe, dataset.datasetArn);
    expect(entries[1]!.Boxes).toEqual([]);
  });

  test('without labels the editor asks for one before any box is drawn', async ({ page, loupe }, testInfo) => {
    const dataset = await aLabelingDataset(loupe, 'nolabels', [{ name: 'only.png', width: 400, height: 300 }]);
    await page.goto(dataset.url('view=image&i=0'));
    await expect(picture(page)).toBeVisible();
    await expect(page.getByRole('note').filter({ hasText: 'Add a label to start' })).toBeVisible();
    await dragImage(page, picture(page), { width: 400, height: 300 }, [50, 50], [200, 200]);
    await expect(page.getByRole('status').filter({ hasText: 'Add a label before drawing a box' })).toBeVisible();
    expect((await listEntries(loupe, dataset.datasetArn))[0]!.Boxes).toEqual([]);
    await shootBoth(page, loupe, testInfo, 'labeling-needs-label', '먼저 레이블을 추가하세요', { wholePage: false });
  });

  test('an image changed elsewhere is reloaded with a notice, never overwritten', async ({ page, loupe }) => {
    const dataset = await aLabelingDataset(loupe, 'elsewhere', [{ name: 'shared.png', width: 400, height: 300 }], ['cat']);
    const [entry] = await listEntries(loupe, dataset.datasetArn);
    await page.goto(dataset.url('view=image&i=0'));
    await expect(picture(page)).toBeVisible();
    await loupe.call(`${LOUPE}.PutEntryAnnotations`, {
      DatasetArn: dataset.datasetArn,
      Entries: [{ EntryId: entry!.EntryId, Labels: ['cat'], Boxes: [{ Label: 'cat', Left: 30, Top: 30, Width: 90, Height: 60 }] }],
    });
    await expect(page.getByRole('status').filter({ hasText: 'This image was changed elsewhere' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Bounding boxes' }).getByRole('listitem')).toHaveCount(1);
    await expect(page.getByRole('checkbox', { name: 'cat' })).toBeChecked();
  });
});

test.describe('when images are labelled in the grid', () => {
  test('a shift-click range gets a label from a number key; undo, redo, rename and delete persist across a reload', async ({
    page,
    loupe,
  }, testInfo) => {
    const images = Array.from({ length: 12 }, (_, i) => ({ name: `img-${String(i + 1).padStart(2, '0')}.png`, width: 320, height: 240 }));
    const dataset = await aLabelingDataset(loupe, 'grid', images, ['ok', 'scratch']);
    const labelsOf = async () => (await listEntries(loupe, dataset.datasetArn)).map((entry) => entry.Labels);
    await page.goto(dataset.url());
    const grid = page.getByRole('listbox', { name: 'Images' });
    await expect(grid.getByRole('option')).toHaveCount(12);

    await grid.getByRole('option', { name: 'img-02.png' }).click();
    await grid.getByRole('option', { name: 'img-06.png' }).click({ modifiers: ['Shift'] });
    await expect(page.getByText('5 of 12 selected')).toBeVisible();
    await expect(grid.getByRole('option', { selected: true })).toHaveCount(5);
    let saved = nextAnswer(page, 'AssignImageLabels');
    await page.keyboard.press('2');
    await saved;
    const scratched = [[], ['scratch'], ['scratch'], ['scratch'], ['scratch'], ['scratch'], [], [], [], [], [], []];
    expect(await labelsOf()).toEqual(scratched);
    await expect(grid.getByRole('option', { name: 'img-04.png' })).toContainText('scratch');
    await shot(page, testInfo, 'labeling-grid-en', { wholePage: false });

    saved = nextAnswer(page, 'PutEntryAnnotations');
    await page.keyboard.press('Control+z');
    await saved;
    expect(await labelsOf()).toEqual(images.map(() => []));
    saved = nextAnswer(page, 'PutEntryAnnotations');
    await page.keyboard.press('Control+Shift+z');
    await saved;
    expect(await labelsOf()).toEqual(scratched);

    // Ctrl+click adds one more image; the pane's button assigns the first label.
    await grid.getByRole('option', { name: 'img-09.png' }).click({ modifiers: ['Control'] });
    await expect(page.getByText('6 of 12 selected')).toBeVisible();
    saved = nextAnswer(page, 'AssignImageLabels');
    await page.getByRole('button', { name: 'Assign ok to the selected images' }).click();
    await saved;
    expect((await labelsOf())[8]).toEqual(['ok']);
    expect((await labelsOf())[1]).toEqual(['scratch', 'ok']);

    // Rename "scratch" to "dent".
    await page.getByRole('button', { name: 'Manage labels' }).first().click();
    const manage = page.getByRole('dialog', { name: 'Manage labels' });
    await manage.getByRole('button', { name: 'Rename scratch' }).click();
    await manage.getByLabel('New name for scratch').fill('dent');
    saved = nextAnswer(page, 'RenameLabel');
    await manage.getByRole('button', { name: 'Save' }).click();
    await saved;
    await expect(manage.getByText('dent', { exact: true })).toBeVisible();
    expect(await labelNames(loupe, dataset.datasetArn)).toEqual(['dent', 'ok']);
    expect((await labelsOf())[1]).toEqual(['dent', 'ok']);
    await shot(page, testInfo, 'labeling-manage-en', { wholePage: false });

    // Delete "ok": the confirmation counts what carries it and states the rule.
    await manage.getByRole('button', { name: 'Delete ok' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete “ok”?' });
    await expect(confirm).toContainText('“ok” is used on 6 images and 0 bounding boxes.');
    await expect(confirm).toContainText('Deleting a label also removes it from every image and every bounding box that carries it.');
    await shootBoth(page, loupe, testInfo, 'labeling-delete', '레이블 삭제', { wholePage: false });
    saved = nextAnswer(page, 'DeleteLabel');
    await confirm.getByRole('button', { name: 'Delete label' }).click();
    await saved;
    await page.getByRole('dialog', { name: 'Manage labels' }).getByRole('button', { name: 'Done' }).click();
    expect(await labelNames(loupe, dataset.datasetArn)).toEqual(['dent']);
    expect((await labelsOf())[8]).toEqual([]);

    // Undo brings the label and its annotations back; redo deletes it again.
    saved = nextAnswer(page, 'PutEntryAnnotations');
    await page.keyboard.press('Control+z');
    await saved;
    expect(await labelNames(loupe, dataset.datasetArn)).toEqual(['dent', 'ok']);
    expect((await labelsOf())[8]).toEqual(['ok']);
    saved = nextAnswer(page, 'DeleteLabel');
    await page.keyboard.press('Control+y');
    await saved;
    expect(await labelNames(loupe, dataset.datasetArn)).toEqual(['dent']);

    // Everything is still there after a reload, in the backend and on screen.
    await page.reload();
    await expect(grid.getByRole('option')).toHaveCount(12);
    expect(await labelsOf()).toEqual(scratched.map((labels) => labels.map(() => 'dent')));
    await expect(grid.getByRole('option', { name: 'img-02.png' })).toContainText('dent');
    await expect(grid.getByRole('option', { name: 'img-09.png' })).toContainText('Unlabeled');
    await expect(page.getByRole('listitem', { name: 'dent' })).toContainText('5 images');
  });

  test('labels are copied from the test dataset, and keys typed in a text field are only text', async ({ page, loupe }) => {
    const images = Array.from({ length: 3 }, (_, i) => ({ name: `c-${i + 1}.png`, width: 120, height: 90 }));
    const dataset = await aLabelingDataset(loupe, 'copying', images, ['ok']);
    const { ProjectDescriptions } = (await loupe.call('RekognitionService.DescribeProjects', { ProjectNames: ['copying'] })) as {
      ProjectDescriptions: { ProjectArn: string }[];
    };
    const { DatasetArn: testArn } = (await loupe.call('RekognitionService.CreateDataset', {
      ProjectArn: ProjectDescriptions[0]!.ProjectArn,
      DatasetType: 'TEST',
    })) as { DatasetArn: string };
    await loupe.call(`${LOUPE}.CreateLabels`, { DatasetArn: testArn, Labels: ['bent', 'cracked'] });

    let assigned = 0;
    page.on('request', (request) => {
      if (request.headers()['x-amz-target']?.endsWith('.AssignImageLabels')) assigned++;
    });
    await page.goto(dataset.url());
    const grid = page.getByRole('listbox', { name: 'Images' });
    await page.getByRole('searchbox', { name: 'Search file names' }).fill('c-1');
    await expect(grid.getByRole('option')).toHaveCount(1);
    const search = page.getByRole('searchbox', { name: 'Search file names' });
    await search.fill('');
    await expect(grid.getByRole('option')).toHaveCount(3);
    // Typed into the field, "1" and "l" are text: no label is assigned, no dialog opens.
    await page.keyboard.press('1');
    await page.keyboard.press('l');
    await expect(search).toHaveValue('1l');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    expect(assigned).toBe(0);
    await search.fill('');
    await grid.getByRole('option', { name: 'c-2.png' }).click();

    await page.keyboard.press('l');
    const manage = page.getByRole('dialog', { name: 'Manage labels' });
    const saved = nextAnswer(page, 'CopyLabels');
    await manage.getByRole('button', { name: 'Copy labels from the test dataset' }).click();
    await saved;
    await expect(manage.getByRole('listitem')).toHaveCount(3);
    expect(await labelNames(loupe, dataset.datasetArn)).toEqual(['bent', 'cracked', 'ok']);
    await manage.getByRole('button', { name: 'Done' }).click();
    const undone = nextAnswer(page, 'DeleteLabel');
    await page.keyboard.press('Control+z');
    await undone;
    await expect.poll(() => labelNames(loupe, dataset.datasetArn)).toEqual(['ok']);
  });

  test('select-all reaches past the loaded page, a marquee selects by dragging, and the help overlay lists the keymap in Korean', async ({
    page,
    loupe,
  }, testInfo) => {
    const images = Array.from({ length: 130 }, (_, i) => ({ name: `p-${String(i + 1).padStart(3, '0')}.jpg`, width: 64, height: 48 }));
    const dataset = await aLabelingDataset(loupe, 'many', images, ['good']);
    await page.goto(dataset.url());
    const grid = page.getByRole('listbox', { name: 'Images' });
    await expect(grid.getByRole('option', { name: 'p-001.jpg' })).toBeVisible();

    // A marquee from the gap above the first row across the first two cells.
    const first = (await grid.getByRole('option', { name: 'p-001.jpg' }).boundingBox())!;
    const second = (await grid.getByRole('option', { name: 'p-002.jpg' }).boundingBox())!;
    await page.mouse.move(first.x + 10, first.y - 6);
    await page.mouse.down();
    await page.mouse.move(second.x + 20, second.y + 40, { steps: 6 });
    await page.mouse.up();
    await expect(page.getByText('2 of 130 selected')).toBeVisible();

    await page.keyboard.press('Control+a');
    await expect(page.getByText('130 of 130 selected')).toBeVisible();
    const saved = nextAnswer(page, 'AssignImageLabels');
    await page.keyboard.press('1');
    await saved;
    const entries = await listEntries(loupe, dataset.datasetArn);
    expect(entries.filter((entry) => entry.Labels.includes('good'))).toHaveLength(130);

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help.getByText('Assign label 1')).toBeVisible();
    await expect(help.getByText('Nudge the box left 10 px')).toBeVisible();
    await shootBoth(page, loupe, testInfo, 'labeling-help', '키보드 단축키', { wholePage: false });
    // Remap "switch mode" to T; the new key works and survives a reload.
    await help.getByRole('button', { name: 'Change the keys for: Switch between grid and single image' }).click();
    await page.keyboard.press('t');
    await expect(help.locator('[data-command="mode:toggle"]')).toContainText('T');
    await help.getByRole('button', { name: 'Done' }).click();
    await page.reload();
    await expect(grid.getByRole('option', { name: 'p-001.jpg' })).toBeVisible();
    await page.keyboard.press('t');
    await expect(page.getByText('1 of 130')).toBeVisible();

    // Korean, from the app's language setting.
    await loupe.call(`${LOUPE}.UpdateSettings`, { Language: 'ko' });
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: '레이블 지정' })).toBeVisible();
    await expect(page.getByText('130개 중 1번째')).toBeVisible();
    await shot(page, testInfo, 'labeling-image-ko', { wholePage: false });
    await page.keyboard.press('t');
    await expect(page.getByRole('listbox', { name: '이미지' }).getByRole('option', { name: 'p-001.jpg' })).toBeVisible();
    await shot(page, testInfo, 'labeling-grid-ko', { wholePage: false });
  });
});
