/**
 * An upload's body as the object's bytes, checked as they stream: the forms of
 * x-amz-content-sha256 (a SHA-256, UNSIGNED-PAYLOAD, or an aws-chunked stream, signed or not,
 * with trailing checksums), x-amz-checksum-*, Content-MD5 and x-amz-decoded-content-length.
 * A failed check throws after the last byte, before the object is committed.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Credentials } from '../../home';
import type { SigV4Claim } from '../sigv4';
import { checksumAlgorithmOf, createChecksum, type Checksum } from './checksums';
import { decodeAwsChunked, deriveSigningKey, type ChunkSigning } from './chunked';
import { S3Error } from './errors';

export type PayloadForm = 'sha256' | 'unsigned' | 'chunked-unsigned' | 'chunked-signed';

export function payloadFormOf(declared: string | undefined): PayloadForm {
  if (declared === undefined) {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256.');
  }
  if (/^[0-9a-f]{64}$/.test(declared)) return 'sha256';
  switch (declared) {
    case 'UNSIGNED-PAYLOAD':
      return 'unsigned';
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER':
      return 'chunked-unsigned';
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD':
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER':
      return 'chunked-signed';
    default:
      if (declared.startsWith('STREAMING-')) {
        throw new S3Error('NotImplemented', `The payload form ${declared} is not supported by Loupe; sign with SigV4 (AWS4-HMAC-SHA256).`);
      }
      throw new S3Error('InvalidArgument', `x-amz-content-sha256 must be a SHA-256 in hex, UNSIGNED-PAYLOAD or a STREAMING- form; got '${declared}'.`);
  }
}

interface Expectation {
  name: string;
  checksum: Checksum;
  value?: string;
}

/** The object's bytes from the request, checked against everything the headers promise. */
export async function* objectBytes(
  req: IncomingMessage,
  headers: Record<string, string>,
  claim: SigV4Claim,
  credentials: Credentials,
): AsyncGenerator<Buffer> {
  const declared = headers['x-amz-content-sha256'];
  const form = payloadFormOf(declared);
  const sha256 = form === 'sha256' ? createHash('sha256') : undefined;
  const md5 = headers['content-md5'] === undefined ? undefined : createHash('md5');
  const expectations: Expectation[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const algorithm = checksumAlgorithmOf(name);
    if (algorithm) expectations.push({ name, checksum: createChecksum(algorithm), value });
  }
  for (const name of (headers['x-amz-trailer'] ?? '').split(',').map((part) => part.trim().toLowerCase())) {
    const algorithm = name ? checksumAlgorithmOf(name) : undefined;
    if (algorithm) expectations.push({ name, checksum: createChecksum(algorithm) });
  }
  let trailers = new Map<string, string>();
  let source: AsyncIterable<Buffer> = req;
  if (form === 'chunked-unsigned' || form === 'chunked-signed') {
    source = decodeAwsChunked(req, {
      ...(form === 'chunked-signed' ? { signing: chunkSigning(headers, claim, credentials) } : {}),
      onTrailers: (received) => {
        trailers = received;
      },
    });
  }
  let length = 0;
  for await (const chunk of source) {
    length += chunk.length;
    sha256?.update(chunk);
    md5?.update(chunk);
    for (const expectation of expectations) expectation.checksum.update(chunk);
    yield chunk;
  }
  if (sha256 && sha256.digest('hex') !== declared) {
    throw new S3Error('XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }
  const decodedLength = headers['x-amz-decoded-content-length'];
  if (decodedLength !== undefined && Number(decodedLength) !== length) {
    throw new S3Error('IncompleteBody', `x-amz-decoded-content-length says ${decodedLength} bytes; the body decoded to ${length}.`);
  }
  if (md5 && md5.digest('base64') !== headers['content-md5']) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  for (const expectation of expectations) {
    const expected = expectation.value ?? trailers.get(expectation.name);
    if (expected === undefined) {
      throw new S3Error('InvalidRequest', `The trailing header ${expectation.name} named in x-amz-trailer never arrived.`);
    }
    const actual = expectation.checksum.digest();
    if (actual !== undefined && actual !== expected) {
      const algorithm = expectation.name.slice('x-amz-checksum-'.length).toUpperCase();
      throw new S3Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`);
    }
  }
}

function chunkSigning(headers: Record<string, string>, claim: SigV4Claim, credentials: Credentials): ChunkSigning {
  return {
    signingKey: deriveSigningKey(credentials.SecretAccessKey, claim.scopeDate, claim.region, claim.service),
    amzDate: headers['x-amz-date'] ?? '',
    scope: `${claim.scopeDate}/${claim.region}/${claim.service}/aws4_request`,
    seedSignature: claim.signature,
  };
}
