import { expect, test } from './fixtures';

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
