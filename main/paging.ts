/**
 * Paging as the service does it: MaxResults and an opaque NextToken. Keyset tokens (a row id or a
 * name, base64url JSON) for lists read from the database with `limit + 1` rows, offset tokens for
 * lists held whole in memory. An empty NextToken means the first page, as with the service (the
 * guide's ListDatasetEntries example sends one on its first call).
 */
import { codedError, type ServiceError } from './errors';

function invalidToken(): ServiceError {
  return codedError('InvalidPaginationTokenException', 'InvalidNextToken');
}

function decodeJsonToken(token: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (parsed !== null && typeof parsed === 'object') return parsed as Record<string, unknown>;
  } catch {
    // Fall through to the service's error for a token it did not issue.
  }
  throw invalidToken();
}

/** NextToken values are opaque to clients: a keyset position, base64url-encoded. */
export function encodePageToken(afterId: number): string {
  return Buffer.from(JSON.stringify({ k: afterId })).toString('base64url');
}

export function decodePageToken(token: string): number {
  const { k } = decodeJsonToken(token);
  if (typeof k === 'number' && Number.isInteger(k)) return k;
  throw invalidToken();
}

/** A keyset position on a name (lists ordered by name). */
export function encodeNameToken(afterName: string): string {
  return Buffer.from(JSON.stringify({ n: afterName })).toString('base64url');
}

export function decodeNameToken(token: string): string {
  const { n } = decodeJsonToken(token);
  if (typeof n === 'string') return n;
  throw invalidToken();
}

/**
 * One page of rows read with `limit + 1`: the first `limit`, and `next` — `{ NextToken }` made
 * from the page's last row when more rows follow, else `{}` — to spread into the response.
 */
export function keysetPage<T>(rows: readonly T[], limit: number, tokenOf: (last: T) => string): { page: T[]; next: { NextToken?: string } } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, next: rows.length > limit && last !== undefined ? { NextToken: tokenOf(last) } : {} };
}

/** One page of a list held whole: from the position NextToken names, `limit` items and the next token. */
export function offsetPage<T>(all: readonly T[], token: string | undefined, limit: number): { page: T[]; next: { NextToken?: string } } {
  const start = !token ? 0 : Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0 || start > all.length) throw invalidToken();
  const page = all.slice(start, start + limit);
  return { page, next: start + limit < all.length ? { NextToken: Buffer.from(String(start + limit)).toString('base64url') } : {} };
}

/** JSON 1.1 carries timestamps as fractional epoch seconds. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
