/**
 * The fault suite (`npm run faults`, not part of `npm test`): `loupe serve` on temporary homes,
 * killed with SIGKILL at random moments of its slow work, then started again; plus a seeded fuzzer
 * of manifests, images and requests. What must hold after every kill:
 *
 * - `PRAGMA integrity_check` is ok;
 * - no write the server acknowledged is lost; imports are all or nothing;
 * - no dataset, version or project is left in a status that says work is under way;
 * - a watched folder is reconciled with what is on disk.
 *
 * And under the fuzzer: the server never dies, never answers 5xx, and every refusal carries a
 * specific error type (and every failed import a specific code).
 *
 *   npm run faults -- [--cases 3] [--fuzz 150] [--seed 16] [--no-training]
 *
 * It prints one table row per scenario: cases, survived (every check held), lost (acknowledged
 * writes missing after the restart). It exits 1 when any case did not survive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { errorNames } from '../../preload/contract/errors';
import { anImage } from '../support/images';
import { xorshift } from '../support/random';

const { values: flags } = parseArgs({
  options: {
    cases: { type: 'string', default: '3' },
    fuzz: { type: 'string', default: '150' },
    seed: { type: 'string', default: '16' },
    'no-training': { type: 'boolean', default: false },
  },
});
const CASES = Number(flags.cases);
const FUZZ = Number(flags.fuzz);
const random = xorshift(Number(flags.seed));
const between = (low: number, high: number) => low + Math.floor(random() * (high - low));
const BUSY = /IN_PROGRESS$|ING$/;
const KNOWN_ERRORS = new Set<string>(errorNames);
const BIN = new URL('../../main/cli/bin.mjs', import.meta.url).pathname;

const scratch = mkdtempSync(join(tmpdir(), 'loupe-faults-'));
process.once('exit', () => rmSync(scratch, { recursive: true, force: true }));

// --- a served Loupe --------------------------------------------------------------------------

interface Served {
  child: ChildProcess;
  endpoint: string;
  token: string;
  exited: Promise<number | null>;
}

class CallError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(`${status} ${type}: ${message}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function serve(home: string, port: number): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--home', home, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let printed = '';
  child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`loupe serve did not start: ${printed}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const token = /#token=(\S+)/.exec(printed)?.[1];
      const endpoint = /Endpoint=(\S+)/.exec(printed)?.[1];
      if (token && endpoint) {
        clearTimeout(timer);
        resolve({ child, endpoint, token, exited });
      }
    });
    void exited.then((code) => reject(new Error(`loupe serve exited (${code}) before it started: ${printed}`)));
  });
}

async function call<T = Record<string, unknown>>(served: Served, operation: string, input: unknown, service?: string): Promise<T> {
  const target = `${service ?? (REKOGNITION.has(operation) ? 'RekognitionService' : 'LoupeService')}.${operation}`;
  const response = await fetch(`${served.endpoint}/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${served.token}`, 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
    body: typeof input === 'string' ? input : JSON.stringify(input),
  });
  const text = await response.text();
  if (response.ok) return JSON.parse(text) as T;
  let type = 'unparsable';
  let message = text;
  try {
    const body = JSON.parse(text) as { __type?: string; Message?: string };
    type = body.__type ?? 'missing';
    message = body.Message ?? '';
  } catch {
    // Kept as 'unparsable': the check that every refusal carries a type reports it.
  }
  throw new CallError(response.status, type, message);
}

const REKOGNITION = new Set([
  'CreateProject', 'DescribeProjects', 'DeleteProject', 'CreateDataset', 'DescribeDataset', 'DeleteDataset', 'ListDatasetEntries',
  'ListDatasetLabels', 'UpdateDatasetEntries', 'DistributeDatasetEntries', 'CreateProjectVersion', 'DescribeProjectVersions',
  'StartProjectVersion', 'StopProjectVersion', 'DeleteProjectVersion', 'CopyProjectVersion', 'DetectCustomLabels',
  'PutProjectPolicy', 'ListProjectPolicies', 'DeleteProjectPolicy', 'TagResource', 'UntagResource', 'ListTagsForResource',
]);

function kill(served: Served): Promise<number | null> {
  served.child.kill('SIGKILL');
  return served.exited;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- what must hold after a restart ------------------------------------------------------------

function integrityOk(home: string): void {
  const db = new Database(join(home, 'loupe.db'));
  try {
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`integrity_check: ${String(result)}`);
  } finally {
    db.close();
  }
}

async function nothingInProgress(served: Served): Promise<void> {
  const { ProjectDescriptions } = await call<{ ProjectDescriptions: { ProjectArn: string; Status: string; Datasets?: { DatasetArn: string }[] }[] }>(
    served,
    'DescribeProjects',
    {},
  );
  for (const project of ProjectDescriptions) {
    if (BUSY.test(project.Status)) throw new Error(`project ${project.ProjectArn} is ${project.Status}`);
    for (const dataset of project.Datasets ?? []) {
      const { DatasetDescription } = await call<{ DatasetDescription: { Status: string } }>(served, 'DescribeDataset', { DatasetArn: dataset.DatasetArn });
      if (BUSY.test(DatasetDescription.Status)) throw new Error(`dataset ${dataset.DatasetArn} is ${DatasetDescription.Status}`);
    }
    const { ProjectVersionDescriptions } = await call<{ ProjectVersionDescriptions: { ProjectVersionArn: string; Status: string }[] }>(
      served,
      'DescribeProjectVersions',
      { ProjectArn: project.ProjectArn },
    );
    for (const version of ProjectVersionDescriptions) {
      if (BUSY.test(version.Status)) throw new Error(`version ${version.ProjectVersionArn} is ${version.Status}`);
    }
  }
  const { Jobs } = await call<{ Jobs: unknown[] }>(served, 'ListJobs', { Active: true });
  if (Jobs.length > 0) throw new Error(`${Jobs.length} jobs still active`);
}

async function entries(served: Served, DatasetArn: string): Promise<{ SourceRef: string; Labels: string[]; EntryId: number }[]> {
  const { Entries } = await call<{ Entries: { SourceRef: string; Labels: string[]; EntryId: number }[] }>(served, 'ListEntries', { DatasetArn, MaxResults: 1000 });
  return Entries;
}

async function waitForJobs(served: Served, ResourceArn: string): Promise<void> {
  await until(`jobs of ${ResourceArn}`, async () => {
    const { Jobs } = await call<{ Jobs: { Status: string }[] }>(served, 'ListJobs', { ResourceArn });
    return Jobs.every((job) => job.Status !== 'running' && job.Status !== 'queued') ? true : undefined;
  }, 180_000);
}

// --- fixtures ------------------------------------------------------------------------------------

let imageSerial = 0;
async function aFolder(count: number, labels = ['ok', 'ng']): Promise<string> {
  const folder = mkdtempSync(join(scratch, 'images-'));
  const base = readFileSync(await anImage(join(scratch, `base-${++imageSerial}.jpg`), { width: 64, height: 48 }));
  for (let i = 0; i < count; i++) {
    const label = labels[i % labels.length]!;
    mkdirSync(join(folder, label), { recursive: true });
    writeFileSync(join(folder, label, `${i}.jpg`), variant(base, i));
  }
  return folder;
}

function variant(base: Buffer, n: number): Buffer {
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(n);
  tail.writeUInt32LE(imageSerial, 4);
  return Buffer.concat([base, tail]);
}

function aPackage(modelBytes: number): string {
  const folder = mkdtempSync(join(scratch, 'package-'));
  const model = randomBytes(modelBytes);
  writeFileSync(join(folder, 'model.onnx'), model);
  writeFileSync(join(folder, 'evaluation.json'), '{}');
  writeFileSync(
    join(folder, 'loupe-model.json'),
    JSON.stringify({
      format: 1,
      model: 'model.onnx',
      sha256: createHash('sha256').update(model).digest('hex'),
      sourceProjectVersionArn: 'arn:aws:rekognition:us-east-1:000000000000:project/p/version/v/1',
      f1Score: null,
      executionProvider: null,
      files: ['model.onnx', 'evaluation.json'],
      evaluationSummary: 'evaluation.json',
      trainingSeconds: null,
    }),
  );
  return folder;
}

/**
 * Versions a killed copy or import left COPYING_COMPLETED must hold the package's exact model (a
 * copy is completed at start-up only when every file arrived intact); the count of those that do not.
 */
async function brokenCopies(served: Served, packageFolder: string): Promise<number> {
  const expected = (JSON.parse(readFileSync(join(packageFolder, 'loupe-model.json'), 'utf8')) as { sha256: string }).sha256;
  const { ProjectDescriptions } = await call<{ ProjectDescriptions: { ProjectArn: string }[] }>(served, 'DescribeProjects', {});
  let broken = 0;
  for (const { ProjectArn } of ProjectDescriptions) {
    const { ProjectVersionDescriptions } = await call<{ ProjectVersionDescriptions: { ProjectVersionArn: string; Status: string }[] }>(served, 'DescribeProjectVersions', { ProjectArn });
    for (const version of ProjectVersionDescriptions) {
      if (version.Status !== 'COPYING_COMPLETED') continue;
      const { Folder } = await call<{ Folder: string }>(served, 'ExportModelPackage', { ProjectVersionArn: version.ProjectVersionArn, Folder: mkdtempSync(join(scratch, 'export-')) });
      const exported = JSON.parse(readFileSync(join(Folder, 'loupe-model.json'), 'utf8')) as { sha256: string };
      if (exported.sha256 !== expected) broken++;
    }
  }
  return broken;
}

// --- the kill scenarios -------------------------------------------------------------------------

interface Outcome {
  lost: number;
}

interface Scenario {
  name: string;
  /** Set up on a running server, start the slow work, kill at a random moment, restart, check. */
  run(home: string, port: number): Promise<Outcome>;
}

/** Start, let `work` begin, SIGKILL after `killAfterMs`, check the database, start again. */
async function killDuring<T>(home: string, port: number, prepare: (s: Served) => Promise<T>, work: (s: Served, state: T) => Promise<void>, killAfterMs: number) {
  const first = await serve(home, port);
  const state = await prepare(first);
  const working = work(first, state).catch(() => undefined);
  await sleep(killAfterMs);
  await kill(first);
  await working;
  integrityOk(home);
  const second = await serve(home, port);
  return { served: second, state };
}

const scenarios: Scenario[] = [
  {
    name: 'folder import (300 images)',
    async run(home, port) {
      const folder = await aFolder(300);
      const { served, state } = await killDuring(
        home,
        port,
        async (s) => {
          const { ProjectArn } = await call<{ ProjectArn: string }>(s, 'CreateProject', { ProjectName: 'imports' });
          const { DatasetArn } = await call<{ DatasetArn: string }>(s, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
          return { DatasetArn };
        },
        async (s, { DatasetArn }) => void (await call(s, 'ImportFolder', { DatasetArn, Folder: folder })),
        between(0, 1500),
      );
      try {
        await nothingInProgress(served);
        const count = (await entries(served, state.DatasetArn)).length;
        if (count !== 0 && count !== 300) throw new Error(`a torn import: ${count} of 300 entries`);
        return { lost: 0 };
      } finally {
        await kill(served);
      }
    },
  },
  {
    name: 'label-write burst',
    async run(home, port) {
      const folder = await aFolder(120, ['x']);
      const acknowledged: number[] = [];
      const { served, state } = await killDuring(
        home,
        port,
        async (s) => {
          const { ProjectArn } = await call<{ ProjectArn: string }>(s, 'CreateProject', { ProjectName: 'labels' });
          const { DatasetArn } = await call<{ DatasetArn: string }>(s, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
          await call(s, 'ImportFolder', { DatasetArn, Folder: folder, AutoLabel: false });
          await waitForJobs(s, DatasetArn);
          await call(s, 'CreateLabels', { DatasetArn, Labels: ['checked'] });
          return { DatasetArn, ids: (await entries(s, DatasetArn)).map((e) => e.EntryId) };
        },
        async (s, { DatasetArn, ids }) => {
          // Four writers at once, each acknowledging in turn.
          let next = 0;
          const writer = async () => {
            while (next < ids.length) {
              const id = ids[next++]!;
              await call(s, 'AssignImageLabels', { DatasetArn, EntryIds: [id], Add: ['checked'] });
              acknowledged.push(id);
            }
          };
          await Promise.all([writer(), writer(), writer(), writer()]);
        },
        between(20, 800),
      );
      try {
        await nothingInProgress(served);
        const checked = new Set((await entries(served, state.DatasetArn)).filter((e) => e.Labels.includes('checked')).map((e) => e.EntryId));
        return { lost: acknowledged.filter((id) => !checked.has(id)).length };
      } finally {
        await kill(served);
      }
    },
  },
  {
    name: 'package import (64 MB model)',
    async run(home, port) {
      const packageFolder = aPackage(64 * 1024 * 1024);
      const { served } = await killDuring(
        home,
        port,
        async (s) => (await call<{ ProjectArn: string }>(s, 'CreateProject', { ProjectName: 'kiosk' })).ProjectArn,
        async (s, ProjectArn) => void (await call(s, 'ImportModelPackage', { ProjectArn, Folder: packageFolder, VersionName: 'v1' })),
        between(0, 400),
      );
      try {
        await nothingInProgress(served);
        const lost = await brokenCopies(served, packageFolder);
        // Whatever state it ended in, it can be deleted, and so can its project.
        const { ProjectDescriptions } = await call<{ ProjectDescriptions: { ProjectArn: string }[] }>(served, 'DescribeProjects', {});
        for (const { ProjectArn } of ProjectDescriptions) await call(served, 'DeleteProjectCascade', { ProjectArn });
        return { lost };
      } finally {
        await kill(served);
      }
    },
  },
  {
    name: 'copy of a version (64 MB model)',
    async run(home, port) {
      const packageFolder = aPackage(64 * 1024 * 1024);
      const { served } = await killDuring(
        home,
        port,
        async (s) => {
          const { ProjectArn } = await call<{ ProjectArn: string }>(s, 'CreateProject', { ProjectName: 'source' });
          const { ProjectVersionArn } = await call<{ ProjectVersionArn: string }>(s, 'ImportModelPackage', { ProjectArn, Folder: packageFolder, VersionName: 'v1' });
          await waitForJobs(s, ProjectVersionArn);
          const { ProjectArn: destination } = await call<{ ProjectArn: string }>(s, 'CreateProject', { ProjectName: 'destination' });
          return { ProjectArn, ProjectVersionArn, destination };
        },
        async (s, st) =>
          void (await call(s, 'CopyProjectVersion', {
            SourceProjectArn: st.ProjectArn,
            SourceProjectVersionArn: st.ProjectVersionArn,
            DestinationProjectArn: st.destination,
            VersionName: 'copied',
          })),
        between(0, 400),
      );
      try {
        await nothingInProgress(served);
        const lost = await brokenCopies(served, packageFolder);
        const { ProjectDescriptions } = await call<{ ProjectDescriptions: { ProjectArn: string }[] }>(served, 'DescribeProjects', {});
        for (const { ProjectArn } of ProjectDescriptions) await call(served, 'DeleteProjectCascade', { ProjectArn });
        return { lost };
      } finally {
        await kill(served);
      }
    },
  },
  {
    name: 'watched-folder burst (400 files)',
    async run(home, port) {
      const folder = mkdtempSync(join(scratch, 'watched-'));
      const base = readFileSync(await anImage(join(scratch, `w-${++imageSerial}.jpg`), { width: 64, height: 48 }));
      let written = 0;
      const burst = async () => {
        for (; written < 400; written++) {
          mkdirSync(join(folder, written % 2 ? 'ok' : 'ng'), { recursive: true });
          writeFileSync(join(folder, written % 2 ? 'ok' : 'ng', `${written}.jpg`), variant(base, written));
          if (written % 20 === 0) await sleep(5);
        }
      };
      const { served, state } = await killDuring(
        home,
        port,
        async (s) => {
          const { ProjectArn } = await call<{ ProjectArn: string }>(s, 'CreateProject', { ProjectName: 'watched' });
          const { DatasetArn } = await call<{ DatasetArn: string }>(s, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
          await call(s, 'WatchFolder', { DatasetArn, Folder: folder });
          return { DatasetArn, ProjectArn };
        },
        async () => burst(),
        between(50, 1500),
      );
      try {
        await burst();
        await nothingInProgress(served);
        await until('the watcher to reconcile', async () => {
          const { WatchedFolders } = await call<{ WatchedFolders: { EntryCount: number }[] }>(served, 'ListWatchedFolders', { ProjectArn: state.ProjectArn });
          return WatchedFolders[0]?.EntryCount === 400 ? true : undefined;
        });
        return { lost: 0 };
      } finally {
        await kill(served);
      }
    },
  },
];

if (!flags['no-training']) {
  scenarios.push({
    name: 'training (12 images)',
    async run(home, port) {
      const folder = await aFolder(12);
      const { served } = await killDuring(
        home,
        port,
        async (s) => {
          const { ProjectArn } = await call<{ ProjectArn: string }>(s, 'CreateProject', { ProjectName: 'trained' });
          const { DatasetArn } = await call<{ DatasetArn: string }>(s, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
          await call(s, 'ImportFolder', { DatasetArn, Folder: folder });
          await waitForJobs(s, DatasetArn);
          const { DatasetArn: test } = await call<{ DatasetArn: string }>(s, 'CreateDataset', { ProjectArn, DatasetType: 'TEST' });
          await call(s, 'ImportFolder', { DatasetArn: test, Folder: folder });
          await waitForJobs(s, test);
          return ProjectArn;
        },
        async (s, ProjectArn) => void (await call(s, 'CreateProjectVersion', { ProjectArn, VersionName: 'v1' })),
        between(200, 4000),
      );
      try {
        await nothingInProgress(served);
        return { lost: 0 };
      } finally {
        await kill(served);
      }
    },
  });
}

// --- the fuzzer -----------------------------------------------------------------------------------

const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function mutateText(text: string): string {
  const chars = [...text];
  const edits = between(1, 4);
  for (let i = 0; i < edits; i++) {
    const at = between(0, chars.length + 1);
    switch (between(0, 4)) {
      case 0:
        chars.splice(at, between(1, 6));
        break;
      case 1:
        chars.splice(at, 0, pick(['{', '}', '"', ',', ':', '\\', '\u0000', '\uD800', '\uFEFF', '\n', '9e999', '-1', 'null', '[]']));
        break;
      case 2:
        chars.splice(at, 1, String.fromCharCode(between(0, 0xffff)));
        break;
      default:
        chars.length = Math.min(chars.length, at);
    }
  }
  return chars.join('');
}

function aManifestLine(ref: string): Record<string, unknown> {
  const detection = random() < 0.5;
  if (!detection) {
    return {
      'source-ref': ref,
      kind: pick([1, 0, -1, 'x', null, 1.5]),
      'kind-metadata': {
        'class-name': pick(['ok', '', ' ', 'x'.repeat(300), 'a\u0000b', '\uD800', 7, null]),
        confidence: pick([1, 0, 7, -1, 'high', undefined]),
        type: pick(['groundtruth/image-classification', 'groundtruth/object-detection', 'nope']),
        'human-annotated': pick(['yes', 'no', 'maybe', undefined]),
        'creation-date': pick(['2026-01-01T00:00:00', 5, undefined]),
      },
    };
  }
  const boxes = between(0, 60);
  return {
    'source-ref': ref,
    'bounding-box': {
      image_size: [{ width: pick([64, 500, 0, -5]), height: pick([48, 500, 0]), depth: 3 }],
      annotations: Array.from({ length: boxes }, () => ({
        class_id: pick([0, 1, 2, '0', -1]),
        left: between(-20, 80),
        top: between(-20, 60),
        width: between(-5, 90),
        height: between(-5, 70),
      })),
    },
    'bounding-box-metadata': {
      objects: Array.from({ length: between(0, boxes + 2) }, () => ({ confidence: pick([1, 0.5, 7, -1, undefined]) })),
      'class-map': pick([{ '0': 'part', '1': 'dent' }, { '0': '' }, {}, null, { '0': 'a\u0000' }]),
      type: 'groundtruth/object-detection',
      'human-annotated': 'yes',
      'creation-date': '2026-01-01T00:00:00',
    },
  };
}

async function fuzz(home: string, port: number, budget: number): Promise<{ cases: number; failures: string[] }> {
  const served = await serve(home, port);
  const failures: string[] = [];
  const folder = await aFolder(6, ['a']);
  await call(served, 'CreateBucketMapping', { Bucket: 'fuzz', Folder: folder });
  const { ProjectArn } = await call<{ ProjectArn: string }>(served, 'CreateProject', { ProjectName: 'fuzz' });
  const { DatasetArn } = await call<{ DatasetArn: string }>(served, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
  const jpeg = readFileSync(join(folder, 'a', '0.jpg'));
  const refused = (what: string, error: unknown) => {
    if (!(error instanceof CallError)) return failures.push(`${what}: ${String(error)}`);
    if (error.status >= 500) failures.push(`${what}: ${error.message}`);
    else if (!KNOWN_ERRORS.has(error.type)) failures.push(`${what}: refusal without a specific type (${error.message})`);
    return undefined;
  };
  let cases = 0;
  for (let i = 0; i < budget; i++) {
    cases++;
    const kind = i % 3;
    if (kind === 0) {
      // A manifest: some valid lines, some mutated.
      const lines = Array.from({ length: between(1, 8) }, (_, n) => {
        const line = JSON.stringify(aManifestLine(pick([`s3://fuzz/a/${n % 6}.jpg`, `a/${n}.jpg`, 's3://nope/x.jpg', '', 'https://x/y.jpg'])));
        return random() < 0.4 ? mutateText(line) : line;
      });
      const text = (random() < 0.2 ? '\uFEFF' : '') + lines.join(pick(['\n', '\r\n', '\n\n']));
      try {
        await call(served, 'UpdateDatasetEntries', { DatasetArn, Changes: { GroundTruth: Buffer.from(text).toString('base64') } });
        await waitForJobs(served, DatasetArn);
        const { DatasetDescription } = await call<{ DatasetDescription: { Status: string; StatusMessage?: string } }>(served, 'DescribeDataset', { DatasetArn });
        if (DatasetDescription.Status === 'UPDATE_FAILED' && !/ERROR_[A-Z_]+|[A-Z][a-z]+Exception/.test(`${DatasetDescription.StatusMessage}`)) {
          failures.push(`manifest ${i}: failed without a code: ${DatasetDescription.StatusMessage}`);
        }
      } catch (error) {
        refused(`manifest ${i}`, error);
      }
    } else if (kind === 1) {
      // An image file: truncated, flipped bytes, or not an image at all.
      const bytes = Buffer.from(jpeg);
      const how = between(0, 3);
      const broken = how === 0 ? bytes.subarray(0, between(0, bytes.length)) : how === 1 ? randomBytes(between(0, 4000)) : flipBytes(bytes);
      const file = join(folder, `fuzz-${i}.${pick(['jpg', 'png', 'gif', 'webp'])}`);
      writeFileSync(file, broken);
      try {
        await call(served, 'ImportFiles', { DatasetArn, Files: [file] });
        await waitForJobs(served, DatasetArn);
        const entry = (await call<{ Entries: { SourceRef: string; Errors: { Code: string }[]; Width?: number }[] }>(served, 'ListEntries', { DatasetArn, SourceRefContains: `fuzz-${i}.` })).Entries[0];
        if (entry && entry.Width === undefined && !entry.Errors.some((e) => /^ERROR_/.test(e.Code))) failures.push(`image ${i}: unreadable image without a code`);
      } catch (error) {
        refused(`image ${i}`, error);
      }
    } else {
      // A request: a real operation with a mutated body, or junk.
      const operation = pick(['DescribeProjects', 'CreateProject', 'DescribeDataset', 'ListDatasetEntries', 'DetectCustomLabels', 'UpdateDatasetEntries', 'ImportFolder', 'TagResource', 'ListEntries', 'AssignImageLabels', 'NoSuchOperation']);
      const body = pick([
        '{}',
        '',
        'null',
        '[]',
        '{"ProjectName": 5}',
        JSON.stringify({ DatasetArn, MaxResults: between(-5, 5000), NextToken: randomBytes(8).toString('base64') }),
        JSON.stringify({ ProjectVersionArn: `${ProjectArn}/version/x/1`.replace('project/fuzz/', 'project/fuzz/version/x/'), Image: { Bytes: randomBytes(between(0, 200)).toString('base64') } }),
        mutateText(JSON.stringify({ DatasetArn, EntryIds: [1, 2], Add: ['x'] })),
        JSON.stringify({ ResourceArn: ProjectArn, Tags: Object.fromEntries(Array.from({ length: between(0, 60) }, (_, n) => [`k${n}`, 'v'])) }),
      ]);
      try {
        await call(served, operation, body, random() < 0.1 ? pick(['', 'Nope', 'RekognitionService', 'LoupeService']) : undefined);
      } catch (error) {
        refused(`request ${i} ${operation}`, error);
      }
    }
    if (served.child.exitCode !== null) {
      failures.push(`the server died at case ${i}`);
      break;
    }
  }
  await kill(served);
  integrityOk(home);
  return { cases, failures };
}

function flipBytes(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  for (let i = 0; i < 12; i++) copy[between(0, copy.length)] = between(0, 256);
  return copy;
}

// --- run ------------------------------------------------------------------------------------------

const rows: { name: string; cases: number; survived: number; lost: number; notes: string[] }[] = [];
const port = await freePort();
for (const scenario of scenarios) {
  const row = { name: scenario.name, cases: 0, survived: 0, lost: 0, notes: [] as string[] };
  for (let i = 0; i < CASES; i++) {
    const home = mkdtempSync(join(scratch, 'home-'));
    row.cases++;
    try {
      const { lost } = await scenario.run(home, port);
      row.lost += lost;
      if (lost === 0) row.survived++;
      else row.notes.push(`case ${i}: ${lost} acknowledged writes lost`);
    } catch (error) {
      row.notes.push(`case ${i}: ${(error as Error).message}`);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
  rows.push(row);
  process.stderr.write(`${scenario.name}: ${row.survived}/${row.cases}\n`);
}
const fuzzHome = mkdtempSync(join(scratch, 'home-'));
const fuzzed = await fuzz(fuzzHome, port, FUZZ);
rows.push({ name: `fuzzer (seed ${flags.seed})`, cases: fuzzed.cases, survived: fuzzed.cases - fuzzed.failures.length, lost: 0, notes: fuzzed.failures });

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`| ${'scenario'.padEnd(width)} | cases | survived | lost |`);
console.log(`| ${'-'.repeat(width)} | ----: | -------: | ---: |`);
for (const row of rows) console.log(`| ${row.name.padEnd(width)} | ${String(row.cases).padStart(5)} | ${String(row.survived).padStart(8)} | ${String(row.lost).padStart(4)} |`);
for (const row of rows) for (const note of row.notes.slice(0, 10)) console.log(`- ${row.name}: ${note}`);
process.exitCode = rows.every((row) => row.survived === row.cases) ? 0 : 1;
