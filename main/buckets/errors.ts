/**
 * What can go wrong with an object of a mapped bucket, named as S3 names it so the transport can
 * answer in S3's own terms. Messages say what to do in Loupe's words.
 */
export type ObjectErrorCode =
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'NoSuchUpload'
  | 'AccessDenied'
  | 'InvalidArgument'
  | 'InvalidRange'
  | 'InvalidPart'
  | 'InvalidPartOrder'
  | 'EntityTooSmall'
  | 'BadDigest'
  | 'KeyTooLongError';

export class ObjectError extends Error {
  constructor(
    readonly code: ObjectErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code;
  }
}
