import type { ErrorName } from '../../preload/contract/errors';

/**
 * Codes that only the renderer produces: the request never reached an operation handler, or its
 * answer could not be read.
 */
export type ClientErrorCode = 'NetworkError' | 'InvalidResponse';

export type ApiErrorCode = ErrorName | ClientErrorCode;

/** A failed operation, as every screen sees it, whatever the transport. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ApiErrorCode | (string & {}),
    message: string,
    /** Loupe's own sentence behind `message` (preload/contract/messages.ts), to word it in the UI's language. */
    readonly messageCode?: string,
    readonly messageParams?: Record<string, string | number>,
  ) {
    super(message);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** Any thrown value as an ApiError, so screens have one shape to show. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) return new ApiError('InternalServerError', error.message);
  return new ApiError('InternalServerError', String(error));
}
