/**
 * AWS Signature Version 4 verification against the local credentials, so the AWS SDKs and CLI
 * work with only an endpoint override.
 *
 * The signature maths is @smithy/signature-v4's (the signer the AWS SDK uses): the request is
 * re-signed with the client's date, region and service, restricted to the headers the client
 * listed in SignedHeaders, and the two signatures are compared in constant time. Any region in
 * the credential scope is accepted: clients sign with whatever region they were configured with.
 *
 * What this file checks beyond the signature (messages follow the service's wording):
 * - the Authorization header's shape (IncompleteSignature),
 * - the access key (UnrecognizedClientException),
 * - X-Amz-Date within 15 minutes of now, and the scope's date matching it,
 * - x-amz-content-sha256 against the body, unless it is UNSIGNED-PAYLOAD.
 *
 * Chunked streaming payloads (S3's aws-chunked bodies) are checked chunk by chunk in `s3/`.
 * Not supported: presigned query-string auth, SigV4a, and requests that sign a `Date` header
 * instead of `X-Amz-Date` (the signer always derives X-Amz-Date).
 */
import type { IncomingMessage } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { apiError, type ServiceError } from '../errors';
import type { Credentials } from '../home';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** How far X-Amz-Date may be from the server's clock, either way (the service's rule). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const INVALID_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details. ' +
  "Loupe's secret key is in Settings › API (`loupe credentials`).";
const INVALID_KEY =
  'The security token included in the request is invalid. Loupe accepts only the access key of its home: see Settings › API or run `loupe credentials`.';

/** What the Authorization header claims, checked before the body is read. */
export interface SigV4Claim {
  accessKeyId: string;
  /** Credential scope: YYYYMMDD, region, service. */
  scopeDate: string;
  region: string;
  service: string;
  /** Lower-case header names, in the client's order. */
  signedHeaders: string[];
  signature: string;
  signingDate: Date;
}

/** The parts of an HTTP request that a SigV4 signature covers. */
export interface SignableRequest {
  method: string;
  /** The path, percent-decoded, without the query. */
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-case names; repeated headers joined with ','. */
  headers: Record<string, string>;
  body: Buffer;
}

export function isSigV4Authorization(header: string): boolean {
  return header.trimStart().startsWith(`${SIGV4_ALGORITHM} `);
}

/**
 * Parse `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/rekognition/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=<64 hex>` and check the key and the date.
 */
export function checkSigV4Claim(
  authorization: string,
  amzDate: string | undefined,
  credentials: Pick<Credentials, 'AccessKeyId'>,
  nowMs: number,
): SigV4Claim {
  const header = authorization.trim();
  if (!isSigV4Authorization(header)) {
    throw incomplete(`Unsupported authorization type. Loupe accepts ${SIGV4_ALGORITHM} signatures or a session token.`);
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(SIGV4_ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    throw incomplete(missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  }
  const credential = fields.get('Credential') as string;
  const scope = credential.split('/');
  const [accessKeyId, scopeDate, region, service, terminator] = scope;
  if (
    scope.length !== 5 ||
    !accessKeyId ||
    !/^\d{8}$/.test(scopeDate ?? '') ||
    !region ||
    !service ||
    terminator !== 'aws4_request'
  ) {
    throw incomplete(
      `Credential should be scoped to a valid region, service and date, as <key>/<YYYYMMDD>/<region>/<service>/aws4_request; got '${credential}'.`,
    );
  }
  const signedHeaders = (fields.get('SignedHeaders') as string).split(';');
  if (signedHeaders.some((name) => name === '' || name !== name.toLowerCase())) {
    throw incomplete('SignedHeaders must be lower-case header names separated by semicolons.');
  }
  if (!signedHeaders.includes('host')) {
    throw incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (!signedHeaders.includes('x-amz-date')) {
    throw incomplete("Loupe requires the 'X-Amz-Date' header to be signed.");
  }
  const signature = fields.get('Signature') as string;
  if (!/^[0-9a-f]{64}$/.test(signature)) throw incomplete('Signature must be 64 lower-case hexadecimal characters.');

  if (!constantTimeEqual(accessKeyId, credentials.AccessKeyId)) {
    throw apiError('UnrecognizedClientException', INVALID_KEY);
  }

  if (!amzDate) throw incomplete("Authorization header requires existence of an 'X-Amz-Date' header.");
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) {
    throw incomplete(`X-Amz-Date must be in the ISO 8601 basic format YYYYMMDDTHHMMSSZ; got '${amzDate}'.`);
  }
  if (amzDate.slice(0, 8) !== scopeDate) {
    throw apiError(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  const skew = signingDate.getTime() - nowMs;
  if (skew < -MAX_CLOCK_SKEW_MS) {
    throw apiError(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(nowMs - MAX_CLOCK_SKEW_MS)} (${formatAmzDate(nowMs)} - 15 min.)`,
    );
  }
  if (skew > MAX_CLOCK_SKEW_MS) {
    throw apiError(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(nowMs + MAX_CLOCK_SKEW_MS)} (${formatAmzDate(nowMs)} + 15 min.)`,
    );
  }
  return { accessKeyId, scopeDate: scopeDate as string, region, service, signedHeaders, signature, signingDate };
}

export interface VerifyOptions {
  /**
   * The body is still on its way: `request.body` is empty and the caller checks the payload
   * against x-amz-content-sha256 (a hash, or one of the STREAMING- forms) as it reads it.
   */
  bodyStreamed?: boolean;
  /** S3's canonical path: the path as sent, neither normalised nor encoded again. */
  s3Path?: boolean;
}

/** Check the body hash and the signature itself; throws InvalidSignatureException on mismatch. */
export async function verifySigV4(
  claim: SigV4Claim,
  request: SignableRequest,
  credentials: Pick<Credentials, 'AccessKeyId' | 'SecretAccessKey'>,
  options: VerifyOptions = {},
): Promise<void> {
  if (!options.bodyStreamed) checkPayloadHash(request);
  const signer = new SignatureV4({
    service: claim.service,
    region: claim.region,
    credentials: { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    // Never add headers of our own: only what the client signed may be in the canonical request.
    applyChecksum: false,
    uriEscapePath: !options.s3Path,
  });
  const signed = new Set(claim.signedHeaders);
  const resigned = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: request.headers.host ?? '',
      path: request.path,
      query: request.query,
      // All headers go in, so x-amz-content-sha256 is honoured as the payload hash even when
      // unsigned (as the clients' signers do); the two sets below keep exactly the signed ones.
      headers: { ...request.headers },
      body: request.body,
    }),
    {
      signingDate: claim.signingDate,
      signingRegion: claim.region,
      signingService: claim.service,
      signableHeaders: signed,
      unsignableHeaders: new Set(Object.keys(request.headers).filter((name) => !signed.has(name))),
    },
  );
  const authorization = String(resigned.headers.authorization ?? '');
  const expected = /Signature=([0-9a-f]{64})$/.exec(authorization)?.[1];
  const expectedHeaders = /SignedHeaders=([^,]*),/.exec(authorization)?.[1];
  const sameHeaders = expectedHeaders === [...claim.signedHeaders].sort().join(';');
  if (!expected || !sameHeaders || !timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(claim.signature, 'hex'))) {
    throw apiError('InvalidSignatureException', INVALID_SIGNATURE);
  }
}

/** x-amz-content-sha256, when sent, must be the body's hash or UNSIGNED-PAYLOAD. */
function checkPayloadHash(request: SignableRequest): void {
  const declared = request.headers['x-amz-content-sha256'];
  if (declared === undefined || declared === UNSIGNED_PAYLOAD) return;
  if (declared.startsWith('STREAMING-')) {
    throw incomplete(`Streaming payloads (${declared}) are not supported by Loupe; send the body in one piece.`);
  }
  const actual = createHash('sha256').update(request.body).digest('hex');
  if (!/^[0-9a-f]{64}$/.test(declared) || !constantTimeEqual(declared, actual)) {
    throw apiError(
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
}

/** Equal strings in time that depends only on their lengths' hash, not on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}

function incomplete(message: string): ServiceError {
  return apiError('IncompleteSignature', message);
}

/** `20240102T030405Z` → Date, or undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, ...number[]];
  const date = new Date(Date.UTC(year as number, (month as number) - 1, day, hour, minute, second));
  return formatAmzDate(date.getTime()) === value ? date : undefined;
}

export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Headers as SigV4 canonicalises them: lower-case names, repeated values joined with ','. */
export function signableHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) headers[name] = values.join(',');
  }
  return headers;
}

/** A query string as SigV4 canonicalises it: each name with its value, or its values in order. */
export function queryRecord(query: string): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    const existing = record[key];
    record[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return record;
}
