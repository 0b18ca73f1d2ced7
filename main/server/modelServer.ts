/**
 * `loupe serve --model <export folder>`: only the Open Inference Protocol (/v2, inference.ts) for the
 * models of an exported repository, with no home, no database and no web UI — for kiosks and edge
 * boxes. The same rules as the full server: loopback by default, HTTPS or an explicit flag off it,
 * the Host allow-list, and callers signed with SigV4 (the keys given) or holding the bearer token.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServedModels } from '../engine/servedModel';
import type { Credentials } from '../home';
import { createLogger } from '../log';
import { identifyInferenceCaller, verifyCaller } from './auth';
import { drain } from './body';
import { startGrpcServer, type RunningGrpcServer } from './grpc';
import { createHostCheck, isLoopbackHost, isSameOrigin, urlHost } from './hosts';
import { handleInferenceRequest, isInferencePath, ProtocolError, sendProtocolError, type InferenceRoutes } from './inference';
import { queryRecord, signableHeaders } from './sigv4';
import { servedNames } from './tls';

export interface ModelServerOptions {
  models: ServedModels;
  /** Keys a signing client uses (SigV4, service `rekognition`). */
  credentials: Credentials;
  /** The bearer token for clients that cannot sign. */
  token: string;
  host?: string;
  port?: number;
  tls?: { key: string; cert: string };
  insecureHttp?: boolean;
  names?: string[];
  version: string;
  /** Also serve the protocol over gRPC (grpc.ts) on this port (0: any free one); off when absent. */
  grpcPort?: number;
}

export interface RunningModelServer {
  url: string;
  /** host:port of the gRPC service, when grpcPort was given. */
  grpcAddress?: string;
  close(): Promise<void>;
}

const log = createLogger('model-server');

export async function startModelServer(options: ModelServerOptions): Promise<RunningModelServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !options.tls && !options.insecureHttp) {
    throw new Error(`Serving on ${host} reaches other machines: Loupe serves it over HTTPS only (or plain HTTP with --insecure-http).`);
  }
  const scheme = options.tls ? 'https' : 'http';
  const routes: InferenceRoutes = {
    models: options.models,
    server: { name: 'loupe', version: options.version },
    authenticate: (req, path, query) => {
      const caller = identifyInferenceCaller(req.headers, options.credentials, [options.token], Date.now());
      return (body) => verifyCaller(caller, { method: req.method ?? 'GET', path, query: queryRecord(query), headers: signableHeaders(req), body }, options.credentials);
    },
  };
  let isHostAllowed: (host: string | undefined) => boolean = () => false;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('x-request-id', randomUUID());
    const target = req.url ?? '/';
    const mark = target.indexOf('?');
    const path = mark === -1 ? target : target.slice(0, mark);
    const query = mark === -1 ? '' : target.slice(mark + 1);
    const refuse = (status: number, message: string) => {
      drain(req);
      sendProtocolError(res, new ProtocolError(status, message));
    };
    if (!isHostAllowed(req.headers.host)) return refuse(403, 'This server answers only to its own host name (add others with --name).');
    if (!isSameOrigin(typeof req.headers.origin === 'string' ? req.headers.origin : undefined, req.headers.host, scheme)) {
      return refuse(403, 'Requests from other web pages are not accepted.');
    }
    if (!isInferencePath(path)) return refuse(404, `${path} is not served: this server speaks the Open Inference Protocol under /v2.`);
    handleInferenceRequest(routes, req, res, path, query).catch((error: unknown) => sendProtocolError(res, error));
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7800, host, () => {
      server.off('error', reject);
      server.on('error', (error) => log.error('server error', { error }));
      resolve((server.address() as AddressInfo).port);
    });
  });
  isHostAllowed = createHostCheck(host, port, options.names ?? servedNames(host));
  const url = `${scheme}://${urlHost(host)}:${port}`;
  log.info('listening', { url });
  const closeHttp = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 2_000).unref();
    });
  let grpcServer: RunningGrpcServer | undefined;
  if (options.grpcPort !== undefined) {
    try {
      grpcServer = await startGrpcServer({ models: options.models, tokens: [options.token], host, port: options.grpcPort, ...(options.tls ? { tls: options.tls } : {}), insecure: options.insecureHttp ?? false, server: routes.server });
    } catch (error) {
      await closeHttp();
      throw error;
    }
  }
  return {
    url,
    ...(grpcServer ? { grpcAddress: grpcServer.address } : {}),
    close: async () => {
      await Promise.all([closeHttp(), grpcServer?.close()]);
    },
  };
}
