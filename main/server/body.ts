import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { formatMessage, type MessageRef } from '../../preload/contract/messages';
import { ServiceError } from '../errors';

export const MiB = 1024 * 1024;

/**
 * API bodies up to 8 MiB: DetectCustomLabels carries images of up to 4 MB as base64 (about
 * 5.4 MB) plus the rest of the JSON.
 */
export const MAX_API_BODY_BYTES = 8 * MiB;

/** Answered with 413; the type stays the service's SerializationException so SDKs map it. */
export class BodyTooLargeError extends ServiceError {
  readonly status = 413;

  /** `ref`: Loupe's own sentence for the path that refused the body (an upload names the file). */
  constructor(limitBytes: number, ref?: MessageRef) {
    super(
      'SerializationException',
      ref
        ? formatMessage(ref.Code, ref.Params)
        : `The request body is larger than ${formatLimit(limitBytes)}, the most Loupe accepts in one request. ` +
            'Send a smaller image (the service limit is 4 MB as bytes) or reference it by S3Object.',
      ref ? { ref } : undefined,
    );
  }
}

export function formatLimit(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/**
 * Read the whole body, refusing past `limitBytes` (from Content-Length up front, or while
 * reading a chunked body). A refused body is drained rather than left half-read, so the 413
 * answer reaches the client before the connection closes.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      drain(req);
      reject(new BodyTooLargeError(limitBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        chunks.length = 0;
        drain(req);
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      if (req.complete) return;
      cleanup();
      reject(new Error('The client closed the connection before sending the whole body.'));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Stream the body into a new file at `target`, refusing past `limitBytes` as readBody does; a
 * refused or broken body leaves no file behind. Large uploads never sit in memory whole.
 * Returns the number of bytes written.
 */
export function writeBody(req: IncomingMessage, target: string, limitBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      drain(req);
      reject(new BodyTooLargeError(limitBytes));
      return;
    }
    const out = createWriteStream(target, { flags: 'wx' });
    let size = 0;
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      if (!req.complete) drain(req);
      out.destroy();
      rm(target, { force: true }).then(
        () => reject(error),
        () => reject(error),
      );
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        fail(new BodyTooLargeError(limitBytes));
        return;
      }
      if (!out.write(chunk)) {
        req.pause();
        out.once('drain', () => {
          if (!settled) req.resume();
        });
      }
    };
    const onEnd = (): void => {
      cleanup();
      out.end(() => {
        if (settled) return;
        settled = true;
        resolve(size);
      });
    };
    const onClose = (): void => {
      if (!req.complete) fail(new Error('The client closed the connection before sending the whole body.'));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', fail);
      req.off('close', onClose);
    };
    out.on('error', fail);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', fail);
    req.on('close', onClose);
  });
}

/** Bytes of a refused body read and dropped before the connection is cut after all. */
const MAX_DRAIN_BYTES = 256 * MiB;

/**
 * Discard the rest of a body we will not use, so the response can be read by the client: closing
 * a socket with unread data makes the client see a reset instead of the answer. A body that goes
 * on past MAX_DRAIN_BYTES is cut off.
 */
export function drain(req: IncomingMessage): void {
  req.on('error', () => undefined);
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAIN_BYTES) req.socket.destroy();
  });
  req.resume();
}
