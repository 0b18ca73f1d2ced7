/**
 * Issue 15: what the app shows of the backend reaches a Korean user in Korean, so the refusals
 * thrown in the domains a user of the app works in are coded sentences (`codedError`, worded in
 * both locales: test/renderer/unit/backendMessages.test.ts) — or `apiError`, for input only a
 * caller of the API can send. A plain `new ServiceError(…)` there would reach the UI in English.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const MAIN = join(import.meta.dirname, '../../main');
const DOMAINS = ['datasets', 'training', 'labels', 'jobs', 'watch', 'projects', 'models', 'evaluation', 'engine', 'lookoutvision', 'settings', 'server', 'api'];

describe('refusals in the domains the app shows', () => {
  it('are coded sentences, not plain ServiceErrors', () => {
    const uncoded: string[] = [];
    for (const domain of DOMAINS) {
      const files = readdirSync(join(MAIN, domain), { recursive: true }).map(String).filter((name) => name.endsWith('.ts'));
      assert.ok(files.length > 0, domain);
      for (const file of files) {
        readFileSync(join(MAIN, domain, file), 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (/\bnew ServiceError\s*\(/.test(line)) uncoded.push(`main/${domain}/${file}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    assert.deepEqual(uncoded, [], `use codedError (preload/contract/messages.ts) or apiError:\n${uncoded.join('\n')}`);
  });
});
