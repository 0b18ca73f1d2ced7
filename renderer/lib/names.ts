/** The service's rule for project and version names (CreateProject's `ProjectName`). */
export const NAME_MAX_LENGTH = 255;
const NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;

export type NameProblem = 'required' | 'tooLong' | 'pattern';

/** Why a name would be refused, or null when it is valid. */
export function checkResourceName(name: string): NameProblem | null {
  if (name.length === 0) return 'required';
  if (name.length > NAME_MAX_LENGTH) return 'tooLong';
  if (!NAME_PATTERN.test(name)) return 'pattern';
  return null;
}

// Legacy bucket names (capitals, underscores) are allowed: old manifests use them.
const BUCKET_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/;

export type BucketProblem = 'required' | 'length' | 'pattern';

/** The S3 bucket-name rule that CreateBucketMapping enforces. */
export function checkBucketName(bucket: string): BucketProblem | null {
  if (bucket.length === 0) return 'required';
  if (bucket.length < 3 || bucket.length > 255) return 'length';
  if (!BUCKET_PATTERN.test(bucket)) return 'pattern';
  return null;
}
