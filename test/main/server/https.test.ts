/**
 * Issue #16: a server reached from other machines is safe to put on a shop-floor network. It
 * serves HTTPS with a certificate Loupe makes (fingerprint shown) or the user's, refuses plain
 * HTTP unless asked for by name, keeps its Host and Origin checks, and a kiosk token can only
 * analyse with one model.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import { request, Agent } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeProjectsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { openLoupe, type Loupe } from '../../../main/api';
import { main } from '../../../main/cli';
import { startServer, type RunningServer } from '../../../main/server';
import { loadOrCreateTlsIdentity, servedNames, type TlsIdentity } from '../../../main/server/tls';
import { tempDir } from '../../support/loupe';

function httpsCall(url: string, ca: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const target = new URL(options.path ?? '/', url);
    const req = request(target, { method: options.method ?? 'GET', headers: options.headers, ca, servername: 'localhost' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('issue #16: serving beyond loopback', () => {
  let loupe: Loupe;
  let home: string;
  let identity: TlsIdentity;
  let server: RunningServer;
  let url: string;
  const kioskModel = 'arn:aws:rekognition:us-east-1:000000000000:project/line/version/v1/1';

  before(async () => {
    home = tempDir();
    loupe = openLoupe({ home });
    identity = await loadOrCreateTlsIdentity(home, servedNames('0.0.0.0'));
    server = await startServer({ loupe, host: '0.0.0.0', port: 0, tls: identity, kioskModelArn: kioskModel });
    url = `https://localhost:${new URL(server.url).port}`;
  });
  after(async () => {
    await server.close();
    loupe.close();
  });

  it('refuses to serve plain HTTP off loopback unless --insecure-http says so', async () => {
    await assert.rejects(startServer({ loupe, host: '0.0.0.0', port: 0 }), /HTTPS only/);
    const insecure = await startServer({ loupe, host: '0.0.0.0', port: 0, insecureHttp: true });
    assert.match(insecure.url, /^http:/);
    await insecure.close();
  });

  it('makes a certificate for the names it serves, keeps its key private, and reuses it', async () => {
    assert.match(server.url, /^https:/);
    const x509 = new X509Certificate(identity.cert);
    assert.ok(x509.checkHost('localhost'));
    assert.ok(x509.checkIP('127.0.0.1'));
    assert.equal(identity.fingerprint, x509.fingerprint256);
    assert.equal(statSync(join(home, 'tls', 'key.pem')).mode & 0o077, 0);
    const again = await loadOrCreateTlsIdentity(home, servedNames('0.0.0.0'));
    assert.equal(again.fingerprint, identity.fingerprint);
  });

  it('answers the AWS SDK over HTTPS when the client trusts the certificate', async () => {
    const { AccessKeyId, SecretAccessKey } = loupe.ctx.credentials;
    const client = new RekognitionClient({
      endpoint: url,
      region: loupe.ctx.credentials.Region,
      credentials: { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: identity.cert }) }),
    });
    const { ProjectDescriptions } = await client.send(new DescribeProjectsCommand({}));
    assert.deepEqual(ProjectDescriptions, []);
    client.destroy();
  });

  it('still refuses a rebound host name and an http:// origin', async () => {
    const port = new URL(url).port;
    const rebound = await httpsCall(url, identity.cert, { headers: { host: `evil.example:${port}` } });
    assert.equal(rebound.status, 403);
    const downgraded = await httpsCall(url, identity.cert, {
      method: 'POST',
      path: '/session',
      headers: { origin: `http://localhost:${port}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(downgraded.status, 403);
  });

  it('lets a kiosk token analyse with its one model and nothing else', async () => {
    const call = (target: string, body: object) =>
      httpsCall(url, identity.cert, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.kioskToken}`, 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify(body),
      });
    for (const [target, body] of [
      ['LoupeService.GetApiCredentials', {}],
      ['RekognitionService.DescribeProjects', {}],
      ['RekognitionService.DetectCustomLabels', { ProjectVersionArn: kioskModel.replace('v1', 'v2'), Image: { Bytes: 'AA==' } }],
    ] as const) {
      const answer = await call(target, body);
      assert.ok(answer.status >= 400 && answer.status < 500, target);
      assert.equal(JSON.parse(answer.body).__type, 'AccessDeniedException', target);
    }
    const own = await call('RekognitionService.DetectCustomLabels', { ProjectVersionArn: kioskModel, Image: { Bytes: 'AA==' } });
    assert.notEqual(JSON.parse(own.body).__type, 'AccessDeniedException');
    const events = await httpsCall(url, identity.cert, { path: `/events?token=${server.kioskToken}` });
    assert.equal(events.status, 403);
  });

  it('sets the kiosk cookie Secure, with the __Host- prefix, over HTTPS', async () => {
    const traded = await new Promise<{ status: number; cookie: string }>((resolve, reject) => {
      const req = request(new URL('/kiosk/session', url), { method: 'POST', ca: identity.cert, servername: 'localhost', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, cookie: res.headers['set-cookie']?.[0] ?? '' }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ Code: server.kioskCode }));
    });
    assert.equal(traded.status, 200);
    assert.match(traded.cookie, /^__Host-loupe-kiosk=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
    const own = await httpsCall(url, identity.cert, {
      method: 'POST',
      headers: { cookie: traded.cookie.split(';', 1)[0]!, 'x-amz-target': 'LoupeService.GetApiCredentials', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    assert.equal(JSON.parse(own.body).__type, 'AccessDeniedException');
  });

  it('prints a warning naming what is exposed, and the certificate fingerprint', async () => {
    let printed = '';
    const out = { write: (text: string) => ((printed += text), true) } as unknown as NodeJS.WritableStream;
    const running = main(['serve', '--host', '0.0.0.0', '--port', '0', '--home', tempDir()], { out, err: out });
    for (let i = 0; i < 200 && !printed.includes('WARNING'); i++) await new Promise((r) => setTimeout(r, 25));
    process.emit('SIGTERM');
    assert.equal(await running, 0);
    assert.match(printed, /Endpoint=https:\/\//);
    assert.match(printed, /WARNING: 0\.0\.0\.0 is reachable from other machines/);
    assert.match(printed, /CertificateSha256=([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  });
});
