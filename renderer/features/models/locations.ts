/** s3:// locations of a version's files, and where they are on this computer. */
import type { BucketMapping, S3Location } from '../../api';

export function s3Url(location: S3Location): string {
  return `s3://${location.S3Object.Bucket}/${location.S3Object.Name}`;
}

/** The file behind an s3:// location, through the bucket's mapping; undefined when the bucket is not mapped. */
export function localPathOf(mappings: readonly BucketMapping[] | undefined, location: S3Location): string | undefined {
  const mapping = mappings?.find((candidate) => candidate.Bucket === location.S3Object.Bucket);
  if (!mapping) return undefined;
  const windows = mapping.Folder.includes('\\') && !mapping.Folder.includes('/');
  const separator = windows ? '\\' : '/';
  const folder = mapping.Folder.replace(/[\\/]+$/, '');
  const key = location.S3Object.Name.split('/').filter(Boolean).join(separator);
  return `${folder}${separator}${key}`;
}
