/**
 * The `aws-chunked` content encoding S3 clients use for streamed uploads:
 *
 *   <size hex>[;chunk-signature=<64 hex>]\r\n<size bytes>\r\n   … repeated, then a chunk of size 0,
 *   then trailing headers (`x-amz-checksum-crc32:<base64>\r\n`, and for signed streams
 *   `x-amz-trailer-signature:<64 hex>\r\n`), then an empty line.
 *
 * Signed streams (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) chain signatures from the seed
 * signature of the Authorization header: each chunk signs
 *   "AWS4-HMAC-SHA256-PAYLOAD\n<X-Amz-Date>\n<scope>\n<previous signature>\n<sha256('')>\n<sha256(chunk)>"
 * and the trailer signs
 *   "AWS4-HMAC-SHA256-TRAILER\n<X-Amz-Date>\n<scope>\n<previous signature>\n<sha256(trailer lines)>"
 * with the request's signing key. Unsigned streams (STREAMING-UNSIGNED-PAYLOAD-TRAILER) carry no
 * signatures. The decoder yields the object's bytes as they arrive; every check that can only be
 * made at the end throws there, and the object is only committed after the last byte.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { S3Error } from './errors';

const EMPTY_SHA256 = createHash('sha256').digest('hex');
const MAX_LINE_BYTES = 4096;

export interface ChunkSigning {
  signingKey: Buffer;
  amzDate: string;
  /** `<YYYYMMDD>/<region>/<service>/aws4_request` */
  scope: string;
  seedSignature: string;
}

export interface DecodeOptions {
  /** Present for the STREAMING-AWS4-HMAC-SHA256-* forms. */
  signing?: ChunkSigning;
  /** Trailing headers arrive here, lower-case names, once the stream has ended. */
  onTrailers(trailers: Map<string, string>): void;
}

class ByteReader {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly iterator: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    const next = await this.iterator.next();
    if (next.done) return false;
    this.buffered = this.buffered.length === 0 ? next.value : Buffer.concat([this.buffered, next.value]);
    return true;
  }

  /** The next line without its CRLF; undefined at the very end of the body. */
  async line(): Promise<string | undefined> {
    for (;;) {
      const end = this.buffered.indexOf('\r\n');
      if (end !== -1) {
        const text = this.buffered.subarray(0, end).toString('latin1');
        this.buffered = this.buffered.subarray(end + 2);
        return text;
      }
      if (this.buffered.length > MAX_LINE_BYTES) throw malformed('a chunk header or trailer line is too long');
      if (!(await this.fill())) {
        if (this.buffered.length === 0) return undefined;
        const text = this.buffered.toString('latin1');
        this.buffered = Buffer.alloc(0);
        return text;
      }
    }
  }

  async *bytes(count: number): AsyncGenerator<Buffer> {
    let remaining = count;
    while (remaining > 0) {
      if (this.buffered.length === 0 && !(await this.fill())) throw incomplete();
      const take = Math.min(remaining, this.buffered.length);
      yield this.buffered.subarray(0, take);
      this.buffered = this.buffered.subarray(take);
      remaining -= take;
    }
  }
}

export async function* decodeAwsChunked(source: AsyncIterable<Buffer>, options: DecodeOptions): AsyncGenerator<Buffer> {
  const reader = new ByteReader(source);
  const { signing } = options;
  let previous = signing?.seedSignature ?? '';
  for (;;) {
    const header = await reader.line();
    if (header === undefined) throw incomplete();
    const [sizeText, ...extensions] = header.split(';');
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText?.trim() ?? '')) throw malformed(`'${header.slice(0, 80)}' is not a chunk header`);
    const size = Number.parseInt(sizeText!.trim(), 16);
    const hash = signing ? createHash('sha256') : undefined;
    for await (const piece of reader.bytes(size)) {
      hash?.update(piece);
      yield piece;
    }
    if (signing) {
      const claimed = extensions.map((part) => /^\s*chunk-signature=([0-9a-f]{64})\s*$/.exec(part)?.[1]).find(Boolean);
      if (!claimed) throw new S3Error('SignatureDoesNotMatch', 'A chunk of the signed stream has no chunk-signature.');
      const expected = sign(signing, `AWS4-HMAC-SHA256-PAYLOAD\n${signing.amzDate}\n${signing.scope}\n${previous}\n${EMPTY_SHA256}\n${hash!.digest('hex')}`);
      if (!sameHex(expected, claimed)) {
        throw new S3Error('SignatureDoesNotMatch', 'The chunk signature we calculated does not match the one you provided.');
      }
      previous = claimed;
    }
    if (size === 0) break;
    const end = await reader.line();
    if (end !== '') throw malformed('a chunk does not end with CRLF where its size says');
  }
  const trailers = new Map<string, string>();
  const lines: string[] = [];
  let trailerSignature: string | undefined;
  for (;;) {
    const line = await reader.line();
    if (line === undefined || line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed(`'${line.slice(0, 80)}' is not a trailing header`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') trailerSignature = value;
    else {
      trailers.set(name, value);
      lines.push(`${name}:${value}\n`);
    }
  }
  if (signing && lines.length > 0) {
    if (!trailerSignature) throw new S3Error('SignatureDoesNotMatch', 'The trailing headers of the signed stream are not signed.');
    const trailerHash = createHash('sha256').update(lines.join('')).digest('hex');
    const expected = sign(signing, `AWS4-HMAC-SHA256-TRAILER\n${signing.amzDate}\n${signing.scope}\n${previous}\n${trailerHash}`);
    if (!sameHex(expected, trailerSignature)) {
      throw new S3Error('SignatureDoesNotMatch', 'The trailer signature we calculated does not match the one you provided.');
    }
  }
  options.onTrailers(trailers);
}

/** SigV4's signing key: HMAC chain of the secret over date, region, service and "aws4_request". */
export function deriveSigningKey(secret: string, scopeDate: string, region: string, service: string): Buffer {
  const dateKey = createHmac('sha256', `AWS4${secret}`).update(scopeDate).digest();
  const regionKey = createHmac('sha256', dateKey).update(region).digest();
  const serviceKey = createHmac('sha256', regionKey).update(service).digest();
  return createHmac('sha256', serviceKey).update('aws4_request').digest();
}

function sign(signing: ChunkSigning, stringToSign: string): string {
  return createHmac('sha256', signing.signingKey).update(stringToSign).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && /^[0-9a-f]+$/.test(b) && timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

function malformed(why: string): S3Error {
  return new S3Error('InvalidRequest', `The aws-chunked body is malformed: ${why}.`);
}

function incomplete(): S3Error {
  return new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the chunk headers or the Content-Length.');
}
