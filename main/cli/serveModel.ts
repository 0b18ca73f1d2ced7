/**
 * `loupe serve --model <export folder>`: an exported model repository served over the Open
 * Inference Protocol with no Loupe home — nothing is read from or written to one. Keys and the
 * bearer token come from the environment (a container's secrets) or are made up for this run and
 * printed; off loopback it is HTTPS with `--cert/--key` or a certificate made for this run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loupeVersion } from '../api';
import { openModelRepository } from '../engine/exportedModel';
import { DEFAULT_REGION, randomKeyId, type Credentials } from '../home';
import { isLoopbackHost } from '../server/hosts';
import { startModelServer } from '../server/modelServer';
import { loadOrCreateTlsIdentity, readTlsIdentity, servedNames, type TlsIdentity } from '../server/tls';
import { UsageError } from './args';

export interface ServeModelValues {
  model: string;
  host: string;
  port: number;
  cert?: string;
  key?: string;
  name?: string[];
  'insecure-http'?: boolean;
  'kiosk-model'?: string;
  home?: string;
  units?: string;
  threads?: string;
  /** Also serve the protocol over gRPC on this port. */
  grpcPort?: number;
}

/** Keys from LOUPE_ACCESS_KEY_ID / LOUPE_SECRET_ACCESS_KEY (both or neither), else made up for this run. */
function credentialsFromEnvironment(env: NodeJS.ProcessEnv): Credentials {
  const id = env.LOUPE_ACCESS_KEY_ID;
  const secret = env.LOUPE_SECRET_ACCESS_KEY;
  if ((id === undefined) !== (secret === undefined)) throw new UsageError('LOUPE_ACCESS_KEY_ID and LOUPE_SECRET_ACCESS_KEY go together.');
  if (id !== undefined && secret !== undefined) {
    if (id.length < 16 || secret.length < 32) throw new UsageError('LOUPE_ACCESS_KEY_ID needs 16 characters or more and LOUPE_SECRET_ACCESS_KEY 32 or more.');
    return { AccessKeyId: id, SecretAccessKey: secret, Region: env.LOUPE_REGION ?? DEFAULT_REGION };
  }
  return { AccessKeyId: randomKeyId(), SecretAccessKey: randomBytes(30).toString('base64'), Region: env.LOUPE_REGION ?? DEFAULT_REGION };
}

function wholeNumber(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, got ${value}`);
  return number;
}

export async function serveModelRepository(values: ServeModelValues, out: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (values.home !== undefined || values['kiosk-model'] !== undefined) throw new UsageError('--model serves an export without a home: leave out --home and --kiosk-model.');
  const units = wholeNumber(values.units, '--units', 1) ?? 1;
  const threads = wholeNumber(values.threads, '--threads', 0) ?? Math.max(1, Math.floor(availableParallelism() / units));
  const token = env.LOUPE_INFERENCE_TOKEN ?? randomBytes(32).toString('base64url');
  if (token.length < 16) throw new UsageError('LOUPE_INFERENCE_TOKEN needs 16 characters or more.');
  const credentials = credentialsFromEnvironment(env);
  const exposed = !isLoopbackHost(values.host);
  const names = [...servedNames(values.host), ...(values.name ?? [])];
  let tlsFolder: string | undefined;
  let tls: TlsIdentity | undefined;
  if (values.cert !== undefined && values.key !== undefined) tls = readTlsIdentity(values.cert, values.key);
  else if (exposed && !values['insecure-http']) {
    // No home to keep a certificate in: one for this run, its fingerprint printed for clients to pin.
    tlsFolder = mkdtempSync(join(tmpdir(), 'loupe-tls-'));
    tls = await loadOrCreateTlsIdentity(tlsFolder, names);
  }
  const repository = await openModelRepository(resolve(values.model), { units, threads });
  try {
    const server = await startModelServer({
      models: repository,
      credentials,
      token,
      host: values.host,
      port: values.port,
      names,
      insecureHttp: values['insecure-http'] ?? false,
      version: loupeVersion(),
      ...(tls ? { tls } : {}),
      ...(values.grpcPort !== undefined ? { grpcPort: values.grpcPort } : {}),
    });
    const models = await repository.list();
    const lines = [
      `Loupe is serving ${models.map((model) => `${model.name} (version ${model.version})`).join(', ')} on ${server.url}/v2`,
      `Endpoint=${server.url}`,
      `InferenceToken=${token}`,
      ...(server.grpcAddress ? [`GrpcEndpoint=${server.grpcAddress}`] : []),
      `AccessKeyId=${credentials.AccessKeyId}`,
      `SecretAccessKey=${credentials.SecretAccessKey}`,
      `Region=${credentials.Region}`,
    ];
    if (tls) lines.push(`CertificateSha256=${tls.fingerprint}`);
    if (exposed && !tls) lines.push('', 'PLAIN HTTP (--insecure-http): the token and every image cross the network unencrypted.');
    out.write(`${lines.join('\n')}\n`);
    await new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    await server.close();
    return 0;
  } finally {
    await repository.close();
    if (tlsFolder) rmSync(tlsFolder, { recursive: true, force: true });
  }
}
