import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { waitForJob } from '../../../main/jobs';
import { IMAGE_LIMITS } from '../../../preload/contract/imageLimits';
import { aLargePng, anImage } from '../../support/images';
import { startHarness, type Harness } from './harness';

describe('entry pictures over HTTP', () => {
  let harness: Harness;
  let entryId: number;

  before(async () => {
    harness = await startHarness();
    const { loupe } = harness;
    const folder = join(harness.home, 'shots');
    await anImage(join(folder, 'ok', 'wide.png'), { width: 900, height: 300, color: '#10a050' });
    const project = await loupe.invoke('CreateProject', { ProjectName: 'pictures' });
    assert.ok(project.ok);
    const dataset = await loupe.invoke('CreateDataset', { ProjectArn: (project.value as { ProjectArn: string }).ProjectArn, DatasetType: 'TRAIN' });
    assert.ok(dataset.ok);
    const DatasetArn = (dataset.value as { DatasetArn: string }).DatasetArn;
    const job = await loupe.invoke('ImportFolder', { DatasetArn, Folder: folder });
    assert.ok(job.ok);
    await waitForJob(loupe.ctx, (job.value as { JobId: number }).JobId);
    const listed = await loupe.invoke('ListEntries', { DatasetArn });
    assert.ok(listed.ok);
    const { Entries, TotalCount } = listed.value as { Entries: { EntryId: number; Width: number; Labels: string[] }[]; TotalCount: number };
    assert.equal(TotalCount, 1);
    assert.deepEqual([Entries[0]!.Width, Entries[0]!.Labels], [900, ['ok']]);
    entryId = Entries[0]!.EntryId;
  });
  after(() => harness.close());

  it('serves a thumbnail, 256 px on the longer side, to the session token holder', async () => {
    const response = await fetch(`${harness.server.url}/images/${entryId}/thumb?token=${harness.server.sessionToken}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/jpeg');
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    assert.deepEqual([meta.width, meta.height], [256, 85]);
  });

  it('refuses a request without the token, an unknown entry and an unknown variant', async () => {
    assert.equal((await fetch(`${harness.server.url}/images/${entryId}/thumb`)).status, 403);
    assert.equal((await fetch(`${harness.server.url}/images/999999/thumb?token=${harness.server.sessionToken}`)).status, 404);
    assert.equal((await fetch(`${harness.server.url}/images/${entryId}/original?token=${harness.server.sessionToken}`)).status, 404);
  });
});

describe('uploads from the web UI', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  const put = (path: string, body: Buffer, token = harness.server.sessionToken) =>
    fetch(`${harness.server.url}${path}`, { method: 'PUT', body: new Uint8Array(body), headers: { Authorization: `Bearer ${token}` } });

  it('keeps the dropped folder structure, so ImportFolder labels by directory name', async () => {
    const jpeg = await sharp({ create: { width: 80, height: 80, channels: 3, background: '#123456' } }).jpeg().toBuffer();
    const first = await put('/uploads/batch-1/cats/a%20cat.jpg', jpeg);
    assert.equal(first.status, 200);
    const { Folder } = (await first.json()) as { Folder: string };
    assert.equal((await put('/uploads/batch-1/dogs/d.jpg', jpeg)).status, 200);
    const { loupe } = harness;
    const project = await loupe.invoke('CreateProject', { ProjectName: 'uploaded' });
    const dataset = await loupe.invoke('CreateDataset', { ProjectArn: (project as any).value.ProjectArn, DatasetType: 'TRAIN' });
    const DatasetArn = (dataset as any).value.DatasetArn as string;
    const job = await loupe.invoke('ImportFolder', { DatasetArn, Folder });
    await waitForJob(loupe.ctx, (job as any).value.JobId);
    const listed = await loupe.invoke('ListEntries', { DatasetArn });
    const entries = (listed as any).value.Entries as { FileName: string; Labels: string[] }[];
    assert.deepEqual(entries.map((e) => [e.FileName, e.Labels[0]]).sort(), [['a cat.jpg', 'cats'], ['d.jpg', 'dogs']]);
  });

  it('refuses paths that try to leave the batch, and callers without the token', async () => {
    const body = Buffer.from('x');
    assert.equal((await put('/uploads/batch-2/..%2F..%2Fescape.jpg', body)).status, 400);
    // Dot segments are resolved by the client before sending; whatever arrives stays refused.
    assert.ok(!(await put('/uploads/batch-2/a/../../b.jpg', body)).ok);
    assert.ok(!(await put('/uploads/../x/b.jpg', body)).ok);
    const written = readdirSync(join(harness.home, 'uploads'), { recursive: true }).map(String);
    assert.ok(written.every((path) => path.startsWith('batch-1')), written.join(', '));
    assert.equal((await put('/uploads/batch-2/ok.jpg', body, 'wrong-token')).status, 403);
  });

  it('issue #15: takes a camera photo over the service\'s 15 MB, written whole to the batch', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024, 7);
    const response = await put('/uploads/batch-3/big.jpg', big);
    assert.equal(response.status, 200);
    const { Folder } = (await response.json()) as { Folder: string };
    assert.equal(statSync(join(Folder, 'big.jpg')).size, big.length);
  });

  it('issue #15: imports an uploaded PNG over 15 MB within 4096 px through a copy that fits, as a folder import does', async () => {
    const png = await aLargePng(join(harness.home, 'scratch', 'scan.png'), 2400, 2300);
    assert.ok(png.length > IMAGE_LIMITS.maxFileBytes);
    const response = await put('/uploads/batch-5/parts/scan.png', png);
    assert.equal(response.status, 200);
    const { Folder } = (await response.json()) as { Folder: string };
    const { loupe } = harness;
    const project = await loupe.invoke('CreateProject', { ProjectName: 'uploaded-scan' });
    const dataset = await loupe.invoke('CreateDataset', { ProjectArn: (project as any).value.ProjectArn, DatasetType: 'TRAIN' });
    const DatasetArn = (dataset as any).value.DatasetArn as string;
    const job = await waitForJob(loupe.ctx, ((await loupe.invoke('ImportFolder', { DatasetArn, Folder })) as any).value.JobId);
    assert.equal(job.Status, 'succeeded', job.Message);
    const lines = ((await loupe.invoke('ListDatasetEntries', { DatasetArn })) as any).value.DatasetEntries as string[];
    const entry = JSON.parse(lines[0]!);
    assert.equal(entry.errors, undefined, JSON.stringify(entry.errors));
    assert.equal(entry['source-ref'], join(Folder, 'parts', 'scan.png'), 'the entry names the uploaded file');
    assert.equal(statSync(join(Folder, 'parts', 'scan.png')).size, png.length, 'the upload is kept whole');
  });

  it('issue #15: answers a declared size over the upload cap with 413 before reading the body', { timeout: 30_000 }, async () => {
    const { port } = new URL(harness.server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const size = IMAGE_LIMITS.maxUploadBytes + 1;
    socket.write(`PUT /uploads/batch-4/huge.png HTTP/1.1\r\nHost: ${harness.authority}\r\nAuthorization: Bearer ${harness.server.sessionToken}\r\nContent-Length: ${size}\r\n\r\n`);
    for (let i = 0; i < 300 && !received.includes('\r\n\r\n'); i++) await new Promise((r) => setTimeout(r, 10));
    socket.destroy();
    assert.match(received, /^HTTP\/1\.1 413/);
    assert.match(received, /256 MiB/);
    assert.ok(!existsSync(join(harness.home, 'uploads', 'batch-4', 'huge.png')));
  });
});

describe('issue #16: an upload over the cap', () => {
  it('answers 413, not a broken connection, and leaves no partial file', async () => {
    const harness = await startHarness({ maxUploadBytes: 1024 * 1024 });
    try {
      const put = (path: string, body: Buffer) =>
        fetch(`${harness.server.url}${path}`, { method: 'PUT', body: new Uint8Array(body), headers: { Authorization: `Bearer ${harness.server.sessionToken}` } });
      const response = await put('/uploads/batch-3/big.jpg', Buffer.alloc(3 * 1024 * 1024, 1));
      assert.equal(response.status, 413);
      assert.deepEqual(await response.json(), {
        __type: 'SerializationException',
        Message: 'big.jpg is larger than 1 MiB, the most Loupe takes in one upload.',
        MessageCode: 'UploadTooLarge',
        MessageParams: { file: 'big.jpg', limit: '1 MiB' },
      });
      assert.equal((await put('/uploads/batch-3/small.jpg', Buffer.from('x'))).status, 200, 'the server still answers');
      assert.deepEqual(readdirSync(join(harness.home, 'uploads', 'batch-3')), ['small.jpg']);
    } finally {
      await harness.close();
    }
  });
});

describe('issue #16: a refused upload on a raw connection', () => {
  it('answers 413 while the client is still sending, then reads the rest and keeps the connection', { timeout: 30_000 }, async () => {
    const harness = await startHarness({ maxUploadBytes: 4 * 1024 * 1024 });
    try {
      const { port } = new URL(harness.server.url);
      const socket = connect(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      const size = 12 * 1024 * 1024;
      socket.write(`PUT /uploads/raw/big.jpg HTTP/1.1\r\nHost: ${harness.authority}\r\nAuthorization: Bearer ${harness.server.sessionToken}\r\nContent-Length: ${size}\r\n\r\n`);
      socket.write(Buffer.alloc(1024 * 1024, 1));
      for (let i = 0; i < 200 && !received.includes('\r\n\r\n'); i++) await new Promise((r) => setTimeout(r, 10));
      assert.match(received, /^HTTP\/1\.1 413/);
      // The rest of the body goes through without a reset, and the connection answers again.
      let failed: Error | undefined;
      socket.on('error', (error) => (failed = error));
      for (let sent = 1024 * 1024; sent < size; sent += 1024 * 1024) {
        if (socket.destroyed) break;
        if (!socket.write(Buffer.alloc(1024 * 1024, 1))) await Promise.race([once(socket, 'drain'), once(socket, 'close')]);
      }
      received = '';
      socket.write(`GET /no-such-file.js HTTP/1.1\r\nHost: ${harness.authority}\r\n\r\n`);
      for (let i = 0; i < 300 && !/^HTTP\/1\.1 \d{3}/.test(received) && !failed; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(failed, undefined);
      assert.equal(socket.destroyed, false, 'the connection was cut');
      assert.match(received, /^HTTP\/1\.1 404/);
      socket.destroy();
    } finally {
      await harness.close();
    }
  });
});
