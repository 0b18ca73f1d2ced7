import { ServiceError } from './errors';

/**
 * NextToken values are opaque to clients: a keyset position, base64url-encoded. An empty NextToken
 * means the first page, as with the service (the guide's ListDatasetEntries example sends one).
 */
export function encodePageToken(afterId: number): string {
  return Buffer.from(JSON.stringify({ k: afterId })).toString('base64url');
}

export function decodePageToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof parsed.k === 'number' && Number.isInteger(parsed.k)) return parsed.k;
  } catch {
    // Fall through to the service's error for a token it did not issue.
  }
  throw new ServiceError('InvalidPaginationTokenException', 'The NextToken is not valid. Use the token of a previous response.');
}

/** JSON 1.1 carries timestamps as fractional epoch seconds. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
