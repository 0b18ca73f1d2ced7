/**
 * What S3 writes must never do: commit bytes whose signature or checksum fails, leave a partial
 * object when the server is killed mid-upload, or answer an API caller with the web UI's HTML.
 * Also: a write into a watched folder reaches the dataset like any other new file. Requests are
 * built here from the specification (aws-chunked framing and chunk signatures), not by an SDK.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { openLoupe } from '../../../main/api';
import { ABANDON_UPLOAD_AFTER_MS, STALE_WRITE_MS } from '../../../main/buckets';
import { watchersStarted } from '../../../main/watch';
import type { InputOf, OperationName, OutputOf } from '../../../preload/contract';
import { anImage } from '../../support/images';
import { localKeys, signedFetch, startHarness, type Harness, type KeyPair } from './harness';

const EMPTY_SHA256 = createHash('sha256').digest('hex');

interface Sent {
  status: number;
  body: string;
}

/** Sign the headers of an S3 PUT for `path` (seed signature), as S3 clients do. */
async function signS3(
  url: string,
  keys: KeyPair,
  method: string,
  path: string,
  headers: Record<string, string>,
  date = new Date(),
  query: Record<string, string> = {},
) {
  const { host } = new URL(url);
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: keys, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false });
  const signed = await signer.sign(new HttpRequest({ method, protocol: 'http:', hostname: host, path, query, headers: { host, ...headers } }), { signingDate: date });
  return signed.headers as Record<string, string>;
}

function hmac(key: Buffer | string, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

/** A signed aws-chunked body with a trailing CRC32, chunk signatures chained from `seed`. */
function signedChunkedBody(keys: KeyPair, amzDate: string, seed: string, data: Buffer, chunkSize: number, tamper = false): Buffer {
  const day = amzDate.slice(0, 8);
  const scope = `${day}/us-east-1/s3/aws4_request`;
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, day), 'us-east-1'), 's3'), 'aws4_request');
  const parts: Buffer[] = [];
  let previous = seed;
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += chunkSize) chunks.push(data.subarray(offset, offset + chunkSize));
  chunks.push(Buffer.alloc(0));
  for (const chunk of chunks) {
    const hash = createHash('sha256').update(chunk).digest('hex');
    const signature = hmac(signingKey, `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${previous}\n${EMPTY_SHA256}\n${hash}`).toString('hex');
    previous = signature;
    const sent = tamper && chunk.length > 0 ? Buffer.from(chunk.map((byte) => byte ^ 1)) : chunk;
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`), sent);
    if (chunk.length > 0) parts.push(Buffer.from('\r\n'));
  }
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data));
  const trailer = `x-amz-checksum-crc32:${crc.toString('base64')}`;
  const trailerHash = createHash('sha256').update(`${trailer}\n`).digest('hex');
  const trailerSignature = hmac(signingKey, `AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${previous}\n${trailerHash}`).toString('hex');
  parts.push(Buffer.from(`${trailer}\r\nx-amz-trailer-signature:${trailerSignature}\r\n\r\n`));
  return Buffer.concat(parts);
}

function send(url: string, method: string, path: string, headers: Record<string, string>, body: Buffer): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const outgoing = { ...headers };
    delete outgoing.host;
    const req = httpRequest(target, { method, headers: { ...outgoing, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function amzDateOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

describe('S3 writes: signatures, checksums and crashes', () => {
  let harness: Harness;
  let folder: string;

  before(async () => {
    harness = await startHarness();
    folder = join(harness.home, 'photos');
    mkdirSync(folder);
    assert.ok((await harness.loupe.invoke('CreateBucketMapping', { Bucket: 'photos', Folder: folder })).ok);
  });
  after(() => harness.close());

  async function putSignedChunked(key: string, data: Buffer, options: { tamper?: boolean; badDecodedLength?: boolean } = {}): Promise<Sent> {
    const date = new Date();
    const path = `/photos/${key}`;
    const headers = await signS3(harness.server.url, localKeys(harness), 'PUT', path, {
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(data.length + (options.badDecodedLength ? 1 : 0)),
      'x-amz-trailer': 'x-amz-checksum-crc32',
    }, date);
    const seed = /Signature=([0-9a-f]{64})/.exec(headers.authorization!)![1]!;
    return send(harness.server.url, 'PUT', path, headers, signedChunkedBody(localKeys(harness), amzDateOf(date), seed, data, 64 * 1024, options.tamper));
  }

  it('accepts a signed aws-chunked stream with a signed trailing checksum', async () => {
    const data = randomBytes(150_000);
    const sent = await putSignedChunked('chunked/signed.bin', data);
    assert.equal(sent.status, 200, sent.body);
    assert.deepEqual(readFileSync(join(folder, 'chunked', 'signed.bin')), data);
  });

  it('refuses a stream whose chunk does not match its signature, and writes nothing', async () => {
    const sent = await putSignedChunked('chunked/tampered.bin', randomBytes(150_000), { tamper: true });
    assert.equal(sent.status, 403);
    assert.match(sent.body, /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.deepEqual(readdirSync(join(folder, 'chunked')), ['signed.bin']);
  });

  it('refuses a body shorter than x-amz-decoded-content-length', async () => {
    const sent = await putSignedChunked('chunked/short.bin', randomBytes(1000), { badDecodedLength: true });
    assert.equal(sent.status, 400);
    assert.match(sent.body, /<Code>IncompleteBody<\/Code>/);
    assert.equal(existsSync(join(folder, 'chunked', 'short.bin')), false);
  });

  it('refuses an unsigned stream whose trailing CRC32 is wrong (BadDigest), and writes nothing', async () => {
    const data = randomBytes(5000);
    const body = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n')]);
    const path = '/photos/chunked/badcrc.bin';
    const headers = await signS3(harness.server.url, localKeys(harness), 'PUT', path, {
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(data.length),
      'x-amz-trailer': 'x-amz-checksum-crc32',
    }, new Date());
    const sent = await send(harness.server.url, 'PUT', path, headers, body);
    assert.equal(sent.status, 400);
    assert.match(sent.body, /<Code>BadDigest<\/Code>/);
    assert.equal(existsSync(join(folder, 'chunked', 'badcrc.bin')), false);
  });

  it('refuses a body that does not match its signed SHA-256', async () => {
    const path = '/photos/signed/body.txt';
    const headers = await signS3(harness.server.url, localKeys(harness), 'PUT', path, {
      'x-amz-content-sha256': createHash('sha256').update('the signed body').digest('hex'),
    }, new Date());
    const sent = await send(harness.server.url, 'PUT', path, headers, Buffer.from('another body'));
    assert.equal(sent.status, 400);
    assert.match(sent.body, /<Code>XAmzContentSHA256Mismatch<\/Code>/);
    assert.equal(existsSync(join(folder, 'signed', 'body.txt')), false);
  });

  it('answers API callers on paths that are not operations in their own protocol, never with the UI', async () => {
    const rekognition = await signedFetch(harness, { target: 'RekognitionService.NoSuchThing' });
    assert.equal(rekognition.headers.get('content-type'), 'application/x-amz-json-1.1');
    const s3Get = await fetch(`${harness.server.url}/photos/x.jpg`, { headers: await signS3(harness.server.url, localKeys(harness), 'GET', '/photos/x.jpg', { 'x-amz-content-sha256': EMPTY_SHA256 }, new Date()) });
    assert.equal(s3Get.status, 404);
    assert.match(await s3Get.text(), /<Code>NoSuchKey<\/Code>/);
    const unsignedS3 = await new Promise<Sent>((resolve, reject) => {
      const req = httpRequest(`${harness.server.url}/`, { headers: { host: `photos.localhost:${new URL(harness.server.url).port}` } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(unsignedS3.status, 403);
    assert.match(unsignedS3.body, /<Code>AccessDenied<\/Code>/);
    // An anonymous S3 client (no Authorization, S3's payload header): S3's answer, not the web UI.
    const anonymous = await fetch(`${harness.server.url}/photos/x.jpg`, { headers: { 'x-amz-content-sha256': EMPTY_SHA256 } });
    assert.equal(anonymous.status, 403);
    assert.match(await anonymous.text(), /<Code>AccessDenied<\/Code>/);
  });

  it('puts a file into a watched folder, and the watcher adds it to the dataset', async () => {
    const loupe = harness.loupe;
    const ok = async <N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> => {
      const result = await loupe.invoke(name, input);
      assert.ok(result.ok, `${name}: ${JSON.stringify(result)}`);
      return result.value as OutputOf<N>;
    };
    const { ProjectArn } = await ok('CreateProject', { ProjectName: 'watched-by-s3' });
    const { DatasetArn } = await ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    const watched = join(folder, 'watched');
    // The label folder is there before watching starts, as a camera's drop folder is.
    mkdirSync(join(watched, 'cats'), { recursive: true });
    await ok('WatchFolder', { DatasetArn, Folder: watched });
    await watchersStarted(loupe.ctx);
    const image = await anImage(join(harness.home, 'made', 'cat.jpg'));
    const path = '/photos/watched/cats/cat.jpg';
    const body = readFileSync(image);
    const headers = await signS3(harness.server.url, localKeys(harness), 'PUT', path, { 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') }, new Date());
    assert.equal((await send(harness.server.url, 'PUT', path, headers, body)).status, 200);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const listed = await ok('ListDatasetEntries', { DatasetArn });
      if (listed.DatasetEntries.length === 1) {
        const line = JSON.parse(listed.DatasetEntries[0]!) as { 'source-ref': string };
        assert.equal(line['source-ref'], 's3://photos/watched/cats/cat.jpg');
        break;
      }
      assert.ok(Date.now() < deadline, `the watcher adds the uploaded image within 10 s: ${JSON.stringify(listed.DatasetEntries)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
});

describe('a server killed in the middle of uploads', () => {
  it('leaves no partial object, single or multipart', async () => {
    const home = mkdtempSync(join(tmpdir(), 'loupe-kill-'));
    const folder = join(home, 'bucket');
    mkdirSync(folder);
    const script = `
      import { openLoupe } from './main/api/index.ts';
      import { startServer } from './main/server/index.ts';
      const loupe = openLoupe({ home: process.argv[1] });
      await loupe.invoke('CreateBucketMapping', { Bucket: 'photos', Folder: process.argv[2] });
      const server = await startServer({ loupe, port: 0 });
      const { AccessKeyId, SecretAccessKey } = loupe.ctx.credentials;
      process.stdout.write(JSON.stringify({ url: server.url, accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey }) + '\\n');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, home, folder], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const { url, ...keys } = await new Promise<{ url: string } & KeyPair>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0]!) as { url: string } & KeyPair);
        });
        child.on('exit', (code) => reject(new Error(`the server exited with ${code}`)));
      });
      // A multipart upload whose first part is in, then a single PUT cut off halfway.
      const create = await signS3(url, keys, 'POST', '/photos/big.bin', { 'x-amz-content-sha256': EMPTY_SHA256 }, new Date(), { uploads: '' });
      const created = await send(url, 'POST', '/photos/big.bin?uploads', create, Buffer.alloc(0));
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body)?.[1];
      assert.ok(uploadId, created.body);
      const part = randomBytes(5 * 1024 * 1024);
      const partPath = `/photos/big.bin?partNumber=1&uploadId=${uploadId}`;
      const partHeaders = await signS3(url, keys, 'PUT', '/photos/big.bin', { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, new Date(), { partNumber: '1', uploadId });
      assert.equal((await send(url, 'PUT', partPath, partHeaders, part)).status, 200);
      const halfHeaders = await signS3(url, keys, 'PUT', '/photos/half.bin', { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, new Date());
      const cut = new Promise<void>((resolve) => {
        const req = httpRequest(new URL('/photos/half.bin', url), { method: 'PUT', headers: { ...Object.fromEntries(Object.entries(halfHeaders).filter(([name]) => name !== 'host')), 'content-length': String(4 * 1024 * 1024) } });
        req.on('error', () => resolve());
        req.write(randomBytes(2 * 1024 * 1024), () => {
          setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 300);
        });
      });
      await cut;
      await new Promise((resolve) => child.once('exit', resolve));
      const left = readdirSync(folder);
      assert.deepEqual(left.filter((name) => !name.startsWith('.loupe-upload-')), [], `no object appeared: ${left.join(', ')}`);

      // Issue 17: what the crash left is swept when Loupe opens the home again: the cut PUT's temporary
      // file once nothing has written to it for a minute, the multipart upload once it is abandoned.
      assert.equal(left.length, 1, 'the cut PUT left its temporary file');
      assert.deepEqual(readdirSync(join(home, 's3-uploads')), [uploadId]);
      const reopened = openLoupe({ home, now: () => Date.now() + STALE_WRITE_MS });
      reopened.close();
      assert.deepEqual(readdirSync(folder), []);
      assert.deepEqual(readdirSync(join(home, 's3-uploads')), [uploadId], 'an upload started a minute ago is kept');
      const later = openLoupe({ home, now: () => Date.now() + ABANDON_UPLOAD_AFTER_MS });
      later.close();
      assert.deepEqual(readdirSync(join(home, 's3-uploads')), []);
    } finally {
      child.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });
});
