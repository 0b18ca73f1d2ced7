import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { DescribeProjectsCommand } from '@aws-sdk/client-rekognition';
import { errorOf, localKeys, rekognitionClient, signedFetch, startHarness, type Harness } from './harness';

async function sdkError(harness: Harness, keys: { accessKeyId: string; secretAccessKey: string }) {
  const client = rekognitionClient(harness, 'us-east-1', keys);
  try {
    await client.send(new DescribeProjectsCommand({}));
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  } finally {
    client.destroy();
  }
  assert.fail('expected the call to fail');
}

/** node:http rather than fetch, to send a Host header or a body length of our choosing. */
function rawRequest(
  harness: Harness,
  options: { method?: string; path?: string; headers?: Record<string, string | number>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(harness.server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
        // A connection of its own: one test's unsent declared body must not swallow the next request.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('when a client is not who it says it is', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  it('issue #16: refuses a signature made for another service', async () => {
    // A signature for s3 is routed to the S3 API (it answers in XML); it never runs a Rekognition operation.
    assert.equal((await signedFetch(harness, { target: 'RekognitionService.DescribeProjects', service: 's3' })).ok, false);
    for (const service of ['sts', 'lookoutvision', 'execute-api']) {
      const error = await errorOf(await signedFetch(harness, { target: 'RekognitionService.DescribeProjects', service }));
      assert.equal(error.status, 403, service);
      assert.equal(error.__type, 'InvalidSignatureException', service);
      assert.match(error.Message, /scoped to correct service: 'rekognition'/);
    }
    assert.equal((await signedFetch(harness, { target: 'RekognitionService.DescribeProjects' })).status, 200);
  });

  it('answers a wrong secret key with InvalidSignatureException', async () => {
    const error = await sdkError(harness, { ...localKeys(harness), secretAccessKey: 'x'.repeat(40) });
    assert.equal(error.name, 'InvalidSignatureException');
    assert.equal(error.$metadata.httpStatusCode, 403);
    assert.match(error.message, /signature we calculated does not match/);
  });

  it('answers an unknown access key with UnrecognizedClientException', async () => {
    const error = await sdkError(harness, { ...localKeys(harness), accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
    assert.equal(error.name, 'UnrecognizedClientException');
    assert.equal(error.$metadata.httpStatusCode, 403);
    assert.match(error.message, /security token included in the request is invalid/);
  });

  it('answers a request without Authorization with 403 MissingAuthenticationTokenException', async () => {
    const response = await fetch(`${harness.server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.DescribeProjects' },
      body: '{}',
    });
    assert.match(response.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(response.headers.get('content-type'), 'application/x-amz-json-1.1');
    const error = await errorOf(response);
    assert.equal(error.status, 403);
    assert.equal(error.__type, 'MissingAuthenticationTokenException');
    assert.equal(error.header, 'MissingAuthenticationTokenException');
  });

  it('answers a SigV4 header without a Signature with IncompleteSignature', async () => {
    const response = await fetch(`${harness.server.url}/`, {
      method: 'POST',
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=${localKeys(harness).accessKeyId}/20240101/us-east-1/rekognition/aws4_request, SignedHeaders=host;x-amz-date`,
        'x-amz-target': 'RekognitionService.DescribeProjects',
      },
      body: '{}',
    });
    const error = await errorOf(response);
    assert.equal(error.status, 403);
    assert.equal(error.__type, 'IncompleteSignature');
    assert.match(error.Message, /'Signature'/);
  });

  it('answers a request signed more than 15 minutes ago with InvalidSignatureException', async () => {
    const response = await signedFetch(harness, {
      target: 'RekognitionService.DescribeProjects',
      signingDate: new Date(Date.now() - 20 * 60 * 1000),
    });
    const error = await errorOf(response);
    assert.equal(error.status, 403);
    assert.equal(error.__type, 'InvalidSignatureException');
    assert.match(error.Message, /^Signature expired/);
  });

  it('answers a body changed after signing with InvalidSignatureException', async () => {
    const response = await signedFetch(harness, {
      target: 'RekognitionService.CreateProject',
      body: '{"ProjectName":"mine"}',
      bodyAfterSigning: '{"ProjectName":"evil"}',
    });
    assert.equal((await errorOf(response)).__type, 'InvalidSignatureException');
  });

  it('answers a signed header changed after signing with InvalidSignatureException', async () => {
    const response = await signedFetch(harness, {
      target: 'RekognitionService.DescribeProjects',
      afterSigning: { 'x-amz-target': 'RekognitionService.CreateProject' },
    });
    assert.equal((await errorOf(response)).__type, 'InvalidSignatureException');
  });

  it('checks x-amz-content-sha256 against the body', async () => {
    const wrong = await signedFetch(harness, {
      target: 'RekognitionService.DescribeProjects',
      headers: { 'x-amz-content-sha256': createHash('sha256').update('something else').digest('hex') },
    });
    const error = await errorOf(wrong);
    assert.equal(error.__type, 'InvalidSignatureException');
    assert.match(error.Message, /x-amz-content-sha256/);

    const right = await signedFetch(harness, {
      target: 'RekognitionService.DescribeProjects',
      headers: { 'x-amz-content-sha256': createHash('sha256').update('{}').digest('hex') },
    });
    assert.equal(right.status, 200);
  });

  it('accepts UNSIGNED-PAYLOAD', async () => {
    const response = await signedFetch(harness, {
      target: 'RekognitionService.DescribeProjects',
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ProjectDescriptions: [] });
  });

  it('accepts the region the client signed with, whatever it is', async () => {
    const response = await signedFetch(harness, { target: 'RekognitionService.DescribeProjects', region: 'ap-southeast-2' });
    assert.equal(response.status, 200);
  });
});

describe('when a signed request is not a valid call', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  it('answers malformed JSON with SerializationException', async () => {
    const response = await signedFetch(harness, { target: 'RekognitionService.CreateProject', body: '{"ProjectName":' });
    const error = await errorOf(response);
    assert.equal(error.status, 400);
    assert.equal(error.__type, 'SerializationException');
    assert.equal(error.header, 'SerializationException');
  });

  it('answers a JSON body that is not an object with SerializationException', async () => {
    const response = await signedFetch(harness, { target: 'RekognitionService.DescribeProjects', body: '[1, 2]' });
    assert.equal((await errorOf(response)).__type, 'SerializationException');
  });

  it('treats an empty body as an empty input', async () => {
    const response = await signedFetch(harness, { target: 'RekognitionService.DescribeProjects', body: '' });
    assert.equal(response.status, 200);
  });

  for (const [situation, target] of [
    ['an unknown operation', 'RekognitionService.DetectNothing'],
    ['an app operation under the service prefix', 'RekognitionService.GetSettings'],
    ['a service operation under the app prefix', 'LoupeService.CreateProject'],
    ['another service', 'DynamoDB_20120810.ListTables'],
  ] as const) {
    it(`answers ${situation} with UnknownOperationException`, async () => {
      const error = await errorOf(await signedFetch(harness, { target }));
      assert.equal(error.status, 400);
      assert.equal(error.__type, 'UnknownOperationException');
      // Issue 17: an operation sent under the other prefix is told which one it belongs to.
      if (target === 'LoupeService.CreateProject') assert.match(error.Message, /CreateProject is RekognitionService\.CreateProject\.$/);
      if (target === 'RekognitionService.GetSettings') assert.match(error.Message, /GetSettings is LoupeService\.GetSettings\.$/);
    });
  }

  it('answers a missing X-Amz-Target with UnknownOperationException', async () => {
    const error = await errorOf(await signedFetch(harness, {}));
    assert.equal(error.__type, 'UnknownOperationException');
  });

  it('answers a body over 8 MiB with 413 before reading it', async () => {
    const response = await rawRequest(harness, {
      method: 'POST',
      headers: {
        host: harness.authority,
        authorization: 'Bearer ' + harness.server.sessionToken,
        'x-amz-target': 'RekognitionService.DescribeProjects',
        'content-length': 9 * 1024 * 1024,
      },
    });
    assert.equal(response.status, 413);
    const body = JSON.parse(response.body) as { __type: string; Message: string };
    assert.equal(body.__type, 'SerializationException');
    assert.match(body.Message, /larger than 8 MiB/);
  });

  it('answers a chunked body that grows past 8 MiB with 413', async () => {
    const response = await rawRequest(harness, {
      method: 'POST',
      headers: {
        host: harness.authority,
        authorization: 'Bearer ' + harness.server.sessionToken,
        'x-amz-target': 'RekognitionService.DescribeProjects',
        'transfer-encoding': 'chunked',
      },
      body: `{"Pad":"${'x'.repeat(9 * 1024 * 1024)}"}`,
    });
    assert.equal(response.status, 413);
    assert.match(response.body, /SerializationException/);
  });
});

describe('when the web UI calls with its session token', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  it('runs LoupeService.GetSettings for the Bearer token', async () => {
    const response = await fetch(`${harness.server.url}/`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${harness.server.sessionToken}`,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'LoupeService.GetSettings',
      },
      body: '{}',
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { Language: 'en', KioskPinSet: false });
  });

  it('makes a 32-byte base64url token', () => {
    assert.match(harness.server.sessionToken, /^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses another token with 403', async () => {
    const response = await fetch(`${harness.server.url}/`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-the-token', 'x-amz-target': 'LoupeService.GetSettings' },
      body: '{}',
    });
    const error = await errorOf(response);
    assert.equal(error.status, 403);
    assert.equal(error.__type, 'UnrecognizedClientException');
  });

  it('refuses a call from another web page even with the token', async () => {
    const response = await fetch(`${harness.server.url}/`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${harness.server.sessionToken}`,
        origin: 'http://evil.example',
        'x-amz-target': 'LoupeService.GetSettings',
      },
      body: '{}',
    });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });

  it('accepts a call from its own page', async () => {
    const response = await fetch(`${harness.server.url}/`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${harness.server.sessionToken}`,
        origin: harness.server.url,
        'x-amz-target': 'LoupeService.GetSettings',
      },
      body: '{}',
    });
    assert.equal(response.status, 200);
  });

  it('hands out the token for the local credentials at POST /session', async () => {
    const { AccessKeyId, SecretAccessKey } = harness.loupe.ctx.credentials;
    const response = await fetch(`${harness.server.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ AccessKeyId, SecretAccessKey }),
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { Token: harness.server.sessionToken });
  });

  it('refuses POST /session with a wrong secret with 403', async () => {
    const { AccessKeyId } = harness.loupe.ctx.credentials;
    const response = await fetch(`${harness.server.url}/session`, {
      method: 'POST',
      body: JSON.stringify({ AccessKeyId, SecretAccessKey: 'guess' }),
    });
    assert.equal(response.status, 403);
    assert.doesNotMatch(await response.text(), new RegExp(harness.server.sessionToken));
  });
});

describe('when a request names another host', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  it('refuses a rebound host name with 403', async () => {
    const port = new URL(harness.server.url).port;
    for (const path of ['/', '/events']) {
      const response = await rawRequest(harness, { path, headers: { host: `evil.example:${port}` } });
      assert.equal(response.status, 403, path);
    }
    const api = await rawRequest(harness, {
      method: 'POST',
      headers: { host: `evil.example:${port}`, authorization: `Bearer ${harness.server.sessionToken}` },
      body: '{}',
    });
    assert.equal(api.status, 403);
  });

  it('refuses our name on another port with 403', async () => {
    const response = await rawRequest(harness, { headers: { host: 'localhost:1' } });
    assert.equal(response.status, 403);
  });

  it('accepts the loopback names with its port', async () => {
    const port = new URL(harness.server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      const response = await rawRequest(harness, { headers: { host } });
      assert.equal(response.status, 200, host);
    }
  });

  it('never answers a CORS preflight with permission', async () => {
    const response = await rawRequest(harness, {
      method: 'OPTIONS',
      headers: {
        host: harness.authority,
        origin: 'http://evil.example',
        'access-control-request-method': 'POST',
      },
    });
    assert.equal(response.status, 405);
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });
});

describe('when the server starts and stops', () => {
  it('publishes its URL as the endpoint while listening', async () => {
    const harness = await startHarness();
    assert.equal(harness.loupe.ctx.endpoint, harness.server.url);
    assert.match(harness.server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const credentials = await fetch(`${harness.server.url}/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${harness.server.sessionToken}`, 'x-amz-target': 'LoupeService.GetApiCredentials' },
    });
    assert.equal(((await credentials.json()) as { Endpoint?: string }).Endpoint, harness.server.url);
    await harness.server.close();
    assert.equal(harness.loupe.ctx.endpoint, undefined);
    await harness.close();
  });
});
