/**
 * Models in the browser against a real `loupe serve`: a model trained from the UI on generated
 * images (two visibly different classes), its Evaluate tab against what the API reports, the
 * test results' filters and the confusion matrix, starting it, analysing a dropped image,
 * stopping it with a plain confirmation, and the kiosk's verdicts for a dropped image and for a file
 * written into a watched folder. Screenshots of every screen in English and Korean.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { EvaluationDescription, ProjectVersionDescription } from '../../preload/contract/api';
import { classFolder, classImage } from '../support/classes';
import { expect, test, type LoupeServer } from './fixtures';
import { dropFiles, LOUPE, REKOGNITION, score, shootBoth, startFromUseTab, tile, waitForDatasets } from './screens';

/** A project with TRAIN (14 per class) and TEST (6 per class) datasets of blobs and stripes. */
async function shapesProject(loupe: LoupeServer, root: string, name: string): Promise<{ projectArn: string; testArn: string; testDir: string }> {
  const trainDir = await classFolder(path.join(root, 'train'), 14, 0);
  const testDir = await classFolder(path.join(root, 'test'), 6, 100);
  const { ProjectArn } = (await loupe.call(`${REKOGNITION}.CreateProject`, { ProjectName: name })) as { ProjectArn: string };
  const train = (await loupe.call(`${REKOGNITION}.CreateDataset`, { ProjectArn, DatasetType: 'TRAIN' })) as { DatasetArn: string };
  const testSet = (await loupe.call(`${REKOGNITION}.CreateDataset`, { ProjectArn, DatasetType: 'TEST' })) as { DatasetArn: string };
  await loupe.call(`${LOUPE}.ImportFolder`, { DatasetArn: train.DatasetArn, Folder: trainDir });
  await loupe.call(`${LOUPE}.ImportFolder`, { DatasetArn: testSet.DatasetArn, Folder: testDir });
  await waitForDatasets(loupe, [train.DatasetArn, testSet.DatasetArn], [28, 12]);
  return { projectArn: ProjectArn, testArn: testSet.DatasetArn, testDir };
}

function fact(page: Page, name: string): Locator {
  return page.locator('.eval-facts > div').filter({ has: page.getByText(name, { exact: true }) }).locator('dd');
}

test.describe('a model trained from the UI', () => {
  test.describe.configure({ timeout: 150_000 });

  test('trains with live progress, evaluates as the API reports, analyses, stops, and gives kiosk verdicts', async ({ page, loupe }, testInfo) => {
    // The kiosk's "watch a folder" gets a folder of the page's private file system instead of a
    // native picker, so the test can write into it.
    await page.addInitScript(() => {
      (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () =>
        (await navigator.storage.getDirectory()).getDirectoryHandle('watched', { create: true });
    });
    const root = await mkdtemp(path.join(tmpdir(), 'loupe-ui-models-'));
    try {
      const { projectArn, testArn, testDir } = await shapesProject(loupe, root, 'shapes');
      await page.goto(loupe.url);
      await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
      await page.goto(`${loupe.origin}/#/projects/shapes`);

      // --- Train: what will be trained, the checks, a name, confirmation, live progress.
      await page.getByRole('link', { name: 'Train model' }).first().click();
      await expect(page.getByRole('heading', { level: 1, name: 'Train model' })).toBeVisible();
      await expect(page.getByText('No problems found. The datasets are ready for training.')).toBeVisible();
      await expect(page.locator('.train-fact').filter({ hasText: 'Model type' })).toContainText('Image classification');
      await expect(page.getByRole('row', { name: 'blobs' })).toContainText('14');
      await expect(page.getByRole('row', { name: 'stripes' })).toContainText('6');
      await page.getByLabel('Version name').fill('v1');
      await shootBoth(page, loupe, testInfo, 'models-train', '훈련할 내용');
      await page.getByRole('button', { name: 'Train model' }).click();
      const confirm = page.getByRole('dialog', { name: 'Do you want to train the model?' });
      await expect(confirm).toContainText('28 for training, 12 for testing');
      await confirm.getByRole('button', { name: 'Train model' }).click();

      await expect(page).toHaveURL(/#\/projects\/shapes\/models\/v1$/);
      const progress = page.getByRole('region', { name: 'Training in progress' });
      await expect(progress).toBeVisible();
      await expect(progress.getByRole('list', { name: 'Training phases' })).toBeVisible();
      // One bar for the whole training, with how far it is (issue 15).
      await expect(progress.getByRole('progressbar', { name: 'Progress of the whole training' })).toBeVisible();
      await expect(progress.getByTestId('training-overall')).toContainText(/\d+ % done|Waiting to start/);
      // The loss curve appears once epochs are reported (the phase may pass before the screenshot).
      // With it, a legend says what its lines are: the settings tried and the final model.
      const legend = progress.getByRole('list', { name: 'Chart legend' });
      await legend.waitFor({ timeout: 60_000 }).catch(() => undefined);
      const legendText = await legend.textContent({ timeout: 1000 }).catch(() => null);
      if (legendText !== null) expect(legendText).toMatch(/settings? tried|Final model/);
      await shootBoth(page, loupe, testInfo, 'models-training', '모델 세부 정보');
      await expect(page.locator('.model-screen__badges')).toContainText('Training completed', { timeout: 90_000 });
      await expect(progress).toBeHidden();

      // --- Evaluate: the tiles and the per-label table say what the API says.
      const { ProjectVersionDescriptions } = (await loupe.call(`${REKOGNITION}.DescribeProjectVersions`, {
        ProjectArn: projectArn,
        VersionNames: ['v1'],
      })) as { ProjectVersionDescriptions: ProjectVersionDescription[] };
      const version = ProjectVersionDescriptions[0]!;
      expect(version.Status).toBe('TRAINING_COMPLETED');
      const evaluation = (await loupe.call(`${LOUPE}.DescribeEvaluation`, { ProjectVersionArn: version.ProjectVersionArn })) as EvaluationDescription;
      const aggregated = evaluation.Summary.AggregatedEvaluationResults as { F1Score: number; Precision: number; Recall: number };
      const perLabel = evaluation.Summary.LabelEvaluationResults as {
        Label: string;
        NumberOfTestingImages: number;
        Metrics: { F1Score: number; Precision: number; Recall: number; Threshold: number };
      }[];
      await expect(tile(page, 'F1 score')).toHaveText(score(version.EvaluationResult!.F1Score));
      await expect(tile(page, 'F1 score')).toHaveText(score(aggregated.F1Score));
      await expect(tile(page, 'Average precision')).toHaveText(score(aggregated.Precision));
      await expect(tile(page, 'Overall recall')).toHaveText(score(aggregated.Recall));
      await expect(fact(page, 'Training dataset')).toHaveText(`${evaluation.TrainingLabels} labels, ${evaluation.TrainingImages} images`);
      await expect(fact(page, 'Testing dataset')).toHaveText(`2 labels, ${evaluation.TestResults.length} images`);
      const seconds = version.BillableTrainingTimeInSeconds!;
      await expect(fact(page, 'Trained in')).toHaveText(seconds < 60 ? `${seconds} sec` : /min/);
      await expect(fact(page, 'Execution provider')).toHaveText(version.ExecutionProvider === 'cpu' ? 'CPU' : /.+/);
      const table = page.getByRole('table', { name: 'Per label performance' });
      for (const row of perLabel) {
        const cells = table.getByRole('row', { name: row.Label }).getByRole('cell');
        await expect(cells).toHaveText([
          row.Label,
          score(row.Metrics.F1Score),
          String(row.NumberOfTestingImages),
          score(row.Metrics.Precision),
          score(row.Metrics.Recall),
          score(row.Metrics.Threshold),
        ]);
      }
      await page.getByPlaceholder('Find labels').fill('strip');
      await expect(table.getByRole('row')).toHaveCount(2);
      await page.getByPlaceholder('Find labels').fill('');
      await table.getByRole('button', { name: /Label name/ }).click();
      await expect(table.getByRole('columnheader', { name: /Label name/ })).toHaveAttribute('aria-sort', 'descending');
      await expect(table.getByRole('row').nth(1)).toHaveAccessibleName('stripes');
      await expect(page.getByRole('table', { name: /Confusion matrix/ })).toBeVisible();
      await expect(page.getByRole('img', { name: /Precision and recall against threshold for/ })).toBeVisible();
      await shootBoth(page, loupe, testInfo, 'models-evaluate', 'F1 점수');

      // The summary file downloads as the API returns it.
      const download = page.waitForEvent('download');
      await page.locator('.eval-file').filter({ hasText: 'Summary file' }).getByRole('button', { name: 'Download' }).click();
      const summaryFile = await download;
      expect(summaryFile.suggestedFilename()).toBe('EvaluationSummary-shapes-v1.json');
      expect(JSON.parse(await readFile((await summaryFile.path())!, 'utf8'))).toEqual(evaluation.Summary);

      // --- Test results: every image, the result-type filter, a confusion-matrix cell.
      await page.getByRole('link', { name: 'View test results' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Test results' })).toBeVisible();
      const count = page.locator('.results-count');
      const cards = page.getByRole('list', { name: 'Test images' }).getByRole('listitem').filter({ has: page.locator('.result-card__body') });
      await expect(count).toHaveText(`Images (${evaluation.TestResults.length})`);
      await expect(cards).toHaveCount(evaluation.TestResults.length);
      const withResult = (result: string) => evaluation.TestResults.filter((image) => image.Labels.some((label) => label.Result === result)).length;
      const filters = page.getByRole('complementary', { name: 'Filters' });
      await filters.getByRole('checkbox', { name: /False positive/ }).check();
      await expect(count).toHaveText(`Images (${withResult('FALSE_POSITIVE')})`);
      await filters.getByRole('checkbox', { name: /False positive/ }).uncheck();
      await filters.getByRole('checkbox', { name: /True positive/ }).check();
      await expect(count).toHaveText(`Images (${withResult('TRUE_POSITIVE')})`);
      await filters.getByRole('checkbox', { name: /True positive/ }).uncheck();
      await expect(count).toHaveText(`Images (${evaluation.TestResults.length})`);
      await page.getByPlaceholder('Search images by file name').fill('100.jpg');
      await expect(count).toHaveText('Images (2)');
      await page.getByPlaceholder('Search images by file name').fill('');
      await expect(count).toHaveText(`Images (${evaluation.TestResults.length})`);

      // A cell: test images carrying "stripes" whose top prediction is "stripes".
      const top = (image: EvaluationDescription['TestResults'][number]) =>
        image.Labels.filter((label) => label.Result === 'TRUE_POSITIVE' || label.Result === 'FALSE_POSITIVE').sort((a, b) => b.Confidence - a.Confidence)[0]?.Name;
      const inCell = evaluation.TestResults.filter(
        (image) => image.Labels.some((label) => label.Name === 'stripes' && (label.Result === 'TRUE_POSITIVE' || label.Result === 'FALSE_NEGATIVE')) && top(image) === 'stripes',
      );
      await page.locator('.results-matrix summary').click();
      await page.getByRole('button', { name: /^Ground truth stripes, predicted stripes/ }).click();
      await expect(page.getByText('Ground truth stripes, predicted stripes', { exact: true })).toBeVisible();
      await expect(count).toHaveText(`Images (${inCell.length})`);
      await expect(cards).toHaveCount(inCell.length);
      for (const image of inCell.slice(0, 3)) await expect(cards.filter({ hasText: image.FileName }).first()).toContainText('True positive');
      await shootBoth(page, loupe, testInfo, 'models-results', '테스트 결과');
      await page.getByRole('button', { name: 'Clear the confusion matrix filter' }).click();
      await expect(count).toHaveText(`Images (${evaluation.TestResults.length})`);

      // A card's labels are fixed in its dataset (the results stay as they were).
      const first = evaluation.TestResults[0]!;
      const firstCard = cards.filter({ has: page.getByTitle(first.SourceRef) });
      await firstCard.getByRole('button', { name: 'Fix labels' }).click();
      const fix = page.getByRole('dialog', { name: 'Fix labels' });
      const truth = first.Labels.find((label) => label.Result === 'TRUE_POSITIVE' || label.Result === 'FALSE_NEGATIVE')!.Name;
      const other = truth === 'blobs' ? 'stripes' : 'blobs';
      await expect(fix.getByRole('checkbox', { name: truth })).toBeChecked();
      await fix.getByRole('checkbox', { name: other }).check();
      await fix.getByRole('button', { name: 'Save labels' }).click();
      await expect(fix).toBeHidden();
      const fixed = (await loupe.call(`${LOUPE}.ListEntries`, { DatasetArn: testArn, SourceRefContains: first.SourceRef, MaxResults: 5 })) as {
        Entries: { EntryId: number; Labels: string[] }[];
      };
      expect(fixed.Entries.find((entry) => entry.EntryId === first.EntryId)?.Labels.sort()).toEqual(['blobs', 'stripes']);
      await expect(count).toHaveText(`Images (${evaluation.TestResults.length})`);

      // A card opens its image in the test dataset's labeling view.
      await cards.first().getByRole('button', { name: 'Open in labeling' }).click();
      await expect(page).toHaveURL(/#\/projects\/shapes\/datasets\/test\/label\?view=image&i=\d+$/);

      // --- Model details.
      await page.goto(`${loupe.origin}/#/projects/shapes/models/v1?tab=details`);
      await expect(page.getByRole('region', { name: 'Model details' })).toContainText('Image classification');
      // What training chose by validation, and the candidates it compared.
      const chosen = page.getByRole('region', { name: 'Chosen by validation' });
      await expect(chosen).toContainText('Backbone layers');
      await expect(chosen.getByRole('table', { name: 'Candidates compared' })).toContainText('Central crop (87.5 %)');
      await shootBoth(page, loupe, testInfo, 'models-details', '모델 세부 정보');

      // --- Tags: added on the Tags tab, kept by the API.
      await page.goto(`${loupe.origin}/#/projects/shapes/models/v1?tab=tags`);
      const tags = page.getByRole('region', { name: 'Tags' });
      await tags.getByRole('button', { name: 'Add new tag' }).click();
      await tags.getByLabel('Key of tag 1').fill('line');
      await tags.getByLabel('Value of tag 1').fill('press-4');
      await tags.getByRole('button', { name: 'Save changes' }).click();
      // The button is also disabled while the save is on its way: the toast says it landed.
      await expect(page.getByRole('status').filter({ hasText: 'Tags saved.' })).toBeVisible();
      await expect(tags.getByRole('button', { name: 'Save changes' })).toBeDisabled();
      expect(await loupe.call(`${REKOGNITION}.ListTagsForResource`, { ResourceArn: version.ProjectVersionArn })).toEqual({ Tags: { line: 'press-4' } });
      await shootBoth(page, loupe, testInfo, 'models-tags', '새 태그 추가');

      // --- The kiosk PIN, set in Settings.
      await page.goto(`${loupe.origin}/#/settings`);
      const kioskSettings = page.getByRole('region', { name: 'Kiosk' });
      await kioskSettings.getByRole('button', { name: 'Set PIN' }).click();
      await kioskSettings.getByLabel('PIN', { exact: true }).fill('2468');
      await kioskSettings.getByLabel('Repeat PIN').fill('2468');
      await kioskSettings.getByRole('button', { name: 'Save PIN' }).click();
      await expect(kioskSettings).toContainText('A PIN is set.');
      await kioskSettings.scrollIntoViewIfNeeded();
      await shootBoth(page, loupe, testInfo, 'models-settings-kiosk', 'PIN이 설정되어 있습니다.');

      // --- Use model: start, analyse a picked image, the API code.
      await startFromUseTab(page, loupe, 'shapes', 'v1', 30_000);
      const analyze = page.getByRole('region', { name: 'Analyze images' });
      const chooser = page.waitForEvent('filechooser');
      await analyze.getByRole('button', { name: 'Choose images' }).click();
      await (await chooser).setFiles([path.join(testDir, 'stripes', '101.jpg'), path.join(testDir, 'blobs', '101.jpg')]);
      const analysed = analyze.getByRole('list', { name: 'Analyzed images' }).getByRole('listitem').filter({ has: page.locator('.analysis-card__body') });
      await expect(analysed).toHaveCount(2);
      await expect(analyze.getByRole('list', { name: 'Labels found in 101.jpg' })).toHaveCount(2, { timeout: 20_000 });
      const labelsOf = analyze.getByRole('list', { name: 'Labels found in 101.jpg' });
      await expect(labelsOf.nth(0).locator('.found-label__name').first()).toHaveText('blobs');
      await expect(labelsOf.nth(1).locator('.found-label__name').first()).toHaveText('stripes');
      await expect(analyze.locator('.overlay__plate').filter({ hasText: /^stripes:\d+%$/ })).toHaveCount(1);
      // One cut-off instead of the assumed thresholds: everything above 0% is reported.
      await analyze.getByRole('radio', { name: 'One cut-off' }).check();
      await analyze.getByRole('slider').fill('0');
      await expect(labelsOf.nth(0).locator('.found-label')).toHaveCount(2);
      await analyze.getByRole('radio', { name: 'Per-label assumed thresholds' }).check();
      await expect(labelsOf.nth(0).locator('.found-label')).toHaveCount(1);
      // The feedback loop: an analysed image becomes a labeled image of the training dataset.
      const stripesCard = analysed.filter({ has: page.getByText('stripes', { exact: true }) });
      await stripesCard.getByRole('button', { name: 'Add to training dataset' }).click();
      const add = page.getByRole('dialog', { name: 'Add to training dataset' });
      await expect(add.getByRole('checkbox', { name: 'stripes' })).toBeChecked();
      await expect(add.getByRole('checkbox', { name: 'blobs' })).not.toBeChecked();
      await add.getByRole('button', { name: 'Add image' }).click();
      await expect(add).toBeHidden({ timeout: 20_000 });
      await expect(stripesCard).toContainText('Added to the training dataset');
      const project = (await loupe.call(`${REKOGNITION}.DescribeProjects`, { ProjectNames: ['shapes'] })) as {
        ProjectDescriptions: { Datasets: { DatasetType: string; DatasetArn: string }[] }[];
      };
      const trainArn = project.ProjectDescriptions[0]!.Datasets.find((candidate) => candidate.DatasetType === 'TRAIN')!.DatasetArn;
      const added = (await loupe.call(`${LOUPE}.ListEntries`, { DatasetArn: trainArn, SourceRefContains: 'uploads', MaxResults: 10 })) as {
        Entries: { FileName: string; Labels: string[] }[];
      };
      expect(added.Entries.map((entry) => [entry.FileName, entry.Labels])).toEqual([['101.jpg', ['stripes']]]);
      await expect(page.getByRole('region', { name: 'API code' })).toContainText('aws rekognition start-project-version');
      await expect(page.getByRole('region', { name: 'API code' })).toContainText(version.ProjectVersionArn);
      await shootBoth(page, loupe, testInfo, 'models-use', '이미지 분석');
      await page.getByRole('region', { name: 'API code' }).getByRole('radio', { name: 'Python' }).check();
      await expect(page.getByRole('region', { name: 'API code' })).toContainText(`endpoint_url="${loupe.origin}"`);

      // --- Kiosk: a dropped image, then a file written into the watched folder.
      await page.getByRole('link', { name: 'Open kiosk view' }).first().click();
      const kiosk = page.getByTestId('kiosk');
      await expect(kiosk).toContainText('Waiting for images');
      await dropFiles(page, kiosk, [{ name: 'part-1.jpg', bytes: await readFile(path.join(testDir, 'stripes', '102.jpg')), type: 'image/jpeg' }]);
      await expect(page.getByTestId('kiosk-verdict')).toHaveText('stripes', { timeout: 20_000 });
      await expect(page.getByTestId('tally-stripes')).toHaveText('1');
      await kiosk.getByRole('button', { name: 'Settings' }).click();
      const settingsPad = page.getByRole('dialog', { name: 'Kiosk settings' });
      for (const digit of ['2', '4', '6', '8']) await settingsPad.getByRole('button', { name: digit, exact: true }).click();
      await settingsPad.getByRole('button', { name: 'Confirm' }).click();
      const settings = page.getByRole('dialog', { name: 'Kiosk settings' });
      await settings.getByRole('button', { name: 'Watch a folder' }).click();
      await expect(kiosk).toContainText('Watching watched');
      const blob = (await readFile(path.join(testDir, 'blobs', '103.jpg'))).toString('base64');
      await page.evaluate(async (base64) => {
        const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('watched', { create: true });
        const writable = await (await folder.getFileHandle('camera-0001.jpg', { create: true })).createWritable();
        await writable.write(Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)));
        await writable.close();
      }, blob);
      await expect(page.getByTestId('kiosk-verdict')).toHaveText('blobs', { timeout: 20_000 });
      await expect(kiosk.locator('.kiosk__verdict-file')).toHaveText('camera-0001.jpg');
      await expect(page.getByTestId('tally-blobs')).toHaveText('1');
      await shootBoth(page, loupe, testInfo, 'models-kiosk', '집계 초기화');

      // Leaving takes the PIN: a wrong one is refused.
      await kiosk.getByRole('button', { name: 'Exit' }).click();
      const pad = page.getByRole('dialog', { name: 'Leave the kiosk' });
      for (const digit of ['1', '1', '1', '1']) await pad.getByRole('button', { name: digit, exact: true }).click();
      await pad.getByRole('button', { name: 'Confirm' }).click();
      await expect(pad).toContainText('Wrong PIN');
      // The right one typed on a physical keyboard (issue 15: the pad took only clicks).
      await page.keyboard.type('2468');
      await expect(pad.locator('.pin-pad__display')).toHaveText('●●●●');
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/#\/projects\/shapes\/models\/v1\?tab=use$/);

      // --- Stop: a plain confirmation, its Stop button focused.
      await page.getByRole('region', { name: 'Start or stop model' }).getByRole('button', { name: 'Stop' }).click();
      const stop = page.getByRole('dialog', { name: 'Stop model' });
      await expect(stop.getByRole('button', { name: 'Stop' })).toBeFocused();
      await shootBoth(page, loupe, testInfo, 'models-stop', '모델 중지');
      await page.keyboard.press('Enter');
      await expect(stop).toBeHidden();
      await expect(page.getByRole('region', { name: 'Start or stop model' }).locator('.start-stop__status')).toContainText('Stopped', { timeout: 30_000 });

      // --- Usage: the run above as units in service over time, and today's row (UTC) with its images.
      const usage = page.getByRole('region', { name: 'Usage' });
      await expect(usage.getByRole('img', { name: /Inference units in service over time: at most 1/ })).toBeVisible();
      const today = usage.getByRole('row').nth(1).getByRole('cell');
      await expect(today.first()).toHaveText(new Date().toISOString().slice(0, 10));
      await expect(today.nth(3)).toHaveText(/^[1-9]\d*$/);

      // --- Export for Triton / KServe: a folder, live progress, and the parity-checked outcome.
      await page.goto(`${loupe.origin}/#/projects/shapes/models/v1`);
      await page.getByRole('button', { name: 'Export for Triton / KServe' }).click();
      const exporting = page.getByRole('dialog', { name: 'Export as a model repository' });
      await exporting.getByLabel('Folder').fill(path.join(root, 'repository'));
      await exporting.getByRole('button', { name: 'Export', exact: true }).click();
      await expect(exporting).toContainText('shapes-v1 exported: it gives the same answers as Loupe.', { timeout: 60_000 });
      expect(JSON.parse(await readFile(path.join(root, 'repository', 'shapes-v1', 'loupe.json'), 'utf8')).useCase).toBe('classification');
      await exporting.getByRole('button', { name: 'Close' }).last().click();

      // --- The Models tab lists the version with the console's columns.
      await page.goto(`${loupe.origin}/#/projects/shapes?tab=models`);
      const row = page.getByRole('row', { name: 'v1' });
      await expect(row.getByRole('cell')).toHaveText([
        'v1',
        /\d/,
        score(version.EvaluationResult!.F1Score),
        'Stopped',
        'The model has stopped running.',
      ]);
      await shootBoth(page, loupe, testInfo, 'models-list', '모델 성능');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

test.describe('the train page', () => {
  test('lists the problems validation would find and refuses to start', async ({ page, loupe }, testInfo) => {
    const root = await mkdtemp(path.join(tmpdir(), 'loupe-ui-models-'));
    try {
      // One label only, plus unlabeled images, and no test dataset.
      const folder = await classFolder(path.join(root, 'one'), 3, 0);
      await rm(path.join(folder, 'stripes'), { recursive: true });
      const { ProjectArn } = (await loupe.call(`${REKOGNITION}.CreateProject`, { ProjectName: 'lonely' })) as { ProjectArn: string };
      const { DatasetArn } = (await loupe.call(`${REKOGNITION}.CreateDataset`, { ProjectArn, DatasetType: 'TRAIN' })) as { DatasetArn: string };
      await loupe.call(`${LOUPE}.ImportFolder`, { DatasetArn, Folder: folder });
      await waitForDatasets(loupe, [DatasetArn], [3]);
      // An image outside any label folder carries no label.
      const loose = await classImage(path.join(root, 'loose', 'unlabeled.jpg'), 'stripes', 99);
      await loupe.call(`${LOUPE}.ImportFiles`, { DatasetArn, Files: [loose] });
      await waitForDatasets(loupe, [DatasetArn], [4]);

      await page.goto(loupe.url);
      await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
      await page.goto(`${loupe.origin}/#/projects/lonely/train`);
      const checks = page.getByRole('list', { name: 'Checks' });
      await expect(checks).toContainText('The model needs at least 2 labels with images; the training dataset has 1.');
      await expect(checks).toContainText('1 image of the training dataset has no labels and will be ignored.');
      await expect(page.getByText('The test set will be split off the training dataset')).toBeVisible();
      await expect(page.getByRole('button', { name: 'Train model' })).toBeDisabled();
      await shootBoth(page, loupe, testInfo, 'models-train-problems', '수정 필요');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
