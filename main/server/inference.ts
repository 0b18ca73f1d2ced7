/**
 * The Open Inference Protocol (KServe v2; Triton's HTTP API) under /v2, so a client written for
 * Triton or KServe works against Loupe unchanged:
 *
 *   GET  /v2                                        server metadata
 *   GET  /v2/health/live | /v2/health/ready         200 when live / when every model is ready
 *   GET  /v2/models/<name>[/versions/<v>]           model metadata (inputs, outputs, datatypes, shapes)
 *   GET  /v2/models/<name>[/versions/<v>]/ready     200 when ready, 400 otherwise (as Triton)
 *   POST /v2/models/<name>[/versions/<v>]/infer     JSON tensors, or the binary-data extension:
 *        `Inference-Header-Content-Length: <n>` = the JSON header's length, the inputs' raw bytes after
 *        it in input order (`parameters.binary_data_size`); outputs come back as bytes when asked for
 *        (`outputs[].parameters.binary_data` or `parameters.binary_data_output`).
 *
 * Every route but the two health probes needs credentials (see `route`). Errors are `{"error": "..."}`: 400 bad request, 401/403 credentials, 404 unknown model or path,
 * 405 method, 413 body too large, 429 queue full, 503 model not ready, 500 otherwise. Callers are
 * authenticated as on the rest of the API (auth.ts `identifyInferenceCaller`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OrtError } from '../../native/ort';
import { errorStatus } from '../../preload/contract';
import type { ServedModel, ServedModels, Tensor, TensorSpec } from '../engine/servedModel';
import { ServiceError } from '../errors';
import { createLogger } from '../log';
import { BodyTooLargeError, drain, MiB, readBody } from './body';
import { decodeBinaryData, decodeJsonData, elementCount, encodeBinaryData, encodeJsonData, TensorFormatError } from './tensors';

export const INFERENCE_PREFIX = '/v2';
/** A batch of 16 full-HD images as JSON numbers fits; bigger requests should send binary data. */
export const MAX_INFER_BODY_BYTES = 256 * MiB;
export const HEADER_LENGTH = 'inference-header-content-length';

const log = createLogger('inference-protocol');
const PUBLIC_PATHS = new Set([`${INFERENCE_PREFIX}/health/live`, `${INFERENCE_PREFIX}/health/ready`]);

/** A failure the client caused or can act on, with its HTTP status. */
export class ProtocolError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface InferenceRoutes {
  models: ServedModels;
  /**
   * Identify the caller from the headers (throws ServiceError when refused), before the body is read;
   * the returned check verifies a signature over the body once it is.
   */
  authenticate(req: IncomingMessage, path: string, query: string): (body: Buffer) => Promise<void>;
  server: { name: string; version: string };
}

/** Whether a request path belongs to the protocol. */
export function isInferencePath(path: string): boolean {
  return path === INFERENCE_PREFIX || path.startsWith(`${INFERENCE_PREFIX}/`);
}

export async function handleInferenceRequest(routes: InferenceRoutes, req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
  try {
    await route(routes, req, res, path, query);
  } catch (error) {
    if (!req.complete) drain(req);
    sendProtocolError(res, error);
  }
}

async function route(routes: InferenceRoutes, req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
  const method = req.method ?? 'GET';
  // Liveness and readiness say nothing about models or data, and orchestrators' probes (Docker's
  // HEALTHCHECK, Kubernetes, KServe) cannot sign: only they are answered without credentials.
  const verify = PUBLIC_PATHS.has(path) ? undefined : routes.authenticate(req, path, query);
  const body = await readBody(req, method === 'POST' && verify ? MAX_INFER_BODY_BYTES : 64 * 1024);
  await verify?.(body);
  const parts = path.slice(INFERENCE_PREFIX.length).split('/').filter(Boolean).map(decodeSegment);
  const get = (handler: () => Promise<void>): Promise<void> => {
    if (method !== 'GET' && method !== 'HEAD') throw new ProtocolError(405, `${method} ${path} is not allowed; use GET.`);
    return handler();
  };
  if (parts.length === 0) {
    return get(async () => sendJson(res, 200, { name: routes.server.name, version: routes.server.version, extensions: ['binary_tensor_data'] }));
  }
  if (parts[0] === 'health' && parts.length === 2 && (parts[1] === 'live' || parts[1] === 'ready')) {
    return get(async () => {
      if (parts[1] === 'live') return sendJson(res, 200, { live: true });
      const models = await routes.models.list();
      const ready = models.every((model) => model.isReady());
      sendJson(res, ready ? 200 : 400, ready ? { ready } : { ready, error: 'A model is not ready.' });
    });
  }
  if (parts[0] === 'models' && parts.length >= 2) {
    const name = parts[1]!;
    let rest = parts.slice(2);
    let version: string | undefined;
    if (rest[0] === 'versions') {
      if (rest.length < 2) throw new ProtocolError(404, `Unknown path ${path}.`);
      version = rest[1];
      rest = rest.slice(2);
    }
    const action = rest.length === 0 ? 'metadata' : rest.length === 1 ? rest[0] : undefined;
    if (action !== 'metadata' && action !== 'ready' && action !== 'infer') throw new ProtocolError(404, `Unknown path ${path}.`);
    const model = await routes.models.get(name);
    if (!model) throw new ProtocolError(404, `Model '${name}' is not served here. GET /v2/models/<name> for a running model; the served names are ${await servedModelNames(routes.models)}.`);
    if (version !== undefined && version !== model.version) {
      throw new ProtocolError(404, `Model '${name}' has no version '${version}'; it serves version '${model.version}'.`);
    }
    if (action === 'metadata') return get(async () => sendJson(res, 200, metadataOf(model)));
    if (action === 'ready') {
      return get(async () => {
        const ready = model.isReady();
        sendJson(res, ready ? 200 : 400, ready ? { name, ready } : { name, ready, error: `Model '${name}' is not ready.` });
      });
    }
    if (method !== 'POST') throw new ProtocolError(405, `${method} ${path} is not allowed; use POST.`);
    return infer(model, req, res, body);
  }
  throw new ProtocolError(404, `Unknown path ${path}.`);
}

export async function servedModelNames(models: ServedModels): Promise<string> {
  const names = (await models.list()).map((model) => `'${model.name}'`);
  return names.length === 0 ? 'none (no model is running)' : names.join(', ');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ProtocolError(400, `The path segment ${segment} is not valid percent-encoding.`);
  }
}

export function metadataOf(model: ServedModel): { name: string; versions: string[]; platform: string; inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const spec = (tensor: TensorSpec) => ({ name: tensor.name, datatype: tensor.datatype, shape: tensor.shape });
  return { name: model.name, versions: [model.version], platform: model.platform, inputs: model.inputs.map(spec), outputs: model.outputs.map(spec) };
}

interface RequestedOutput {
  name: string;
  binary: boolean;
}

async function infer(model: ServedModel, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const { header, binary } = splitBody(req, body);
  const request = parseHeader(header);
  const inputs = decodeInputs(model, request, binary);
  const wanted = requestedOutputs(model, request);
  let results: Tensor[];
  try {
    results = await model.infer(inputs, wanted?.map((output) => output.name));
  } catch (error) {
    if (error instanceof OrtError && error.kind === 'bad-input') throw new ProtocolError(400, `Model '${model.name}' refused the inputs: ${error.message}`);
    throw error;
  }
  const allBinary = isRecord(request.parameters) && request.parameters.binary_data_output === true;
  const order = wanted ?? model.outputs.map((spec) => ({ name: spec.name, binary: allBinary }));
  const byName = new Map(results.map((tensor) => [tensor.name, tensor]));
  const chunks: Buffer[] = [];
  const outputs = order.map(({ name, binary: asBinary }) => {
    const tensor = byName.get(name);
    if (!tensor) throw new Error(`the model gave no output ${name}`);
    const described = { name, datatype: tensor.datatype, shape: tensor.shape };
    if (!asBinary) return { ...described, data: encodeJsonData(tensor) };
    const bytes = encodeBinaryData(tensor);
    chunks.push(bytes);
    return { ...described, parameters: { binary_data_size: bytes.byteLength } };
  });
  const response = {
    model_name: model.name,
    model_version: model.version,
    ...(typeof request.id === 'string' ? { id: request.id } : {}),
    outputs,
  };
  if (chunks.length === 0) return sendJson(res, 200, response);
  const json = Buffer.from(JSON.stringify(response), 'utf8');
  const whole = Buffer.concat([json, ...chunks]);
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Inference-Header-Content-Length': String(json.byteLength),
    'Content-Length': whole.byteLength,
    'Cache-Control': 'no-store',
  });
  res.end(whole);
}

/** The JSON header and the binary data after it (none without Inference-Header-Content-Length). */
function splitBody(req: IncomingMessage, body: Buffer): { header: Buffer; binary: Buffer } {
  const declared = req.headers[HEADER_LENGTH];
  if (declared === undefined) return { header: body, binary: body.subarray(body.byteLength) };
  const length = Number(Array.isArray(declared) ? declared[0] : declared);
  if (!Number.isInteger(length) || length < 0 || length > body.byteLength) {
    throw new ProtocolError(400, `Inference-Header-Content-Length is ${String(declared)}, but the body has ${body.byteLength} bytes.`);
  }
  return { header: body.subarray(0, length), binary: body.subarray(length) };
}

function parseHeader(header: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(header));
  } catch (error) {
    throw new ProtocolError(400, `The inference request is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value)) throw new ProtocolError(400, 'The inference request must be a JSON object with "inputs".');
  if (value.id !== undefined && typeof value.id !== 'string') throw new ProtocolError(400, '"id" must be a string.');
  if (!Array.isArray(value.inputs) || value.inputs.length === 0) throw new ProtocolError(400, 'The inference request needs "inputs": a non-empty array of tensors.');
  return value;
}

function decodeInputs(model: ServedModel, request: Record<string, unknown>, binary: Buffer): Tensor[] {
  const specs = new Map(model.inputs.map((spec) => [spec.name, spec]));
  const seen = new Set<string>();
  const tensors: Tensor[] = [];
  let offset = 0;
  let batch: number | undefined;
  for (const [index, raw] of (request.inputs as unknown[]).entries()) {
    if (!isRecord(raw) || typeof raw.name !== 'string') throw new ProtocolError(400, `inputs[${index}] must be an object with a "name".`);
    const { name } = raw;
    const spec = specs.get(name);
    if (!spec) throw new ProtocolError(400, `Model '${model.name}' has no input '${name}'; its inputs are ${describeSpecs(model.inputs)}.`);
    if (seen.has(name)) throw new ProtocolError(400, `Input '${name}' is given twice.`);
    seen.add(name);
    if (raw.datatype !== spec.datatype) {
      throw new ProtocolError(400, `Input '${name}' has datatype ${JSON.stringify(raw.datatype)}, but model '${model.name}' expects ${spec.datatype}.`);
    }
    const shape = raw.shape;
    if (!Array.isArray(shape) || !shape.every((dim) => Number.isInteger(dim) && dim >= 0)) {
      throw new ProtocolError(400, `Input '${name}' needs "shape": an array of whole numbers ≥ 0.`);
    }
    checkShape(model, spec, shape as number[]);
    if (model.maxBatchSize > 0) {
      const size = shape[0] as number;
      if (batch !== undefined && size !== batch) throw new ProtocolError(400, `Input '${name}' has a batch of ${size}, but another input has ${batch}.`);
      batch = size;
    }
    const count = elementCount(shape as number[]);
    const parameters = isRecord(raw.parameters) ? raw.parameters : {};
    const binarySize = parameters.binary_data_size;
    let data;
    try {
      if (binarySize !== undefined) {
        if (!Number.isInteger(binarySize) || (binarySize as number) < 0) throw new ProtocolError(400, `Input '${name}': binary_data_size must be a whole number of bytes.`);
        if (raw.data !== undefined) throw new ProtocolError(400, `Input '${name}' has both "data" and binary_data_size; send one.`);
        const end = offset + (binarySize as number);
        if (end > binary.byteLength) {
          throw new ProtocolError(400, `Input '${name}' declares ${binarySize as number} bytes of binary data, but only ${binary.byteLength - offset} remain after the JSON header.`);
        }
        data = decodeBinaryData(name, spec.datatype, count, binary.subarray(offset, end));
        offset = end;
      } else {
        if (raw.data === undefined) throw new ProtocolError(400, `Input '${name}' has no "data" and no binary_data_size.`);
        data = decodeJsonData(name, spec.datatype, count, raw.data);
      }
    } catch (error) {
      if (error instanceof TensorFormatError) throw new ProtocolError(400, error.message);
      throw error;
    }
    tensors.push({ name, datatype: spec.datatype, shape: shape as number[], data });
  }
  if (offset !== binary.byteLength) {
    throw new ProtocolError(400, `${binary.byteLength - offset} bytes of binary data follow the JSON header that no input claims (binary_data_size).`);
  }
  const missing = model.inputs.filter((spec) => !seen.has(spec.name));
  if (missing.length > 0) throw new ProtocolError(400, `Model '${model.name}' needs input ${describeSpecs(missing)}.`);
  return tensors;
}

export function checkShape(model: ServedModel, spec: TensorSpec, shape: number[]): void {
  const wrong = () =>
    new ProtocolError(400, `Input '${spec.name}' has shape [${shape.join(',')}], but model '${model.name}' expects [${spec.shape.join(',')}] (-1: any size).`);
  if (shape.length !== spec.shape.length) throw wrong();
  spec.shape.forEach((want, axis) => {
    if (want >= 0 && shape[axis] !== want) throw wrong();
  });
  if (model.maxBatchSize > 0 && shape[0]! > model.maxBatchSize) {
    throw new ProtocolError(400, `Input '${spec.name}' has a batch of ${shape[0]}, more than model '${model.name}' takes (max_batch_size ${model.maxBatchSize}).`);
  }
  if (model.maxBatchSize > 0 && shape[0] === 0) throw new ProtocolError(400, `Input '${spec.name}' has an empty batch.`);
}

function requestedOutputs(model: ServedModel, request: Record<string, unknown>): RequestedOutput[] | undefined {
  if (request.outputs === undefined) return undefined;
  if (!Array.isArray(request.outputs)) throw new ProtocolError(400, '"outputs" must be an array.');
  const known = new Set(model.outputs.map((spec) => spec.name));
  const allBinary = isRecord(request.parameters) && request.parameters.binary_data_output === true;
  return request.outputs.map((raw: unknown, index) => {
    if (!isRecord(raw) || typeof raw.name !== 'string') throw new ProtocolError(400, `outputs[${index}] must be an object with a "name".`);
    if (!known.has(raw.name)) throw new ProtocolError(400, `Model '${model.name}' has no output '${raw.name}'; its outputs are ${describeSpecs(model.outputs)}.`);
    const parameters = isRecord(raw.parameters) ? raw.parameters : {};
    if (parameters.classification !== undefined) throw new ProtocolError(400, `Output '${raw.name}': the classification extension is not served; read the scores and labels.txt.`);
    return { name: raw.name, binary: parameters.binary_data === undefined ? allBinary : parameters.binary_data === true };
  });
}

export function describeSpecs(specs: readonly TensorSpec[]): string {
  return specs.map((spec) => `'${spec.name}' ${spec.datatype} [${spec.shape.join(',')}]`).join(', ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.byteLength, 'Cache-Control': 'no-store' });
  res.end(body);
}

const SERVICE_STATUS: Record<string, number> = {
  MissingAuthenticationTokenException: 401,
  ProvisionedThroughputExceededException: 429,
  ResourceNotReadyException: 503,
};

/** The HTTP status and message a failure calls for (logged when it is the server's). */
export function protocolFailure(error: unknown): { status: number; message: string } {
  let status = 500;
  let message = 'Loupe experienced an internal error. The log has the details.';
  if (error instanceof ProtocolError) [status, message] = [error.status, error.message];
  else if (error instanceof BodyTooLargeError) [status, message] = [413, error.message];
  else if (error instanceof OrtError && error.kind === 'bad-input') [status, message] = [400, `The model refused the inputs: ${error.message}`];
  else if (error instanceof ServiceError) [status, message] = [SERVICE_STATUS[error.code] ?? errorStatus[error.code] ?? 400, error.message];
  if (status >= 500) log.error('inference request failed', { error });
  return { status, message };
}

/** `{"error": "..."}` with the status the failure calls for. */
export function sendProtocolError(res: ServerResponse, error: unknown): void {
  const { status, message } = protocolFailure(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  sendJson(res, status, { error: message });
}
