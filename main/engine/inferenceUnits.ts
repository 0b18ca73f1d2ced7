/**
 * Inference units: each a worker thread with its own ONNX Runtime session of one model file.
 * ONNX Runtime's Node binding runs a session on the thread that calls it, so sessions on the main
 * thread would take turns and stall everything else there (the HTTP server, the app's IPC) for
 * each image; units in threads of their own run side by side and leave the main thread free.
 *
 * The main thread decodes (sharp works in libuv's pool) and hands a unit the pixels; the unit
 * normalises them into its own input buffer, runs the model and sends the output back. A request
 * waits for a free unit. A unit that dies fails its request and is replaced.
 */
import { Worker } from 'node:worker_threads';
import type { ModelSpec, RgbPixels } from '../../native/models';
import { ServiceError } from '../errors';
import { createLogger } from '../log';
import { sourceWorker } from './sourceWorker';

const log = createLogger('inference');
/** How long a closing unit may take to finish its image and free its session. */
const CLOSE_GRACE_MS = 5_000;

/** What a unit is started with (its workerData). */
export interface UnitSetup {
  modelPath: string;
  threads: number;
  input: ModelSpec['input'];
  output: string;
}

/** A unit runs one image at a time, so replies need no request ids. */
export type ToUnit = { type: 'run'; width: number; height: number; data: Uint8Array } | { type: 'close' };

export type FromUnit =
  | { type: 'ready'; provider: string }
  | { type: 'failed'; message: string }
  | { type: 'result'; data: Float32Array; dims: number[] }
  | { type: 'error'; message: string };

export interface InferenceUnits {
  provider: string;
  /**
   * Run the model on one image (at any size: the unit resizes like toModelBatch); its output
   * tensor. The pixels' buffer may be moved to the unit: do not read `image.data` afterwards.
   */
  run(image: RgbPixels): Promise<{ data: Float32Array; dims: number[] }>;
  /** How many of the units may run at once (1 to all of them; all at the start). */
  setInService(count: number): void;
  close(): Promise<void>;
}

export interface InferenceUnitsOptions {
  units: number;
  /** Intra-op threads per unit (default 1). */
  threads?: number;
  input: ModelSpec['input'];
  output: string;
  /** The unit's script for a bundled Loupe (dist/app/inference.cjs); default: inferenceUnit.ts through tsx. */
  entry?: string;
}

interface Unit {
  worker: Worker;
  busy?: { resolve: (value: { data: Float32Array; dims: number[] }) => void; reject: (error: Error) => void };
}

/** Start `options.units` units of `modelPath`; resolves when every one has its session. */
export async function openInferenceUnits(modelPath: string, options: InferenceUnitsOptions): Promise<InferenceUnits> {
  const setup: UnitSetup = { modelPath, threads: options.threads ?? 1, input: options.input, output: options.output };
  const units: Unit[] = [];
  const free: Unit[] = [];
  const waiting: ((unit: Unit | undefined) => void)[] = [];
  const stopped = () => new ServiceError('ResourceNotReadyException', 'The model has stopped. Start it (StartProjectVersion) and analyse the image again.');
  let closed = false;
  let provider = 'cpu';
  /** Units that may run at once (setInService), and units running now. */
  let limit = options.units;
  let inUse = 0;

  const dispatch = () => {
    while (waiting.length > 0 && free.length > 0 && inUse < limit) {
      inUse++;
      waiting.shift()!(free.pop()!);
    }
  };
  const release = (unit: Unit) => {
    inUse--;
    free.push(unit);
    dispatch();
  };

  /** A unit whose session is ready; a unit that dies later fails its request and is replaced. */
  const start = (): Promise<Unit> =>
    new Promise<Unit>((resolve, reject) => {
      const worker = startWorker(setup, options.entry);
      const unit: Unit = { worker };
      let ready = false;
      worker.on('message', (message: FromUnit) => {
        switch (message.type) {
          case 'ready':
            ready = true;
            provider = message.provider;
            resolve(unit);
            return;
          case 'failed':
            reject(new ServiceError('InternalServerError', `The model could not be loaded: ${message.message}`));
            void worker.terminate();
            return;
          case 'result':
          case 'error': {
            const busy = unit.busy;
            unit.busy = undefined;
            if (message.type === 'result') busy?.resolve({ data: message.data, dims: message.dims });
            else busy?.reject(new Error(message.message));
            release(unit);
            return;
          }
        }
      });
      let failure: Error | undefined;
      worker.on('error', (error) => {
        failure = error;
        log.error('inference unit failed', { error });
      });
      worker.on('exit', (code) => {
        if (!ready) {
          const why = failure ? `: ${failure.message}` : ` (exit code ${code})`;
          reject(new ServiceError('InternalServerError', `The inference unit stopped while loading the model${why}`));
          return;
        }
        if (closed) return;
        const busy = unit.busy;
        unit.busy = undefined;
        if (busy) {
          inUse--;
          busy.reject(new ServiceError('InternalServerError', `The inference unit stopped unexpectedly (exit code ${code}). Analyse the image again.`));
        }
        const at = units.indexOf(unit);
        const idle = free.indexOf(unit);
        if (idle >= 0) free.splice(idle, 1);
        log.warn('replacing a stopped inference unit', { code });
        start().then(
          (replacement) => {
            if (closed) return void replacement.worker.terminate();
            units[at] = replacement;
            free.push(replacement);
            dispatch();
          },
          (error: unknown) => log.error('could not replace an inference unit', { error }),
        );
      });
    });

  const started = await Promise.allSettled(Array.from({ length: options.units }, start));
  for (const result of started) if (result.status === 'fulfilled') units.push(result.value);
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    closed = true;
    await Promise.allSettled(units.map((unit) => unit.worker.terminate()));
    throw failure.reason;
  }
  free.push(...units);

  return {
    get provider() {
      return provider;
    },
    run(image) {
      if (closed) return Promise.reject(stopped());
      return new Promise((resolve, reject) => {
        // Handed a unit at once when one is free (so a request made before close() is still run), else when one frees up.
        waiting.push((unit) => {
          if (!unit) return reject(stopped());
          unit.busy = { resolve, reject };
          const data = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
          const message: ToUnit = { type: 'run', width: image.width, height: image.height, data };
          // Pixels that own their whole buffer move to the unit instead of being copied; the rest (or a buffer that cannot move) are copied.
          const movable = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
          try {
            unit.worker.postMessage(message, movable ? [data.buffer as ArrayBuffer] : []);
          } catch {
            unit.worker.postMessage(message);
          }
        });
        dispatch();
      });
    },
    setInService(count) {
      limit = Math.max(1, Math.min(units.length, count));
      dispatch();
    },
    /** Units finish the image they are on, free their sessions and end; one that does not within CLOSE_GRACE_MS is stopped. */
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled(units.map((unit) => stopUnit(unit.worker)));
      for (const unit of units) unit.busy?.reject(stopped());
      for (const resolve of waiting.splice(0)) resolve(undefined);
    },
  };
}

function stopUnit(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.postMessage({ type: 'close' } satisfies ToUnit);
  });
}

/** A unit's thread: the bundled script when given, else the TypeScript source through tsx. */
function startWorker(setup: UnitSetup, entry: string | undefined): Worker {
  if (entry) return new Worker(entry, { workerData: setup });
  const here = import.meta.url;
  if (!here) throw new Error('A bundled Loupe must say where its inference unit script is.');
  return sourceWorker(new URL('./inferenceUnit.ts', here), { workerData: setup });
}
