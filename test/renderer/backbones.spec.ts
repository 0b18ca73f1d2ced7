import { expect, test } from './fixtures';

// The served Loupe inherits this: downloads go to port 9, which fetch refuses to use, so a Download
// fails at once, offline, whatever listens on this machine, and the test sees how a failure reads.
process.env.LOUPE_BACKBONE_MIRROR = 'http://127.0.0.1:9/';

test.describe('in Settings, Backbones', () => {
  test('lists the built-in backbones, makes another the default, and shows why a download failed', async ({ page, loupe }) => {
    await page.goto(loupe.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    const section = page.getByRole('region', { name: 'Backbones' });

    const wide = section.getByRole('row', { name: 'MobileNetV2 1.4 (nsfwjs)' });
    await expect(wide.getByText('Default', { exact: true })).toBeVisible();
    await expect(wide).toContainText('Built in');
    await expect(wide).toContainText('224 × 224');

    const narrow = section.getByRole('row', { name: 'MobileNetV2 1.0 (nsfwjs)' });
    await narrow.getByRole('button', { name: 'Make MobileNetV2 1.0 (nsfwjs) the default backbone' }).click();
    await expect(narrow.getByText('Default', { exact: true })).toBeVisible();
    await expect(wide.getByRole('button', { name: 'Make MobileNetV2 1.4 (nsfwjs) the default backbone' })).toBeVisible();

    const offer = section.getByRole('listitem', { name: 'MobileNetV2 1.0 (ImageNet, ONNX model zoo)' });
    await expect(offer).toContainText('Apache-2.0');
    await offer.getByRole('button', { name: 'Download MobileNetV2 1.0 (ImageNet, ONNX model zoo)' }).click();
    const alert = offer.getByRole('alert');
    await expect(alert).toContainText('MobileNetV2 1.0 (ImageNet, ONNX model zoo) could not be downloaded');
    await expect(alert).toContainText('http://127.0.0.1:9/mobilenetv2-12.onnx could not be reached');
    // The offer comes back once the backbone list is read again after the failed job (slow on a busy machine).
    await expect(offer.getByRole('button', { name: 'Download MobileNetV2 1.0 (ImageNet, ONNX model zoo)' })).toBeEnabled({ timeout: 20_000 });
  });
});
