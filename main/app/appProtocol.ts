/**
 * `app://loupe/…` is the renderer's origin. It serves the built renderer (dist/renderer) and
 * nothing else, with the content security policy on every response, so the window never loads a
 * `file://` or remote page. Kept free of Electron imports (main.ts registers the handler) so the
 * path rules can run in plain Node.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CustomScheme } from 'electron';
import { contentSecurityPolicy } from '../contentSecurityPolicy';
import { contentTypeOf } from '../contentTypes';
import { isInside } from './paths';

export const APP_SCHEME = 'app';
export const APP_HOST = 'loupe';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Standard (relative URLs, storage, a real origin for 'self'), secure (like https), fetchable.
 * `corsEnabled` lets module scripts and fetches be checked like http ones.
 */
export const appScheme: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
};

/** The page may run only its own scripts, and show its own images, data/blob URLs and user images. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy({ imageSources: ['loupe-image:'] });

/** Whether `url` is a page of ours: `app://loupe/…`, any path, query or hash. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    // Node gives non-special schemes an opaque origin ('null'), so compare scheme and host.
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Answer one `app://` request with a file under `rendererRoot`, or 400/403/404/405. */
export async function serveRendererFile(request: Request, rendererRoot: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405);
  let url: URL;
  let pathname: string;
  try {
    url = new URL(request.url);
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return refuse(400);
  }
  if (url.host !== APP_HOST) return refuse(404);
  if (pathname.includes('\0')) return refuse(400);

  const root = resolve(rendererRoot);
  const file = join(root, pathname === '/' || pathname === '' ? 'index.html' : pathname);
  if (!isInside(root, file)) return refuse(403);

  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return refuse(404);
  const body = request.method === 'HEAD' ? null : await readFile(file);
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': contentTypeOf(file),
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    },
  });
}

function refuse(status: 400 | 403 | 404 | 405): Response {
  return new Response(null, {
    status,
    headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' },
  });
}
