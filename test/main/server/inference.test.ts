/**
 * The Open Inference Protocol (/v2) against real servers: `loupe serve --model` on an exported
 * repository with no home, the same routes on the full server, JSON and binary-data requests,
 * who is refused and why, and the same tensors through Python's onnxruntime answering alike.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { openModelRepository, type ModelRepository } from '../../../main/engine/exportedModel';
import { startModelServer, type RunningModelServer } from '../../../main/server/modelServer';
import type { Credentials } from '../../../main/home';
import { waitForJob } from '../../../main/jobs';
import { aLoupe } from '../../support/loupe';
import { writeTinyRepository } from '../../support/modelRepository';
import { readNpy } from '../../support/npy';
import { trainOnClassFolders } from '../../support/training';
import { localKeys, startHarness, type Harness } from './harness';

const TOKEN = 'test-inference-token-0123456789';
const CREDENTIALS: Credentials = { AccessKeyId: 'LKIATESTTESTTESTTEST', SecretAccessKey: 'secret-secret-secret-secret-secret-00', Region: 'us-east-1' };

/** Two 4 × 4 RGB images (NHWC uint8): one dark, one bright, with some texture. */
function images(): Uint8Array {
  const data = new Uint8Array(2 * 4 * 4 * 3);
  for (let i = 0; i < data.length; i++) data[i] = i < data.length / 2 ? (i * 7) % 60 : 180 + ((i * 11) % 70);
  return data;
}

function inferBody(data: Uint8Array, outputs?: unknown): string {
  return JSON.stringify({ id: 'r1', inputs: [{ name: 'image', datatype: 'UINT8', shape: [2, 4, 4, 3], data: Array.from(data) }], ...(outputs ? { outputs } : {}) });
}

interface InferResponse {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: { name: string; datatype: string; shape: number[]; data?: number[]; parameters?: { binary_data_size: number } }[];
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function errorOf(response: Response): Promise<{ status: number; error: string }> {
  const body = (await response.json()) as { error: string };
  return { status: response.status, error: body.error };
}

/** Python's onnxruntime on the same model file and tensor; undefined where it is not installed. */
function pythonScores(modelPath: string, data: Uint8Array): { scores: number[]; top: number[] } | undefined {
  const script = [
    'import json, sys',
    'import numpy as np, onnxruntime as ort',
    'request = json.load(sys.stdin)',
    'session = ort.InferenceSession(request["model"], providers=["CPUExecutionProvider"])',
    'image = np.array(request["data"], dtype=np.uint8).reshape(request["shape"])',
    'scores, top = session.run(["scores", "top"], {"image": image})',
    'print(json.dumps({"scores": scores.ravel().tolist(), "top": top.ravel().tolist()}))',
  ].join('\n');
  const probe = spawnSync('python3', ['-c', 'import onnxruntime, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const run = spawnSync('python3', ['-c', script], { input: JSON.stringify({ model: modelPath, data: Array.from(data), shape: [2, 4, 4, 3] }), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { scores: number[]; top: number[] };
}

async function signedGet(url: string, keys: { accessKeyId: string; secretAccessKey: string }, service = 'rekognition'): Promise<Response> {
  const target = new URL(url);
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: keys, sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
  const signed = await signer.sign(new HttpRequest({ method: 'GET', protocol: 'http:', hostname: target.hostname, port: Number(target.port), path: target.pathname, headers: { host: target.host } }));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) if (name !== 'host') headers[name] = String(value);
  return fetch(url, { headers });
}

describe('an exported repository served over /v2 without a home', () => {
  let root: string;
  let repository: ModelRepository;
  let server: RunningModelServer;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'loupe-v2-'));
    writeTinyRepository(root);
    repository = await openModelRepository(root, { threads: 1 });
    server = await startModelServer({ models: repository, credentials: CREDENTIALS, token: TOKEN, port: 0, version: 'test' });
  });
  after(async () => {
    await server.close();
    await repository.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers server metadata, health and model metadata with the graph\'s own inputs and outputs', async () => {
    const meta = (await (await fetch(`${server.url}/v2`, { headers: bearer(TOKEN) })).json()) as { name: string; extensions: string[] };
    assert.equal(meta.name, 'loupe');
    assert.ok(meta.extensions.includes('binary_tensor_data'));
    assert.equal((await fetch(`${server.url}/v2/health/live`, { headers: bearer(TOKEN) })).status, 200);
    assert.equal((await fetch(`${server.url}/v2/health/ready`, { headers: bearer(TOKEN) })).status, 200);
    const model = await (await fetch(`${server.url}/v2/models/tiny`, { headers: bearer(TOKEN) })).json();
    assert.deepEqual(model, {
      name: 'tiny',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'image', datatype: 'UINT8', shape: [-1, -1, -1, 3] }],
      outputs: [
        { name: 'scores', datatype: 'FP32', shape: [-1, 2] },
        { name: 'top', datatype: 'INT64', shape: [-1] },
      ],
    });
    assert.equal((await fetch(`${server.url}/v2/models/tiny/versions/1/ready`, { headers: bearer(TOKEN) })).status, 200);
    const otherVersion = await errorOf(await fetch(`${server.url}/v2/models/tiny/versions/2`, { headers: bearer(TOKEN) }));
    assert.equal(otherVersion.status, 404);
    assert.match(otherVersion.error, /no version '2'/);
  });

  it('runs JSON tensors as Python onnxruntime runs the same file, and binary data gives the same numbers', async () => {
    const data = images();
    const response = await fetch(`${server.url}/v2/models/tiny/infer`, { method: 'POST', headers: { ...bearer(TOKEN), 'content-type': 'application/json' }, body: inferBody(data) });
    assert.equal(response.status, 200);
    const json = (await response.json()) as InferResponse;
    assert.equal(json.model_name, 'tiny');
    assert.equal(json.model_version, '1');
    assert.equal(json.id, 'r1');
    const [scores, top] = json.outputs;
    assert.deepEqual({ name: scores!.name, datatype: scores!.datatype, shape: scores!.shape }, { name: 'scores', datatype: 'FP32', shape: [2, 2] });
    assert.deepEqual({ name: top!.name, datatype: top!.datatype, shape: top!.shape, data: top!.data }, { name: 'top', datatype: 'INT64', shape: [2], data: [0, 1] });

    // The binary-data extension: the JSON header, then the input's raw bytes; scores asked back as bytes, top as JSON.
    const header = Buffer.from(
      JSON.stringify({ inputs: [{ name: 'image', datatype: 'UINT8', shape: [2, 4, 4, 3], parameters: { binary_data_size: data.byteLength } }], outputs: [{ name: 'scores', parameters: { binary_data: true } }, { name: 'top' }] }),
    );
    const binary = await fetch(`${server.url}/v2/models/tiny/versions/1/infer`, {
      method: 'POST',
      headers: { ...bearer(TOKEN), 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.byteLength) },
      body: Buffer.concat([header, data]),
    });
    assert.equal(binary.status, 200);
    const bytes = Buffer.from(await binary.arrayBuffer());
    const jsonLength = Number(binary.headers.get('inference-header-content-length'));
    const answer = JSON.parse(bytes.subarray(0, jsonLength).toString('utf8')) as InferResponse;
    assert.deepEqual(answer.outputs[0], { name: 'scores', datatype: 'FP32', shape: [2, 2], parameters: { binary_data_size: 16 } });
    assert.deepEqual(answer.outputs[1]!.data, [0, 1]);
    const raw = bytes.subarray(jsonLength);
    assert.equal(raw.byteLength, 16);
    const floats = Array.from({ length: 4 }, (_, i) => raw.readFloatLE(i * 4));
    assert.deepEqual(floats, scores!.data);

    const python = pythonScores(join(root, 'tiny', '1', 'model.onnx'), data);
    if (python) {
      python.scores.forEach((value, i) => assert.ok(Math.abs(value - scores!.data![i]!) < 1e-6, `score ${i}: ${value} vs ${scores!.data![i]}`));
      assert.deepEqual(python.top, top!.data);
    } else {
      console.log('# Python onnxruntime is not installed: parity with it not checked (python3 -m pip install onnxruntime numpy)');
    }
  });

  it('refuses callers without credentials or with a wrong token, and takes SigV4 signed with the keys', async () => {
    const missing = await errorOf(await fetch(`${server.url}/v2/models/tiny`));
    assert.equal(missing.status, 401);
    assert.equal((await errorOf(await fetch(`${server.url}/v2`))).status, 401);
    // Only the health probes answer without credentials (orchestrators cannot sign).
    assert.equal((await fetch(`${server.url}/v2/health/live`)).status, 200);
    assert.equal((await fetch(`${server.url}/v2/health/ready`)).status, 200);
    const wrong = await errorOf(await fetch(`${server.url}/v2/models/tiny`, { headers: bearer('not-the-token-at-all') }));
    assert.equal(wrong.status, 403);
    const unsigned = await errorOf(await fetch(`${server.url}/v2/models/tiny/infer`, { method: 'POST', body: inferBody(images()) }));
    assert.equal(unsigned.status, 401);
    const keys = { accessKeyId: CREDENTIALS.AccessKeyId, secretAccessKey: CREDENTIALS.SecretAccessKey };
    assert.equal((await signedGet(`${server.url}/v2/models/tiny`, keys)).status, 200);
    assert.equal((await signedGet(`${server.url}/v2/models/tiny`, { ...keys, secretAccessKey: `${keys.secretAccessKey}x` })).status, 403);
    assert.equal((await signedGet(`${server.url}/v2/models/tiny`, keys, 's3')).status, 403);
  });

  it('says 404 for an unknown model or path and 400 with a clear message for a wrong datatype, shape, batch or output', async () => {
    const post = (path: string, body: string) => fetch(`${server.url}${path}`, { method: 'POST', headers: bearer(TOKEN), body });
    const unknown = await errorOf(await post('/v2/models/nope/infer', inferBody(images())));
    assert.equal(unknown.status, 404);
    assert.match(unknown.error, /Model 'nope' is not served here.*'tiny'/);
    assert.equal((await errorOf(await fetch(`${server.url}/v2/nothing`, { headers: bearer(TOKEN) }))).status, 404);
    assert.equal((await errorOf(await fetch(`${server.url}/v2/models/tiny/infer`, { headers: bearer(TOKEN) }))).status, 405);

    const data = Array.from(images());
    const cases: [unknown, RegExp][] = [
      [{ inputs: [{ name: 'image', datatype: 'FP32', shape: [2, 4, 4, 3], data }] }, /datatype "FP32", but model 'tiny' expects UINT8/],
      [{ inputs: [{ name: 'image', datatype: 'UINT8', shape: [2, 4, 12], data }] }, /shape \[2,4,12\], but model 'tiny' expects \[-1,-1,-1,3\]/],
      [{ inputs: [{ name: 'image', datatype: 'UINT8', shape: [2, 4, 4, 3], data: data.slice(1) }] }, /has 95 values in "data", but its shape holds 96/],
      [{ inputs: [{ name: 'image', datatype: 'UINT8', shape: [2, 4, 4, 3], data: data.map((v) => v + 300) }] }, /not a whole number in 0–255/],
      [{ inputs: [{ name: 'image', datatype: 'UINT8', shape: [17, 1, 1, 3], data: Array(51).fill(1) }] }, /batch of 17, more than model 'tiny' takes \(max_batch_size 16\)/],
      [{ inputs: [{ name: 'pixels', datatype: 'UINT8', shape: [1, 1, 1, 3], data: [1, 2, 3] }] }, /no input 'pixels'; its inputs are 'image' UINT8/],
      [{ inputs: [{ name: 'image', datatype: 'UINT8', shape: [1, 1, 1, 3], data: [1, 2, 3] }], outputs: [{ name: 'boxes' }] }, /no output 'boxes'/],
      [{ inputs: [] }, /non-empty array/],
    ];
    for (const [body, message] of cases) {
      const failure = await errorOf(await post('/v2/models/tiny/infer', JSON.stringify(body)));
      assert.equal(failure.status, 400, JSON.stringify(body).slice(0, 80));
      assert.match(failure.error, message);
    }
    const notJson = await errorOf(await post('/v2/models/tiny/infer', '{"inputs": ['));
    assert.equal(notJson.status, 400);
    // Binary data that does not match what the header declares.
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', datatype: 'UINT8', shape: [1, 1, 1, 3], parameters: { binary_data_size: 4 } }] }));
    const short = await fetch(`${server.url}/v2/models/tiny/infer`, {
      method: 'POST',
      headers: { ...bearer(TOKEN), 'inference-header-content-length': String(header.byteLength) },
      body: Buffer.concat([header, Buffer.from([1, 2, 3, 4])]),
    });
    const shortError = await errorOf(short);
    assert.equal(shortError.status, 400);
    assert.match(shortError.error, /4 bytes of binary data, but 3 UINT8 values take 3/);
  });
});

describe('the full server', () => {
  let root: string;
  let repository: ModelRepository;
  let harness: Harness;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'loupe-v2-'));
    writeTinyRepository(root);
    repository = await openModelRepository(root, { threads: 1 });
    harness = await startHarness({ servedModels: repository });
  });
  after(async () => {
    await harness.close();
    await repository.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves /v2 to SigV4 with the local keys, the inference token and the session token, and refuses the rest', async () => {
    const url = `${harness.server.url}/v2/models/tiny`;
    assert.equal((await signedGet(url, localKeys(harness))).status, 200);
    assert.equal((await fetch(url, { headers: bearer(harness.server.inferenceToken) })).status, 200);
    assert.equal((await fetch(url, { headers: bearer(harness.server.sessionToken) })).status, 200);
    assert.equal((await errorOf(await fetch(url))).status, 401);
    assert.equal((await errorOf(await fetch(url, { headers: bearer(TOKEN) }))).status, 403);
    // The inference token is no key to the rest of the API.
    const api = await fetch(`${harness.server.url}/`, {
      method: 'POST',
      headers: { ...bearer(harness.server.inferenceToken), 'x-amz-target': 'RekognitionService.DescribeProjects', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    assert.equal(api.status, 403);
    const answer = await fetch(`${url}/infer`, { method: 'POST', headers: bearer(harness.server.inferenceToken), body: inferBody(images()) });
    assert.equal(answer.status, 200);
    assert.deepEqual(((await answer.json()) as InferResponse).outputs[1]!.data, [0, 1]);
  });
});

/** `loupe serve --model <folder>` in a child process with no Loupe home: its endpoint, what it printed, and stop(). */
async function serveModelCli(folder: string, root: string): Promise<{ endpoint: string; output: string; noHome: string; user: string; stop(): Promise<void> }> {
  const noHome = join(root, 'no-home');
  const user = join(root, 'user');
  const child = spawn(process.execPath, [join(import.meta.dirname, '../../../main/cli/bin.mjs'), 'serve', '--model', folder, '--port', '0', '--threads', '1', '--grpc-port', '0'], {
    env: { ...process.env, LOUPE_HOME: noHome, HOME: user, XDG_CONFIG_HOME: join(user, '.config'), LOUPE_INFERENCE_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = /^Endpoint=(\S+)$/m.exec(output);
        if (found) resolve(found[1]!);
      });
      child.once('exit', (code) => reject(new Error(`loupe serve --model exited (${code}): ${errors}`)));
    });
    return { endpoint, output, noHome, user, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

describe('loupe serve --model', () => {
  it('serves an export with no home: nothing is created where a home would be', async () => {
    const root = mkdtempSync(join(tmpdir(), 'loupe-v2-'));
    writeTinyRepository(join(root, 'export'));
    const { endpoint, output, noHome, user, stop } = await serveModelCli(join(root, 'export'), root);
    try {
      assert.match(output, /InferenceToken=test-inference-token/);
      assert.match(output, /serving tiny \(version 1\)/);
      assert.match(output, /^GrpcEndpoint=127\.0\.0\.1:\d+$/m, 'with --grpc-port, the gRPC service too');
      const answer = await fetch(`${endpoint}/v2/models/tiny/infer`, { method: 'POST', headers: bearer(TOKEN), body: inferBody(images()) });
      assert.equal(answer.status, 200);
      assert.deepEqual(((await answer.json()) as InferResponse).outputs[1]!.data, [0, 1]);
      // Only the protocol is served: no web UI, no JSON API.
      assert.equal((await fetch(`${endpoint}/`, { headers: bearer(TOKEN) })).status, 404);
      assert.equal(existsSync(noHome), false);
      assert.equal(existsSync(join(user, '.config', 'Loupe')), false);
    } finally {
      await stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

const modelsBuilt = existsSync(join(import.meta.dirname, '../../../dist/models/nsfwjs-mobilenet-v2-140.onnx'));

describe('an export of a trained classifier under loupe serve --model', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  it('answers each golden image as the export recorded it, and as Python onnxruntime computes it from the same request tensors', async () => {
    const root = mkdtempSync(join(tmpdir(), 'loupe-v2-'));
    const loupe = aLoupe();
    let exported: { Folder: string; ModelName: string };
    try {
      const version = await trainOnClassFolders(loupe, 'line.3', { train: 6, test: 3 });
      assert.equal(version.Status, 'TRAINING_COMPLETED', version.StatusMessage);
      exported = await loupe.ok('ExportModelRepository', { ProjectVersionArn: version.ProjectVersionArn, Folder: join(root, 'export') });
      const job = await waitForJob(loupe.ctx, (exported as { JobId: number } & typeof exported).JobId);
      assert.equal(job.Status, 'succeeded', job.Message);
    } finally {
      loupe.dispose();
    }
    const { endpoint, stop } = await serveModelCli(exported.Folder, root);
    try {
      const url = `${endpoint}/v2/models/${exported.ModelName}`;
      const metadata = (await (await fetch(url, { headers: bearer(TOKEN) })).json()) as { outputs: { name: string }[] };
      const goldens = readdirSync(join(exported.Folder, 'golden')).sort();
      assert.ok(goldens.length >= 8, `${goldens.length} golden images`);
      const answers: Record<string, number[]>[] = [];
      for (const golden of goldens) {
        const image = readNpy(readFileSync(join(exported.Folder, 'golden', golden, 'image.npy')));
        const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', datatype: 'UINT8', shape: image.shape, parameters: { binary_data_size: image.bytes.byteLength } }], parameters: { binary_data_output: true } }));
        const response = await fetch(`${url}/infer`, { method: 'POST', headers: { ...bearer(TOKEN), 'inference-header-content-length': String(header.byteLength) }, body: Buffer.concat([header, image.bytes]) });
        assert.equal(response.status, 200);
        const bytes = Buffer.from(await response.arrayBuffer());
        const jsonLength = Number(response.headers.get('inference-header-content-length'));
        const answer = JSON.parse(bytes.subarray(0, jsonLength).toString('utf8')) as InferResponse;
        let offset = jsonLength;
        const values: Record<string, number[]> = {};
        for (const output of answer.outputs) {
          const size = output.parameters!.binary_data_size;
          const expected = readNpy(readFileSync(join(exported.Folder, 'golden', golden, `${output.name}.npy`)));
          assert.deepEqual([output.datatype, output.shape], [expected.datatype, expected.shape], `${golden}/${output.name}`);
          // The same file and the same tensor: the same bytes.
          assert.ok(bytes.subarray(offset, offset + size).equals(expected.bytes), `${golden}/${output.name}`);
          values[output.name] = Array.from(expected.values() as ArrayLike<number | bigint>, Number);
          offset += size;
        }
        assert.deepEqual(Object.keys(values), metadata.outputs.map((output) => output.name));
        answers.push(values);
      }
      const python = spawnSync('python3', ['-c', 'import onnxruntime, numpy'], { encoding: 'utf8' });
      if (python.status !== 0) return console.log('# Python onnxruntime is not installed: parity with it not checked');
      const script = [
        'import json, sys, os',
        'import numpy as np, onnxruntime as ort',
        'folder, model = sys.argv[1], sys.argv[2]',
        'session = ort.InferenceSession(os.path.join(folder, model, "1", "model.onnx"), providers=["CPUExecutionProvider"])',
        'names = [o.name for o in session.get_outputs()]',
        'out = []',
        'for golden in sorted(os.listdir(os.path.join(folder, "golden"))):',
        '    image = np.load(os.path.join(folder, "golden", golden, "image.npy"))',
        '    out.append({n: v.ravel().astype(np.float64).tolist() for n, v in zip(names, session.run(None, {"image": image}))})',
        'print(json.dumps(out))',
      ].join('\n');
      const run = spawnSync('python3', ['-c', script, exported.Folder, exported.ModelName], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      assert.equal(run.status, 0, run.stderr);
      const fromPython = JSON.parse(run.stdout) as Record<string, number[]>[];
      fromPython.forEach((outputs, i) => {
        for (const [name, values] of Object.entries(outputs)) {
          values.forEach((value, j) => assert.ok(Math.abs(value - answers[i]![name]![j]!) <= 1e-5, `${goldens[i]}/${name}[${j}]: Python ${value}, /v2 ${answers[i]![name]![j]}`));
        }
      });
    } finally {
      await stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
