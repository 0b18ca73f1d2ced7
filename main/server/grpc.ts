/**
 * The Open Inference Protocol over gRPC: Triton's `inference.GRPCInferenceService` (grpc/grpc_service.proto,
 * Triton's own definitions, BSD-3-Clause: grpc/LICENSE), beside /v2 over HTTP (inference.ts) on the
 * same served models, so Triton's and KServe's gRPC clients work against Loupe unchanged:
 * ServerLive, ServerReady, ModelReady, ServerMetadata, ModelMetadata and ModelInfer (inputs as
 * `raw_input_contents` — one little-endian buffer per input, in input order — or typed `contents`;
 * outputs come back as `raw_output_contents`, as Triton answers). The other RPCs answer UNIMPLEMENTED.
 *
 * The same rules as HTTP: loopback by default, TLS off loopback (or plain only when asked by name),
 * and every RPC but the two health probes needs `authorization: Bearer <InferenceToken>` metadata
 * (gRPC clients cannot sign requests with SigV4).
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Datatype, ServedModel, ServedModels, Tensor } from '../engine/servedModel';
import { createLogger } from '../log';
import { isLoopbackHost, urlHost } from './hosts';
import { checkShape, describeSpecs, MAX_INFER_BODY_BYTES, metadataOf, ProtocolError, protocolFailure, servedModelNames } from './inference';
import { isSessionToken } from './auth';
import { decodeBinaryData, decodeJsonData, elementCount, encodeBinaryData, TensorFormatError } from './tensors';

const log = createLogger('inference-grpc');

export interface GrpcServerOptions {
  models: ServedModels;
  /** Bearer tokens that may call (the InferenceToken, and the web UI's session token on the full server). */
  tokens: readonly string[];
  host: string;
  /** 0 picks a free port. */
  port: number;
  tls?: { key: string; cert: string };
  insecure?: boolean;
  server: { name: string; version: string };
  /** Where grpc_service.proto and model_config.proto are; beside this file by default (a bundle must say). */
  protoDir?: string;
}

export interface RunningGrpcServer {
  /** host:port, as gRPC clients take it. */
  address: string;
  port: number;
  close(): Promise<void>;
}

function defaultProtoDir(): string {
  const here = (import.meta as { url?: string }).url;
  if (!here) throw new Error('startGrpcServer needs protoDir when Loupe runs from a bundle.');
  return fileURLToPath(new URL('./grpc', here));
}

/** gRPC status codes for the HTTP statuses the protocol's failures carry. */
const GRPC_STATUS: Record<number, grpc.status> = {
  400: grpc.status.INVALID_ARGUMENT,
  401: grpc.status.UNAUTHENTICATED,
  403: grpc.status.PERMISSION_DENIED,
  404: grpc.status.NOT_FOUND,
  413: grpc.status.RESOURCE_EXHAUSTED,
  429: grpc.status.RESOURCE_EXHAUSTED,
  503: grpc.status.UNAVAILABLE,
};

/** Which typed field of InferTensorContents holds each datatype (grpc_service.proto). */
const CONTENTS_FIELD: Record<Datatype, string> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
};

interface InferInput {
  name: string;
  datatype: string;
  shape: string[];
  contents?: Record<string, unknown[]> | null;
}

interface InferRequest {
  model_name: string;
  model_version: string;
  id: string;
  inputs: InferInput[];
  outputs: { name: string }[];
  raw_input_contents: Buffer[];
}

type Handler = (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>) => void;

export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  if (!isLoopbackHost(options.host) && !options.tls && !options.insecure) {
    throw new Error(`Serving gRPC on ${options.host} reaches other machines: Loupe serves it over TLS only (or plain with --insecure-http).`);
  }
  const dir = options.protoDir ?? defaultProtoDir();
  const definition = protoLoader.loadSync(join(dir, 'grpc_service.proto'), { keepCase: true, longs: String, enums: String, defaults: true, includeDirs: [dir] });
  const service = (grpc.loadPackageDefinition(definition).inference as grpc.GrpcObject).GRPCInferenceService as grpc.ServiceClientConstructor;
  const { models } = options;

  const authorise = (call: grpc.ServerUnaryCall<unknown, unknown>): void => {
    const [value] = call.metadata.get('authorization');
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(typeof value === 'string' ? value : (value?.toString('utf8') ?? ''));
    if (!bearer) throw new ProtocolError(401, 'Missing credentials: send the metadata "authorization: Bearer <InferenceToken>" (the token loupe serve printed).');
    if (!options.tokens.some((token) => isSessionToken(bearer[1], token))) {
      throw new ProtocolError(401, 'The bearer token is not valid for this Loupe server: use the inference token loupe serve printed.');
    }
  };
  const model = async (name: string, version: string): Promise<ServedModel> => {
    const found = await models.get(name);
    if (!found) throw new ProtocolError(404, `Model '${name}' is not served here; the served names are ${await servedModelNames(models)}.`);
    if (version !== '' && version !== found.version) throw new ProtocolError(404, `Model '${name}' has no version '${version}'; it serves version '${found.version}'.`);
    return found;
  };
  const unary =
    (open: boolean, answer: (request: Record<string, unknown>) => Promise<unknown>): Handler =>
    (call, callback) => {
      (async () => {
        if (!open) authorise(call);
        return answer(call.request);
      })().then(
        (response) => callback(null, response),
        (error: unknown) => {
          const { status, message } = protocolFailure(error);
          callback({ code: GRPC_STATUS[status] ?? grpc.status.INTERNAL, details: message });
        },
      );
    };

  const implementation: grpc.UntypedServiceImplementation = {
    ServerLive: unary(true, async () => ({ live: true })),
    ServerReady: unary(true, async () => ({ ready: (await models.list()).every((m) => m.isReady()) })),
    ModelReady: unary(false, async (request) => ({ ready: (await model(String(request.name), String(request.version))).isReady() })),
    ServerMetadata: unary(false, async () => ({ name: options.server.name, version: options.server.version, extensions: [] })),
    ModelMetadata: unary(false, async (request) => metadataOf(await model(String(request.name), String(request.version)))),
    ModelInfer: unary(false, async (request) => infer(await model(String(request.model_name), String(request.model_version)), request as unknown as InferRequest)),
  };
  // The other RPCs (streaming, repository, shared memory, statistics…) get grpc-js's own UNIMPLEMENTED answer, whatever their kind.

  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_INFER_BODY_BYTES, 'grpc.max_send_message_length': MAX_INFER_BODY_BYTES });
  server.addService(service.service, implementation);
  const credentials = options.tls ? grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) }], false) : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${urlHost(options.host)}:${options.port}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  const address = `${urlHost(options.host)}:${port}`;
  log.info('listening', { address, tls: Boolean(options.tls) });
  return {
    address,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 2_000);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

/** ModelInferRequest → the model's tensors → ModelInferResponse with raw outputs. */
async function infer(model: ServedModel, request: InferRequest): Promise<Record<string, unknown>> {
  const inputs = decodeInputs(model, request);
  const known = new Set(model.outputs.map((spec) => spec.name));
  for (const output of request.outputs) {
    if (!known.has(output.name)) throw new ProtocolError(400, `Model '${model.name}' has no output '${output.name}'; its outputs are ${describeSpecs(model.outputs)}.`);
  }
  const wanted = request.outputs.length > 0 ? request.outputs.map((output) => output.name) : undefined;
  const results = await model.infer(inputs, wanted);
  const byName = new Map(results.map((tensor) => [tensor.name, tensor]));
  const order = (wanted ?? model.outputs.map((spec) => spec.name)).map((name) => {
    const tensor = byName.get(name);
    if (!tensor) throw new Error(`the model gave no output ${name}`);
    return tensor;
  });
  return {
    model_name: model.name,
    model_version: model.version,
    id: request.id,
    outputs: order.map((tensor) => ({ name: tensor.name, datatype: tensor.datatype, shape: tensor.shape })),
    raw_output_contents: order.map(encodeBinaryData),
  };
}

function decodeInputs(model: ServedModel, request: InferRequest): Tensor[] {
  if (request.inputs.length === 0) throw new ProtocolError(400, 'The inference request needs inputs.');
  const raw = request.raw_input_contents;
  if (raw.length > 0 && raw.length !== request.inputs.length) {
    throw new ProtocolError(400, `raw_input_contents holds ${raw.length} buffers for ${request.inputs.length} inputs: send one per input, in input order, or use contents.`);
  }
  const specs = new Map(model.inputs.map((spec) => [spec.name, spec]));
  const seen = new Set<string>();
  let batch: number | undefined;
  const tensors = request.inputs.map((input, index): Tensor => {
    const spec = specs.get(input.name);
    if (!spec) throw new ProtocolError(400, `Model '${model.name}' has no input '${input.name}'; its inputs are ${describeSpecs(model.inputs)}.`);
    if (seen.has(input.name)) throw new ProtocolError(400, `Input '${input.name}' is given twice.`);
    seen.add(input.name);
    if (input.datatype !== spec.datatype) throw new ProtocolError(400, `Input '${input.name}' has datatype ${JSON.stringify(input.datatype)}, but model '${model.name}' expects ${spec.datatype}.`);
    const shape = input.shape.map(Number);
    if (!shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) throw new ProtocolError(400, `Input '${input.name}' needs a shape of whole numbers ≥ 0.`);
    checkShape(model, spec, shape);
    if (model.maxBatchSize > 0) {
      if (batch !== undefined && shape[0] !== batch) throw new ProtocolError(400, `Input '${input.name}' has a batch of ${shape[0]}, but another input has ${batch}.`);
      batch = shape[0];
    }
    const count = elementCount(shape);
    try {
      if (raw.length > 0) return { name: input.name, datatype: spec.datatype, shape, data: decodeBinaryData(input.name, spec.datatype, count, raw[index]!) };
      const values = input.contents?.[CONTENTS_FIELD[spec.datatype]] ?? [];
      const numbers = spec.datatype === 'INT64' || spec.datatype === 'UINT64' ? values.map(Number) : values;
      return { name: input.name, datatype: spec.datatype, shape, data: decodeJsonData(input.name, spec.datatype, count, numbers) };
    } catch (error) {
      if (error instanceof TensorFormatError) throw new ProtocolError(400, `${error.message.replace('"data"', `contents.${CONTENTS_FIELD[spec.datatype]}`)}`);
      throw error;
    }
  });
  const missing = model.inputs.filter((spec) => !seen.has(spec.name));
  if (missing.length > 0) throw new ProtocolError(400, `Model '${model.name}' needs input ${describeSpecs(missing)}.`);
  return tensors;
}
