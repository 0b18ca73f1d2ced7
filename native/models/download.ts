/**
 * Fetch one pinned file: streamed to disk and hashed as it comes (a 50 MB backbone never sits in
 * memory twice), redirects followed (GitHub answers raw URLs with one), a stall timeout, and the
 * byte size and SHA-256 checked before anyone may use it. On any failure the file is removed.
 * A `file:` URL reads a copy on a disk or share instead, checked the same way.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export type DownloadFailure = 'http' | 'size' | 'sha256' | 'timeout' | 'network';

/** The download failed; `kind` says how, the message names the URL and what was expected. */
export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(
    readonly kind: DownloadFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface PinnedDownload {
  url: string;
  /** Where the file is written (created or replaced); removed again when the download fails. */
  dest: string;
  sizeBytes: number;
  /** Hex SHA-256 the file must have. */
  sha256: string;
  /** Cancels the download; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Fail when no byte arrives for this long (default 60 s), waiting for the answer included. */
  idleTimeoutMs?: number;
  /** Bytes written so far, and the pinned total. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** Bytes as they arrive: `read()` gives undefined at the end; `cancel()` lets the connection or file go. */
interface Source {
  declaredBytes: number | undefined;
  read(): Promise<Uint8Array | undefined>;
  cancel(): Promise<void>;
}

async function openHttp(url: string, signal: AbortSignal): Promise<Source> {
  const response = await fetch(url, { signal, redirect: 'follow', headers: { 'accept-encoding': 'identity' } });
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadError('http', `${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`);
  }
  const declared = response.headers.get('content-length');
  const reader = response.body.getReader();
  return {
    declaredBytes: declared === null ? undefined : Number(declared),
    read: async () => {
      const { done, value } = await reader.read();
      return done ? undefined : value;
    },
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

/** A `file:` URL: a mirror on a disk or a network share of an air-gapped site. */
async function openFile(url: string, signal: AbortSignal): Promise<Source> {
  const path = fileURLToPath(url);
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new DownloadError('network', `${url} cannot be read: ${error.message}`);
  });
  const iterator = createReadStream(path, { signal, highWaterMark: 1 << 20 })[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return {
    declaredBytes: info.size,
    read: async () => {
      const next = await iterator.next();
      return next.done ? undefined : next.value;
    },
    cancel: async () => {
      await iterator.return?.();
    },
  };
}

const causeOf = (error: unknown): string => {
  const cause = (error as { cause?: unknown }).cause;
  const text = error instanceof Error ? error.message : String(error);
  return cause instanceof Error && cause.message !== text ? `${text} (${cause.message})` : text;
};

/** Download `url` to `dest`, checking its size and SHA-256. Throws DownloadError, or the signal's reason when cancelled. */
export async function downloadPinned(options: PinnedDownload): Promise<void> {
  const { url, dest, sizeBytes, signal } = options;
  const expected = options.sha256.toLowerCase();
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const stall = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(new DownloadError('timeout', `${url} sent nothing for ${Math.round(idleMs / 1000)} s; the download was stopped.`)), idleMs);
  };
  const either = signal ? AbortSignal.any([signal, stall.signal]) : stall.signal;
  // Which of the two stopped us decides the error: the user's cancel or the stall.
  const stopped = (error: unknown): unknown => {
    if (signal?.aborted) return signal.reason ?? error;
    if (stall.signal.aborted) return stall.signal.reason;
    return error;
  };

  let done = 0;
  const file = await open(dest, 'w');
  let ok = false;
  try {
    arm();
    let source: Source;
    try {
      source = url.startsWith('file:') ? await openFile(url, either) : await openHttp(url, either);
    } catch (error) {
      const reason = stopped(error);
      if (reason !== error || error instanceof DownloadError) throw reason;
      throw new DownloadError('network', `${url} could not be reached: ${causeOf(error)}`);
    }
    if (source.declaredBytes !== undefined && source.declaredBytes !== sizeBytes) {
      await source.cancel();
      throw new DownloadError('size', `${url} is ${source.declaredBytes} bytes; the pinned file is ${sizeBytes} bytes.`);
    }
    const hash = createHash('sha256');
    try {
      for (;;) {
        const chunk = await source.read();
        if (!chunk) break;
        arm();
        done += chunk.byteLength;
        if (done > sizeBytes) throw new DownloadError('size', `${url} sent more than the pinned ${sizeBytes} bytes.`);
        hash.update(chunk);
        await file.write(chunk);
        options.onProgress?.(done, sizeBytes);
      }
    } catch (error) {
      // Stop reading (and let the connection go) whatever ended the loop.
      await source.cancel();
      if (error instanceof DownloadError) throw error;
      const reason = stopped(error);
      throw reason === error ? new DownloadError('network', `the download of ${url} broke off after ${done} of ${sizeBytes} bytes: ${causeOf(error)}`) : reason;
    }
    if (done !== sizeBytes) throw new DownloadError('size', `${url} ended after ${done} of the pinned ${sizeBytes} bytes.`);
    const actual = hash.digest('hex');
    if (actual !== expected) throw new DownloadError('sha256', `${url} has SHA-256 ${actual}; the pinned file has ${expected}.`);
    ok = true;
  } finally {
    clearTimeout(timer);
    await file.close();
    if (!ok) await rm(dest, { force: true });
  }
}
