/**
 * The Lookout for Vision REST-JSON routes (API version 2020-11-20, signing name `lookoutvision`):
 * method + path → a `LookoutVision…` operation of the catalogue, its input assembled from the path
 * labels, the query string, the `x-amzn-client-token` header and the JSON body (DetectAnomalies:
 * the raw image body and its Content-Type). Errors are the service's: the type in
 * `x-amzn-ErrorType` and `__type`, `Message`, and the REST status (404 for a missing resource, 409
 * for a conflict).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OperationName } from '../../preload/contract';
import type { ErrorName } from '../../preload/contract/errors';
import type { Loupe } from '../api';
import { codedError, ServiceError } from '../errors';
import { parseJsonBody, sendError, sendJson } from './json11';

export const LOOKOUT_VISION_PREFIX = '/2020-11-20/';

export interface Route {
  method: string;
  /** The path with `{Label}` placeholders, as the service's model writes it. */
  path: string;
  pattern: RegExp;
  /** Path labels, in the pattern's group order. */
  labels: string[];
  operation: OperationName;
  /** The success status (202 where the service accepts and works on). */
  status?: number;
  query?: Record<string, string>;
  /** The body is the payload (DetectAnomalies' image), not JSON. */
  rawBody?: boolean;
}

const SEGMENT = '([^/]+)';
const route = (method: string, path: string, operation: OperationName, extra: Partial<Route> = {}): Route => {
  const labels: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_, label: string) => {
    labels.push(label);
    return SEGMENT;
  });
  return { method, path, pattern: new RegExp(`^${source}$`), labels, operation, ...extra };
};

const PAGING = { nextToken: 'NextToken', maxResults: 'MaxResults' };
export const ROUTES: readonly Route[] = [
  route('POST', '/2020-11-20/projects', 'LookoutVisionCreateProject'),
  route('GET', '/2020-11-20/projects', 'LookoutVisionListProjects', { query: PAGING }),
  route('GET', '/2020-11-20/projects/{ProjectName}', 'LookoutVisionDescribeProject'),
  route('DELETE', '/2020-11-20/projects/{ProjectName}', 'LookoutVisionDeleteProject'),
  route('POST', '/2020-11-20/projects/{ProjectName}/datasets', 'LookoutVisionCreateDataset', { status: 202 }),
  route('GET', '/2020-11-20/projects/{ProjectName}/datasets/{DatasetType}', 'LookoutVisionDescribeDataset'),
  route('DELETE', '/2020-11-20/projects/{ProjectName}/datasets/{DatasetType}', 'LookoutVisionDeleteDataset', { status: 202 }),
  route('GET', '/2020-11-20/projects/{ProjectName}/datasets/{DatasetType}/entries', 'LookoutVisionListDatasetEntries', {
    query: { ...PAGING, labeled: 'Labeled', anomalyClass: 'AnomalyClass', createdBefore: 'BeforeCreationDate', createdAfter: 'AfterCreationDate', sourceRefContains: 'SourceRefContains' },
  }),
  route('PATCH', '/2020-11-20/projects/{ProjectName}/datasets/{DatasetType}/entries', 'LookoutVisionUpdateDatasetEntries', { status: 202 }),
  route('POST', '/2020-11-20/projects/{ProjectName}/models', 'LookoutVisionCreateModel', { status: 202 }),
  route('GET', '/2020-11-20/projects/{ProjectName}/models', 'LookoutVisionListModels', { query: PAGING }),
  route('GET', '/2020-11-20/projects/{ProjectName}/models/{ModelVersion}', 'LookoutVisionDescribeModel'),
  route('DELETE', '/2020-11-20/projects/{ProjectName}/models/{ModelVersion}', 'LookoutVisionDeleteModel', { status: 202 }),
  route('POST', '/2020-11-20/projects/{ProjectName}/models/{ModelVersion}/start', 'LookoutVisionStartModel', { status: 202 }),
  route('POST', '/2020-11-20/projects/{ProjectName}/models/{ModelVersion}/stop', 'LookoutVisionStopModel', { status: 202 }),
  route('POST', '/2020-11-20/projects/{ProjectName}/models/{ModelVersion}/detect', 'LookoutVisionDetectAnomalies', { rawBody: true }),
  route('POST', '/2020-11-20/tags/{ResourceArn}', 'LookoutVisionTagResource', { status: 204 }),
  route('DELETE', '/2020-11-20/tags/{ResourceArn}', 'LookoutVisionUntagResource', { status: 204, query: { tagKeys: 'TagKeys' } }),
  route('GET', '/2020-11-20/tags/{ResourceArn}', 'LookoutVisionListTagsForResource'),
];

/** The service's status for an error type on this API. */
const STATUS: Partial<Record<ErrorName, number>> = {
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ValidationException: 400,
  AccessDeniedException: 403,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  InternalServerError: 500,
};

export function sendLookoutVisionError(
  res: ServerResponse,
  type: ErrorName,
  message: string,
  coded: { messageCode?: string | undefined; messageParams?: Record<string, string | number> | undefined } = {},
): void {
  const { messageCode, messageParams } = coded;
  sendError(res, type, message, { status: STATUS[type] ?? 400, ...(messageCode ? { messageCode, ...(messageParams ? { messageParams } : {}) } : {}) });
}

/** The operation and its input for a request, or a ServiceError naming what does not match. */
export function resolveLookoutVisionRequest(
  req: IncomingMessage,
  rawPath: string,
  query: string,
  body: Buffer,
): { operation: OperationName; input: Record<string, unknown>; status: number } {
  const method = req.method ?? 'GET';
  const candidates = ROUTES.filter((r) => r.pattern.test(rawPath));
  const match = candidates.find((r) => r.method === method);
  if (!match) {
    throw candidates.length > 0
      ? codedError('ResourceNotFoundException', 'LfvMethodNotSupported', { method, path: rawPath })
      : codedError('ResourceNotFoundException', 'LfvNotAnApiPath', { path: rawPath });
  }
  const groups = match.pattern.exec(rawPath)!.slice(1);
  const input: Record<string, unknown> = {};
  match.labels.forEach((label, i) => (input[label] = decodeURIComponent(groups[i]!)));
  const params = new URLSearchParams(query);
  for (const [name, field] of Object.entries(match.query ?? {})) {
    const values = params.getAll(name);
    if (values.length === 0) continue;
    input[field] = field === 'TagKeys' ? values : values[0];
  }
  const clientToken = req.headers['x-amzn-client-token'];
  if (typeof clientToken === 'string') input.ClientToken = clientToken;
  if (match.rawBody) {
    input.ContentType = req.headers['content-type'] ?? '';
    input.Body = body.toString('base64');
  } else if (body.length > 0) {
    Object.assign(input, { ...parseJsonBody(body), ...input });
  }
  return { operation: match.operation, input, status: match.status ?? 200 };
}

/** Answers one authenticated Lookout for Vision request. */
export async function handleLookoutVision(loupe: Loupe, req: IncomingMessage, res: ServerResponse, rawPath: string, query: string, body: Buffer): Promise<void> {
  let resolved;
  try {
    resolved = resolveLookoutVisionRequest(req, rawPath, query, body);
  } catch (error) {
    if (error instanceof ServiceError) {
      sendLookoutVisionError(res, error.code, error.message, error.ref ? { messageCode: error.ref.Code, messageParams: error.ref.Params } : {});
      return;
    }
    throw error;
  }
  const result = await loupe.invoke(resolved.operation, resolved.input);
  if (!result.ok) {
    sendLookoutVisionError(res, result.error.code, result.error.message, { messageCode: result.error.messageCode, messageParams: result.error.messageParams });
    return;
  }
  if (resolved.status === 204) {
    res.writeHead(204, { 'Cache-Control': 'no-store' });
    res.end();
    return;
  }
  sendJson(res, resolved.status, result.value, 'application/json');
}
