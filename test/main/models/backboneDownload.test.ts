/**
 * Downloading a pinned backbone, against a local HTTP server that serves a tiny generated
 * classifier (its SHA-256 pinned by the test) the way real servers misbehave: redirects, a 404,
 * a corrupted copy, short and long bodies, a trickle to cancel, a stall. Nothing here needs the
 * internet.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { downloadedSpec } from '../../../main/training/backboneDownload';
import { DOWNLOADABLE_BACKBONES, downloadUrl, type PinnedBackbone } from '../../../native/models';
import { createSession } from '../../../native/ort';
import type { Job } from '../../../preload/contract';
import { TINY_CHANNELS, TINY_SIDE, tinyClassifier, tinyImages } from '../../support/classifiers';
import { runCli } from '../../support/cli';
import { trainOnClassFolders } from '../../support/training';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

const FILE = tinyClassifier();
assert.ok(FILE.byteLength > 500, 'the trickle below needs a file that takes seconds');
const SHA256 = createHash('sha256').update(FILE).digest('hex');

function entry(id: string): PinnedBackbone {
  return {
    id,
    title: `Tiny classifier (${id})`,
    licence: 'test fixture',
    url: 'https://models.example/zoo/tiny-classifier.onnx',
    sizeBytes: FILE.byteLength,
    sha256: SHA256,
    input: { name: 'image', width: TINY_SIDE, height: TINY_SIDE, layout: 'NCHW', colourOrder: 'RGB', resize: 'stretch', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    cut: { at: 'last-average-pool', output: 'embedding', size: TINY_CHANNELS },
  };
}
const CATALOGUE = ['tiny', 'tiny-redirected', 'tiny-failing'].map(entry);

/** Routes by first path segment; every route serves (or mangles) the tiny classifier. */
function startServer(): Promise<{ server: Server; base: string }> {
  const server = createServer((request, response) => {
    const route = request.url!.split('/')[1];
    switch (route) {
      case 'files':
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': FILE.byteLength });
        response.end(FILE);
        return;
      case 'moved':
        response.writeHead(302, { location: `/files/${request.url!.split('/').pop()}` });
        response.end();
        return;
      case 'moved-twice':
        response.writeHead(301, { location: `/moved/${request.url!.split('/').pop()}` });
        response.end();
        return;
      case 'corrupt': {
        const copy = Buffer.from(FILE);
        copy.writeUInt8(copy.readUInt8(copy.length - 1) ^ 0xff, copy.length - 1);
        response.writeHead(200, { 'content-length': copy.length });
        response.end(copy);
        return;
      }
      case 'short':
        // Chunked, and simply ends early.
        response.writeHead(200);
        response.end(FILE.subarray(0, FILE.byteLength >> 1));
        return;
      case 'cut-off':
        // Promises every byte, sends half, and hangs up.
        response.writeHead(200, { 'content-length': FILE.byteLength });
        response.write(FILE.subarray(0, FILE.byteLength >> 1), () => response.destroy());
        return;
      case 'long':
        response.writeHead(200);
        response.end(Buffer.concat([FILE, Buffer.alloc(1000)]));
        return;
      case 'wrong-length':
        response.writeHead(200, { 'content-length': FILE.byteLength + 1 });
        response.end(Buffer.concat([FILE, Buffer.alloc(1)]));
        return;
      case 'trickle':
      case 'stall': {
        // 16 bytes every 50 ms: the tiny file takes seconds, time enough to cancel it.
        response.writeHead(200, { 'content-length': FILE.byteLength });
        let sent = 0;
        const timer = setInterval(() => {
          if (route === 'stall' && sent > 0) return;
          response.write(FILE.subarray(sent, sent + 16));
          sent += 16;
          if (sent >= FILE.byteLength) clearInterval(timer);
        }, 50);
        response.on('close', () => clearInterval(timer));
        return;
      }
      default:
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not here');
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

function backboneFiles(loupe: TestLoupe): string[] {
  try {
    return readdirSync(join(loupe.home, 'backbones')).sort();
  } catch {
    return [];
  }
}

async function download(loupe: TestLoupe, id: string): Promise<Job> {
  const { JobId } = await loupe.ok('DownloadBackbone', { Id: id });
  return waitForJob(loupe.ctx, JobId);
}

describe('downloading a pinned backbone', () => {
  let server: Server;
  let base: string;
  before(async () => {
    ({ server, base } = await startServer());
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  describe('when the server has the pinned file', () => {
    let loupe: TestLoupe;
    before(() => {
      loupe = aLoupe();
      loupe.ctx.backboneDownloads = { catalogue: CATALOGUE, mirror: `${base}/files/` };
    });
    after(() => loupe.dispose());

    it('lists it as not downloaded yet, with the mirror URL', async () => {
      const { Backbones } = await loupe.ok('ListDownloadableBackbones', {});
      const tiny = Backbones.find((b) => b.Id === 'tiny')!;
      assert.deepEqual(
        { ...tiny },
        {
          Id: 'tiny',
          Title: 'Tiny classifier (tiny)',
          Licence: 'test fixture',
          Url: `${base}/files/tiny-classifier.onnx`,
          SizeBytes: FILE.byteLength,
          Sha256: SHA256,
          InputWidth: TINY_SIDE,
          InputHeight: TINY_SIDE,
          EmbeddingSize: TINY_CHANNELS,
          Present: false,
        },
      );
    });

    it('downloads, cuts and registers it, with where it came from', async () => {
      const progress: Job[] = [];
      // What a download cut short by a crash left behind goes with the next download.
      mkdirSync(join(loupe.home, 'backbones'), { recursive: true });
      writeFileSync(join(loupe.home, 'backbones', `.tiny.${randomUUID()}.download`), 'half a file');
      const off = loupe.ctx.events.on('JobProgressed', (job) => progress.push(job));
      const job = await download(loupe, 'tiny');
      off();
      assert.equal(job.Status, 'succeeded', job.Message);
      assert.ok(progress.some((report) => report.Phase === 'downloading'));

      const { Backbones } = await loupe.ok('ListBackbones', {});
      const tiny = Backbones.find((b) => b.Id === 'tiny');
      assert.deepEqual(
        { Source: tiny?.Source, SourceUrl: tiny?.SourceUrl, Outputs: tiny?.Outputs, Default: tiny?.Default },
        { Source: 'DOWNLOADED', SourceUrl: `${base}/files/tiny-classifier.onnx`, Outputs: [{ Name: 'embedding', Size: TINY_CHANNELS, Role: 'final' }], Default: false },
      );
      assert.equal((await loupe.ok('ListDownloadableBackbones', {})).Backbones.find((b) => b.Id === 'tiny')?.Present, true);
      assert.deepEqual(backboneFiles(loupe), ['tiny.json', 'tiny.onnx']);

      const saved = readFileSync(join(loupe.home, 'backbones', 'tiny.onnx'));
      const sidecar = JSON.parse(readFileSync(join(loupe.home, 'backbones', 'tiny.json'), 'utf8')) as {
        sha256: string;
        spec: { source: { kind: string; url: string; sha256: string; cutAt: string } };
      };
      assert.equal(sidecar.sha256, createHash('sha256').update(saved).digest('hex'));
      assert.deepEqual(
        { ...sidecar.spec.source, cutAt: typeof sidecar.spec.source.cutAt },
        { kind: 'download', url: `${base}/files/tiny-classifier.onnx`, sha256: SHA256, cutAt: 'string' },
      );

      // The embedding is the original graph's pooled features, for any batch size.
      const images = tinyImages(3);
      const reference = await createSession(tinyClassifier({ withPooledOutput: true }), { providers: ['cpu'], name: 'reference' });
      const cut = await createSession(saved, { providers: ['cpu'], name: 'cut' });
      try {
        const expected = (await reference.session.run({ input: images })).pooled!.data as Float32Array;
        const actual = await cut.session.run({ image: images });
        assert.deepEqual(actual.embedding!.dims, [3, TINY_CHANNELS]);
        (actual.embedding!.data as Float32Array).forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) < 1e-5));
      } finally {
        await reference.session.release();
        await cut.session.release();
      }
    });

    it('can be made the default backbone', async () => {
      await loupe.ok('SetDefaultBackbone', { Id: 'tiny' });
      assert.equal((await loupe.ok('ListBackbones', {})).Backbones.find((b) => b.Default)?.Id, 'tiny');
    });

    it('trains a model on it', async () => {
      const version = await trainOnClassFolders(loupe, 'on-a-download', { train: 6, test: 3 });
      assert.equal(version.Status, 'TRAINING_COMPLETED', version.StatusMessage);
    });

    it('refuses to download it again', async () => {
      assert.equal((await loupe.fails('DownloadBackbone', { Id: 'tiny' })).code, 'ResourceAlreadyExistsException');
    });

    it('refuses an id the catalogue does not have', async () => {
      assert.equal((await loupe.fails('DownloadBackbone', { Id: 'nope' })).code, 'ResourceNotFoundException');
    });
  });

  describe('when the URL answers with redirects', () => {
    it('follows them', async () => {
      const loupe = aLoupe({ backboneDownloads: { catalogue: CATALOGUE, mirror: `${base}/moved-twice/` } });
      try {
        const job = await download(loupe, 'tiny-redirected');
        assert.equal(job.Status, 'succeeded', job.Message);
        assert.deepEqual(backboneFiles(loupe), ['tiny-redirected.json', 'tiny-redirected.onnx']);
      } finally {
        loupe.dispose();
      }
    });
  });

  describe('when the mirror is a folder (a file: URL)', () => {
    it('copies the file from there, checked the same way', async () => {
      const folder = tempDir();
      writeFileSync(join(folder, 'tiny-classifier.onnx'), FILE);
      const loupe = aLoupe({ backboneDownloads: { catalogue: CATALOGUE, mirror: pathToFileURL(folder).href } });
      try {
        const job = await download(loupe, 'tiny-redirected');
        assert.equal(job.Status, 'succeeded', job.Message);
        assert.deepEqual(backboneFiles(loupe), ['tiny-redirected.json', 'tiny-redirected.onnx']);
        writeFileSync(join(folder, 'tiny-classifier.onnx'), FILE.subarray(1));
        const failed = await download(loupe, 'tiny-failing');
        assert.equal(failed.Status, 'failed');
        assert.match(failed.Message ?? '', new RegExp(`is ${FILE.byteLength - 1} bytes; the pinned file is ${FILE.byteLength} bytes`));
      } finally {
        loupe.dispose();
        rmSync(folder, { recursive: true, force: true });
      }
    });
  });

  describe('when the download goes wrong', () => {
    let loupe: TestLoupe;
    before(async () => {
      loupe = aLoupe({ backboneDownloads: { catalogue: CATALOGUE, mirror: `${base}/files/` } });
      // A backbone already there, which no failed download may touch.
      assert.equal((await download(loupe, 'tiny')).Status, 'succeeded');
    });
    after(() => loupe.dispose());

    const cases: [route: string, message: RegExp][] = [
      ['missing', /answered HTTP 404/],
      ['corrupt', new RegExp(`has SHA-256 [0-9a-f]{64}; the pinned file has ${SHA256}`)],
      ['short', new RegExp(`ended after ${FILE.byteLength >> 1} of the pinned ${FILE.byteLength} bytes`)],
      ['cut-off', /broke off after \d+ of \d+ bytes/],
      ['long', new RegExp(`sent more than the pinned ${FILE.byteLength} bytes`)],
      ['wrong-length', new RegExp(`is ${FILE.byteLength + 1} bytes; the pinned file is ${FILE.byteLength} bytes`)],
    ];
    for (const [route, message] of cases) {
      it(`fails the job on a ${route} answer, saying why, and saves nothing`, async () => {
        const before = readFileSync(join(loupe.home, 'backbones', 'tiny.onnx'));
        loupe.ctx.backboneDownloads = { catalogue: CATALOGUE, mirror: `${base}/${route}/` };
        const job = await download(loupe, 'tiny-failing');
        assert.equal(job.Status, 'failed');
        assert.match(job.Message ?? '', message);
        assert.deepEqual(backboneFiles(loupe), ['tiny.json', 'tiny.onnx']);
        assert.deepEqual(readFileSync(join(loupe.home, 'backbones', 'tiny.onnx')), before);
        assert.equal((await loupe.ok('ListBackbones', {})).Backbones.some((b) => b.Id === 'tiny-failing'), false);
      });
    }

    it('stops a download that stalls, after the timeout', async () => {
      loupe.ctx.backboneDownloads = { catalogue: CATALOGUE, mirror: `${base}/stall/`, idleTimeoutMs: 300 };
      const job = await download(loupe, 'tiny-failing');
      assert.equal(job.Status, 'failed');
      assert.match(job.Message ?? '', /sent nothing for/);
      assert.deepEqual(backboneFiles(loupe), ['tiny.json', 'tiny.onnx']);
    });

    it('cancels mid-download, leaving nothing behind', async () => {
      loupe.ctx.backboneDownloads = { catalogue: CATALOGUE, mirror: `${base}/trickle/` };
      const { JobId } = await loupe.ok('DownloadBackbone', { Id: 'tiny-failing' });
      assert.equal((await loupe.fails('DownloadBackbone', { Id: 'tiny-failing' })).code, 'ResourceInUseException');
      assert.equal((await loupe.ok('ListDownloadableBackbones', {})).Backbones.find((b) => b.Id === 'tiny-failing')?.JobId, JobId);
      await new Promise<void>((resolve) => {
        // Progress reports come at most every 250 ms; an ended job resolves too (and fails below).
        const off = loupe.ctx.events.on('JobProgressed', (job) => {
          if (job.JobId === JobId && ((job.Done ?? 0) > 0 || job.EndTimestamp !== undefined)) {
            off();
            resolve();
          }
        });
      });
      await loupe.ok('CancelJob', { JobId });
      const job = await waitForJob(loupe.ctx, JobId);
      assert.equal(job.Status, 'cancelled');
      assert.deepEqual(backboneFiles(loupe), ['tiny.json', 'tiny.onnx']);
      assert.equal((await loupe.ok('ListDownloadableBackbones', {})).Backbones.find((b) => b.Id === 'tiny-failing')?.JobId, undefined);
    });
  });
});

describe('on the command line, with LOUPE_BACKBONE_MIRROR set', () => {
  let server: Server;
  let home: string;
  let mirror: string;
  before(async () => {
    const started = await startServer();
    server = started.server;
    mirror = `${started.base}/missing/`;
    home = tempDir();
    process.env.LOUPE_BACKBONE_MIRROR = mirror;
  });
  after(() => {
    delete process.env.LOUPE_BACKBONE_MIRROR;
    server.closeAllConnections();
    server.close();
    rmSync(home, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runCli(home, ...args);


  it('lists the pinned backbones with the mirror\'s URLs', async () => {
    const result = await cli('list-downloadable-backbones');
    assert.equal(result.code, 0, result.err);
    const { Backbones } = JSON.parse(result.out) as { Backbones: { Id: string; Url: string; Present: boolean }[] };
    assert.deepEqual(
      Backbones.map((b) => [b.Id, b.Url, b.Present]),
      DOWNLOADABLE_BACKBONES.map((pinned) => [pinned.id, `${mirror}${pinned.url.split('/').pop()}`, false]),
    );
  });

  it('downloads one with download-backbone --id, waiting for the job, printing how it ended and exiting 254 when it failed', async () => {
    const result = await cli('download-backbone', '--id', DOWNLOADABLE_BACKBONES[0]!.id);
    assert.equal(result.code, 254, result.err);
    assert.ok(Number.isInteger((JSON.parse(result.out) as { JobId: number }).JobId));
    assert.match(result.err, /DownloadBackbone: failed — .*answered HTTP 404/);
  });
});

describe('the pinned catalogue', () => {
  it('pins each file by https URL, size and SHA-256, with a spec Loupe accepts', () => {
    assert.ok(DOWNLOADABLE_BACKBONES.length >= 1);
    const ids = new Set<string>();
    for (const pinned of DOWNLOADABLE_BACKBONES) {
      assert.ok(!ids.has(pinned.id), `${pinned.id} twice`);
      ids.add(pinned.id);
      assert.equal(new URL(pinned.url).protocol, 'https:', pinned.url);
      assert.match(pinned.sha256, /^[0-9a-f]{64}$/);
      assert.ok(Number.isInteger(pinned.sizeBytes) && pinned.sizeBytes > 1_000_000, pinned.id);
      assert.ok(pinned.licence.length > 0);
      const spec = downloadedSpec(pinned, pinned.url);
      assert.deepEqual(spec.outputs.map((output) => [output.name, output.size]), [[pinned.cut.output, pinned.cut.size]]);
    }
  });

  it('fetches each file from a mirror by its file name', () => {
    const [first] = DOWNLOADABLE_BACKBONES;
    const name = first!.url.split('/').pop();
    assert.equal(downloadUrl(first!, 'http://mirror.local/models'), `http://mirror.local/models/${name}`);
    assert.equal(downloadUrl(first!, 'http://mirror.local/models/'), `http://mirror.local/models/${name}`);
    assert.equal(downloadUrl(first!), first!.url);
  });
});
