/**
 * S3's error answer: `<Error><Code/><Message/><Resource/><RequestId/></Error>` as XML with the
 * status S3 gives that code. Failures of the signature check, made by the shared SigV4 code in
 * JSON 1.1 terms, are renamed to S3's codes here.
 */
import type { ServerResponse } from 'node:http';
import { ObjectError, type ObjectErrorCode } from '../../buckets';
import { ServiceError } from '../../errors';
import { xmlDocument } from './xml';

export type S3ErrorCode =
  | ObjectErrorCode
  | 'AuthorizationHeaderMalformed'
  | 'InvalidAccessKeyId'
  | 'SignatureDoesNotMatch'
  | 'RequestTimeTooSkewed'
  | 'XAmzContentSHA256Mismatch'
  | 'IncompleteBody'
  | 'InvalidDigest'
  | 'InvalidRequest'
  | 'InvalidURI'
  | 'MalformedXML'
  | 'MethodNotAllowed'
  | 'NotImplemented'
  | 'BucketAlreadyOwnedByYou'
  | 'EntityTooLarge'
  | 'InternalError';

const STATUS: Record<S3ErrorCode, number> = {
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  AccessDenied: 403,
  InvalidArgument: 400,
  InvalidRange: 416,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  EntityTooSmall: 400,
  BadDigest: 400,
  KeyTooLongError: 400,
  AuthorizationHeaderMalformed: 400,
  InvalidAccessKeyId: 403,
  SignatureDoesNotMatch: 403,
  RequestTimeTooSkewed: 403,
  XAmzContentSHA256Mismatch: 400,
  IncompleteBody: 400,
  InvalidDigest: 400,
  InvalidRequest: 400,
  InvalidURI: 400,
  MalformedXML: 400,
  MethodNotAllowed: 405,
  NotImplemented: 501,
  BucketAlreadyOwnedByYou: 409,
  EntityTooLarge: 400,
  InternalError: 500,
};

export class S3Error extends Error {
  constructor(
    readonly code: S3ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/** Any failure as S3 would name it; what is neither ours nor S3's is an InternalError. */
export function toS3Error(error: unknown): S3Error {
  if (error instanceof S3Error) return error;
  if (error instanceof ObjectError) return new S3Error(error.code, error.message);
  if (error instanceof ServiceError) {
    switch (error.code) {
      case 'IncompleteSignature':
        return new S3Error('AuthorizationHeaderMalformed', error.message);
      case 'UnrecognizedClientException':
        return new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records. Loupe accepts only its own key (Settings › API).');
      case 'MissingAuthenticationTokenException':
        return new S3Error('AccessDenied', 'Access Denied: the request is not signed. Sign it with SigV4 and Loupe\'s keys (Settings › API).');
      case 'InvalidSignatureException':
        return /^Signature (expired|not yet current)/.test(error.message)
          ? new S3Error('RequestTimeTooSkewed', `The difference between the request time and the current time is too large. ${error.message}`)
          : error.message.includes('x-amz-content-sha256')
            ? new S3Error('XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.')
            : new S3Error('SignatureDoesNotMatch', error.message);
      case 'SerializationException':
        return new S3Error('EntityTooLarge', error.message);
      default:
        return new S3Error('InvalidRequest', error.message);
    }
  }
  return new S3Error('InternalError', 'We encountered an internal error. Please try again. The log has the details.');
}

export function sendS3Error(res: ServerResponse, error: S3Error, resource: string, requestId: string, isHead: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = isHead
    ? Buffer.alloc(0)
    : xmlDocument('Error', { Code: error.code, Message: error.message, Resource: resource, RequestId: requestId });
  res.writeHead(error.status, {
    'Content-Type': 'application/xml',
    'Content-Length': body.length,
    'x-amz-request-id': requestId,
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
