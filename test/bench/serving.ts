/**
 * Serving over the Open Inference Protocol (`npm run bench -- serving`): a classifier trained on
 * generated images, started with two inference units, its serving graph asked through
 * `POST /v2/models/<name>/infer` with binary data from a client in a thread of its own, in batches of
 * 1, 4 and 16 images at the size the model reads them — against the same graph run raw by ONNX
 * Runtime on the same prebuilt tensors in two sessions of one thread each (as the two units are),
 * the same number of requests in flight; target ≥ 0.85× raw. DetectCustomLabels (JPEG bytes through
 * the AWS SDK, decode and preprocessing in Loupe) on the same model is there for comparison.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { DetectCustomLabelsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import * as q from '../../main/db/queries';
import { servingGraphOf, servingModelName } from '../../main/engine/servingGraph';
import { sourceWorker } from '../../main/engine/sourceWorker';
import { startServer } from '../../main/server';
import type { TensorInput } from '../../native/ort';
import { classImage } from '../support/classes';
import { aLoupe, tempDir } from '../support/loupe';
import { trainOnClassFolders } from '../support/training';
import type { RawUnitSetup } from './rawUnit';
import type { V2ClientSetup } from './v2Client';

type Row = Record<string, string | number>;

const UNITS = 2;
const IN_FLIGHT = 4;
const PROBES = 16;
const IMAGES_PER_SIDE = Number(process.env.LOUPE_BENCH_IMAGES ?? 160);
const BLOCKS = 4;

interface Worked {
  ms: number;
  calls: number;
}
type Block = (count: number) => Promise<Worked>;

/** A worker answering `{count, inFlight}` with `{ms, latencies}` (v2Client.ts) or one run per id (rawUnit.ts). */
async function started(url: URL, workerData: unknown): Promise<Worker> {
  const worker = sourceWorker(url, { workerData });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return worker;
}

/** `count` calls spread over IN_FLIGHT callers, caller k on raw unit k mod UNITS. */
function rawBlock(units: Worker[]): Block {
  let id = 0;
  const pending = new Map<number, () => void>();
  for (const unit of units) unit.on('message', (i: number) => pending.get(i)?.());
  const run = (unit: Worker) =>
    new Promise<void>((resolve) => {
      const i = id++;
      pending.set(i, () => {
        pending.delete(i);
        resolve();
      });
      unit.postMessage(i);
    });
  return async (count) => {
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async (_, caller) => {
        while (next < count) {
          next++;
          await run(units[caller % units.length]!);
        }
      }),
    );
    return { ms: performance.now() - start, calls: count };
  };
}

function clientBlock(client: Worker): Block {
  return (count) =>
    new Promise((resolve, reject) => {
      client.once('message', (answer: { ms: number; latencies: number[] } | { error: string }) =>
        'error' in answer ? reject(new Error(answer.error)) : resolve({ ms: answer.ms, calls: answer.latencies.length }),
      );
      client.postMessage({ count, inFlight: IN_FLIGHT });
    });
}

/** Calls per second of `a` and `b`, measured in alternating blocks after a warm-up each. */
async function alternate(a: Block, b: Block, calls: number): Promise<[number, number]> {
  await a(Math.max(4, calls / 10));
  await b(Math.max(4, calls / 10));
  const totals = [
    { ms: 0, calls: 0 },
    { ms: 0, calls: 0 },
  ];
  for (let k = 0; k < BLOCKS; k++) {
    for (const [which, block] of [a, b].entries()) {
      const worked = await block(Math.ceil(calls / BLOCKS));
      totals[which]!.ms += worked.ms;
      totals[which]!.calls += worked.calls;
    }
  }
  return [totals[0]!.calls / (totals[0]!.ms / 1000), totals[1]!.calls / (totals[1]!.ms / 1000)];
}

export async function benchServing(): Promise<Row[]> {
  const loupe = aLoupe();
  const server = await startServer({ loupe, port: 0 });
  const rows: Row[] = [];
  const workers: Worker[] = [];
  try {
    const version = await trainOnClassFolders(loupe, 'bench-serving', { train: 16, test: 6 });
    const versionArn = version.ProjectVersionArn!;
    await loupe.ok('StartProjectVersion', { ProjectVersionArn: versionArn, MinInferenceUnits: UNITS });
    const projectArn = (await loupe.ok('DescribeProjects', {})).ProjectDescriptions![0]!.ProjectArn!;
    for (let i = 0; ; i++) {
      const [described] = (await loupe.ok('DescribeProjectVersions', { ProjectArn: projectArn, VersionNames: ['v1'] })).ProjectVersionDescriptions;
      if (described?.Status === 'RUNNING') break;
      if (described?.Status === 'FAILED' || i > 2400) throw new Error(`the model is ${described?.Status}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    process.stderr.write('serving: model running\n');
    const graph = servingGraphOf(readFileSync(q.findVersionByArn(loupe.ctx.db, versionArn)!.modelPath!));
    const { width, height } = graph.nativeSize;
    const folder = tempDir('loupe-bench-serving-');
    const jpegs = await Promise.all(
      Array.from({ length: PROBES }, async (_, i) => readFileSync(await classImage(join(folder, `${i}.jpg`), i % 2 === 0 ? 'blobs' : 'stripes', 40_000 + i, Math.max(width, height)))),
    );
    const pixels = await Promise.all(jpegs.map((jpeg) => sharp(jpeg).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer()));
    const graphPath = join(folder, 'serving.onnx');
    writeFileSync(graphPath, graph.onnx);
    const url = `${server.url}/v2/models/${servingModelName('bench-serving', 'v1')}/infer`;
    const output = graph.outputs[0]!.name;

    for (const batch of [1, 4, 16]) {
      const variants = Array.from({ length: 4 }, (_, v) => {
        const data = new Uint8Array(batch * width * height * 3);
        for (let i = 0; i < batch; i++) data.set(pixels[(v * batch + i) % PROBES]!, i * width * height * 3);
        return data;
      });
      const tensors: Record<string, TensorInput>[] = variants.map((data) => ({ image: { data, dims: [batch, height, width, 3] } }));
      const bodies = variants.map((data) => {
        const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', datatype: 'UINT8', shape: [batch, height, width, 3], parameters: { binary_data_size: data.byteLength } }] }));
        return { body: new Uint8Array(Buffer.concat([header, data])), headerLength: header.byteLength };
      });
      const units = await Promise.all(Array.from({ length: UNITS }, () => started(new URL('./rawUnit.ts', import.meta.url), { modelPath: graphPath, output, tensors } satisfies RawUnitSetup)));
      const client = await started(new URL('./v2Client.ts', import.meta.url), { url, token: server.inferenceToken, bodies } satisfies V2ClientSetup);
      workers.push(...units, client);
      const calls = Math.max(8, Math.round(IMAGES_PER_SIDE / batch));
      process.stderr.write(`serving: batch ${batch}, ${calls} calls each way\n`);
      const [raw, v2] = await alternate(rawBlock(units), clientBlock(client), calls);
      rows.push({
        bench: `/v2 infer, batch ${batch} (${width}×${height}, binary data, ${IN_FLIGHT} in flight, ${UNITS} units × 1 thread)`,
        'images/s': v2 * batch,
        'raw images/s': raw * batch,
        ratio: `${(v2 / raw).toFixed(2)}×`,
        target: '≥ 0.85× raw',
        met: v2 / raw >= 0.85 ? 'yes' : 'NO',
        'load 1m': loadavg()[0]!,
      });
      for (const unit of units) unit.postMessage('close');
      client.postMessage('close');
    }

    const sdk = new RekognitionClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: loupe.ctx.credentials.AccessKeyId, secretAccessKey: loupe.ctx.credentials.SecretAccessKey },
    });
    const detect = async (count: number): Promise<Worked> => {
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < count) {
            const i = next++;
            await sdk.send(new DetectCustomLabelsCommand({ ProjectVersionArn: versionArn, Image: { Bytes: jpegs[i % PROBES]! }, MinConfidence: 0 }));
          }
        }),
      );
      return { ms: performance.now() - start, calls: count };
    };
    await detect(20);
    const measured = await detect(IMAGES_PER_SIDE / 2);
    rows.push({
      bench: `DetectCustomLabels over HTTP, AWS SDK v3 in this thread, JPEG ${Math.max(width, height)} px (decode + preprocess in Loupe), ${IN_FLIGHT} in flight, ${UNITS} units`,
      'images/s': measured.calls / (measured.ms / 1000),
      'load 1m': loadavg()[0]!,
    });
    sdk.destroy();
    return rows;
  } finally {
    await Promise.allSettled(workers.map((worker) => worker.terminate()));
    await server.close();
    loupe.dispose();
  }
}
