/**
 * The built web UI (`npm run build:renderer` → dist/renderer) for `loupe serve` and kiosk mode.
 * `/` and extension-less paths are the single-page app's index.html; other paths are files inside
 * the folder or 404. A path never leaves the folder: `..`, encoded separators, hidden files and
 * symbolic links that point outside are all refused.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import type { Loupe } from '../api';
import { entryImageFile, isImageVariant } from '../datasets/images';
import { contentSecurityPolicy } from '../contentSecurityPolicy';
import { contentTypeOf } from '../contentTypes';
import { sendPlain } from './json11';

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

const HTML_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Cache-Control': 'no-cache',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Loupe</title></head>
<body>
<h1>Loupe</h1>
<p>The web UI is not built. Run <code>npm run build:renderer</code> and reload this page.</p>
<p>The API is being served at this address all the same.</p>
</body>
</html>
`;

/** Serve a GET or HEAD for `rawPath` (the request path, still percent-encoded, without the query). */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  rootDir: string,
  rawPath: string,
): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    sendPlain(res, 400, 'Bad request: the path is not valid percent-encoding.');
    return;
  }
  const segments = decoded.split(/[/\\]/).filter((segment) => segment !== '');
  if (decoded.includes('\0') || segments.some((segment) => segment.startsWith('.') || segment.includes(':'))) {
    sendPlain(res, 404, 'Not found');
    return;
  }
  const root = resolve(rootDir);
  const candidate = resolve(root, ...segments);
  if (candidate !== root && !candidate.startsWith(root + sep)) {
    sendPlain(res, 404, 'Not found');
    return;
  }
  const file = segments.length === 0 ? undefined : await insideFile(root, candidate);
  if (file) {
    await sendFile(req, res, file, segments[0] === 'assets');
    return;
  }
  const last = segments.at(-1);
  if (last !== undefined && extname(last) !== '') {
    sendPlain(res, 404, 'Not found');
    return;
  }
  // `/` and app routes such as /projects/x: the single-page app decides what they show.
  const index = await insideFile(root, resolve(root, 'index.html'));
  if (index) {
    await sendFile(req, res, index, false);
    return;
  }
  const body = Buffer.from(NOT_BUILT_PAGE, 'utf8');
  res.writeHead(200, { ...HTML_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The real path of a regular file at `path`, if it exists and lies inside `root`. */
async function insideFile(root: string, path: string): Promise<string | undefined> {
  try {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(path)]);
    if (!real.startsWith(realRoot + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, isHashedAsset: boolean): Promise<void> {
  const info = await stat(file);
  const contentType = contentTypeOf(file);
  res.writeHead(200, {
    ...(contentType.startsWith('text/html') ? HTML_HEADERS : {}),
    // Vite names files under assets/ by content hash, so they never change under one name.
    ...(isHashedAsset ? { 'Cache-Control': 'public, max-age=31536000, immutable' } : {}),
    'Content-Type': contentType,
    'Content-Length': info.size,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((done) => {
    const stream = createReadStream(file);
    stream.on('error', (error) => {
      res.destroy(error);
      done();
    });
    res.on('close', () => {
      stream.destroy();
      done();
    });
    stream.pipe(res);
  });
}

/** GET /images/<entry id>/<variant>: an entry's cached picture (main/datasets/images.ts). */
export async function serveEntryImage(res: ServerResponse, loupe: Loupe, entryId: number, variant: string): Promise<void> {
  if (!isImageVariant(variant)) {
    sendPlain(res, 404, `No picture variant ${variant}; use thumb or display.`);
    return;
  }
  const file = await entryImageFile(loupe.ctx, entryId, variant);
  const info = file ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !info) {
    sendPlain(res, 404, 'This entry has no picture.');
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'image/jpeg',
    'Content-Length': String(info.size),
    // Named by content hash: a picture at a URL changes only when its entry's image does.
    'Cache-Control': 'private, max-age=60',
  });
  createReadStream(file).pipe(res);
}
