/**
 * The AWS JSON 1.1 protocol, as the service speaks it: the operation is named by
 * `X-Amz-Target: <Service>.<Operation>`, input and output are JSON objects, and a failure is
 * `{"__type": "<ErrorName>", "Message": "..."}` with the error name also in `x-amzn-ErrorType`
 * (AWS SDK v3 reads the header first, botocore the body).
 */
import type { ServerResponse } from 'node:http';
import { errorStatus, isOperationName, operations, type ErrorName, type OperationName } from '../../preload/contract';
import { apiError } from '../errors';

export const JSON_11_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** What a failed response carried, for the one log line per failed request. */
export interface Failure {
  type: string;
  message: string;
  cause?: unknown;
}
const failures = new WeakMap<ServerResponse, Failure>();

export function failureOf(res: ServerResponse): Failure | undefined {
  return failures.get(res);
}

/** `RekognitionService.CreateProject` → `CreateProject`, when the prefix is that operation's service. */
export function operationOfTarget(target: string | undefined): OperationName {
  if (!target) {
    throw apiError(
      'UnknownOperationException',
      'The request has no X-Amz-Target header. Name the operation as RekognitionService.<Operation> or LoupeService.<Operation>.',
    );
  }
  const dot = target.lastIndexOf('.');
  const service = target.slice(0, dot);
  const name = target.slice(dot + 1);
  if (dot > 0 && isOperationName(name) && operations[name].service !== service) {
    throw apiError('UnknownOperationException', `Operation ${target} is not supported by Loupe: ${name} is ${operations[name].service}.${name}.`);
  }
  if (dot <= 0 || !isOperationName(name)) {
    throw apiError('UnknownOperationException', `Operation ${target} is not supported by Loupe.`);
  }
  return name;
}

/** Refuses malformed UTF-8 rather than replacing it; holds no state between whole-buffer decodes. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The request body as a JSON object; an empty body is `{}`, as the service treats it. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw apiError('SerializationException', 'The request body is not valid UTF-8.');
  }
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw apiError('SerializationException', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw apiError('SerializationException', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, value: unknown, contentType = JSON_11_CONTENT_TYPE): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/** A JSON 1.1 error; `status` defaults to the service's status for that error type. */
export function sendError(
  res: ServerResponse,
  type: ErrorName,
  message: string,
  options: { status?: number; cause?: unknown; messageCode?: string; messageParams?: Record<string, string | number> } = {},
): void {
  failures.set(res, { type, message, ...(options.cause === undefined ? {} : { cause: options.cause }) });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.setHeader('x-amzn-ErrorType', type);
  // Extra members beside __type and Message: SDKs ignore them; the web UI words the message from them.
  const coded = options.messageCode ? { MessageCode: options.messageCode, ...(options.messageParams ? { MessageParams: options.messageParams } : {}) } : {};
  sendJson(res, options.status ?? errorStatus[type], { __type: type, Message: message, ...coded });
}

/** A failure that is not a service error type (404, 405, 413 on non-API paths): plain text. */
export function sendPlain(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  failures.set(res, { type: String(status), message });
  const body = Buffer.from(`${message}\n`, 'utf8');
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
