/**
 * The Open Inference Protocol over gRPC (main/server/grpc.ts) on `loupe serve --model`'s server: a
 * Python client compiled with grpcio-tools from Triton's published grpc_service.proto (read from
 * ../shared, skipped with a message where it is absent) calls every served RPC with the inference
 * token as metadata, and its ModelInfer answers (raw and typed contents) equal Python onnxruntime's
 * on the exported folder for the same tensors; a @grpc/grpc-js client built from Loupe's own copy
 * of the definitions checks the same without ../shared.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { openModelRepository, type ModelRepository } from '../../../main/engine/exportedModel';
import type { Credentials } from '../../../main/home';
import { startModelServer, type RunningModelServer } from '../../../main/server/modelServer';
import { loadOrCreateTlsIdentity } from '../../../main/server/tls';
import { writeTinyRepository } from '../../support/modelRepository';

const execFileAsync = promisify(execFile);
const TOKEN = 'test-inference-token-0123456789';
const CREDENTIALS: Credentials = { AccessKeyId: 'LKIATESTTESTTESTTEST', SecretAccessKey: 'secret-secret-secret-secret-secret-00', Region: 'us-east-1' };
const sharedProto = join(import.meta.dirname, '../../../../shared/spec/triton/grpc_service.proto');
const ownProtoDir = join(import.meta.dirname, '../../../main/server/grpc');
const python = spawnSync('python3', ['-c', 'import grpc, grpc_tools, onnxruntime, numpy'], { encoding: 'utf8' });
const pythonSkip = !existsSync(sharedProto)
  ? `../shared/spec/triton/grpc_service.proto is absent: the client built from Triton's published definitions is not run`
  : python.status !== 0
    ? `python3 with grpcio, grpcio-tools, onnxruntime and numpy is needed: ${python.stderr || python.error}`
    : false;

type Unary = (request: unknown, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, response: Record<string, unknown>) => void) => void;

describe('the Open Inference Protocol over gRPC', () => {
  let root: string;
  let repository: ModelRepository;
  let server: RunningModelServer;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'loupe-grpc-'));
    writeTinyRepository(root);
    repository = await openModelRepository(root, { threads: 1 });
    server = await startModelServer({ models: repository, credentials: CREDENTIALS, token: TOKEN, port: 0, grpcPort: 0, version: 'test' });
  });
  after(async () => {
    await server.close();
    await repository.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('listens on loopback beside HTTP, and refuses plain gRPC off loopback', async () => {
    assert.match(server.grpcAddress ?? '', /^127\.0\.0\.1:\d+$/);
    await assert.rejects(startModelServer({ models: repository, credentials: CREDENTIALS, token: TOKEN, host: '0.0.0.0', port: 0, grpcPort: 0, version: 'test', insecureHttp: false }), /HTTPS only/);
  });

  it("answers a client built from Triton's published definitions as Python onnxruntime answers the same tensors", { skip: pythonSkip }, async () => {
    // Not spawnSync: the server answers from this process's event loop.
    const run = await execFileAsync('python3', [join(import.meta.dirname, 'grpcClient.py'), sharedProto, server.grpcAddress!, TOKEN, 'tiny', join(root, 'tiny', '1', 'model.onnx')], { encoding: 'utf8' }).catch((error: { stdout?: string; stderr?: string }) => assert.fail(`${error.stdout}\n${error.stderr}`));
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!);
    assert.equal(report.live, true);
    assert.equal(report.ready, true);
    assert.equal(report.server, 'loupe');
    assert.deepEqual(report.inputs, [['image', 'UINT8', [-1, -1, -1, 3]]]);
    assert.deepEqual(report.outputs, [
      ['scores', 'FP32', [-1, 2]],
      ['top', 'INT64', [-1]],
    ]);
    assert.equal(report.model_ready, true);
    assert.equal(report.raw_id, 'raw');
    assert.equal(report.raw_agrees, true, 'raw_input_contents answered as onnxruntime');
    assert.equal(report.typed_agrees, true, 'typed contents answered as onnxruntime');
    assert.deepEqual(report.only_top, ['top']);
    assert.equal(report.no_token[0], 'UNAUTHENTICATED');
    assert.match(report.no_token[1], /authorization: Bearer <InferenceToken>/);
    assert.equal(report.wrong_token[0], 'UNAUTHENTICATED');
    assert.deepEqual(report.unknown_model, ['NOT_FOUND', "Model 'nope' is not served here; the served names are 'tiny'."]);
    assert.equal(report.wrong_datatype[0], 'INVALID_ARGUMENT');
    assert.match(report.wrong_datatype[1], /datatype "FP32", but model 'tiny' expects UINT8/);
  });

  it("answers raw and typed contents alike to a client built from Loupe's copy of the definitions", async () => {
    const { client, call } = grpcClient(server.grpcAddress!, grpc.credentials.createInsecure());
    try {
      const pixels = Uint8Array.from({ length: 2 * 3 * 3 * 3 }, (_, i) => (i < 27 ? 10 : 240));
      const input = { name: 'image', datatype: 'UINT8', shape: [2, 3, 3, 3] };
      const raw = await call('ModelInfer', { model_name: 'tiny', inputs: [input], raw_input_contents: [Buffer.from(pixels)] }, TOKEN);
      const typed = await call('ModelInfer', { model_name: 'tiny', model_version: '1', inputs: [{ ...input, contents: { uint_contents: Array.from(pixels) } }] }, TOKEN);
      const contents = (response: Record<string, unknown>) => (response.raw_output_contents as Buffer[]).map((b) => b.toString('hex'));
      assert.deepEqual(contents(typed), contents(raw));
      const top = raw.raw_output_contents as Buffer[];
      assert.deepEqual([top[1]!.readBigInt64LE(0), top[1]!.readBigInt64LE(8)], [0n, 1n], 'the dark image is "dark", the bright one "bright"');
      await assert.rejects(call('ModelInfer', { model_name: 'tiny', inputs: [{ ...input, contents: { uint_contents: [1, 2] } }] }, TOKEN), (error: grpc.ServiceError) => error.code === grpc.status.INVALID_ARGUMENT && /has 2 values/.test(error.details));
      await assert.rejects(call('ModelInfer', { model_name: 'tiny', model_version: '2', inputs: [input], raw_input_contents: [Buffer.from(pixels)] }, TOKEN), (error: grpc.ServiceError) => error.code === grpc.status.NOT_FOUND);
      await assert.rejects(call('ModelStatistics', {}, TOKEN), (error: grpc.ServiceError) => error.code === grpc.status.UNIMPLEMENTED);
      // A streaming RPC is refused as such, and the server goes on answering.
      const stream = (client as unknown as { ModelStreamInfer(metadata: grpc.Metadata): grpc.ClientDuplexStream<unknown, unknown> }).ModelStreamInfer(new grpc.Metadata());
      const streamed = await new Promise<grpc.ServiceError>((resolve) => {
        stream.on('error', resolve);
        stream.on('data', () => {});
        stream.write({ model_name: 'tiny' });
        stream.end();
      });
      assert.equal(streamed.code, grpc.status.UNIMPLEMENTED);
      assert.deepEqual(await call('ModelReady', { name: 'tiny' }, TOKEN), { ready: true });
    } finally {
      client.close();
    }
  });

  it("serves TLS with the server's certificate when it has one, and a client that checks it gets answers", async () => {
    const tls = await loadOrCreateTlsIdentity(mkdtempSync(join(tmpdir(), 'loupe-grpc-tls-')), ['127.0.0.1', 'localhost']);
    const secure = await startModelServer({ models: repository, credentials: CREDENTIALS, token: TOKEN, port: 0, grpcPort: 0, version: 'test', tls });
    const { client, call } = grpcClient(secure.grpcAddress!, grpc.credentials.createSsl(Buffer.from(tls.cert)));
    const plain = grpcClient(secure.grpcAddress!, grpc.credentials.createInsecure());
    try {
      assert.deepEqual(await call('ModelReady', { name: 'tiny' }, TOKEN), { ready: true });
      await assert.rejects(plain.call('ServerLive', {}), (error: grpc.ServiceError) => error.code === grpc.status.UNAVAILABLE);
    } finally {
      client.close();
      plain.client.close();
      await secure.close();
    }
  });
});

/** A @grpc/grpc-js client of the service from Loupe's copy of the definitions; `call` sends the token as metadata. */
function grpcClient(address: string, credentials: grpc.ChannelCredentials) {
  const definition = protoLoader.loadSync(join(ownProtoDir, 'grpc_service.proto'), { keepCase: true, longs: String, defaults: true, includeDirs: [ownProtoDir] });
  const Service = (grpc.loadPackageDefinition(definition).inference as grpc.GrpcObject).GRPCInferenceService as grpc.ServiceClientConstructor;
  const client = new Service(address, credentials, { 'grpc.initial_reconnect_backoff_ms': 100 });
  const methods = client as unknown as Record<string, Unary>;
  const call = (method: string, request: unknown, token?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const metadata = new grpc.Metadata();
      if (token) metadata.set('authorization', `Bearer ${token}`);
      methods[method]!.call(client, request, metadata, (error, response) => (error ? reject(error) : resolve(response)));
    });
  return { client, call };
}
