/**
 * Expected failures a caller can act on. `name` is one of the service's error types
 * (preload/contract/errors.ts); every transport turns it into its own envelope.
 * Bugs stay plain `Error`s and surface as `InternalServerError`.
 */
import type { ErrorName } from '../preload/contract/errors';

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code;
  }
}

export function notFound(what: string, arn: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `The ${what} ${arn} does not exist.`);
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
  return new ServiceError('CancelledException', 'The job was cancelled.');
}
