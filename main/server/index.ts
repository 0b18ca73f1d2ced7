/**
 * The HTTP transport: the Rekognition JSON 1.1 API (SigV4 or the web UI's session token), the
 * sign-in endpoint, contract events over SSE, and the built web UI, on one port.
 *
 *   POST /          X-Amz-Target: RekognitionService.<Op> | LoupeService.<Op>   → loupe.invoke
 *   POST /session   {AccessKeyId, SecretAccessKey} → {Token}
 *   POST /kiosk/session {Code} → kiosk cookie, {ProjectVersionArn, Route}; DELETE drops it (kiosk.ts)
 *   GET  /events    ?token=<session token> (or the kiosk cookie: settings and its own model only) → text/event-stream
 *   GET  /images/<entry id>/<thumb|display>?token=<session token>  → JPEG
 *   PUT  /uploads/<batch>/<relative path>  (session token)  → {Folder} for ImportFolder
 *   *    S3 REST for mapped buckets: signed for `s3`, or Host `<bucket>.localhost:<port>` (s3/)
 *   *    /v2/...    the Open Inference Protocol (KServe v2 / Triton HTTP) for served models (inference.ts)
 *   GET  /*         files of rendererDir; index.html for `/` and app routes
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runningServedModels, type Loupe } from '../api';
import { ServiceError } from '../errors';
import { formatMessage } from '../../preload/contract/messages';
import { createLogger } from '../log';
import type { ServedModels } from '../engine/servedModel';
import { createSessionToken, handleSignIn, requireSigningService, identifyCaller, identifyInferenceCaller, isSessionToken, verifyCaller } from './auth';
import { BodyTooLargeError, MAX_API_BODY_BYTES, drain, readBody } from './body';
import { EventStreams } from './events';
import { createHostCheck, isLoopbackHost, isSameOrigin, urlHost } from './hosts';
import { checkKioskCall, createKioskGrant, handleKioskSession, hasKioskCookie, isKioskEvent } from './kiosk';
import { failureOf, operationOfTarget, parseJsonBody, sendError, sendJson, sendPlain } from './json11';
import { bucketOfHost, failures as s3Failures, handleS3, isS3Request } from './s3';
import { isSigV4Authorization, queryRecord, signableHeaders } from './sigv4';
import { serveEntryImage, serveStatic } from './static';
import { servedNames } from './tls';
import { handleUpload } from './uploads';
import { handleLookoutVision, LOOKOUT_VISION_PREFIX, sendLookoutVisionError } from './lookoutvision';
import { startGrpcServer, type RunningGrpcServer } from './grpc';
import { handleInferenceRequest, isInferencePath, ProtocolError, sendProtocolError, type InferenceRoutes } from './inference';

export interface ServerOptions {
  loupe: Loupe;
  /** Interface to listen on; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 7800 by default; 0 picks any free port. */
  port?: number;
  /** The built web UI; <repo>/dist/renderer by default. */
  rendererDir?: string;
  /** Serve HTTPS with this certificate (tls.ts); required off loopback unless insecureHttp. */
  tls?: { key: string; cert: string };
  /** Off loopback, plain HTTP only when asked for by name (`--insecure-http`). */
  insecureHttp?: boolean;
  /** Host names the server answers to off loopback; the machine's names and addresses by default. */
  names?: string[];
  /** Make a kiosk token that may only analyse with this model (auth.ts). */
  kioskModelArn?: string;
  /** The largest file the web UI may upload (PUT /uploads); IMAGE_LIMITS.maxUploadBytes by default. */
  maxUploadBytes?: number;
  /** The models /v2 serves (the Open Inference Protocol); the running project versions by default. */
  servedModels?: ServedModels;
  /** Also serve the Open Inference Protocol over gRPC (grpc.ts) on this port (0: any free one); off when absent. */
  grpcPort?: number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:7800 */
  url: string;
  /** The web UI's bearer token, valid until the server closes. */
  sessionToken: string;
  /** With kioskModelArn: the token that may only analyse with that model (the kiosk cookie's value). */
  kioskToken?: string;
  /** With kioskModelArn: the one-time code of the kiosk link, `<url>/#kiosk-code=<code>` (kiosk.ts). */
  kioskCode?: string;
  /** A bearer token that may only call the Open Inference Protocol (/v2), for clients that cannot sign. */
  inferenceToken: string;
  /** host:port of the gRPC service, when grpcPort was given. */
  grpcAddress?: string;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 7800;
/** How long close() lets in-flight requests finish before cutting their connections. */
const CLOSE_GRACE_MS = 2_000;

const log = createLogger('server');

/** Headers on every response: no sniffing, no referrer, nothing embeddable by other sites. */
const COMMON_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

function defaultRendererDir(): string {
  // A CommonJS bundle (the Electron app) has an empty import.meta: it must say where the UI is.
  const here = (import.meta as { url?: string }).url;
  if (!here) throw new Error('startServer needs rendererDir when Loupe runs from a bundle.');
  return fileURLToPath(new URL('../../dist/renderer', here));
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { loupe } = options;
  const host = options.host ?? DEFAULT_HOST;
  if (!isLoopbackHost(host) && !options.tls && !options.insecureHttp) {
    throw new Error(`Serving on ${host} reaches other machines: Loupe serves it over HTTPS only (or plain HTTP with --insecure-http).`);
  }
  const scheme = options.tls ? 'https' : 'http';
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  const sessionToken = createSessionToken();
  const kiosk = options.kioskModelArn ? createKioskGrant(options.kioskModelArn, Date.now()) : undefined;
  const secure = scheme === 'https';
  const streams = new EventStreams(loupe.ctx.events);
  const inferenceToken = createSessionToken();
  const inference: InferenceRoutes = {
    models: options.servedModels ?? runningServedModels(loupe.ctx),
    server: { name: 'loupe', version: loupe.ctx.versions.loupe ?? '' },
    authenticate: (req, path, query) => {
      const caller = identifyInferenceCaller(req.headers, loupe.ctx.credentials, [inferenceToken, sessionToken], Date.now());
      return (body) => verifyCaller(caller, { method: req.method ?? 'GET', path, query: queryRecord(query), headers: signableHeaders(req), body }, loupe.ctx.credentials);
    },
  };
  let isHostAllowed: (host: string | undefined) => boolean = () => false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestTarget = req.url ?? '/';
    const mark = requestTarget.indexOf('?');
    const rawPath = mark === -1 ? requestTarget : requestTarget.slice(0, mark);
    const query = mark === -1 ? '' : requestTarget.slice(mark + 1);
    if (!isHostAllowed(req.headers.host)) {
      drain(req);
      sendPlain(res, 403, 'Forbidden: this server answers only to its own host name.');
      return;
    }
    const method = req.method ?? 'GET';
    const hostBucket = bucketOfHost(req.headers.host);
    // Lookout for Vision: REST-JSON under /2020-11-20/, signed like every API call (see lookoutvision.ts).
    if (hostBucket === undefined && rawPath.startsWith(LOOKOUT_VISION_PREFIX)) {
      if (!isSameOrigin(header(req, 'origin'), req.headers.host, scheme)) {
        drain(req);
        sendLookoutVisionError(res, 'AccessDeniedException', 'Requests from other web pages are not accepted.');
        return;
      }
      await handleLookoutVisionApi(req, res, rawPath, query);
      return;
    }
    if (hostBucket === undefined && isInferencePath(rawPath)) {
      if (!isSameOrigin(header(req, 'origin'), req.headers.host, scheme)) {
        drain(req);
        sendProtocolError(res, new ProtocolError(403, 'Requests from other web pages are not accepted.'));
        return;
      }
      await handleInferenceRequest(inference, req, res, rawPath, query);
      return;
    }
    if (hostBucket !== undefined || isS3Request(header(req, 'authorization'), header(req, 'x-amz-content-sha256'), query)) {
      const requestId = String(res.getHeader('x-amzn-RequestId'));
      await handleS3({ req, res, loupe, ...(hostBucket === undefined ? {} : { hostBucket }), rawPath, query, requestId });
      return;
    }
    if (method === 'POST' && (rawPath === '/' || rawPath === '/session')) {
      if (!isSameOrigin(header(req, 'origin'), req.headers.host, scheme)) {
        drain(req);
        sendError(res, 'AccessDeniedException', 'Requests from other web pages are not accepted.');
        return;
      }
      if (rawPath === '/') await handleApi(req, res, rawPath, query);
      else await handleSignIn(req, res, loupe.ctx.credentials, sessionToken);
      return;
    }
    if ((method === 'POST' || method === 'DELETE') && rawPath === '/kiosk/session') {
      if (!isSameOrigin(header(req, 'origin'), req.headers.host, scheme)) {
        drain(req);
        sendError(res, 'AccessDeniedException', 'Requests from other web pages are not accepted.');
        return;
      }
      await handleKioskSession(req, res, kiosk, secure, Date.now());
      return;
    }
    if (method === 'GET' && rawPath === '/events') {
      const token = new URLSearchParams(query).get('token') ?? bearerToken(req);
      if (!isSameOrigin(header(req, 'origin'), req.headers.host, scheme)) {
        sendPlain(res, 403, 'Forbidden: /events needs ?token=<session token>.');
        return;
      }
      if (isSessionToken(token, sessionToken)) streams.attach(res);
      else if (!token && hasKioskCookie(req.headers, kiosk, secure)) streams.attach(res, isKioskEvent(kiosk!));
      else sendPlain(res, 403, 'Forbidden: /events needs ?token=<session token>.');
      return;
    }
    if (method === 'PUT' && rawPath.startsWith('/uploads/')) {
      if (!isSameOrigin(header(req, 'origin'), req.headers.host, scheme) || !isSessionToken(bearerToken(req), sessionToken)) {
        drain(req);
        sendPlain(res, 403, 'Forbidden: uploads need the session token.');
        return;
      }
      await handleUpload(req, res, loupe, rawPath, options.maxUploadBytes);
      return;
    }
    const image = /^\/images\/(\d+)\/([a-z]+)$/.exec(rawPath);
    if ((method === 'GET' || method === 'HEAD') && image) {
      const token = new URLSearchParams(query).get('token') ?? bearerToken(req);
      if (!isSessionToken(token, sessionToken)) {
        sendPlain(res, 403, 'Forbidden: images need ?token=<session token>.');
        return;
      }
      await serveEntryImage(res, loupe, Number(image[1]), image[2]!);
      return;
    }
    const isApiCaller = isSigV4Authorization(header(req, 'authorization') ?? '') || header(req, 'x-amz-target') !== undefined;
    if ((method === 'GET' || method === 'HEAD') && !isApiCaller) {
      await serveStatic(req, res, rendererDir, rawPath);
      return;
    }
    drain(req);
    if (method === 'POST' || isApiCaller) {
      sendError(res, 'UnknownOperationException', formatMessage('NotAnApiPath', { path: rawPath }), {
        status: 404,
        messageCode: 'NotAnApiPath',
        messageParams: { path: rawPath },
      });
      return;
    }
    sendPlain(res, 405, `Method ${method} is not allowed.`, { Allow: 'GET, HEAD, POST, PUT' });
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> => {
    const { credentials } = loupe.ctx;
    const caller = identifyCaller(req.headers, credentials, sessionToken, Date.now(), kiosk, hasKioskCookie(req.headers, kiosk, secure));
    requireSigningService(caller, 'rekognition');
    const body = await readBody(req, MAX_API_BODY_BYTES);
    await verifyCaller(
      caller,
      { method: req.method ?? 'POST', path, query: queryRecord(query), headers: signableHeaders(req), body },
      credentials,
    );
    const operation = operationOfTarget(header(req, 'x-amz-target'));
    const input = parseJsonBody(body);
    if (caller.kind === 'kiosk') checkKioskCall(kiosk!, operation, input);
    const result = await loupe.invoke(operation, input);
    if (result.ok) sendJson(res, 200, result.value);
    else sendError(res, result.error.code, result.error.message, { messageCode: result.error.messageCode, messageParams: result.error.messageParams });
  };

  const handleLookoutVisionApi = async (req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> => {
    const { credentials } = loupe.ctx;
    const caller = identifyCaller(req.headers, credentials, sessionToken, Date.now());
    requireSigningService(caller, 'lookoutvision');
    const body = await readBody(req, MAX_API_BODY_BYTES);
    await verifyCaller(caller, { method: req.method ?? 'GET', path, query: queryRecord(query), headers: signableHeaders(req), body }, credentials);
    await handleLookoutVision(loupe, req, res, path, query, body);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const started = Date.now();
    const requestId = randomUUID();
    res.setHeader('x-amzn-RequestId', requestId);
    for (const [name, value] of Object.entries(COMMON_HEADERS)) res.setHeader(name, value);
    res.on('finish', () => logIfFailed(req, res, requestId, started));
    handle(req, res).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) {
        // The client may still be sending: the connection stays open while the rest is read and
        // dropped (body.ts drain), so the 413 is read rather than cut off by a reset.
        sendError(res, error.code, error.message, {
          status: error.status,
          ...(error.ref ? { messageCode: error.ref.Code, ...(error.ref.Params ? { messageParams: error.ref.Params } : {}) } : {}),
        });
      } else if (error instanceof ServiceError) {
        sendError(res, error.code, error.message, error.ref ? { messageCode: error.ref.Code, ...(error.ref.Params ? { messageParams: error.ref.Params } : {}) } : {});
      } else {
        sendError(res, 'InternalServerError', formatMessage('InternalError'), { cause: error, messageCode: 'InternalError' });
      }
    });
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener);

  const port = await listen(server, host, options.port ?? DEFAULT_PORT);
  let grpcServer: RunningGrpcServer | undefined;
  if (options.grpcPort !== undefined) {
    try {
      grpcServer = await startGrpcServer({ models: inference.models, tokens: [inferenceToken, sessionToken], host, port: options.grpcPort, ...(options.tls ? { tls: options.tls } : {}), insecure: options.insecureHttp ?? false, server: inference.server });
    } catch (error) {
      server.close();
      throw error;
    }
  }
  isHostAllowed = createHostCheck(host, port, options.names ?? servedNames(host));
  const url = `${scheme}://${urlHost(host)}:${port}`;
  loupe.ctx.endpoint = url;
  log.info('listening', { url, rendererDir });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      if (loupe.ctx.endpoint === url) delete loupe.ctx.endpoint;
      void grpcServer?.close();
      server.close((error) => {
        clearTimeout(force);
        if (error) reject(error);
        else {
          log.info('closed', { url });
          resolve();
        }
      });
      streams.closeAll();
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      force.unref();
    });
    return closing;
  };

  return { url, sessionToken, inferenceToken, ...(grpcServer ? { grpcAddress: grpcServer.address } : {}), ...(kiosk ? { kioskToken: kiosk.token, kioskCode: kiosk.code } : {}), close };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      server.on('error', (error) => log.error('server error', { error }));
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header(req, 'authorization') ?? '')?.[1];
}



function logIfFailed(req: IncomingMessage, res: ServerResponse, requestId: string, started: number): void {
  if (res.statusCode < 400) return;
  const s3Failure = s3Failures.get(res);
  const failure = failureOf(res) ?? (s3Failure && { type: s3Failure.code, message: s3Failure.message, cause: s3Failure.cause });
  const fields = {
    method: req.method,
    // The path only: /events carries the session token in its query.
    path: (req.url ?? '/').split('?', 1)[0],
    target: header(req, 'x-amz-target'),
    status: res.statusCode,
    type: failure?.type,
    message: failure?.message,
    requestId,
    durationMs: Date.now() - started,
    ...(failure?.cause === undefined ? {} : { error: failure.cause }),
  };
  if (res.statusCode >= 500) log.error('request failed', fields);
  else log.warn('request failed', fields);
}
