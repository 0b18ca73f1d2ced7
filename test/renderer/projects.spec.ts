import type { Page } from '@playwright/test';
import { cellOf, expect, test } from './fixtures';
import { shootBoth, shot } from './screens';

async function createProject(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Create project' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Create project' });
  await dialog.getByLabel('Project name').fill(name);
  await dialog.getByRole('button', { name: 'Create project' }).click();
  await expect(dialog).toBeHidden();
  // Creating a project opens it (issue 15); back to the list.
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByRole('link', { name: 'Projects' }).first().click();
}

test.describe('when the workspace is new', () => {
  test('a project is created, opened, shown in Korean and deleted', async ({ page, loupe }, testInfo) => {
    await page.goto(loupe.url);
    await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
    // The session token leaves the address bar once it is stored.
    await expect(page).not.toHaveURL(/token=/);
    await expect(page.getByRole('heading', { name: 'Create your first project' })).toBeVisible();

    await createProject(page, 'shelf-detector');
    const row = page.getByRole('row', { name: 'shelf-detector' });
    await expect(row).toBeVisible();
    await expect(await cellOf(page, row, 'Versions')).toHaveText('0');
    await expect(await cellOf(page, row, 'Model performance')).toHaveText('N/A');
    await expect(page.getByRole('columnheader', { name: 'Date created' })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'Project shelf-detector created.' })).toBeVisible();
    await shot(page, testInfo, 'projects-en');

    await row.getByRole('link', { name: 'shelf-detector' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'shelf-detector' })).toBeVisible();
    await expect(page.getByText(/^arn:aws:rekognition:[^:]+:\d{12}:project\/shelf-detector\/\d+$/)).toBeVisible();
    const datasetsTab = page.getByRole('tab', { name: /Datasets/ });
    await expect(datasetsTab).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('listitem', { name: 'Training dataset' })).toContainText('Not created yet');
    await expect(page.getByRole('listitem', { name: 'Test dataset' })).toContainText('Not created yet');
    await page.getByRole('tab', { name: /Models/ }).click();
    await expect(page.getByRole('heading', { name: 'No models yet' })).toBeVisible();
    await shootBoth(page, loupe, testInfo, 'project', '아직 모델이 없습니다');

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: /한국어/ }).check();
    await expect(page.getByRole('heading', { level: 1, name: '설정' })).toBeVisible();
    await page.getByRole('link', { name: '프로젝트' }).click();
    await expect(page.getByRole('heading', { level: 1, name: '프로젝트' })).toBeVisible();
    await expect(page.getByRole('columnheader', { name: '모델 성능' })).toBeVisible();
    await expect(page.getByRole('columnheader', { name: '생성 날짜' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
    await shot(page, testInfo, 'projects-ko');

    // The choice is saved by the backend, not the page: it survives a reload.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: '프로젝트' })).toBeVisible();
    await page.getByRole('link', { name: '설정' }).click();
    await page.getByRole('radio', { name: /English/ }).check();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await expect(page.getByRole('radio', { name: /English/ })).toBeChecked();

    await page.getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('button', { name: 'Delete shelf-detector' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete project' });
    const confirm = dialog.getByRole('button', { name: 'Delete project' });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel('To confirm, type “delete”').fill('delete');
    await confirm.click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('heading', { name: 'Create your first project' })).toBeVisible();
    await expect(page.getByRole('row', { name: 'shelf-detector' })).toHaveCount(0);
  });

  test('an invalid or taken name is explained in the dialog', async ({ page, loupe }) => {
    await page.goto(loupe.url);
    await createProject(page, 'duplicate');

    await page.getByRole('button', { name: 'Create project' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create project' });
    const name = dialog.getByLabel('Project name');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await expect(dialog.getByText('Enter a project name.')).toBeVisible();
    await name.fill('has space');
    await expect(dialog.getByText('Use only letters, numbers, hyphens (-), underscores (_) and periods (.).')).toBeVisible();
    await expect(name).toHaveAttribute('aria-invalid', 'true');

    await name.fill('duplicate');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    const alert = dialog.getByRole('alert');
    await expect(alert).toContainText('That name or resource is already in use.');
    await expect(alert).toContainText('A project named duplicate already exists.');
    await expect(alert).toContainText('ResourceInUseException');
    await expect(dialog).toBeVisible();

    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('row', { name: 'duplicate' })).toHaveCount(1);
  });

  test('a project created elsewhere appears without a reload', async ({ page, loupe }) => {
    await page.goto(loupe.url);
    await expect(page.getByRole('heading', { name: 'Create your first project' })).toBeVisible();
    await loupe.call('RekognitionService.CreateProject', { ProjectName: 'from-the-api' });
    await expect(page.getByRole('row', { name: 'from-the-api' })).toBeVisible();
  });
});
