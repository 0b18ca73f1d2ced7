export { ObjectError, type ObjectErrorCode } from './errors';
export { isTempName, MAX_KEY_BYTES } from './keys';
export {
  compareKeys,
  copyObject,
  deleteObject,
  headObject,
  listBuckets,
  listObjects,
  openBucket,
  readObject,
  writeObject,
  type Bucket,
  type ByteSource,
  type ListOptions,
  type ObjectInfo,
  type ObjectList,
} from './objects';
export { abortUpload, completeUpload, createUpload, MIN_PART_BYTES, uploadPart, type CompletedPart } from './multipart';
export { ABANDON_UPLOAD_AFTER_MS, STALE_WRITE_MS, sweepLeftovers, type SweepOptions, type SweepReport } from './leftovers';
