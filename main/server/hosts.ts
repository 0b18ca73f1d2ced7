/**
 * DNS-rebinding and cross-site defence. A page on another site can point its own host name at
 * 127.0.0.1; the browser then sends that name in Host. Bound to loopback, only our own names
 * are accepted. Requests that carry an Origin (browsers do on POST and EventSource) must come
 * from the page this server serves. No CORS headers are ever sent, so other origins cannot read
 * responses either.
 */
import { isIP } from 'node:net';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

/** The name to put in a URL for `host` (IPv6 in brackets; wildcard binds reached via loopback). */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * Which Host headers to accept: the names the server is reached under, with its port. Bound to
 * loopback, our loopback names; bound elsewhere (a kiosk on the LAN), the names it serves and its
 * certificate is made for (`servedNames`, plus any the user adds), so a rebinding page's own
 * name is still refused.
 */
export function createHostCheck(boundHost: string, port: number, servedNames: string[] = []): (host: string | undefined) => boolean {
  const names = new Set([...LOOPBACK_NAMES, urlHost(boundHost).toLowerCase()]);
  if (!isLoopbackHost(boundHost)) for (const name of servedNames) names.add(isIP(name) === 6 ? `[${name}]` : name.toLowerCase());
  const allowed = new Set<string>();
  for (const name of names) {
    allowed.add(`${name}:${port}`);
    if (port === 80 || port === 443) allowed.add(name);
  }
  // S3's virtual-hosted style: `<bucket>.localhost:<port>` (browsers resolve *.localhost to loopback).
  const virtualHost = new RegExp(`^[a-z0-9][a-z0-9.-]*\\.localhost:${port}$`);
  return (host) => {
    const name = host?.trim().toLowerCase();
    return name !== undefined && (allowed.has(name) || virtualHost.test(name));
  };
}

/** When the browser says where the request comes from, it must be this server's own page. */
export function isSameOrigin(origin: string | undefined, host: string | undefined, scheme: 'http' | 'https' = 'http'): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  try {
    const url = new URL(origin);
    return url.protocol === `${scheme}:` && url.host === new URL(`${scheme}://${host}`).host;
  } catch {
    return false;
  }
}
