/**
 * The one path from a transport to a handler: look the operation up by name, parse its input
 * with the contract's schema, run the handler, and return the envelope. IPC, HTTP and the CLI
 * all call `invoke`; none of them knows a handler.
 */
import type { z } from 'zod';
import {
  declaredErrors,
  isOperationName,
  operations,
  type ApiErrorData,
  type OperationName,
  type Result,
} from '../../preload/contract';
import { codedError, revivedError, ServiceError } from '../errors';
import { formatMessage } from '../../preload/contract/messages';
import { createLogger } from '../log';
import { handlers } from './catalogue';
import type { Context } from '../core/context';

const log = createLogger('api');

export async function invoke(ctx: Context, name: string, input: unknown): Promise<Result<unknown>> {
  if (!isOperationName(name)) {
    return failure('UnknownOperationException', `Operation ${name} is not supported by Loupe.`);
  }
  const parsed = operations[name].input.safeParse(input ?? {}, { reportInput: true });
  if (!parsed.success) return declaredFailure(name, 'ValidationException', describeIssues(parsed.error.issues));
  try {
    const handler = handlers[name] as (ctx: Context, input: unknown) => unknown;
    return { ok: true, value: await handler(ctx, parsed.data) };
  } catch (error) {
    if (error instanceof ServiceError) {
      // Loupe's own refusals of the user's input (a coded sentence) are worth a line in the log.
      if (error.ref) log.info('operation refused', { operation: name, code: error.code, messageCode: error.ref.Code, message: error.message });
      return withRef(declaredFailure(name, error.code, error.message), error);
    }
    log.error('operation failed', { operation: name, error });
    return withRef(failure('InternalServerError', formatMessage('InternalError')), codedError('InternalServerError', 'InternalError'));
  }
}

/** Like `invoke`, for callers inside main that want the value or a thrown ServiceError. */
export async function call<N extends OperationName>(
  ctx: Context,
  name: N,
  input: z.input<(typeof operations)[N]['input']>,
): Promise<unknown> {
  const result = await invoke(ctx, name, input);
  if (!result.ok) {
    const { code, message, messageCode, messageParams } = result.error;
    throw revivedError(code, message, messageCode ? { Code: messageCode, ...(messageParams ? { Params: messageParams } : {}) } : undefined);
  }
  return result.value;
}

/**
 * A service operation answers only with the errors the service model declares for it: input the
 * schema refuses is the service's InvalidParameterException, a name in use its
 * ResourceInUseException, a busy resource its ResourceNotReadyException where that is the one it
 * declares. Anything else undeclared is a slip worth a log line.
 */
function declaredFailure(name: OperationName, code: ApiErrorData['code'], message: string): Result<never> {
  const declared = declaredErrors[name];
  if (!declared || declared.includes(code)) return failure(code, message);
  if (code === 'ResourceAlreadyExistsException' && declared.includes('ResourceInUseException')) {
    return failure('ResourceInUseException', message);
  }
  // A resource busy with other work is, for an operation that cannot say "in use", not ready yet
  // (DistributeDatasetEntries on a dataset still importing).
  if (code === 'ResourceInUseException' && declared.includes('ResourceNotReadyException')) {
    return failure('ResourceNotReadyException', message);
  }
  if (code !== 'ValidationException') log.warn('undeclared error answered as InvalidParameterException', { operation: name, code, message });
  return failure('InvalidParameterException', message);
}

/** Keeps the coded sentence of a ServiceError on its envelope. */
function withRef(result: Result<never>, error: ServiceError): Result<never> {
  if (result.ok || !error.ref) return result;
  return { ok: false, error: { ...result.error, messageCode: error.ref.Code, ...(error.ref.Params ? { messageParams: error.ref.Params } : {}) } };
}

function failure(code: ApiErrorData['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

/** The service's wording: "1 validation error detected: Value 'x' at 'ProjectName' failed to …". */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'input';
    const value = 'input' in issue ? formatValue(issue.input) : 'null';
    const constraint =
      issue.code === 'invalid_type' && issue.input === undefined
        ? 'Member must not be null'
        : issue.code === 'invalid_key' && issue.issues.length > 0
          ? issue.issues.map((inner) => inner.message).join('; ')
          : issue.message;
    return `Value ${value} at '${field}' failed to satisfy constraint: ${constraint}`;
  });
  const count = parts.length === 1 ? '1 validation error detected' : `${parts.length} validation errors detected`;
  return `${count}: ${parts.join('; ')}`;
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return `'${value.length > 100 ? `${value.slice(0, 100)}…` : value}'`;
  const json = JSON.stringify(value);
  return json.length > 100 ? `${json.slice(0, 100)}…` : json;
}
