import type { ErrorName } from '../../preload/contract/errors';
import { formatMessage, parseMessage, type MessageCode, type MessageParams } from '../../preload/contract/messages';

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

/** An error the web UI itself raises, as one of Loupe's coded sentences (English here, the user's language on screen). */
export function codedApiError(code: ApiErrorCode, message: MessageCode, params: MessageParams = {}): ApiError {
  return new ApiError(code, formatMessage(message, params), message, params);
}

/** A request that never got an answer (the network, a stopped server), coded around the browser's own reason. */
export function networkError(error: unknown): ApiError {
  return codedApiError('NetworkError', 'ServerUnreachable', { reason: error instanceof Error ? error.message : String(error) });
}

/** A failed dataset's StatusMessage (text only in the service's shapes) as an error, coded when it is one of Loupe's sentences. */
export function statusError(message: string): ApiError {
  const ref = parseMessage(message);
  return new ApiError('InvalidParameterException', message, ref?.Code, ref?.Params);
}
