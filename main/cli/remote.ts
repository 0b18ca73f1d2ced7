/**
 * The CLI's way to a running Loupe (the app or `loupe serve`): the same JSON 1.1 request an AWS
 * SDK sends, signed with the local credentials. Models run in the process that started them, so
 * DetectCustomLabels (and anything about a running model) needs this.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { operations, type OperationName, type Result } from '../../preload/contract';
import { isErrorName } from '../../preload/contract/errors';
import type { Credentials } from '../home';

export async function invokeRemote(
  endpoint: string,
  credentials: Credentials,
  name: OperationName,
  input: unknown,
): Promise<Result<unknown>> {
  const url = new URL(endpoint);
  const body = JSON.stringify(input ?? {});
  const signer = new SignatureV4({
    service: 'rekognition',
    region: credentials.Region,
    credentials: { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey },
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
