/**
 * native/ort — the only importer of onnxruntime-node. Everything that runs a model goes through a
 * session made here, so the provider ladder, input checks and error wrapping are the same everywhere.
 */

/** createSession(bytes | path, { providers, threads, verbosity, log, name }) → { session, provider }; defaultProviders(platform). */
export { createSession, defaultProviders, type CreateSessionOptions, type LogFn, type LogLevel } from './createSession';

/** OrtSession: inputs/outputs (declared specs), run({ name: { data, dims } }, { outputs }) → { name: { data, dims } }, release(). */
export { OrtSession, type InputData, type OutputData, type Provider, type RunOptions, type TensorInput, type TensorOutput, type ValueSpec } from './session';

/** OrtError: kind ('provider-unavailable' | 'model-load' | 'bad-input' | 'run-failed' | 'released'), model, provider, inputs. */
export { OrtError, type InputSummary, type OrtFailure } from './errors';

/** probeProviders() → { ladder, known, cuda?, inUse, fellBack }: what `loupe doctor` and Settings show. */
export { probeProviders, type ProviderReport } from './providers';
