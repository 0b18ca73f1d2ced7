import { expect, test } from './fixtures';

test.describe('when the address has no session token', () => {
  test('the printed access keys sign in', async ({ page, loupe }) => {
    await page.goto(`${loupe.origin}/`);
    await expect(page.getByRole('heading', { name: 'Sign in to Loupe' })).toBeVisible();

    await page.getByLabel('Access key ID').fill(loupe.accessKeyId);
    await page.getByLabel('Secret access key', { exact: true }).fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Sign in to Loupe' })).toBeVisible();

    await page.getByLabel('Secret access key', { exact: true }).fill(loupe.secretAccessKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();

    // The session lasts for the tab: a reload stays signed in.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
  });

  test('opening the printed link in the same tab signs in', async ({ page, loupe }) => {
    await page.goto(`${loupe.origin}/`);
    await expect(page.getByRole('heading', { name: 'Sign in to Loupe' })).toBeVisible();
    // Only the hash differs, so the page is not reloaded.
    await page.goto(loupe.url);
    await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
    await expect(page).not.toHaveURL(/token=/);
  });

  test('a refused token leads back to sign-in', async ({ page, loupe }) => {
    await page.goto(`${loupe.origin}/#token=not-a-valid-token`);
    await expect(page.getByRole('heading', { name: 'Sign in to Loupe' })).toBeVisible();
    await expect(page.getByText('Your session has ended.')).toBeVisible();
  });
});
