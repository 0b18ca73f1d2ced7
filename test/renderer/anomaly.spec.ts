import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { aScratch, aTexture } from '../support/textures';
import { expect, test, type LoupeServer } from './fixtures';
import { dropFiles, LOUPE, REKOGNITION, shootBoth, waitForDatasets } from './screens';

const LOOKOUT = 'LookoutVisionService';

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Woven textures: train/ok-parts (good, named so the folder must be marked), test/good and test/defects (scratched). */
async function surfaces(root: string): Promise<{ clean: string; scratched: string }> {
  for (let i = 0; i < 10; i++) await aTexture(path.join(root, 'train', 'ok-parts', `${i}.png`), { seed: i });
  for (let i = 0; i < 3; i++) await aTexture(path.join(root, 'test', 'good', `${i}.png`), { seed: 100 + i });
  for (let i = 0; i < 3; i++) await aTexture(path.join(root, 'test', 'defects', `${i}.png`), { seed: 200 + i, scratch: aScratch(i) });
  return { clean: path.join(root, 'test', 'good', '0.png'), scratched: path.join(root, 'test', 'defects', '0.png') };
}

async function projectArnOf(loupe: LoupeServer, name: string): Promise<string> {
  const { ProjectDescriptions } = (await loupe.call(`${REKOGNITION}.DescribeProjects`, { ProjectNames: [name] })) as { ProjectDescriptions: { ProjectArn: string }[] };
  return ProjectDescriptions[0]!.ProjectArn;
}

test.describe('when a line has good parts to learn from', () => {
  test('an anomaly-detection project is created from the dialog, in English and Korean, and Lookout for Vision code sees it', async ({ page, loupe }) => {
    await page.goto(loupe.url);
    await page.getByRole('button', { name: 'Create project' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create project' });
    await dialog.getByLabel('Project name').fill('cookie-line');
    await expect(dialog.getByText(/learns from normal images alone/)).toBeVisible();
    await dialog.getByRole('checkbox', { name: 'Anomaly detection' }).check();
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await expect(dialog).toBeHidden();
    // Creating a project opens it; the list then shows it.
    await expect(page.getByRole('heading', { level: 1, name: 'cookie-line' })).toBeVisible();
    await page.getByRole('link', { name: 'Projects' }).first().click();
    await expect(page.getByRole('row', { name: 'cookie-line' })).toBeVisible();

    const described = (await loupe.call('LookoutVisionService.LookoutVisionDescribeProject', { ProjectName: 'cookie-line' })) as {
      ProjectDescription: { ProjectArn: string };
    };
    expect(described.ProjectDescription.ProjectArn).toMatch(/^arn:aws:lookoutvision:[^:]+:\d{12}:project\/cookie-line$/);

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: /한국어/ }).check();
    await page.getByRole('link', { name: '프로젝트' }).click();
    await page.getByRole('button', { name: '프로젝트 생성' }).first().click();
    const korean = page.getByRole('dialog', { name: '프로젝트 생성' });
    await expect(korean.getByRole('checkbox', { name: '이상 탐지' })).toBeVisible();
    // The Lookout for Vision name rule is the service's: a period is refused, and the dialog says where.
    await korean.getByLabel('프로젝트 이름').fill('cookie.line');
    await korean.getByRole('checkbox', { name: '이상 탐지' }).check();
    await korean.getByRole('button', { name: '프로젝트 생성' }).click();
    await expect(korean.getByRole('alert')).toContainText('ProjectName');
  });
});

test.describe('an anomaly model in the app', () => {
  test.describe.configure({ timeout: 300_000 });

  test('marks the good folder, shows scores, heat maps, false rejects first, and the kiosk NG view', async ({ page, loupe }, testInfo) => {
    const root = await mkdtemp(path.join(tmpdir(), 'loupe-ui-anomaly-'));
    try {
      const { clean, scratched } = await surfaces(root);
      await loupe.call(`${LOOKOUT}.LookoutVisionCreateProject`, { ProjectName: 'tiles' });
      const projectArn = await projectArnOf(loupe, 'tiles');
      const testSet = (await loupe.call(`${REKOGNITION}.CreateDataset`, { ProjectArn: projectArn, DatasetType: 'TEST' })) as { DatasetArn: string };
      await loupe.call(`${LOUPE}.ImportFolder`, { DatasetArn: testSet.DatasetArn, Folder: path.join(root, 'test'), FolderLabels: { defects: 'anomaly' } });
      await waitForDatasets(loupe, [testSet.DatasetArn], [6]);

      // --- The training dataset from a folder whose good images sit in "ok-parts", marked in the form.
      await page.goto(loupe.url);
      await page.goto(`${loupe.origin}/#/projects/tiles/datasets/create`);
      await page.getByLabel('Folder on the computer running Loupe').fill(path.join(root, 'train'));
      await page.getByLabel('Folder of good (normal) images').fill('ok-parts');
      await page.getByRole('button', { name: 'Create dataset' }).click();
      const trainArn = await until(
        async () => ((await loupe.call(`${REKOGNITION}.DescribeProjects`, { ProjectNames: ['tiles'] })) as { ProjectDescriptions: { Datasets: { DatasetType: string; DatasetArn: string }[] }[] }).ProjectDescriptions[0]!.Datasets.find((d) => d.DatasetType === 'TRAIN')?.DatasetArn,
        (arn) => arn !== undefined,
        20_000,
      );
      await waitForDatasets(loupe, [trainArn!], [10]);
      const labels = (await loupe.call(`${REKOGNITION}.ListDatasetLabels`, { DatasetArn: trainArn })) as { DatasetLabelDescriptions: { LabelName: string }[] };
      expect(labels.DatasetLabelDescriptions.map((l) => l.LabelName)).toEqual(['normal']);

      // --- Trained from the Train model page on the normal images alone, as model 1; started as any Loupe model.
      await page.goto(`${loupe.origin}/#/projects/tiles/train`);
      await expect(page.getByText('No problems found. The datasets are ready for training.')).toBeVisible();
      await expect(page.getByLabel('Version name')).toHaveAttribute('placeholder', '1');
      await page.getByRole('button', { name: 'Train model' }).click();
      await page.getByRole('dialog', { name: 'Do you want to train the model?' }).getByRole('button', { name: 'Train model' }).click();
      await expect(page).toHaveURL(/#\/projects\/tiles\/models\/1$/);
      const status = async () =>
        ((await loupe.call(`${REKOGNITION}.DescribeProjectVersions`, { ProjectArn: projectArn })) as { ProjectVersionDescriptions: { Status: string; StatusMessage: string; ProjectVersionArn: string }[] }).ProjectVersionDescriptions[0]!;
      const trained = await until(status, (v) => v.Status !== 'TRAINING_IN_PROGRESS', 240_000);
      expect(trained.Status, trained.StatusMessage).toBe('TRAINING_COMPLETED');
      const { ProjectVersionArn } = trained;
      await loupe.call(`${REKOGNITION}.StartProjectVersion`, { ProjectVersionArn, MinInferenceUnits: 1 });
      await until(status, (v) => v.Status === 'RUNNING', 60_000);

      // --- Test results: every image with its score against the threshold, wrong verdicts first.
      const evaluation = (await loupe.call(`${LOUPE}.DescribeEvaluation`, { ProjectVersionArn })) as {
        TestResults: { FileName: string; Anomaly: { Score: number; Threshold: number; IsAnomalous: boolean; PredictedAnomalous: boolean } }[];
      };
      expect(evaluation.TestResults).toHaveLength(6);
      const wrong = evaluation.TestResults.filter((r) => r.Anomaly.IsAnomalous !== r.Anomaly.PredictedAnomalous).length;
      expect(evaluation.TestResults.slice(0, wrong).every((r) => r.Anomaly.IsAnomalous !== r.Anomaly.PredictedAnomalous)).toBe(true);
      await page.goto(`${loupe.origin}/#/projects/tiles/models/1/results`);
      const cards = page.getByRole('list', { name: 'Test images' }).getByRole('listitem').filter({ has: page.locator('.result-card__body') });
      await expect(cards).toHaveCount(6);
      await expect(page.getByTestId('test-anomaly-score').first()).toContainText(/Score|False reject|Missed anomaly/);
      await expect(page.getByTestId('test-anomaly-score').first()).toContainText(evaluation.TestResults[0]!.Anomaly.Threshold.toFixed(3));
      // Each card's heat map over its picture, hidden with the toggle.
      await expect(page.getByTestId('test-heat-map')).toHaveCount(6);
      await shootBoth(page, loupe, testInfo, 'anomaly-results', '히트맵 표시');
      await page.getByRole('checkbox', { name: 'Show heat map' }).uncheck();
      await expect(page.getByTestId('test-heat-map')).toHaveCount(0);

      // --- Details: the image score training chose, in words, and every candidate's.
      await page.goto(`${loupe.origin}/#/projects/tiles/models/1?tab=details`);
      const chosen = page.getByRole('region', { name: 'Chosen by validation' });
      await expect(chosen).toContainText(/Image score\s*(Worst patch|Mean of the \d+ worst patches)/);
      await expect(chosen.getByRole('table', { name: 'Candidates compared' })).toContainText('Image score: Worst patch, re-weighted by its neighbourhood');
      await expect(chosen).toContainText('Place weight (0: not used)');
      await expect(chosen.getByRole('table', { name: 'Candidates compared' })).toContainText('Good images learnt from: 10');

      // --- Analyze: the verdict, the score against the threshold, the heat map (toggled off and on).
      await page.goto(`${loupe.origin}/#/projects/tiles/models/1?tab=use`);
      const analyze = page.getByRole('region', { name: 'Analyze images' });
      const chooser = page.waitForEvent('filechooser');
      await analyze.getByRole('button', { name: 'Choose images' }).click();
      await (await chooser).setFiles([clean, scratched]);
      const scores = analyze.getByTestId('anomaly-score');
      await expect(scores).toHaveCount(2, { timeout: 40_000 });
      await expect(scores.filter({ hasText: /^Anomaly · score/ })).toHaveCount(1);
      await expect(scores.filter({ hasText: /^Normal · score/ })).toHaveCount(1);
      await expect(analyze.getByTestId('heat-map')).toHaveCount(2);
      await analyze.getByRole('checkbox', { name: 'Show heat map' }).uncheck();
      await expect(analyze.getByTestId('heat-map')).toHaveCount(0);
      await analyze.getByRole('checkbox', { name: 'Show heat map' }).check();
      await analyze.getByRole('slider', { name: 'Heat-map opacity' }).fill('30');
      await expect(analyze.getByTestId('heat-map').first()).toHaveCSS('opacity', '0.3');
      await shootBoth(page, loupe, testInfo, 'anomaly-analyze', '히트맵 표시');

      // --- Kiosk: NG with the heat map over the part, OK without it, and the counts.
      await page.getByRole('link', { name: 'Open kiosk view' }).first().click();
      const kiosk = page.getByTestId('kiosk');
      await dropFiles(page, kiosk, [{ name: 'part-ng.png', bytes: await readFile(scratched), type: 'image/png' }]);
      await expect(page.getByTestId('kiosk-verdict')).toHaveText('NG', { timeout: 40_000 });
      await expect(kiosk.locator('.kiosk__picture').getByTestId('heat-map')).toBeVisible();
      await shootBoth(page, loupe, testInfo, 'anomaly-kiosk-ng', '집계 초기화');
      await dropFiles(page, kiosk, [{ name: 'part-ok.png', bytes: await readFile(clean), type: 'image/png' }]);
      await expect(kiosk.locator('.kiosk__verdict-file')).toHaveText('part-ok.png', { timeout: 40_000 });
      await expect(page.getByTestId('kiosk-verdict')).toHaveText('OK');
      await expect(kiosk.locator('.kiosk__picture').getByTestId('heat-map')).toHaveCount(0);

      // --- Korean: the heat-map controls and the good-folder field.
      await page.goto(`${loupe.origin}/#/projects/tiles/models/1?tab=use`);
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('radio', { name: /한국어/ }).check();
      await page.goto(`${loupe.origin}/#/projects/tiles/models/1?tab=use`);
      await expect(page.getByRole('checkbox', { name: '히트맵 표시' })).toBeVisible();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
