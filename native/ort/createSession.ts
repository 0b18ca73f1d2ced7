/**
 * The execution-provider ladder. ONNX Runtime throws when a requested provider is unavailable even
 * with 'cpu' listed after it (measured with onnxruntime-node 1.30: ['cuda', 'cpu'] on a machine
 * without the CUDA libraries fails with "Failed to load shared library"), so each rung is tried on
 * its own and the first that loads the model wins.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { env, InferenceSession } from 'onnxruntime-node';
import { messageOf, OrtError } from './errors';
import { OrtSession, type Provider } from './session';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Same shape as main/log's logger methods, so a caller passes `(level, msg, fields) => logger[level](msg, fields)`. */
export type LogFn = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export interface CreateSessionOptions {
  /** Rungs to try in order (default: defaultProviders() for this platform). */
  providers?: readonly Provider[];
  /** Intra-op threads (default: ONNX Runtime's, one per physical core). */
  threads?: number;
  /**
   * Whether idle intra-op threads spin-wait for the next piece of work (ONNX Runtime's default, true).
   * false makes them sleep instead (the session option `session.intra_op.allow_spinning` = 0): less
   * processor time burnt between the many small runs of a training loop, on a machine shared with
   * other work.
   */
  spinning?: boolean;
  /** Loupe's log level; ONNX Runtime's own logging follows it (see README). Default 'warn'. */
  verbosity?: LogLevel;
  /** Receives the fallback and load-time lines. */
  log?: LogFn;
  /** The model's name in errors and logs (a model version ARN, a backbone id); default: the file name. */
  name?: string;
}

/** ONNX Runtime severities: 0 verbose, 1 info, 2 warning, 3 error. Its info is our debug detail. */
const ORT_SEVERITY: Record<LogLevel, 1 | 2 | 3> = { debug: 1, info: 2, warn: 2, error: 3 };
const ORT_ENV_LEVEL = { 1: 'info', 2: 'warning', 3: 'error' } as const;

/** The ladder for a platform: DirectML on Windows, CoreML on macOS, CUDA on Linux, then CPU. */
export function defaultProviders(platform: NodeJS.Platform = process.platform): Provider[] {
  switch (platform) {
    case 'win32':
      return ['dml', 'cpu'];
    case 'darwin':
      return ['coreml', 'cpu'];
    case 'linux':
      // CUDA only where its provider library was installed (onnxruntime-node's optional CUDA
      // download); otherwise ONNX Runtime prints a load error for every model it opens.
      return hasCudaProvider() ? ['cuda', 'cpu'] : ['cpu'];
    default:
      return ['cpu'];
  }
}

/** The CUDA provider's library, where onnxruntime-node's optional CUDA install puts it (Linux); undefined when unresolvable. */
export function cudaProviderLibrary(): string | undefined {
  try {
    // A CommonJS bundle (the app) has an empty import.meta and its own require.
    const here = (import.meta as { url?: string }).url;
    const binding = (here ? createRequire(here) : require).resolve('onnxruntime-node');
    return join(dirname(binding), '..', 'bin', 'napi-v6', 'linux', process.arch, 'libonnxruntime_providers_cuda.so');
  } catch {
    // Resolution can fail inside a bundle; the caller then cannot tell.
    return undefined;
  }
}

function hasCudaProvider(): boolean {
  const library = cudaProviderLibrary();
  // Unresolvable: the ladder simply tries CUDA and falls back.
  return library === undefined || existsSync(library);
}

// A provider whose libraries are missing stays missing for the life of the process; trying it again
// would only repeat ONNX Runtime's own error line on stderr for every model loaded.
const MISSING_LIBRARY = /failed to load|backend not found|cannot open shared object|not (?:supported|available)|no available backend/i;
const missing = new Map<Provider, string>();

let environmentReady = false;

/**
 * Load a model (bytes or a file path) on the first provider of the ladder that accepts it.
 * Returns the session and the provider it runs on; throws OrtError ('provider-unavailable' when no
 * requested accelerator works and CPU was not requested, 'model-load' when the model itself fails).
 */
export async function createSession(
  model: Uint8Array | string,
  options: CreateSessionOptions = {},
): Promise<{ session: OrtSession; provider: Provider }> {
  const providers = options.providers ?? defaultProviders();
  const name = options.name ?? (typeof model === 'string' ? basename(model) : 'model');
  const severity = ORT_SEVERITY[options.verbosity ?? 'warn'];
  if (providers.length === 0) throw new OrtError('provider-unavailable', 'no execution provider was requested', { model: name });
  if (!environmentReady) {
    // Read once, when ONNX Runtime creates its environment on the first session.
    env.logLevel = ORT_ENV_LEVEL[severity];
    environmentReady = true;
  }
  const failures: { provider: Provider; message: string; error: unknown }[] = [];
  for (const provider of providers) {
    const known = missing.get(provider);
    if (known !== undefined) {
      failures.push({ provider, message: known, error: undefined });
      options.log?.('debug', `${provider} skipped: found unavailable earlier`, { model: name, provider, reason: known });
      continue;
    }
    const started = performance.now();
    try {
      const sessionOptions: InferenceSession.SessionOptions = {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        interOpNumThreads: 1,
        logSeverityLevel: severity,
        logId: name,
      };
      if (options.threads !== undefined) sessionOptions.intraOpNumThreads = options.threads;
      if (options.spinning === false) sessionOptions.extra = { 'session.intra_op.allow_spinning': '0' };
      const session =
        typeof model === 'string' ? await InferenceSession.create(model, sessionOptions) : await InferenceSession.create(model, sessionOptions);
      const loadMs = Math.round(performance.now() - started);
      options.log?.('info', 'model loaded', { model: name, provider, loadMs, fellBackFrom: failures.map((failure) => failure.provider) });
      return { session: new OrtSession(session, name, provider), provider };
    } catch (error) {
      const message = messageOf(error);
      if (MISSING_LIBRARY.test(message)) missing.set(provider, message);
      failures.push({ provider, message, error });
      const next = providers[providers.indexOf(provider) + 1];
      if (next) options.log?.('warn', `${provider} unavailable, trying ${next}`, { model: name, provider, reason: message });
    }
  }
  const last = failures[failures.length - 1];
  const tried = failures.map((failure) => `${failure.provider}: ${failure.message}`).join('; ');
  if (last && last.provider === 'cpu') {
    throw new OrtError('model-load', `cannot load the model (${tried})`, { model: name, provider: 'cpu', cause: last.error });
  }
  throw new OrtError('provider-unavailable', `no requested execution provider is available (${tried})`, {
    model: name,
    provider: providers.join(', '),
    cause: last?.error,
  });
}
