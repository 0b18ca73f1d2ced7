/**
 * `loupe-image://file/<encodeURIComponent(absolute path)>`: how the renderer shows a user's images
 * without pixels crossing IPC (ARCHITECTURE.md §1, Transports).
 *
 * A request is served only when all of these hold, else it is refused:
 * - GET or HEAD, host `file`, an absolute path (400 otherwise);
 * - an image extension the page can display (403);
 * - the file, after resolving symbolic links, lies under one of the folders `allowedFolders()`
 *   returns at the time of the request, also resolved (403);
 * - it exists and is a regular file (404).
 * No folder is registered yet, so every image request is refused until datasets register theirs.
 * Kept free of Electron imports (main.ts registers the handler) so the rules can run in plain Node.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, normalize, resolve } from 'node:path';
import type { CustomScheme } from 'electron';
import { APP_ORIGIN } from './appProtocol';
import { isInside } from './paths';

export const IMAGE_SCHEME = 'loupe-image';
const IMAGE_HOST = 'file';

/** Secure so an `app://` page may load it; CORS so a canvas may read the pixels it draws. */
export const imageScheme: CustomScheme = {
  scheme: IMAGE_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
};

/** The folders images may be served from right now (absolute paths). */
export type AllowedFolders = () => readonly string[] | Promise<readonly string[]>;

const imageTypes: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
};

/** The URL the renderer uses for the image at `absolutePath`. */
export function imageUrl(absolutePath: string): string {
  return `${IMAGE_SCHEME}://${IMAGE_HOST}/${encodeURIComponent(absolutePath)}`;
}

/** Answer one `loupe-image://` request (see the rules above). */
export async function serveImage(request: Request, allowedFolders: AllowedFolders): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405);
  let url: URL;
  let requested: string;
  try {
    url = new URL(request.url);
    requested = decodeURIComponent(url.pathname.slice(1));
  } catch {
    return refuse(400);
  }
  if (url.host !== IMAGE_HOST || requested.includes('\0') || !isAbsolute(requested)) return refuse(400);

  const contentType = imageTypes[extname(requested).toLowerCase()];
  if (!contentType) return refuse(403);

  // Checked on the path as written first, so nothing outside the folders can be probed for
  // existence, then again once links are resolved, so a link cannot lead outside them.
  const folders = (await allowedFolders()).map((folder) => resolve(folder));
  const written = normalize(requested);
  if (!folders.some((folder) => isInside(folder, written))) return refuse(403);
  const file = await realpath(written).catch(() => undefined);
  if (!file) return refuse(404);
  const realFolders = await Promise.all(folders.map((folder) => realpath(folder).catch(() => undefined)));
  if (!realFolders.some((folder) => folder !== undefined && isInside(folder, file))) return refuse(403);

  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return refuse(404);
  const body = request.method === 'HEAD' ? null : await readFile(file);
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': contentType,
      'Content-Length': String(info.size),
      'Access-Control-Allow-Origin': APP_ORIGIN,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    },
  });
}

function refuse(status: 400 | 403 | 404 | 405): Response {
  return new Response(null, { status, headers: { 'X-Content-Type-Options': 'nosniff' } });
}
