/**
 * Training and analysis on a 1,000-image classification project of generated photos-like images
 * (warm blobs and cool stripes, 256×256 JPEGs; 800 in TRAIN, 200 in TEST), on a fresh home:
 * - import plus CreateProjectVersion with a cold feature cache (target < 60 s on a 2-core machine);
 * - a second version after importing 50 more TRAIN images, the cache warm (target < 10 s);
 * - DetectCustomLabels in-process (base64, probe, decode, preprocess, run) against raw ONNX Runtime
 *   running the version's own model.onnx on tensors prepared beforehand from the same images, with
 *   the session settings of an inference unit: the throughput of one unit with two requests in
 *   flight (target ≥ 0.85× the raw throughput), one request at a time (the whole path's latency,
 *   where nothing overlaps), and two units against two raw sessions in two threads (how far units
 *   scale when ONNX Runtime alone would keep every core busy);
 * - DetectCustomLabels over HTTP with the AWS SDK, called from another process as applications
 *   call Loupe, against the same call in-process (p50 and p95 ≤ 1.15×), and the floor under that
 *   ratio: the same client against a bare server whose only work is the raw model run;
 * - the peak resident memory of the process in each stage.
 * Compared paths run in alternating blocks, so other work on the machine weighs on both alike;
 * `load 1m` is the machine's one-minute load average when a row was measured.
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as q from '../../main/db/queries';
import { startServer } from '../../main/server';
import { readModelMetadata } from '../../main/engine/modelFile';
import { sourceWorker } from '../../main/engine/sourceWorker';
import { createSession, type OrtSession, type TensorInput } from '../../native/ort';
import { decodeRgb } from '../../native/preprocess';
import { toModelBatch, type ModelSpec } from '../../native/models';
import { classImage } from '../support/classes';
import { tempDir } from '../support/loupe';
import { createDataset, createProject, importFolder, timedLoupe, trainVersion, type TimedLoupe, type TrainedVersion } from '../eval/train';
import { percentile, withPeakRss } from './index';
import type { RawUnitSetup } from './rawUnit';
import type { ClientReply, ClientRequest } from './sdkClient';

const SIZE = 256;
const KINDS = ['blobs', 'stripes'] as const;
const PROBES = 32;
const WARMUP = 10;
const CALLS = Number(process.env.LOUPE_BENCH_CALLS ?? 200);

type Row = Record<string, string | number>;

/** `<root>/<kind>/<seed>.jpg`, `count` per class, seeds from `firstSeed`. */
async function generate(root: string, count: number, firstSeed: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    for (const kind of KINDS) await classImage(join(root, kind, `${firstSeed + i}.jpg`), kind, firstSeed + i, SIZE);
  }
}

async function waitForStatus(loupe: TimedLoupe, projectArn: string, versionName: string, wanted: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { ProjectVersionDescriptions } = await loupe.ok('DescribeProjectVersions', { ProjectArn: projectArn, VersionNames: [versionName] });
    const status = ProjectVersionDescriptions[0]?.Status;
    if (status === wanted) return;
    if (status === 'FAILED' || Date.now() > deadline) throw new Error(`${versionName} is ${status}, not ${wanted}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

type Call = (i: number, caller: number) => Promise<unknown>;

interface Measured {
  perSecond: number;
  /** Per-call milliseconds. */
  latencies: number[];
}

/** Calls `first` to `first + count − 1`, made and timed where they are made: each call's and the whole block's milliseconds. */
type Block = (first: number, count: number) => Promise<{ latencies: number[]; ms: number }>;

/** A block of `call`s made here, `inFlight` callers at once. */
function callsHere(call: Call, inFlight = 1): Block {
  return async (first, count) => {
    const latencies: number[] = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async (_, caller) => {
        while (next < count) {
          const i = next++;
          const t = performance.now();
          await call(first + i, caller);
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { latencies, ms: performance.now() - start };
  };
}

/**
 * `a` and `b` in alternating blocks (`calls` each in all, after a warm-up block each), so that
 * whatever else the machine is doing weighs on both alike: throughput and per-call latencies.
 */
async function alternate(a: Block, b: Block, calls = CALLS, blocks = 4): Promise<[Measured, Measured]> {
  const totals = [a, b].map(() => ({ ms: 0, latencies: [] as number[] }));
  for (const block of [a, b]) await block(0, WARMUP);
  const count = Math.round(calls / blocks);
  for (let k = 0; k < blocks; k++) {
    for (const [which, block] of [a, b].entries()) {
      const { latencies, ms } = await block(k * count, count);
      totals[which]!.latencies.push(...latencies);
      totals[which]!.ms += ms;
    }
  }
  const measured = (t: { ms: number; latencies: number[] }) => ({ perSecond: t.latencies.length / (t.ms / 1000), latencies: t.latencies });
  return [measured(totals[0]!), measured(totals[1]!)];
}

const load = () => loadavg()[0]!;

/** Asks the bench's HTTP caller process (sdkClient.ts) to do something and waits for its reply. */
type Ask = (request: ClientRequest) => Promise<ClientReply>;

/** A block of the caller process's SDK calls, one at a time, timed there; the caller must be set up for its endpoint. */
function callsThere(ask: Ask): Block {
  return async (first, count) => {
    const answer = await ask({ type: 'block', first, count });
    if (answer.type !== 'block') throw new Error(`the caller answered ${answer.type}, not a block`);
    return answer;
  };
}

/**
 * A bare HTTP server whose only work is the model: it reads and parses each JSON request, runs
 * `work` (the n-th request runs `work(n)`) and answers `{ CustomLabels: [] }`.
 */
async function startBareServer(work: (i: number) => Promise<void>): Promise<{ url: string; close(): Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      void work(requests++).then(() => {
        const body = Buffer.from(JSON.stringify({ CustomLabels: [] }));
        res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': body.length });
        res.end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A raw baseline unit (rawUnit.ts) in a worker thread of its own, as the app's inference units are. */
async function startRawUnit(setup: RawUnitSetup): Promise<{ run(i: number): Promise<void>; close(): Promise<void> }> {
  const worker = sourceWorker(new URL('./rawUnit.ts', import.meta.url), { workerData: setup });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const pending = new Map<number, () => void>();
  worker.on('message', (i: number) => pending.get(i)?.());
  let next = 0;
  return {
    run: () =>
      new Promise<void>((resolve) => {
        const id = next++;
        pending.set(id, () => {
          pending.delete(id);
          resolve();
        });
        worker.postMessage(id);
      }),
    close: async () => {
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

const ratio = (value: number) => `${value.toFixed(2)}×`;

function trainingRow(bench: string, importS: number, version: TrainedVersion, targetS: number, peakRssMiB: number): Row {
  const total = importS + version.seconds;
  return {
    bench,
    status: version.status,
    'import s': importS,
    'embed s': version.phases?.embedS ?? NaN,
    'head s': version.phases?.headS ?? NaN,
    'test s': version.phases?.testS ?? NaN,
    seconds: total,
    target: `< ${targetS} s`,
    met: version.status === 'TRAINING_COMPLETED' && total < targetS ? 'yes' : 'NO',
    'peak RSS MiB': peakRssMiB,
    'load 1m': load(),
  };
}

export async function benchTraining(): Promise<Row[]> {
  const images = tempDir('loupe-bench-training-images-');
  const loupe = timedLoupe();
  const rows: Row[] = [];
  try {
    await generate(join(images, 'train'), 400, 0);
    await generate(join(images, 'test'), 100, 10_000);
    await generate(join(images, 'more'), 25, 20_000);
    const probePaths = await Promise.all(
      Array.from({ length: PROBES }, (_, i) => classImage(join(images, 'probes', `${i}.jpg`), KINDS[i % 2]!, 30_000 + i, SIZE)),
    );
    const probes = probePaths.map((path) => readFileSync(path));

    // Cold: import 1,000 images, then train with nothing in the feature cache.
    const projectArn = await createProject(loupe, 'bench-training');
    const train = await createDataset(loupe, projectArn, 'TRAIN');
    const test = await createDataset(loupe, projectArn, 'TEST');
    const cold = await withPeakRss(async () => {
      const importS =
        (await importFolder(loupe, { DatasetArn: train, Folder: join(images, 'train') })) +
        (await importFolder(loupe, { DatasetArn: test, Folder: join(images, 'test') }));
      return { importS, version: await trainVersion(loupe, projectArn, 'v1') };
    });
    rows.push(trainingRow('train 1,000 images (800 TRAIN + 200 TEST), cold cache', cold.result.importS, cold.result.version, 60, cold.peakRssMiB));

    // Warm: 50 more TRAIN images, a new version; only the new images need the backbone for training.
    const warm = await withPeakRss(async () => {
      const importS = await importFolder(loupe, { DatasetArn: train, Folder: join(images, 'more') });
      return { importS, version: await trainVersion(loupe, projectArn, 'v2') };
    });
    rows.push(trainingRow('retrain after adding 50 images, warm cache', warm.result.importS, warm.result.version, 10, warm.peakRssMiB));
    if (warm.result.version.status !== 'TRAINING_COMPLETED') return rows;
    const versionArn = warm.result.version.arn;

    // The exported model, run raw on tensors prepared beforehand from the probe images.
    const modelPath = q.findVersionByArn(loupe.ctx.db, versionArn)!.modelPath!;
    const metadata = await readModelMetadata(modelPath);
    const spec = { input: metadata.input } as ModelSpec;
    const tensors: Record<string, TensorInput>[] = [];
    for (const bytes of probes) tensors.push({ [metadata.input.name]: toModelBatch([await decodeRgb(bytes, { maxSide: SIZE })], spec) });
    const base64 = probes.map((bytes) => bytes.toString('base64'));
    const detect = (i: number) =>
      loupe.ok('DetectCustomLabels', { ProjectVersionArn: versionArn, Image: { Bytes: base64[i % PROBES]! }, MinConfidence: 0 });
    const rawRun = (session: OrtSession) => (i: number) => session.run(tensors[i % PROBES]!, { outputs: [metadata.output] });

    const inference = await withPeakRss(async () => {
      const out: Row[] = [];
      const latency = (m: Measured) => ({ 'images/s': m.perSecond, 'p50 ms': percentile(m.latencies, 50), 'p95 ms': percentile(m.latencies, 95) });

      // One inference unit is one session with one intra-op thread, as the app loads it.
      const raw = await createSession(modelPath, { threads: 1, name: 'raw' });
      await loupe.ok('StartProjectVersion', { ProjectVersionArn: versionArn, MinInferenceUnits: 1 });
      await waitForStatus(loupe, projectArn, 'v2', 'RUNNING');
      // One call at a time, each waiting for the last: the latency of the whole path, where nothing
      // can overlap. Two in flight: throughput, where the next image is decoded while the unit runs.
      const [rawOne, appOne] = await alternate(callsHere(rawRun(raw.session)), callsHere(detect));
      const [rawPiped, appPiped] = await alternate(callsHere(rawRun(raw.session), 2), callsHere(detect, 2));
      await raw.session.release();
      out.push(
        { bench: `raw onnxruntime, model.onnx, 1 session × 1 thread, prebuilt tensors (${raw.provider})`, ...latency(rawOne) },
        {
          bench: 'DetectCustomLabels in-process, 1 unit, one call at a time (base64, probe, decode, preprocess, run)',
          ...latency(appOne),
          ratio: ratio(appOne.perSecond / rawOne.perSecond),
          'load 1m': load(),
        },
        {
          bench: 'DetectCustomLabels in-process, 1 unit, 2 in flight (raw: the same session, 2 in flight)',
          ...latency(appPiped),
          ratio: ratio(appPiped.perSecond / rawPiped.perSecond),
          target: '≥ 0.85× raw',
          met: appPiped.perSecond / rawPiped.perSecond >= 0.85 ? 'yes' : 'NO',
          'load 1m': load(),
        },
      );

      // Over HTTP, signed by the AWS SDK in a process of its own (as an application calling Loupe
      // is), against the same call in-process; alternating blocks, each side timing its own calls.
      const server = await startServer({ loupe, port: 0 });
      const caller = fork(join(import.meta.dirname, 'sdkClient.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const ask: Ask = (request) =>
        new Promise<ClientReply>((resolve, reject) => {
          caller.once('message', (reply: ClientReply) => (reply.type === 'error' ? reject(new Error(reply.message)) : resolve(reply)));
          caller.send(request);
        });
      try {
        await ask({
          type: 'setup',
          setup: {
            endpoint: server.url,
            accessKeyId: loupe.ctx.credentials.AccessKeyId,
            secretAccessKey: loupe.ctx.credentials.SecretAccessKey,
            versionArn,
            probes: probePaths,
          },
        });
        const [local, remote] = await alternate(callsHere(detect), callsThere(ask));
        const p50 = percentile(remote.latencies, 50) / percentile(local.latencies, 50);
        const p95 = percentile(remote.latencies, 95) / percentile(local.latencies, 95);
        out.push(
          { bench: 'DetectCustomLabels in-process, 1 unit, one call at a time, in blocks alternating with the HTTP calls below', ...latency(local) },
          {
            bench: 'DetectCustomLabels over HTTP from another process, AWS SDK v3 + SigV4, 1 unit',
            ...latency(remote),
            ratio: `p50 ${ratio(p50)}, p95 ${ratio(p95)}`,
            target: '≤ 1.15× in-process',
            met: p50 <= 1.15 && p95 <= 1.15 ? 'yes' : 'NO',
            'load 1m': load(),
          },
        );

        // The floor under that ratio: the same client against a bare Node HTTP server whose only
        // work is the model (model.onnx run raw on prebuilt tensors in a worker thread, as a unit
        // runs it; no signature check, no decode), against that raw run called in-process. What
        // the client, the round trip and a second process cost on this machine, whatever the server.
        const rawUnit = await startRawUnit({ modelPath, output: metadata.output, tensors });
        const bare = await startBareServer((i) => rawUnit.run(i));
        try {
          await ask({ type: 'setup', setup: { endpoint: bare.url, accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'bare', versionArn, probes: probePaths } });
          const [rawLocal, rawRemote] = await alternate(callsHere((i) => rawUnit.run(i)), callsThere(ask));
          // The floor's extra milliseconds, put on the in-process DetectCustomLabels call's own.
          const extra = (p: number) => percentile(rawRemote.latencies, p) - percentile(rawLocal.latencies, p);
          const onLocal = (p: number) => ratio((percentile(local.latencies, p) + extra(p)) / percentile(local.latencies, p));
          out.push(
            { bench: 'floor, in-process: model.onnx run raw in a worker thread, prebuilt tensors, one call at a time', ...latency(rawLocal) },
            {
              bench: `floor, over HTTP: the same client against a bare server whose only work is that raw run (+${extra(50).toFixed(2)} ms at p50, +${extra(95).toFixed(2)} ms at p95; added to the in-process DetectCustomLabels: p50 ${onLocal(50)}, p95 ${onLocal(95)})`,
              ...latency(rawRemote),
              ratio: `p50 ${ratio(percentile(rawRemote.latencies, 50) / percentile(rawLocal.latencies, 50))}, p95 ${ratio(percentile(rawRemote.latencies, 95) / percentile(rawLocal.latencies, 95))}`,
              'load 1m': load(),
            },
          );
        } finally {
          await bare.close();
          await rawUnit.close();
        }
      } finally {
        caller.disconnect();
        await server.close();
      }

      // Every core: two units (two sessions × one thread in threads of their own), two requests in flight per unit, both ways.
      await loupe.ok('StopProjectVersion', { ProjectVersionArn: versionArn });
      await waitForStatus(loupe, projectArn, 'v2', 'STOPPED');
      await loupe.ok('StartProjectVersion', { ProjectVersionArn: versionArn, MinInferenceUnits: 2 });
      await waitForStatus(loupe, projectArn, 'v2', 'RUNNING');
      const rawUnits = await Promise.all([0, 1].map(() => startRawUnit({ modelPath, output: metadata.output, tensors })));
      const [rawTwo, appTwo] = await alternate(callsHere((i, caller) => rawUnits[caller % 2]!.run(i), 4), callsHere(detect, 4));
      await Promise.all(rawUnits.map((unit) => unit.close()));
      out.push(
        { bench: 'raw onnxruntime, 2 sessions × 1 thread in 2 worker threads, prebuilt tensors, 4 in flight', ...latency(rawTwo) },
        {
          bench: 'DetectCustomLabels in-process, 2 units, 4 in flight',
          ...latency(appTwo),
          ratio: ratio(appTwo.perSecond / rawTwo.perSecond),
          'load 1m': load(),
        },
      );
      await loupe.ok('StopProjectVersion', { ProjectVersionArn: versionArn });
      await waitForStatus(loupe, projectArn, 'v2', 'STOPPED');
      return out;
    });
    rows.push(...inference.result.map((row, i) => (i === 0 ? { ...row, 'peak RSS MiB': inference.peakRssMiB } : row)));
    return rows;
  } finally {
    loupe.dispose();
    rmSync(images, { recursive: true, force: true });
  }
}
