/**
 * S3's REST API for mapped buckets, on the same port as the rest: path-style
 * (`/<bucket>/<key>`) and virtual-hosted-style (`<bucket>.localhost:<port>/<key>`) requests,
 * signed with SigV4 for the service `s3` and Loupe's keys. The object logic (keys → files, atomic
 * writes, multipart) is `main/buckets`; this file only speaks the protocol.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Loupe } from '../../api';
import * as buckets from '../../buckets';
import { readBody } from '../body';
import { checkSigV4Claim, isSigV4Authorization, queryRecord, signableHeaders, verifySigV4, type SigV4Claim } from '../sigv4';
import { S3Error, sendS3Error, toS3Error } from './errors';
import { objectBytes } from './payload';
import { parseXmlBody, textOf, xmlDocument } from './xml';

/** Request bodies that are XML documents (DeleteObjects, CompleteMultipartUpload). */
const MAX_XML_BODY_BYTES = 2 * 1024 * 1024;
const DEFAULT_MAX_KEYS = 1000;

export interface S3Request {
  req: IncomingMessage;
  res: ServerResponse;
  loupe: Loupe;
  /** From a virtual-hosted-style Host, else undefined (the bucket is the path's first part). */
  hostBucket?: string;
  /** The path as sent (percent-encoded), without the query. */
  rawPath: string;
  query: string;
  requestId: string;
}

/** The bucket named by a Host of the form `<bucket>.localhost[:port]`. */
export function bucketOfHost(host: string | undefined): string | undefined {
  const name = (host ?? '').trim().toLowerCase().replace(/:\d+$/, '');
  return name.endsWith('.localhost') && name.length > '.localhost'.length ? name.slice(0, -'.localhost'.length) : undefined;
}

/**
 * True for requests an S3 client sent: signed for the service `s3` (header or presigned query), or
 * unsigned but carrying S3's own x-amz-content-sha256 (an anonymous client), which then gets S3's
 * AccessDenied rather than a page of the web UI.
 */
export function isS3Request(authorization: string | undefined, contentSha256: string | undefined, query: string): boolean {
  if (authorization && isSigV4Authorization(authorization)) return /Credential=[^/,]*\/\d{8}\/[^/,]*\/s3\/aws4_request/.test(authorization);
  if (!authorization && contentSha256 !== undefined) return true;
  return /(^|&)X-Amz-Credential=[^&]*%2Fs3%2Faws4_request/i.test(query);
}

export async function handleS3(request: S3Request): Promise<void> {
  const { req, res, rawPath, requestId } = request;
  const isHead = req.method === 'HEAD';
  res.setHeader('x-amz-request-id', requestId);
  try {
    await route(request);
  } catch (error) {
    const s3Error = toS3Error(error);
    req.resume();
    failures.set(res, { code: s3Error.code, message: s3Error.message, ...(s3Error.code === 'InternalError' ? { cause: error } : {}) });
    sendS3Error(res, s3Error, decodePath(rawPath), requestId, isHead);
  }
}

/** What a failed S3 response carried, for the server's one log line per failed request. */
export const failures = new WeakMap<ServerResponse, { code: string; message: string; cause?: unknown }>();

interface Target {
  bucket?: string;
  key?: string;
}

function targetOf(request: S3Request): Target {
  const path = decodePath(request.rawPath);
  if (request.hostBucket !== undefined) {
    const key = path.slice(1);
    return { bucket: request.hostBucket, ...(key ? { key } : {}) };
  }
  const rest = path.slice(1);
  if (rest === '') return {};
  const slash = rest.indexOf('/');
  if (slash === -1) return { bucket: rest };
  const key = rest.slice(slash + 1);
  return { bucket: rest.slice(0, slash), ...(key ? { key } : {}) };
}

function decodePath(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    throw new S3Error('InvalidURI', `Couldn't parse the specified URI: ${rawPath}.`);
  }
}

async function route(request: S3Request): Promise<void> {
  const { req, loupe } = request;
  const method = req.method ?? 'GET';
  const params = new URLSearchParams(request.query);
  const headers = signableHeaders(req);
  const claim = authenticate(req, loupe, headers);
  const target = targetOf(request);
  const ctx = loupe.ctx;
  const isStreamedUpload = method === 'PUT' && target.key !== undefined && !headers['x-amz-copy-source'];
  let body: Buffer = Buffer.alloc(0);
  if (isStreamedUpload) {
    await verifySigV4(claim, signable(request, headers, body), ctx.credentials, { bodyStreamed: true, s3Path: true });
  } else {
    if (method === 'POST' || method === 'PUT') body = await readBody(req, MAX_XML_BODY_BYTES);
    else request.req.resume();
    await verifySigV4(claim, signable(request, headers, body), ctx.credentials, { s3Path: true });
  }

  if (target.bucket === undefined) {
    if (method !== 'GET') throw methodNotAllowed(method, 'the service');
    return listBuckets(request);
  }
  const bucket = buckets.openBucket(ctx, target.bucket);
  if (target.key === undefined) return bucketOperation(request, method, params, bucket, body);
  const key = target.key;
  switch (method) {
    case 'HEAD':
    case 'GET': {
      if (params.has('acl') && method === 'GET') {
        await buckets.headObject(ctx, bucket, key);
        return sendOwnerAcl(request);
      }
      if (params.has('uploadId') || params.has('tagging') || params.has('acl') || params.has('attributes')) {
        throw notImplemented(`GET with ?${[...params.keys()].join('&')}`);
      }
      return getObject(request, bucket, key, headers, method === 'HEAD');
    }
    case 'PUT': {
      const uploadId = params.get('uploadId');
      if (uploadId !== null) {
        if (headers['x-amz-copy-source']) throw notImplemented('UploadPartCopy');
        const partNumber = Number(params.get('partNumber'));
        const etag = await buckets.uploadPart(ctx, bucket, key, uploadId, partNumber, objectBytes(req, headers, claim, ctx.credentials));
        return sendEmpty(request.res, 200, { ETag: etag });
      }
      if (params.has('tagging') || params.has('acl')) throw notImplemented(`PUT with ?${[...params.keys()].join('&')}`);
      const copySource = headers['x-amz-copy-source'];
      if (copySource) return copyObject(request, copySource, bucket, key);
      const info = await buckets.writeObject(ctx, bucket, key, objectBytes(req, headers, claim, ctx.credentials));
      return sendEmpty(request.res, 200, { ETag: info.etag, ...echoedChecksums(headers) });
    }
    case 'DELETE': {
      const uploadId = params.get('uploadId');
      if (uploadId !== null) await buckets.abortUpload(ctx, bucket, key, uploadId);
      else await buckets.deleteObject(ctx, bucket, key);
      return sendEmpty(request.res, 204);
    }
    case 'POST': {
      if (params.has('uploads')) {
        const uploadId = buckets.createUpload(ctx, bucket, key);
        return sendXml(request.res, 'InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: uploadId });
      }
      const uploadId = params.get('uploadId');
      if (uploadId !== null) return completeUpload(request, bucket, key, uploadId, body);
      throw notImplemented('POST on an object without ?uploads or ?uploadId');
    }
    default:
      throw methodNotAllowed(method, 'an object');
  }
}

function authenticate(req: IncomingMessage, loupe: Loupe, headers: Record<string, string>): SigV4Claim {
  const authorization = headers.authorization;
  if (!authorization) {
    if (new URLSearchParams(req.url?.split('?')[1] ?? '').has('X-Amz-Signature')) {
      throw new S3Error('AccessDenied', 'Presigned URLs are not supported by Loupe; sign requests with the Authorization header.');
    }
    throw new S3Error('AccessDenied', "Access Denied: the request is not signed. Sign it with SigV4 and Loupe's keys (Settings › API).");
  }
  return checkSigV4Claim(authorization, headers['x-amz-date'], loupe.ctx.credentials, Date.now());
}

function signable(request: S3Request, headers: Record<string, string>, body: Buffer) {
  return { method: request.req.method ?? 'GET', path: request.rawPath, query: queryRecord(request.query), headers, body };
}

async function bucketOperation(request: S3Request, method: string, params: URLSearchParams, bucket: buckets.Bucket, body: Buffer): Promise<void> {
  switch (method) {
    case 'HEAD':
      return sendEmpty(request.res, 200, { 'x-amz-bucket-region': request.loupe.ctx.identity.region });
    case 'GET':
      if (params.has('location')) {
        return sendXml(request.res, 'LocationConstraint', { '#text': regionConstraint(request.loupe.ctx.identity.region) });
      }
      if (params.has('acl')) return sendOwnerAcl(request);
      if (params.has('uploads')) {
        return sendXml(request.res, 'ListMultipartUploadsResult', { Bucket: bucket.name, IsTruncated: false, MaxUploads: 1000 });
      }
      if ([...params.keys()].some((name) => !LIST_PARAMS.has(name))) {
        throw notImplemented(`GET on a bucket with ?${[...params.keys()].join('&')}`);
      }
      return listObjects(request, params, bucket);
    case 'POST':
      if (params.has('delete')) return deleteObjects(request, bucket, body);
      throw notImplemented('POST on a bucket without ?delete');
    case 'PUT':
      throw new S3Error('BucketAlreadyOwnedByYou', `The bucket ${bucket.name} already exists: it is mapped to a folder of yours.`);
    case 'DELETE':
      throw new S3Error('AccessDenied', `Buckets are folders mapped in Settings › Bucket mappings; remove the mapping there instead.`);
    default:
      throw methodNotAllowed(method, 'a bucket');
  }
}

const LIST_PARAMS = new Set(['list-type', 'prefix', 'delimiter', 'continuation-token', 'start-after', 'max-keys', 'encoding-type', 'marker', 'fetch-owner']);

function regionConstraint(region: string): string {
  return region === 'us-east-1' ? '' : region;
}

/** The one owner of every mapped bucket and object (ListBuckets' and the ACLs'): the local account. */
function ownerOf(request: S3Request): { ID: string; DisplayName: string } {
  return { ID: request.loupe.ctx.identity.account, DisplayName: 'loupe' };
}

/**
 * GetBucketAcl / GetObjectAcl: the owner with FULL_CONTROL, the only grant a mapped folder has
 * (the guide checks with get-bucket-acl that the image and manifest buckets have the same owner).
 */
function sendOwnerAcl(request: S3Request): void {
  const owner = ownerOf(request);
  sendXml(request.res, 'AccessControlPolicy', {
    Owner: owner,
    AccessControlList: {
      Grant: [{ Grantee: { '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', '@_xsi:type': 'CanonicalUser', ...owner }, Permission: 'FULL_CONTROL' }],
    },
  });
}

function listBuckets(request: S3Request): void {
  sendXml(request.res, 'ListAllMyBucketsResult', {
    Owner: ownerOf(request),
    Buckets: { Bucket: buckets.listBuckets(request.loupe.ctx).map((bucket) => ({ Name: bucket.name, CreationDate: new Date(bucket.createdMs).toISOString() })) },
  });
}

async function listObjects(request: S3Request, params: URLSearchParams, bucket: buckets.Bucket): Promise<void> {
  const isV2 = params.get('list-type') === '2';
  const maxKeysText = params.get('max-keys');
  const maxKeys = maxKeysText === null ? DEFAULT_MAX_KEYS : Number(maxKeysText);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new S3Error('InvalidArgument', 'max-keys must be a non-negative integer.');
  const encodingType = params.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request: encoding-type must be url.');
  const encode = (text: string): string => (encodingType === 'url' ? encodeURIComponent(text).replace(/%2F/g, '/') : text);
  const prefix = params.get('prefix') ?? '';
  const delimiter = params.get('delimiter') ?? '';
  const token = params.get('continuation-token');
  let after: string | undefined;
  if (isV2) {
    if (token !== null) {
      after = Buffer.from(token, 'base64url').toString('utf8');
      if (!token || Buffer.from(after, 'utf8').toString('base64url') !== token) {
        throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect.');
      }
    } else after = params.get('start-after') ?? undefined;
  } else after = params.get('marker') ?? undefined;
  const list = await buckets.listObjects(request.loupe.ctx, bucket, {
    ...(prefix ? { prefix } : {}),
    ...(delimiter ? { delimiter } : {}),
    ...(after ? { after } : {}),
    maxKeys: Math.min(maxKeys, DEFAULT_MAX_KEYS),
  });
  const contents = list.objects.map((object) => ({
    Key: encode(object.key),
    LastModified: new Date(object.modifiedMs).toISOString(),
    ETag: object.etag,
    Size: object.sizeBytes,
    StorageClass: 'STANDARD',
  }));
  const commonPrefixes = list.commonPrefixes.map((common) => ({ Prefix: encode(common) }));
  const shared = {
    Name: bucket.name,
    Prefix: encode(prefix),
    ...(delimiter ? { Delimiter: encode(delimiter) } : {}),
    MaxKeys: maxKeys,
    ...(encodingType ? { EncodingType: encodingType } : {}),
    IsTruncated: list.isTruncated,
  };
  if (isV2) {
    sendXml(request.res, 'ListBucketResult', {
      ...shared,
      KeyCount: contents.length + commonPrefixes.length,
      ...(token !== null ? { ContinuationToken: token } : {}),
      ...(list.isTruncated && list.last !== undefined ? { NextContinuationToken: Buffer.from(list.last, 'utf8').toString('base64url') } : {}),
      ...(params.has('start-after') ? { StartAfter: encode(params.get('start-after') ?? '') } : {}),
      Contents: contents,
      CommonPrefixes: commonPrefixes,
    });
  } else {
    sendXml(request.res, 'ListBucketResult', {
      ...shared,
      Marker: encode(params.get('marker') ?? ''),
      ...(list.isTruncated && list.last !== undefined ? { NextMarker: encode(list.last) } : {}),
      Contents: contents,
      CommonPrefixes: commonPrefixes,
    });
  }
}

async function getObject(request: S3Request, bucket: buckets.Bucket, key: string, headers: Record<string, string>, isHead: boolean): Promise<void> {
  const info = await buckets.headObject(request.loupe.ctx, bucket, key);
  const common: Record<string, string | number> = {
    'Content-Type': info.contentType,
    ETag: info.etag,
    'Last-Modified': new Date(info.modifiedMs).toUTCString(),
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store',
  };
  const range = parseRange(headers.range, info.sizeBytes);
  const { res } = request;
  if (range) {
    res.writeHead(206, { ...common, 'Content-Length': range.end - range.start + 1, 'Content-Range': `bytes ${range.start}-${range.end}/${info.sizeBytes}` });
  } else {
    res.writeHead(200, { ...common, 'Content-Length': info.sizeBytes });
  }
  if (isHead) {
    res.end();
    return;
  }
  const stream = buckets.readObject(info, range);
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    res.on('close', resolve);
    stream.pipe(res);
  });
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; other forms are ignored (the whole object), as S3 does. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) throw invalidRange(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== '' && Number(match[2]) < start) return undefined;
  }
  if (start >= size) throw invalidRange(size);
  return { start, end };
}

function invalidRange(size: number): S3Error {
  return new S3Error('InvalidRange', `The requested range is not satisfiable: the object is ${size} bytes long.`);
}

async function copyObject(request: S3Request, copySource: string, bucket: buckets.Bucket, key: string): Promise<void> {
  let source: string;
  try {
    source = decodeURIComponent(copySource.split('?')[0]!.replace(/^\//, ''));
  } catch {
    throw new S3Error('InvalidArgument', `x-amz-copy-source is not a valid URL-encoded <bucket>/<key>: ${copySource}`);
  }
  const slash = source.indexOf('/');
  if (slash <= 0 || slash === source.length - 1) {
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey.');
  }
  const ctx = request.loupe.ctx;
  const from = { bucket: buckets.openBucket(ctx, source.slice(0, slash)), key: source.slice(slash + 1) };
  const info = await buckets.copyObject(ctx, from, { bucket, key });
  sendXml(request.res, 'CopyObjectResult', { LastModified: new Date(info.modifiedMs).toISOString(), ETag: info.etag });
}

async function deleteObjects(request: S3Request, bucket: buckets.Bucket, body: Buffer): Promise<void> {
  const document = parseXmlBody(body, 'Delete');
  const objects = (document.Object as unknown[] | undefined) ?? [];
  if (objects.length > 1000) throw new S3Error('MalformedXML', 'DeleteObjects takes at most 1000 keys.');
  const quiet = textOf(document.Quiet)?.trim() === 'true';
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  for (const object of objects) {
    const key = textOf((object as Record<string, unknown>).Key);
    if (key === undefined) throw new S3Error('MalformedXML', 'Every <Object> of a <Delete> needs a <Key>.');
    try {
      await buckets.deleteObject(request.loupe.ctx, bucket, key);
      deleted.push({ Key: key });
    } catch (error) {
      const s3Error = toS3Error(error);
      if (s3Error.code === 'InternalError') throw error;
      errors.push({ Key: key, Code: s3Error.code, Message: s3Error.message });
    }
  }
  sendXml(request.res, 'DeleteResult', { ...(quiet ? {} : { Deleted: deleted }), Error: errors });
}

async function completeUpload(request: S3Request, bucket: buckets.Bucket, key: string, uploadId: string, body: Buffer): Promise<void> {
  const document = parseXmlBody(body, 'CompleteMultipartUpload');
  const parts = ((document.Part as unknown[] | undefined) ?? []).map((part) => {
    const fields = part as Record<string, unknown>;
    const partNumber = Number(textOf(fields.PartNumber)?.trim());
    const etag = textOf(fields.ETag)?.trim();
    if (!Number.isInteger(partNumber) || !etag) throw new S3Error('MalformedXML', 'Every <Part> needs a <PartNumber> and an <ETag>.');
    return { partNumber, etag };
  });
  const info = await buckets.completeUpload(request.loupe.ctx, bucket, key, uploadId, parts);
  const host = request.req.headers.host ?? 'localhost';
  sendXml(request.res, 'CompleteMultipartUploadResult', {
    Location: `http://${host}/${encodeURIComponent(bucket.name)}/${key.split('/').map(encodeURIComponent).join('/')}`,
    Bucket: bucket.name,
    Key: key,
    ETag: info.etag,
  });
}

function echoedChecksums(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-type'));
}

function sendXml(res: ServerResponse, root: string, content: Record<string, unknown>): void {
  const body = xmlDocument(root, content, true);
  res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  res.end(body);
}

function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Length': 0 });
  res.end();
}

function notImplemented(what: string): S3Error {
  return new S3Error('NotImplemented', `${what} is not implemented by Loupe's S3 API (mapped buckets: list, get, put, copy, delete, multipart).`);
}

function methodNotAllowed(method: string, what: string): S3Error {
  return new S3Error('MethodNotAllowed', `The specified method ${method} is not allowed against ${what}.`);
}


