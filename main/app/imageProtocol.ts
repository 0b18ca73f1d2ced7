/**
 * `loupe-image://entry/<entry id>/<thumb|display>`: how the renderer shows dataset images inside
 * Electron without pixels crossing IPC (ARCHITECTURE.md §1, Transports). A request names an entry,
 * never a path: only pictures of images Loupe imported can be served (main/datasets/images.ts).
 * Kept free of Electron imports (main.ts registers the handler) so it runs in plain Node.
 */
import { readFile } from 'node:fs/promises';
import type { CustomScheme } from 'electron';
import { APP_ORIGIN } from './appProtocol';

export const IMAGE_SCHEME = 'loupe-image';
const IMAGE_HOST = 'entry';

/** Secure so an `app://` page may load it; CORS so a canvas may read the pixels it draws. */
export const imageScheme: CustomScheme = {
  scheme: IMAGE_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
};

/** The cached JPEG of an entry's picture, or undefined when it has none. */
export type EntryPicture = (entryId: number, variant: string) => Promise<string | undefined>;

/** Answer one `loupe-image://` request. */
export async function serveImage(request: Request, pictureOf: EntryPicture): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refuse(400);
  }
  const match = /^\/(\d+)\/([a-z]+)$/.exec(url.pathname);
  if (url.host !== IMAGE_HOST || !match) return refuse(400);
  const file = await pictureOf(Number(match[1]), match[2]!);
  if (!file) return refuse(404);
  const body = request.method === 'HEAD' ? null : await readFile(file);
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'image/jpeg',
      'Access-Control-Allow-Origin': APP_ORIGIN,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=60',
    },
  });
}

function refuse(status: 400 | 404 | 405): Response {
  return new Response(null, { status, headers: { 'X-Content-Type-Options': 'nosniff' } });
}
