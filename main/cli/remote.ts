/**
 * The CLI's way to a running Loupe (the app or `loupe serve`): the same JSON 1.1 request an AWS
 * SDK sends, signed with the credentials the AWS CLI would pick (`remoteCredentials`). Models run
 * in the process that started them, so DetectCustomLabels (and anything about a running model)
 * needs this.
 */
import { fromIni } from '@aws-sdk/credential-provider-ini';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { operations, type OperationName, type Result } from '../../preload/contract';
import { isErrorName } from '../../preload/contract/errors';
import type { Credentials } from '../home';
import { UsageError } from './args';

export interface SigningKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * The keys to sign with, in the AWS CLI's order: `--profile`; then AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY; then the shared credentials and config files (AWS_SHARED_CREDENTIALS_FILE,
 * AWS_CONFIG_FILE) for AWS_PROFILE or `default`; and last, where none of those has keys, the
 * keys of this machine's Loupe home.
 */
export async function remoteCredentials(local: Credentials, options: { profile?: string | undefined } = {}): Promise<SigningKeys> {
  const env = process.env;
  if (options.profile) return fromProfile(options.profile, true);
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  const fromFiles = await fromProfile(env.AWS_PROFILE || 'default', Boolean(env.AWS_PROFILE)).catch((error: unknown) => {
    if (env.AWS_PROFILE) throw error;
    return undefined;
  });
  return fromFiles ?? { accessKeyId: local.AccessKeyId, secretAccessKey: local.SecretAccessKey };
}

async function fromProfile(profile: string, required: boolean): Promise<SigningKeys> {
  try {
    const keys = await fromIni({ profile, ignoreCache: true })();
    return { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, ...(keys.sessionToken ? { sessionToken: keys.sessionToken } : {}) };
  } catch (error) {
    if (!required) throw error;
    throw new ProfileNotFoundError(`The config profile (${profile}) could not be found or has no credentials: ${(error as Error).message}`);
  }
}

export class ProfileNotFoundError extends Error {}

/** `remoteCredentials` for a command: a missing profile is a usage error (exit 252), as in the AWS CLI. */
export async function signingKeys(local: Credentials, profile: string | undefined): Promise<SigningKeys> {
  try {
    return await remoteCredentials(local, { profile });
  } catch (error) {
    if (error instanceof ProfileNotFoundError) throw new UsageError(error.message);
    throw error;
  }
}

export async function invokeRemote(
  endpoint: string,
  keys: SigningKeys,
  region: string,
  name: OperationName,
  input: unknown,
): Promise<Result<unknown>> {
  const url = new URL(endpoint);
  const body = JSON.stringify(input ?? {});
  const signer = new SignatureV4({
    service: 'rekognition',
    region,
    credentials: keys,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: '/',
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${operations[name].service}.${name}`,
      },
      body,
    }),
  );
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([key]) => key !== 'host'));
  let response: Response;
  try {
    response = await fetch(new URL('/', url), { method: 'POST', headers, body });
  } catch (error) {
    return {
      ok: false,
      error: { code: 'InternalServerError', message: `Could not reach Loupe at ${endpoint}: ${(error as Error).message}. Is it running?` },
    };
  }
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) return { ok: true, value: json };
  const type = String(json.__type ?? 'InternalServerError');
  return {
    ok: false,
    error: { code: isErrorName(type) ? type : 'InternalServerError', message: String(json.Message ?? response.statusText) },
  };
}
