/**
 * The threshold studio against a real `loupe serve` (issue 15): a classifier trained through the
 * API, a threshold moved with the keyboard on its slider with precision, recall and F1 following,
 * saved on the version, and then honoured by DetectCustomLabels without MinConfidence through the
 * real AWS SDK. Screenshots in English and Korean.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DetectCustomLabelsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import type { EvaluationDescription, ProjectVersionDescription } from '../../preload/contract/api';
import { classFolder, classImage } from '../support/classes';
import { expect, test, type LoupeServer } from './fixtures';
import { LOUPE, REKOGNITION, score, shootBoth, waitForDatasets } from './screens';

const TRAINING_TIMEOUT_MS = 150_000;

async function trainedClassifier(loupe: LoupeServer, root: string): Promise<{ projectArn: string; version: ProjectVersionDescription }> {
  const trainDir = await classFolder(path.join(root, 'train'), 10, 0);
  const testDir = await classFolder(path.join(root, 'test'), 5, 100);
  const { ProjectArn } = (await loupe.call(`${REKOGNITION}.CreateProject`, { ProjectName: 'studio' })) as { ProjectArn: string };
  const arns: string[] = [];
  for (const [type, folder] of [['TRAIN', trainDir], ['TEST', testDir]] as const) {
    const { DatasetArn } = (await loupe.call(`${REKOGNITION}.CreateDataset`, { ProjectArn, DatasetType: type })) as { DatasetArn: string };
    await loupe.call(`${LOUPE}.ImportFolder`, { DatasetArn, Folder: folder });
    arns.push(DatasetArn);
  }
  await waitForDatasets(loupe, arns, [20, 10]);
  await loupe.call(`${REKOGNITION}.CreateProjectVersion`, { ProjectArn, VersionName: 'v1' });
  const deadline = Date.now() + TRAINING_TIMEOUT_MS;
  for (;;) {
    const { ProjectVersionDescriptions } = (await loupe.call(`${REKOGNITION}.DescribeProjectVersions`, { ProjectArn })) as { ProjectVersionDescriptions: ProjectVersionDescription[] };
    const version = ProjectVersionDescriptions[0]!;
    if (version.Status !== 'TRAINING_IN_PROGRESS') {
      expect(version.Status, version.StatusMessage).toBe('TRAINING_COMPLETED');
      await loupe.call(`${REKOGNITION}.StartProjectVersion`, { ProjectVersionArn: version.ProjectVersionArn, MinInferenceUnits: 1 });
      return { projectArn: ProjectArn, version };
    }
    if (Date.now() > deadline) throw new Error('Training did not finish in time');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

test.describe('the threshold studio', () => {
  test.describe.configure({ timeout: TRAINING_TIMEOUT_MS + 90_000 });

  test('a threshold moved on the slider and saved is honoured by DetectCustomLabels without MinConfidence through the SDK', async ({ page, loupe }, testInfo) => {
    const root = await mkdtemp(path.join(tmpdir(), 'loupe-ui-studio-'));
    try {
      const { projectArn, version } = await trainedClassifier(loupe, root);
      const client = new RekognitionClient({
        endpoint: loupe.origin,
        region: 'us-east-1',
        credentials: { accessKeyId: loupe.accessKeyId, secretAccessKey: loupe.secretAccessKey },
      });
      const probe = await readFile(await classImage(path.join(root, 'probe.jpg'), 'stripes', 4242));
      const detect = async () => (await client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: version.ProjectVersionArn, Image: { Bytes: probe } }))).CustomLabels!.map((label) => label.Name);
      const status = async () =>
        ((await loupe.call(`${REKOGNITION}.DescribeProjectVersions`, { ProjectArn: projectArn, VersionNames: ['v1'] })) as { ProjectVersionDescriptions: ProjectVersionDescription[] }).ProjectVersionDescriptions[0]!.Status;
      await expect.poll(status, { timeout: 60_000 }).toBe('RUNNING');
      expect(await detect()).toEqual(['stripes']);

      await page.goto(loupe.url);
      await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
      await page.goto(`${loupe.origin}/#/projects/studio/models/v1`);
      const studio = page.getByRole('region', { name: 'Threshold studio' });
      await studio.getByLabel('Label', { exact: true }).selectOption('blobs');
      const evaluation = (await loupe.call(`${LOUPE}.DescribeEvaluation`, { ProjectVersionArn: version.ProjectVersionArn })) as EvaluationDescription;
      const assumed = (evaluation.Summary.LabelEvaluationResults as { Label: string; Metrics: { Threshold: number } }[]).find((row) => row.Label === 'blobs')!.Metrics.Threshold;
      await expect(studio.locator('.studio__value')).toHaveText(score(assumed));

      // Home puts the threshold at 0: every test image gets blobs, so recall is 1 and precision falls.
      const slider = studio.getByRole('slider', { name: 'Threshold for blobs' });
      await slider.focus();
      await page.keyboard.press('Home');
      await expect(studio.locator('.studio__value')).toHaveText(score(0));
      await expect(studio.locator('[data-metric="recall"] dd')).toHaveText(score(1));
      await expect(studio.locator('[data-metric="precision"] dd')).toHaveText(score(0.5));
      await expect(studio.getByRole('region', { name: 'Images that change' })).toContainText('now a false alarm for blobs');
      await shootBoth(page, loupe, testInfo, 'thresholds-studio', '임계값 조정');

      await studio.getByRole('button', { name: 'Save thresholds on this version' }).click();
      await expect(studio).toContainText('Saved on this version: 0.000');
      expect(await detect()).toEqual(['stripes', 'blobs']);

      // Best F1 puts the assumed threshold back; saved, the answer is as before.
      await studio.getByRole('button', { name: 'Best F1 (assumed threshold)' }).click();
      await expect(studio.locator('.studio__value')).toHaveText(score(assumed));
      await studio.getByRole('button', { name: 'Save thresholds on this version' }).click();
      await expect(studio).toContainText(`Saved on this version: ${score(assumed)}`);
      expect(await detect()).toEqual(['stripes']);

      // A 12000 × 9000 camera JPEG in the Analyze panel: made smaller and analysed, not refused.
      const big = path.join(root, 'camera-12000x9000.jpg');
      await sharp(probe).resize(12000, 9000, { fit: 'fill' }).jpeg({ quality: 60 }).toFile(big);
      await page.goto(`${loupe.origin}/#/projects/studio/models/v1?tab=use`);
      const analyze = page.getByRole('region', { name: 'Analyze images' });
      const chooser = page.waitForEvent('filechooser');
      await analyze.getByRole('button', { name: 'Choose images' }).click();
      await (await chooser).setFiles([big]);
      const found = analyze.getByRole('list', { name: 'Labels found in camera-12000x9000.jpg' });
      await expect(found.locator('.found-label__name').first()).toHaveText('stripes', { timeout: 30_000 });
      await shootBoth(page, loupe, testInfo, 'thresholds-analyze-large', '이미지 분석');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
