/**
 * A Loupe on a temp home behind a real server on a free port, plus the ways tests call it:
 * the real AWS SDK client, and a raw signed fetch for requests the SDK would never send.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
import { Agent, type AgentOptions } from 'node:http';
import { lookup } from 'node:dns';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { openLoupe, type Loupe } from '../../../main/api';
import { startServer, type RunningServer, type ServerOptions } from '../../../main/server';

export interface Harness {
  home: string;
  loupe: Loupe;
  server: RunningServer;
  /** host:port of the server, for Host headers. */
  authority: string;
  close(): Promise<void>;
}

export async function startHarness(options: Omit<Partial<ServerOptions>, 'loupe'> = {}): Promise<Harness> {
  const home = mkdtempSync(join(tmpdir(), 'loupe-'));
  const loupe = openLoupe({ home });
  const server = await startServer({ loupe, port: 0, ...options });
  return {
    home,
    loupe,
    server,
    authority: new URL(server.url).host,
    close: async () => {
      await server.close();
      loupe.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

export function localKeys(harness: Harness): KeyPair {
  const { AccessKeyId, SecretAccessKey } = harness.loupe.ctx.credentials;
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey };
}

export function rekognitionClient(harness: Harness, region: string, keys: KeyPair = localKeys(harness)): RekognitionClient {
  return new RekognitionClient({ endpoint: harness.server.url, region, credentials: keys });
}

export interface SignedRequestOptions {
  target?: string;
  body?: string;
  keys?: KeyPair;
  region?: string;
  signingDate?: Date;
  /** The service the credential scope names; rekognition unless said. */
  service?: string;
  /** Extra headers, signed along with the rest. */
  headers?: Record<string, string>;
  /** Headers changed after signing (what a tampering proxy would do). */
  afterSigning?: Record<string, string>;
  /** Applied to the body after signing. */
  bodyAfterSigning?: string;
}

/** A request signed the way AWS clients sign, sent with fetch. */
export async function signedFetch(harness: Harness, options: SignedRequestOptions = {}): Promise<Response> {
  const body = options.body ?? '{}';
  const headers: Record<string, string> = {
    host: harness.authority,
    'content-type': 'application/x-amz-json-1.1',
    ...(options.target === undefined ? {} : { 'x-amz-target': options.target }),
    ...options.headers,
  };
  const signer = new SignatureV4({
    service: options.service ?? 'rekognition',
    region: options.region ?? 'us-east-1',
    credentials: options.keys ?? localKeys(harness),
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', path: '/', headers, body }),
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...signed.headers, ...options.afterSigning })) {
    if (name !== 'host') sent[name] = String(value);
  }
  return fetch(`${harness.server.url}/`, { method: 'POST', headers: sent, body: options.bodyAfterSigning ?? body });
}

export interface ErrorBody {
  __type: string;
  Message: string;
}

export async function errorOf(response: Response): Promise<ErrorBody & { status: number; header: string | null }> {
  const body = (await response.json()) as ErrorBody;
  return { ...body, status: response.status, header: response.headers.get('x-amzn-errortype') };
}

/** The real S3 client of the AWS SDK v3, path-style or virtual-hosted-style against the server. */
export function s3Client(harness: Harness, options: { virtualHosted?: boolean; region?: string; keys?: KeyPair } = {}): S3Client {
  const port = new URL(harness.server.url).port;
  return new S3Client({
    endpoint: options.virtualHosted ? `http://localhost:${port}` : harness.server.url,
    forcePathStyle: !options.virtualHosted,
    region: options.region ?? 'us-east-1',
    credentials: options.keys ?? localKeys(harness),
    ...(options.virtualHosted ? { requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup: localhostLookup }) }) } : {}),
  });
}

/**
 * `<bucket>.localhost` is loopback (RFC 6761; browsers and curl resolve it so), but the system
 * resolver here may not know it: answer it as the resolver of such a machine would.
 */
const localhostLookup: AgentOptions['lookup'] = (hostname, options, callback) => {
  if (!hostname.endsWith('.localhost')) return lookup(hostname, options, callback);
  if (options.all) (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

/**
 * The environment for the AWS CLI or boto3 in a child process: Loupe's keys in the environment,
 * no config or credentials files of the machine's user, no metadata lookups.
 */
export function awsClientEnv(harness: Harness): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_')) env[name] = value;
  }
  const { AccessKeyId, SecretAccessKey } = harness.loupe.ctx.credentials;
  return Object.assign(env, {
    AWS_ACCESS_KEY_ID: AccessKeyId,
    AWS_SECRET_ACCESS_KEY: SecretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(harness.home, 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(harness.home, 'no-such-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  });
}
