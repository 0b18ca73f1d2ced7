import { expect, test } from './fixtures';
import { shootBoth } from './screens';

test.describe('in Settings', () => {
  test('the API credentials are shown, hidden and revealed', async ({ page, loupe }) => {
    await page.goto(loupe.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    const api = page.getByRole('region', { name: 'API credentials' });
    await expect(api.getByText(loupe.accessKeyId)).toBeVisible();
    await expect(api.getByText(loupe.secretAccessKey)).toHaveCount(0);
    await api.getByRole('button', { name: 'Show secret access key' }).click();
    await expect(api.getByText(loupe.secretAccessKey, { exact: true })).toBeVisible();
    await expect(api.getByText(`aws rekognition describe-projects --endpoint-url ${loupe.origin}`)).toBeVisible();
    await expect(page.getByRole('region', { name: 'About Loupe' }).getByText(loupe.home)).toBeVisible();
  });

  test('a bucket mapping is added, listed and removed', async ({ page, loupe }, testInfo) => {
    await page.goto(loupe.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    const buckets = page.getByRole('region', { name: 'Bucket mappings' });
    // Loupe's own bucket for model versions' files is there from the start.
    await expect(buckets.getByRole('row', { name: 'loupe-output' })).toBeVisible();

    await buckets.getByLabel('Bucket name').fill('-bad-bucket');
    await buckets.getByRole('button', { name: 'Add mapping' }).click();
    await expect(buckets.getByText(/^Use letters, numbers/)).toBeVisible();

    await buckets.getByLabel('Bucket name').fill('training-images');
    await buckets.getByLabel('Folder').fill(loupe.home);
    await buckets.getByRole('button', { name: 'Add mapping' }).click();
    const row = buckets.getByRole('row', { name: 'training-images' });
    await expect(row).toContainText('s3://training-images');
    await expect(row).toContainText(loupe.home);
    await shootBoth(page, loupe, testInfo, 'settings', '버킷 매핑');

    await row.getByRole('button', { name: 'Remove mapping for training-images' }).click();
    await expect(row).toHaveCount(0);
    await expect(buckets.getByRole('row', { name: 'loupe-output' })).toBeVisible();
  });
});

test.describe('the system check in Settings', () => {
  test('says which SQLite build and execution provider are in use, with the home folder', async ({ page, loupe }) => {
    await page.goto(loupe.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    const system = page.getByRole('region', { name: 'System check' });
    // loupe serve runs under Node, on a machine without GPU provider libraries.
    await expect(system.getByText('Models run on cpu')).toBeVisible();
    const node = system.getByRole('listitem').filter({ hasText: 'Node build' });
    await expect(node.getByText('In use')).toBeVisible();
    await expect(node.getByText(/better_sqlite3\.node$/)).toBeVisible();
    await expect(system.getByRole('listitem').filter({ hasText: 'Electron build' })).toBeVisible();
    await expect(system.getByText(loupe.home, { exact: true })).toBeVisible();
    await expect(system.getByText('Readable and writable')).toBeVisible();
    await expect(system.getByText(/GiB free of .* GiB/)).toBeVisible();
    await system.getByRole('button', { name: 'Check again' }).click();
    await expect(system.getByText('Models run on cpu')).toBeVisible();
  });
});
