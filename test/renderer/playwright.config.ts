import { availableParallelism } from 'node:os';
import { defineConfig } from '@playwright/test';

/**
 * Browser suite: Debian's Chromium (no browser download) against a real `loupe serve` on a temp
 * home. Run with `npm run test:browser`; CHROMIUM_PATH overrides the browser's location.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../../test-results/renderer',
  fullyParallel: true,
  // Each test starts its own server and browser: one worker per core, at least two, at most four.
  workers: Math.min(4, Math.max(2, availableParallelism())),
  // A test is a whole scenario (its own server, several pages, screenshots in two languages): 20–30 s
  // on two idle cores, and a slower or busier machine must not fail it — speed is the bench's to
  // measure, not a test's.
  timeout: 60_000,
  expect: { timeout: 5_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    viewport: { width: 1360, height: 860 },
    locale: 'en-US',
    colorScheme: 'light',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
