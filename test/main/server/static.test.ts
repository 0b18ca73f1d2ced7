import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness';

/** GET with the path sent exactly as written (fetch would normalise `..` away). */
function getRaw(harness: Harness, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(harness.server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: { host: harness.authority } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('when the web UI is built', () => {
  let harness: Harness;
  let outside: string;
  let rendererDir: string;

  before(async () => {
    outside = mkdtempSync(join(tmpdir(), 'loupe-renderer-'));
    rendererDir = join(outside, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Loupe UI</title>');
    writeFileSync(join(rendererDir, 'assets', 'app-1a2b3c.js'), 'console.log("loupe")');
    writeFileSync(join(rendererDir, 'assets', 'app-1a2b3c.css'), 'body{}');
    writeFileSync(join(rendererDir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(rendererDir, '.env'), 'SECRET=1');
    writeFileSync(join(outside, 'secret.txt'), 'outside the folder');
    symlinkSync(join(outside, 'secret.txt'), join(rendererDir, 'link.txt'));
    harness = await startHarness({ rendererDir });
  });

  after(async () => {
    await harness.close();
    rmSync(outside, { recursive: true, force: true });
  });

  it('serves index.html at / with the security headers', async () => {
    const response = await fetch(`${harness.server.url}/`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await response.text(), '<!doctype html><title>Loupe UI</title>');
    const csp = response.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]) {
      assert.ok(csp.includes(directive), directive);
    }
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });

  it('serves files with their content types', async () => {
    const script = await fetch(`${harness.server.url}/assets/app-1a2b3c.js`);
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await script.text(), 'console.log("loupe")');
    assert.match(script.headers.get('cache-control') ?? '', /immutable/);
    const style = await fetch(`${harness.server.url}/assets/app-1a2b3c.css`);
    assert.equal(style.headers.get('content-type'), 'text/css; charset=utf-8');
    const logo = await fetch(`${harness.server.url}/logo.svg`);
    assert.equal(logo.headers.get('content-type'), 'image/svg+xml');
  });

  it('answers HEAD with the headers only', async () => {
    const response = await fetch(`${harness.server.url}/logo.svg`, { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), '41');
    assert.equal(await response.text(), '');
  });

  it('serves index.html for app routes without an extension', async () => {
    const response = await fetch(`${harness.server.url}/projects/flowers/datasets`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '<!doctype html><title>Loupe UI</title>');
  });

  it('answers 404 for a missing file with an extension', async () => {
    assert.equal((await fetch(`${harness.server.url}/assets/missing.js`)).status, 404);
  });

  for (const path of [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/link.txt',
    '/.env',
    '/%00index.html',
  ]) {
    it(`never serves what lies outside the folder: ${path}`, async () => {
      const response = await getRaw(harness, path);
      assert.ok(response.status === 404 || response.status === 403 || response.status === 400, String(response.status));
      assert.doesNotMatch(response.body, /outside the folder|SECRET/);
    });
  }
});

describe('when the web UI is not built', () => {
  let harness: Harness;
  let empty: string;

  before(async () => {
    empty = mkdtempSync(join(tmpdir(), 'loupe-renderer-'));
    harness = await startHarness({ rendererDir: join(empty, 'missing') });
  });

  after(async () => {
    await harness.close();
    rmSync(empty, { recursive: true, force: true });
  });

  it('says how to build it', async () => {
    const response = await fetch(`${harness.server.url}/`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.ok(response.headers.get('content-security-policy'));
    assert.match(await response.text(), /npm run build:renderer/);
  });
});
