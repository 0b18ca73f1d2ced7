/**
 * An object detector in the browser against a real `loupe serve`: datasets of generated red and
 * blue squares from object-detection manifests through a bucket mapping, trained through the API;
 * then its Evaluate tab against what the API reports (F1, average precision, mAP), the test
 * results' cards with predicted and ground-truth boxes told apart and the result-type filter,
 * starting it from the Use tab, analysing a dropped image (the right label with a box on the
 * square), and stopping it. Screenshots in English and Korean.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import type { EvaluationDescription, ProjectVersionDescription, TestImageResult } from '../../preload/contract/api';
import { squaresImage, writeSquaresDataset, type Square, type SquaresImage } from '../support/squares';
import { iou } from '../../native/metrics';
import { expect, test, type LoupeServer } from './fixtures';
import { dropFiles, LOUPE, REKOGNITION, score, shootBoth, startFromUseTab, tile, waitForDatasets } from './screens';

const TRAINING_TIMEOUT_MS = 240_000;

async function describeVersion(loupe: LoupeServer, projectArn: string): Promise<ProjectVersionDescription> {
  const { ProjectVersionDescriptions } = (await loupe.call(`${REKOGNITION}.DescribeProjectVersions`, {
    ProjectArn: projectArn,
    VersionNames: ['v1'],
  })) as { ProjectVersionDescriptions: ProjectVersionDescription[] };
  return ProjectVersionDescriptions[0]!;
}

/** Project `squares` with TRAIN (30 images) and TEST (10) from manifests in a mapped bucket, trained as v1. */
async function trainedDetector(loupe: LoupeServer, folder: string): Promise<{ projectArn: string; version: ProjectVersionDescription }> {
  await writeSquaresDataset(folder, 'squares', 40, 30);
  await loupe.call(`${LOUPE}.CreateBucketMapping`, { Bucket: 'squares', Folder: folder });
  const { ProjectArn } = (await loupe.call(`${REKOGNITION}.CreateProject`, { ProjectName: 'squares' })) as { ProjectArn: string };
  const arns: string[] = [];
  for (const [type, name] of [['TRAIN', 'train'], ['TEST', 'test']] as const) {
    const { DatasetArn } = (await loupe.call(`${REKOGNITION}.CreateDataset`, {
      ProjectArn,
      DatasetType: type,
      DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'squares', Name: `${name}.manifest` } } },
    })) as { DatasetArn: string };
    arns.push(DatasetArn);
  }
  await waitForDatasets(loupe, arns, [30, 10], 60_000);
  await loupe.call(`${REKOGNITION}.CreateProjectVersion`, { ProjectArn, VersionName: 'v1' });
  const deadline = Date.now() + TRAINING_TIMEOUT_MS;
  let version = await describeVersion(loupe, ProjectArn);
  while (version.Status === 'TRAINING_IN_PROGRESS') {
    if (Date.now() > deadline) throw new Error(`Training did not finish in ${TRAINING_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    version = await describeVersion(loupe, ProjectArn);
  }
  expect(version.Status, version.StatusMessage).toBe('TRAINING_COMPLETED');
  return { projectArn: ProjectArn, version };
}

/** A probe image with exactly one square, beyond the training seeds. */
async function probeImage(folder: string): Promise<{ file: string; image: SquaresImage; square: Square }> {
  for (let seed = 1000; ; seed++) {
    const file = path.join(folder, `probe-${seed}.png`);
    const image = await squaresImage(file, seed);
    if (image.squares.length === 1) return { file, image, square: image.squares[0]! };
  }
}

test.describe('an object detector', () => {
  test.describe.configure({ timeout: TRAINING_TIMEOUT_MS + 150_000 });

  test('evaluates as the API reports, draws predicted and ground-truth boxes, filters results, and analyses a dropped image', async ({ page, loupe }, testInfo) => {
    const root = await mkdtemp(path.join(tmpdir(), 'loupe-ui-detection-'));
    try {
      const { projectArn, version } = await trainedDetector(loupe, root);
      expect(version.UseCase).toBe('OBJECT_LOCALIZATION');
      const evaluation = (await loupe.call(`${LOUPE}.DescribeEvaluation`, { ProjectVersionArn: version.ProjectVersionArn })) as EvaluationDescription;
      const aggregated = evaluation.Summary.AggregatedEvaluationResults as { F1Score: number; Precision: number; Recall: number; AveragePrecision?: number; AverageRecall?: number };

      await page.goto(loupe.url);
      await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();

      // --- Evaluate: the tiles say what DescribeProjectVersions and DescribeEvaluation say.
      await page.goto(`${loupe.origin}/#/projects/squares/models/v1`);
      await expect(page.locator('.model-screen__badges')).toContainText('Training completed');
      await expect(tile(page, 'F1 score')).toHaveText(score(version.EvaluationResult!.F1Score));
      await expect(tile(page, 'F1 score')).toHaveText(score(aggregated.F1Score));
      await expect(tile(page, 'Average precision')).toHaveText(score(aggregated.Precision));
      await expect(tile(page, 'Overall recall')).toHaveText(score(aggregated.Recall));
      expect(aggregated.AveragePrecision).toEqual(expect.any(Number));
      await expect(tile(page, 'Mean average precision (mAP)')).toHaveText(score(aggregated.AveragePrecision!));
      if (aggregated.AverageRecall !== undefined) await expect(tile(page, 'Mean average recall (mAR)')).toHaveText(score(aggregated.AverageRecall));
      const perLabel = evaluation.Summary.LabelEvaluationResults as { Label: string; Metrics: { F1Score: number } }[];
      const table = page.getByRole('table', { name: 'Per label performance' });
      for (const row of perLabel) await expect(table.getByRole('row', { name: row.Label }).getByRole('cell').nth(1)).toHaveText(score(row.Metrics.F1Score));
      // Detection has no confusion matrix.
      await expect(page.getByRole('table', { name: /Confusion matrix/ })).toHaveCount(0);
      await shootBoth(page, loupe, testInfo, 'detection-evaluate', '평균 정밀도 평균(mAP)');

      // --- Test results: every card draws its boxes, ground truth apart from predictions.
      await page.getByRole('link', { name: 'View test results' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Test results' })).toBeVisible();
      const results = evaluation.TestResults;
      const count = page.locator('.results-count');
      const cards = page.getByRole('list', { name: 'Test images' }).getByRole('listitem').filter({ has: page.locator('.result-card__body') });
      await expect(count).toHaveText(`Images (${results.length})`);
      await expect(cards).toHaveCount(results.length);
      const truthOf = (image: TestImageResult) => (image.Boxes ?? []).filter((box) => box.Result === 'GROUND_TRUTH');
      const predictedOf = (image: TestImageResult) => (image.Boxes ?? []).filter((box) => box.Result === 'TRUE_POSITIVE' || box.Result === 'FALSE_POSITIVE');
      for (const image of results) {
        expect(truthOf(image).length, image.FileName).toBeGreaterThan(0);
        const card = page.getByRole('listitem', { name: image.FileName, exact: true });
        const boxes = card.locator('svg.result-card__boxes rect');
        await expect(boxes).toHaveCount(image.Boxes!.length);
        await expect(card.locator('.result-box--truth')).toHaveCount(truthOf(image).length);
        await expect(card.locator('.result-box--tp, .result-box--fp')).toHaveCount(predictedOf(image).length);
        // Drawn where the API says, in the image's own pixels.
        await expect(card.locator('svg.result-card__boxes')).toHaveAttribute('viewBox', `0 0 ${image.Width} ${image.Height}`);
        const drawn = await boxes.evaluateAll((rects) => rects.map((rect) => ['x', 'y', 'width', 'height'].map((name) => Number(rect.getAttribute(name)))));
        expect(drawn).toEqual(image.Boxes!.map((box) => [box.Left, box.Top, box.Width, box.Height]));
        // What it carries and what the model said, in words.
        for (const box of truthOf(image)) await expect(card.locator('.result-card__truth')).toContainText(box.Name);
        await expect(card.getByRole('list', { name: `Results for ${image.FileName}` }).getByRole('listitem')).toHaveCount(
          Math.max(1, image.Boxes!.filter((box) => box.Result !== 'GROUND_TRUTH').length),
        );
        // Detection results are fixed by drawing boxes, not by image-level labels.
        await expect(card.getByRole('button', { name: 'Fix labels' })).toHaveCount(0);
      }

      // Ground truth is drawn unlike any prediction (colour and dashes), and the legend says which is which.
      const withBoth = results.find((image) => truthOf(image).length > 0 && image.Boxes!.some((box) => box.Result === 'TRUE_POSITIVE'));
      expect(withBoth, 'a test image with a true positive').toBeDefined();
      const card = page.getByRole('listitem', { name: withBoth!.FileName, exact: true });
      const strokeOf = (box: Locator) => box.first().evaluate((element) => ({ stroke: getComputedStyle(element).stroke, dashes: getComputedStyle(element).strokeDasharray }));
      const truthStroke = await strokeOf(card.locator('.result-box--truth'));
      const predictedStroke = await strokeOf(card.locator('.result-box--tp'));
      expect(truthStroke.stroke).not.toBe(predictedStroke.stroke);
      expect(truthStroke.dashes).not.toBe(predictedStroke.dashes);
      const legend = page.getByRole('list', { name: 'Box colours' });
      await expect(legend.getByRole('listitem')).toHaveText(['Ground truth', 'True positive', 'False positive', 'False negative']);
      const keyStroke = (name: string) =>
        legend.getByRole('listitem').filter({ hasText: name }).evaluate((element) => {
          const key = getComputedStyle(element, '::before');
          return { color: key.borderTopColor, style: key.borderTopStyle };
        });
      const truthKey = await keyStroke('Ground truth');
      const positiveKey = await keyStroke('True positive');
      expect(truthKey.style).toBe('dashed');
      expect(positiveKey.style).toBe('solid');
      expect(positiveKey.color).toBe(predictedStroke.stroke);
      expect(await keyStroke('False positive')).not.toEqual(positiveKey);

      // The result-type filter: only the images with a box of that kind.
      const withResult = (result: string) => results.filter((image) => image.Boxes!.some((box) => box.Result === result));
      const filters = page.getByRole('complementary', { name: 'Filters' });
      for (const [name, result] of [
        ['True positive', 'TRUE_POSITIVE'],
        ['False positive', 'FALSE_POSITIVE'],
        ['False negative', 'FALSE_NEGATIVE'],
      ] as const) {
        const expected = withResult(result);
        const option = filters.locator('.ui-checkbox').filter({ hasText: new RegExp(`^${name}`) });
        const checkbox = option.getByRole('checkbox');
        // Each type says how many images it will leave.
        await expect(option.locator('.result-type__count')).toHaveText(String(expected.length));
        await checkbox.check();
        await expect(count).toHaveText(`Images (${expected.length})`);
        await expect(cards).toHaveCount(expected.length);
        for (const image of expected) await expect(cards.filter({ has: page.getByTitle(image.SourceRef, { exact: true }) })).toHaveCount(1);
        if (expected.length > 0) await expect(cards.locator(`.result-box--${{ TRUE_POSITIVE: 'tp', FALSE_POSITIVE: 'fp', FALSE_NEGATIVE: 'fn' }[result]}`).first()).toBeVisible();
        if (result === 'FALSE_POSITIVE' && expected.length > 0) await shootBoth(page, loupe, testInfo, 'detection-results-false-positives', '실제 레이블');
        await checkbox.uncheck();
        await expect(count).toHaveText(`Images (${results.length})`);
      }
      // A label and a result type together: the images where that label was a true positive.
      const redHits = results.filter((image) => image.Boxes!.some((box) => box.Name === 'red' && box.Result === 'TRUE_POSITIVE'));
      await filters.getByRole('checkbox', { name: 'red', exact: true }).check();
      await filters.getByRole('checkbox', { name: /^True positive/ }).check();
      await expect(count).toHaveText(`Images (${redHits.length})`);
      await expect(cards).toHaveCount(redHits.length);
      await filters.getByRole('button', { name: 'Clear filters' }).click();
      await expect(count).toHaveText(`Images (${results.length})`);
      await shootBoth(page, loupe, testInfo, 'detection-results', '실제 레이블');

      // --- Use: start from the tab, drop an image of one square, see the label and its box.
      const startPanel = await startFromUseTab(page, loupe, 'squares', 'v1', 60_000);
      expect((await describeVersion(loupe, projectArn)).Status).toBe('RUNNING');

      const probe = await probeImage(root);
      const analyze = page.getByRole('region', { name: 'Analyze images' });
      await dropFiles(page, analyze.locator('.ui-dropzone'), [{ name: 'part-1.png', bytes: await readFile(probe.file), type: 'image/png' }]);
      const analysed = analyze.getByRole('listitem', { name: 'part-1.png', exact: true });
      const found = analysed.getByRole('list', { name: 'Labels found in part-1.png' });
      await expect(found).toBeVisible({ timeout: 30_000 });
      await expect(found.locator('.found-label__name').first()).toHaveText(probe.square.label);
      const box = analysed.locator('.overlay__box').filter({ has: page.locator('.overlay__plate', { hasText: new RegExp(`^${probe.square.label}:\\d+%$`) }) }).first();
      await expect(box).toBeVisible();
      // The drawn box sits on the square: IoU of at least 0.5 in the displayed picture.
      const picture = (await analysed.locator('.overlay__image').boundingBox())!;
      const drawn = (await box.boundingBox())!;
      const scale = picture.width / probe.image.width;
      const truth = { left: picture.x + probe.square.left * scale, top: picture.y + probe.square.top * scale, width: probe.square.width * scale, height: probe.square.height * scale };
      expect(iou({ left: drawn.x, top: drawn.y, width: drawn.width, height: drawn.height }, truth)).toBeGreaterThanOrEqual(0.5);
      await shootBoth(page, loupe, testInfo, 'detection-use', '이미지 분석');

      // --- Stop, confirmed.
      await startPanel.getByRole('button', { name: 'Stop' }).click();
      const stop = page.getByRole('dialog', { name: 'Stop model' });
      await stop.getByRole('button', { name: 'Stop' }).click();
      await expect(stop).toBeHidden();
      await expect(startPanel.locator('.start-stop__status')).toContainText('Stopped', { timeout: 30_000 });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
