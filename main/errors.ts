/**
 * Expected failures a caller can act on. `name` is one of the service's error types
 * (preload/contract/errors.ts); every transport turns it into its own envelope.
 * Bugs stay plain `Error`s and surface as `InternalServerError`.
 */
import type { ErrorName } from '../preload/contract/errors';
import { formatMessage, type MessageCode, type MessageParams, type MessageRef } from '../preload/contract/messages';

export class ServiceError extends Error {
  /** Loupe's own sentence behind the message, when it has one (preload/contract/messages.ts). */
  readonly ref: MessageRef | undefined;

  constructor(
    readonly code: ErrorName,
    message: string,
    options?: { cause?: unknown; ref?: MessageRef },
  ) {
    super(message, options);
    this.name = code;
    this.ref = options?.ref;
  }
}

/** A ServiceError whose message is one of Loupe's coded sentences, in English, with its code kept. */
export function codedError(name: ErrorName, code: MessageCode, params: MessageParams = {}, options?: { cause?: unknown }): ServiceError {
  return new ServiceError(name, formatMessage(code, params), { ...options, ref: { Code: code, Params: params } });
}

/**
 * A refusal only a caller of the API can meet (the app never sends such input): the service's
 * English, no code. In the domains whose messages the app shows, every other refusal is a
 * `codedError` (test/main/messageCodes.test.ts).
 */
export function apiError(name: ErrorName, message: string): ServiceError {
  return new ServiceError(name, message);
}

const NOT_FOUND = { project: 'NoSuchProject', dataset: 'NoSuchDataset', 'project version': 'NoSuchProjectVersion', version: 'NoSuchVersion', resource: 'NoSuchResource' } as const;

export function notFound(what: keyof typeof NOT_FOUND, arn: string): ServiceError {
  return codedError('ResourceNotFoundException', NOT_FOUND[what], { arn });
}

/**
 * A ServiceError as it crossed a process or a transport (name, English, and the code behind it
 * when it had one), made again on this side.
 */
export function revivedError(name: ErrorName, message: string, ref?: MessageRef): ServiceError {
  return new ServiceError(name, message, ref ? { ref } : undefined);
}

/** For conditions that can only be false through a bug. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Invariant failed: ${message}`);
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

/** What a cancelled job's work throws (and how its end is recognised). */
export function cancelledError(): ServiceError {
  return codedError('CancelledException', 'JobCancelledError');
}
