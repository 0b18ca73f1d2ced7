/**
 * The closed list of error types an operation can fail with. The names are the service's own
 * (`__type` in a JSON 1.1 error body), so AWS SDKs map them to their modelled exception classes.
 * The HTTP status is the one the service answers with.
 *
 * Adding an error: add it here with its status, throw it as `new ServiceError(name, message)` in
 * main/, and give the renderer a message for it in renderer/app/locales.
 */
import type { MessageCode, MessageParams } from './messages';
export const errorStatus = {
  AccessDeniedException: 403,
  ConflictException: 409,
  IncompleteSignature: 403,
  InternalServerError: 500,
  InvalidImageFormatException: 400,
  InvalidPaginationTokenException: 400,
  InvalidParameterException: 400,
  InvalidPolicyRevisionIdException: 400,
  InvalidS3ObjectException: 400,
  InvalidSignatureException: 403,
  ImageTooLargeException: 400,
  LimitExceededException: 400,
  MalformedPolicyDocumentException: 400,
  MissingAuthenticationTokenException: 403,
  ProvisionedThroughputExceededException: 400,
  ResourceAlreadyExistsException: 400,
  ResourceInUseException: 400,
  ResourceNotFoundException: 400,
  ResourceNotReadyException: 400,
  SerializationException: 400,
  ServiceQuotaExceededException: 400,
  SignatureDoesNotMatch: 403,
  ThrottlingException: 400,
  UnknownOperationException: 400,
  UnrecognizedClientException: 403,
  ValidationException: 400,
  /** A long job was cancelled by the user: an outcome, never shown as a failure. */
  CancelledException: 400,
} as const;

export type ErrorName = keyof typeof errorStatus;

export const errorNames = Object.keys(errorStatus) as ErrorName[];

export function isErrorName(value: string): value is ErrorName {
  return Object.prototype.hasOwnProperty.call(errorStatus, value);
}

/** What crosses every transport when an operation fails. */
export interface ApiErrorData {
  code: ErrorName;
  message: string;
  /** Loupe's own sentence behind `message`, for the renderer to say in the user's language. */
  messageCode?: MessageCode;
  messageParams?: MessageParams;
}

/** The envelope every transport returns (Signal's sql channel shape). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };
