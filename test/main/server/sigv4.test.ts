/**
 * The verifier against a signer written here from the SigV4 specification with node:crypto
 * alone, so the check does not rest on the library agreeing with itself: arbitrary signed
 * headers (user-agent included), folded whitespace, a query string, unsigned extras.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ServiceError } from '../../../main/errors';
import { checkSigV4Claim, formatAmzDate, parseAmzDate } from '../../../main/server/sigv4';
import { startHarness, type Harness } from './harness';

const sha256 = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const encode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

interface SpecRequest {
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body: string;
}

/** The Authorization value for `req`, signing every header in `req.headers`. */
function signBySpec(req: SpecRequest, keyId: string, secret: string, region: string, amzDate: string): string {
  const names = Object.keys(req.headers).map((name) => name.toLowerCase()).sort();
  const value = (name: string): string =>
    (Object.entries(req.headers).find(([key]) => key.toLowerCase() === name)?.[1] ?? '').trim().replace(/\s+/g, ' ');
  const canonicalQuery = req.query
    .map(([key, val]) => [encode(key), encode(val)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, val]) => `${key}=${val}`)
    .join('&');
  const canonicalRequest = [
    'POST',
    req.path,
    canonicalQuery,
    names.map((name) => `${name}:${value(name)}\n`).join(''),
    names.join(';'),
    sha256(req.body),
  ].join('\n');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/rekognition/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 'rekognition'), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${keyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

function send(harness: Harness, path: string, headers: Record<string, string>, body: string) {
  const url = new URL(harness.server.url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('when a request is signed from the specification', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  const signedRequest = (extraHeaders: Record<string, string> = {}) => {
    const { AccessKeyId, SecretAccessKey } = harness.loupe.ctx.credentials;
    const amzDate = formatAmzDate(Date.now());
    const body = '{"ProjectName":"from-spec"}';
    const headers: Record<string, string> = {
      Host: harness.authority,
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Date': amzDate,
      'X-Amz-Target': 'RekognitionService.CreateProject',
      'User-Agent': 'spec-signer/1.0   (folded   spaces)',
      'X-Custom-Note': '  padded value  ',
      ...extraHeaders,
    };
    const query: [string, string][] = [
      ['b', 'two words'],
      ['a', '1'],
    ];
    const authorization = signBySpec({ path: '/', query, headers, body }, AccessKeyId, SecretAccessKey, 'sa-east-1', amzDate);
    const path = `/?${query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}`;
    const signed: Record<string, string> = { ...headers, Authorization: authorization };
    return { path, headers: signed, body };
  };

  it('accepts it, with every header it chose to sign', async () => {
    const { path, headers, body } = signedRequest();
    const response = await send(harness, path, { ...headers, 'X-Added-By-Proxy': 'not signed' }, body);
    assert.equal(response.status, 200, response.body);
    assert.match(response.body, /"ProjectArn":"arn:aws:rekognition:[^"]+:project\/from-spec\/\d+"/);
  });

  it('refuses it when a signed header is missing', async () => {
    const { path, headers, body } = signedRequest();
    delete headers['X-Custom-Note'];
    const response = await send(harness, path, headers, body);
    assert.equal(response.status, 403);
    assert.match(response.body, /InvalidSignatureException/);
  });

  it('refuses it when the query changes', async () => {
    const { path, headers, body } = signedRequest();
    const response = await send(harness, path.replace('a=1', 'a=2'), headers, body);
    assert.equal(response.status, 403);
  });
});

describe('when the Authorization header is parsed', () => {
  const credentials = { AccessKeyId: 'LKIAEXAMPLEEXAMPLE00' };
  const now = Date.UTC(2024, 4, 6, 12, 0, 0);
  const amzDate = '20240506T120000Z';
  const header = (overrides: { credential?: string; signedHeaders?: string; signature?: string } = {}) =>
    `AWS4-HMAC-SHA256 Credential=${overrides.credential ?? 'LKIAEXAMPLEEXAMPLE00/20240506/eu-west-1/rekognition/aws4_request'},` +
    ` SignedHeaders=${overrides.signedHeaders ?? 'content-type;host;x-amz-date'},` +
    ` Signature=${overrides.signature ?? 'a'.repeat(64)}`;
  const codeOf = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      assert.ok(error instanceof ServiceError);
      return error.code;
    }
    return 'accepted';
  };

  it('reads the key, the scope and the signed headers', () => {
    const claim = checkSigV4Claim(header(), amzDate, credentials, now);
    assert.equal(claim.accessKeyId, credentials.AccessKeyId);
    assert.equal(claim.region, 'eu-west-1');
    assert.equal(claim.service, 'rekognition');
    assert.deepEqual(claim.signedHeaders, ['content-type', 'host', 'x-amz-date']);
    assert.equal(claim.signingDate.getTime(), now);
  });

  it('accepts a date up to 15 minutes either side of now', () => {
    assert.equal(codeOf(() => checkSigV4Claim(header(), amzDate, credentials, now + 14 * 60_000)), 'accepted');
    assert.equal(codeOf(() => checkSigV4Claim(header(), amzDate, credentials, now - 14 * 60_000)), 'accepted');
    assert.equal(codeOf(() => checkSigV4Claim(header(), amzDate, credentials, now + 16 * 60_000)), 'InvalidSignatureException');
    assert.equal(codeOf(() => checkSigV4Claim(header(), amzDate, credentials, now - 16 * 60_000)), 'InvalidSignatureException');
  });

  for (const [situation, run, code] of [
    ['a missing X-Amz-Date', () => checkSigV4Claim(header(), undefined, credentials, now), 'IncompleteSignature'],
    ['a malformed X-Amz-Date', () => checkSigV4Claim(header(), '2024-05-06T12:00:00Z', credentials, now), 'IncompleteSignature'],
    [
      'a scope date other than X-Amz-Date',
      () => checkSigV4Claim(header({ credential: 'LKIAEXAMPLEEXAMPLE00/20240505/eu-west-1/rekognition/aws4_request' }), amzDate, credentials, now),
      'InvalidSignatureException',
    ],
    [
      'a scope without aws4_request',
      () => checkSigV4Claim(header({ credential: 'LKIAEXAMPLEEXAMPLE00/20240506/eu-west-1/rekognition' }), amzDate, credentials, now),
      'IncompleteSignature',
    ],
    ['unsigned host', () => checkSigV4Claim(header({ signedHeaders: 'x-amz-date' }), amzDate, credentials, now), 'IncompleteSignature'],
    ['a short signature', () => checkSigV4Claim(header({ signature: 'abc' }), amzDate, credentials, now), 'IncompleteSignature'],
    ['another algorithm', () => checkSigV4Claim('AWS4-ECDSA-P256-SHA256 Credential=x', amzDate, credentials, now), 'IncompleteSignature'],
    [
      'another access key',
      () => checkSigV4Claim(header({ credential: 'AKIAOTHEROTHEROTHER0/20240506/eu-west-1/rekognition/aws4_request' }), amzDate, credentials, now),
      'UnrecognizedClientException',
    ],
  ] as const) {
    it(`refuses ${situation} with ${code}`, () => {
      assert.equal(codeOf(run), code);
    });
  }

  it('round-trips X-Amz-Date and refuses impossible dates', () => {
    assert.equal(parseAmzDate(amzDate)?.getTime(), now);
    assert.equal(formatAmzDate(now), amzDate);
    assert.equal(parseAmzDate('20240231T120000Z'), undefined);
  });
});
