/**
 * Issue #16: the kiosk link of `loupe serve --kiosk-model`. Its one-time code is traded once for
 * an HttpOnly cookie, and that cookie reaches exactly what the kiosk screen needs for its one
 * model: every other operation, every other model or project, the credentials, the settings,
 * images, uploads, S3 and Lookout for Vision are refused.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { operationNames, operations } from '../../../preload/contract';
import { waitForJob } from '../../../main/jobs';
import { startServer, type RunningServer } from '../../../main/server';
import { createKioskGrant, handleKioskSession, KIOSK_CODE_TTL_MS } from '../../../main/server/kiosk';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

async function aPackagedVersion(loupe: TestLoupe, ProjectArn: string, VersionName: string): Promise<string> {
  const folder = join(tempDir('loupe-package-'), 'p');
  mkdirSync(folder, { recursive: true });
  const model = Buffer.from(`model ${VersionName}`);
  writeFileSync(join(folder, 'model.onnx'), model);
  writeFileSync(
    join(folder, 'loupe-model.json'),
    JSON.stringify({
      format: 1,
      model: 'model.onnx',
      sha256: createHash('sha256').update(model).digest('hex'),
      sourceProjectVersionArn: 'arn:aws:rekognition:us-east-1:000000000000:project/p/version/v1/1',
      f1Score: null,
      executionProvider: null,
      files: ['model.onnx'],
      evaluationSummary: null,
      trainingSeconds: null,
    }),
  );
  const { ProjectVersionArn } = await loupe.ok('ImportModelPackage', { ProjectArn, VersionName, Folder: folder });
  await waitForJob(loupe.ctx, (await loupe.ok('ListJobs', { ResourceArn: ProjectVersionArn })).Jobs[0]!.JobId);
  return ProjectVersionArn;
}

describe('issue #16: a kiosk link', () => {
  let loupe: TestLoupe;
  let server: RunningServer;
  let model: string;
  let otherModel: string;
  let projectArn: string;
  let otherProjectArn: string;
  let cookie: string;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(new URL(path, server.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const api = async (operation: string, input: unknown, headers: Record<string, string> = { cookie }) => {
    const service = operations[operation as keyof typeof operations]?.service ?? 'LoupeService';
    const response = await post('/', input, { 'x-amz-target': `${service}.${operation}`, 'content-type': 'application/x-amz-json-1.1', ...headers });
    return { status: response.status, body: (await response.json()) as { __type?: string; Message?: string } };
  };

  before(async () => {
    loupe = aLoupe();
    projectArn = (await loupe.ok('CreateProject', { ProjectName: 'line' })).ProjectArn;
    otherProjectArn = (await loupe.ok('CreateProject', { ProjectName: 'line-b' })).ProjectArn;
    model = await aPackagedVersion(loupe, projectArn, 'v1');
    otherModel = await aPackagedVersion(loupe, projectArn, 'v2');
    server = await startServer({ loupe, port: 0, kioskModelArn: model });
  });
  after(async () => {
    await server.close();
    loupe.dispose();
  });

  it('is traded once, for an HttpOnly SameSite=Strict cookie, and never for a wrong code', async () => {
    assert.ok(server.kioskCode && server.kioskCode.length >= 24);
    assert.equal((await post('/kiosk/session', { Code: `${server.kioskCode}x` })).status, 403);
    assert.equal((await post('/kiosk/session', { Code: server.kioskCode }, { origin: 'http://evil.example' })).status, 403, 'not from another page');
    const traded = await post('/kiosk/session', { Code: server.kioskCode });
    assert.equal(traded.status, 200);
    assert.deepEqual(await traded.json(), { ProjectVersionArn: model, Route: '/kiosk/line/v1' });
    const setCookie = traded.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^loupe-kiosk=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict$/);
    cookie = setCookie.split(';', 1)[0]!;
    const again = await post('/kiosk/session', { Code: server.kioskCode });
    assert.equal(again.status, 403, 'a second use of the link');
    assert.match(((await again.json()) as { Message: string }).Message, /already used/);
  });

  it('lets the cookie do what the kiosk screen does with its model', async () => {
    const allowed: [string, unknown][] = [
      ['DescribeProjects', { ProjectNames: ['line'] }],
      ['DescribeProjectVersions', { ProjectArn: projectArn, VersionNames: ['v1'] }],
      ['DescribeEvaluation', { ProjectVersionArn: model }],
      ['GetSettings', {}],
      ['VerifyKioskPin', { Pin: '1234' }],
      ['DetectCustomLabels', { ProjectVersionArn: model, Image: { Bytes: 'AA==' } }],
    ];
    for (const [operation, input] of allowed) {
      const answer = await api(operation, input);
      assert.notEqual(answer.body.__type, 'AccessDeniedException', `${operation}: ${answer.body.Message}`);
    }
    const { body } = await api('DescribeProjects', { ProjectNames: ['line'] });
    assert.deepEqual((body as unknown as { ProjectDescriptions: { ProjectArn: string }[] }).ProjectDescriptions.map((p) => p.ProjectArn), [projectArn]);
  });

  it('refuses every other operation, and the allowed ones for another model, project or image source', async () => {
    const kioskOnly = new Set(['DescribeProjects', 'DescribeProjectVersions', 'DescribeEvaluation', 'GetSettings', 'VerifyKioskPin', 'DetectCustomLabels']);
    const refused: [string, unknown][] = [
      ...operationNames.filter((name) => !kioskOnly.has(name)).map((name): [string, unknown] => [name, { ProjectVersionArn: model, ProjectArn: projectArn }]),
      ['DescribeProjects', {}],
      ['DescribeProjects', { ProjectNames: ['line-b'] }],
      ['DescribeProjects', { ProjectNames: ['line', 'line-b'] }],
      ['DescribeProjectVersions', { ProjectArn: projectArn }],
      ['DescribeProjectVersions', { ProjectArn: projectArn, VersionNames: ['v2'] }],
      ['DescribeProjectVersions', { ProjectArn: otherProjectArn, VersionNames: ['v1'] }],
      ['DescribeEvaluation', { ProjectVersionArn: otherModel }],
      ['DetectCustomLabels', { ProjectVersionArn: otherModel, Image: { Bytes: 'AA==' } }],
      ['DetectCustomLabels', { ProjectVersionArn: model, Image: { S3Object: { Bucket: 'b', Name: 'k.jpg' } } }],
      ['GetSettings', { Language: 'ko' }],
    ];
    for (const [operation, input] of refused) {
      const answer = await api(operation, input);
      assert.equal(answer.status, 403, operation);
      assert.equal(answer.body.__type, 'AccessDeniedException', `${operation} ${JSON.stringify(input)}`);
    }
    assert.ok(refused.length > 60, 'every operation of the catalogue was tried');
  });

  it('opens no images, uploads, S3, Lookout for Vision or full event stream, and a forged cookie opens nothing', async () => {
    const get = (path: string, headers: Record<string, string> = { cookie }) => fetch(new URL(path, server.url), { headers });
    assert.equal((await get('/images/1/thumb')).status, 403);
    assert.equal((await fetch(new URL('/uploads/b/a.jpg', server.url), { method: 'PUT', headers: { cookie }, body: 'x' })).status, 403);
    assert.notEqual((await get('/2020-11-20/projects')).status, 200);
    assert.notEqual((await get('/some-bucket/key.jpg', { cookie, host: `some-bucket.localhost:${new URL(server.url).port}` })).status, 200);
    const forged = await api('DetectCustomLabels', { ProjectVersionArn: model, Image: { Bytes: 'AA==' } }, { cookie: 'loupe-kiosk=forged' });
    assert.equal(forged.body.__type, 'MissingAuthenticationTokenException');
  });

  it('streams only the settings and its own model’s changes to the cookie', async () => {
    const controller = new AbortController();
    const response = await fetch(new URL('/events', server.url), { headers: { cookie }, signal: controller.signal });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    let text = '';
    await reader.read();
    await loupe.ok('CreateProject', { ProjectName: 'while-streaming' });
    loupe.ctx.events.resourcesChanged(otherModel, projectArn);
    loupe.ctx.events.resourcesChanged(model, otherProjectArn);
    loupe.ctx.events.resourcesChanged(model, projectArn);
    await loupe.ok('SetKioskPin', { Pin: '2468' });
    while (!text.includes('SettingsChanged')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    assert.deepEqual([...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]), ['ResourcesChanged', 'SettingsChanged']);
    assert.ok(text.includes(JSON.stringify({ ResourceArns: [model, projectArn] })));
  });

  it('ends when the kiosk is left: the cookie is dropped', async () => {
    const left = await fetch(new URL('/kiosk/session', server.url), { method: 'DELETE', headers: { cookie } });
    assert.match(left.headers.get('set-cookie') ?? '', /^loupe-kiosk=; .*Max-Age=0/);
  });
});

describe('issue #16: a kiosk link not opened in time', () => {
  it('is refused after an hour', async () => {
    const grant = createKioskGrant('arn:aws:rekognition:us-east-1:000000000000:project/line/version/v1/1', Date.now() - KIOSK_CODE_TTL_MS - 1);
    const http = createServer((req, res) => void handleKioskSession(req, res, grant, false, Date.now()));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = http.address() as AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/kiosk/session`, { method: 'POST', body: JSON.stringify({ Code: grant.code }) });
      assert.equal(answer.status, 403);
      assert.equal(answer.headers.get('set-cookie'), null);
    } finally {
      http.close();
    }
  });

  it('needs a model version ARN', () => {
    assert.throws(() => createKioskGrant('arn:aws:rekognition:us-east-1:000000000000:project/line/1', Date.now()), /model version ARN/);
  });
});
