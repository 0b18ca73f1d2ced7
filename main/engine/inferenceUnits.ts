/**
 * Inference units: each a worker thread with its own ONNX Runtime session of one model file.
 * ONNX Runtime's Node binding runs a session on the thread that calls it, so sessions on the main
 * thread would take turns and stall everything else there (the HTTP server, the app's IPC) for
 * each image; units in threads of their own run side by side and leave the main thread free.
 *
 * Every request comes through ONE back-pressure queue here (`admit`): it waits for a place among
 * the requests in progress, and is refused with the service's ProvisionedThroughputExceededException
 * when the queue is full. The units in service start at `minUnits` and scale up to all of them
 * while requests queue, and back down when idle (guide-notes-2 §3.1–3.2). An admitted request
 * decodes on the main thread (sharp works in libuv's pool) and hands a unit the pixels; the unit
 * normalises them into its own input buffer, runs the model and sends the output back. A unit
 * that dies fails its request and is replaced. Units may also run whole named tensors as they are
 * (`runTensors`, the Open Inference Protocol), and may wait in another set of units' queue instead of
 * their own (`queue`: a running version's serving graph waits with the version's images).
 */
import { Worker } from 'node:worker_threads';
import type { ModelSpec, RgbPixels } from '../../native/models';
import type { TensorInput, TensorOutput } from '../../native/ort';
import { codedError } from '../errors';
import { createLogger } from '../log';
import { sourceWorker } from './sourceWorker';

const log = createLogger('inference');
/** How long a closing unit may take to finish its image and free its session. */
const CLOSE_GRACE_MS = 5_000;
/** Requests that may wait per unit in service before new ones are refused. */
const QUEUE_PER_UNIT = 16;
/**
 * Requests in progress per unit in service: one runs on the unit while the next is decoded, so a
 * unit never waits for the main thread (bench: 1 unit with 2 requests in flight runs at 0.93× raw
 * ONNX Runtime's throughput, against 0.80× one request at a time).
 */
const IN_PROGRESS_PER_UNIT = 2;
/** An extra unit goes out of service after this long without queueing. */
const SCALE_DOWN_AFTER_MS = 60_000;

/** What a unit is started with (its workerData). */
export interface UnitSetup {
  modelPath: string;
  threads: number;
  /** The image input and the output of `run`; units that only run tensors (`runTensors`) have none. */
  input?: ModelSpec['input'];
  output?: string;
  /** Further outputs sent back beside `output` (an anomaly model's map beside its score). */
  extraOutputs?: string[];
}

/** Named tensors in and out of `runTensors` (row-major `data` of shape `dims`). */
export type NamedTensors = Record<string, { data: TensorInput['data'] | TensorOutput['data']; dims: readonly number[] }>;

/** A unit runs one request at a time, so replies need no request ids. */
export type ToUnit =
  | { type: 'run'; width: number; height: number; data: Uint8Array }
  | { type: 'tensors'; inputs: NamedTensors; outputs?: string[] }
  | { type: 'close' };

export type FromUnit =
  | { type: 'ready'; provider: string }
  | { type: 'failed'; message: string }
  | { type: 'result'; data: Float32Array; dims: number[]; extra?: UnitOutput[] }
  | { type: 'tensors'; outputs: NamedTensors }
  | { type: 'error'; message: string };

/** One output tensor of a run. */
export interface UnitOutput {
  data: Float32Array;
  dims: number[];
  /** The `extraOutputs`, in their order (absent when none were asked for). */
  extra?: UnitOutput[];
}

/**
 * Run the model on one image (at any size: the unit resizes like toModelBatch); its output
 * tensor. The pixels' buffer may be moved to the unit: do not read `image.data` afterwards.
 */
export type RunOnUnit = (image: RgbPixels) => Promise<UnitOutput>;

export interface InferenceUnits {
  provider: string;
  /** Units in service now: `minUnits` to all of them. */
  readonly inService: number;
  /**
   * One request through the queue: waits for a place in progress (refused with
   * ProvisionedThroughputExceededException when the queue is full), then `work` runs, handing
   * pixels to units with `run`; the place is freed when `work` settles.
   */
  admit<T>(work: (run: RunOnUnit) => Promise<T>): Promise<T>;
  /** One image as one request: `admit((run) => run(image))`. */
  run: RunOnUnit;
  /**
   * Whole named tensors as one request (the Open Inference Protocol), run as they are; `outputs`
   * all by default. Inputs that own their whole buffer move to the unit: do not read them afterwards.
   */
  runTensors(inputs: NamedTensors, outputs?: string[]): Promise<NamedTensors>;
  close(): Promise<void>;
}

/** The queue of another set of units, which these units' requests wait in (and whose units in service they follow). */
export type SharedQueue = Pick<InferenceUnits, 'admit' | 'inService'>;

export interface InferenceUnitsOptions {
  /** Units started (the most in service). */
  units: number;
  /** Units in service at the start and after idling (default: all of them). */
  minUnits?: number;
  /** Told the units in service after each scale up or down. */
  onScaled?: (inService: number) => void;
  /** Intra-op threads per unit (default 1). */
  threads?: number;
  /** The image input and output of `run`; left out for units that only run tensors. */
  input?: ModelSpec['input'];
  output?: string;
  extraOutputs?: string[];
  /**
   * Wait in this queue instead of one of their own (a running version's serving graph in its
   * version's queue, so both are refused alike when it is full); the units in service follow its.
   */
  queue?: SharedQueue;
  /** The unit's script for a bundled Loupe (dist/app/inference.cjs); default: inferenceUnit.ts through tsx. */
  entry?: string;
}

interface Unit {
  worker: Worker;
  busy?: { resolve: (value: never) => void; reject: (error: Error) => void };
}

/** Start `options.units` units of `modelPath`; resolves when every one has its session. */
export async function openInferenceUnits(modelPath: string, options: InferenceUnitsOptions): Promise<InferenceUnits> {
  const setup: UnitSetup = {
    modelPath,
    threads: options.threads ?? 1,
    ...(options.input ? { input: options.input } : {}),
    ...(options.output ? { output: options.output } : {}),
    ...(options.extraOutputs ? { extraOutputs: options.extraOutputs } : {}),
  };
  const units: Unit[] = [];
  const free: Unit[] = [];
  const waiting: ((unit: Unit | undefined) => void)[] = [];
  const stopped = () => codedError('ResourceNotReadyException', 'ModelStoppedAnalyse');
  let closed = false;
  let provider = 'cpu';
  /** Units that may run at once (minUnits to all of them), and units running now. */
  const minUnits = Math.max(1, Math.min(options.units, options.minUnits ?? options.units));
  let inService = minUnits;
  let inUse = 0;
  /** The queue: requests in progress (decoding or on a unit), and those waiting for a place. */
  let inProgress = 0;
  const queued: (() => void)[] = [];
  let lastBusyMs = Date.now();

  const shared = options.queue;
  /** Units that may run now: this queue's in service, or the shared queue's (at most all of these units). */
  const limit = () => (shared ? Math.max(1, Math.min(options.units, shared.inService)) : inService);
  const dispatch = () => {
    while (waiting.length > 0 && free.length > 0 && inUse < limit()) {
      inUse++;
      waiting.shift()!(free.pop()!);
    }
  };
  const release = (unit: Unit) => {
    inUse--;
    free.push(unit);
    dispatch();
  };
  /** One more unit while requests queue (up to all of them); one fewer after SCALE_DOWN_AFTER_MS without queueing. */
  const scale = () => {
    const now = Date.now();
    const before = inService;
    if (queued.length > 0 || inProgress >= inService * IN_PROGRESS_PER_UNIT) {
      lastBusyMs = now;
      if (inService < options.units && queued.length >= inService) inService++;
    } else if (inService > minUnits && now - lastBusyMs > SCALE_DOWN_AFTER_MS) {
      inService--;
    }
    if (inService !== before) {
      dispatch();
      options.onScaled?.(inService);
    }
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
            reject(codedError('InternalServerError', 'ModelNotLoaded', { reason: message.message }));
            void worker.terminate();
            return;
          case 'result':
          case 'tensors':
          case 'error': {
            const busy = unit.busy as { resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;
            unit.busy = undefined;
            if (message.type === 'result') busy?.resolve({ data: message.data, dims: message.dims, ...(message.extra ? { extra: message.extra } : {}) });
            else if (message.type === 'tensors') busy?.resolve(message.outputs);
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
          reject(
            failure
              ? codedError('InternalServerError', 'UnitFailedLoading', { reason: failure.message })
              : codedError('InternalServerError', 'UnitExitedLoading', { code: String(code) }),
          );
          return;
        }
        if (closed) return;
        const busy = unit.busy;
        unit.busy = undefined;
        if (busy) {
          inUse--;
          busy.reject(codedError('InternalServerError', 'UnitStopped', { code: String(code) }));
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

  /** Hand `message` to a unit at once when one is free (so a request made before close() is still run), else when one frees up. */
  const send = <T>(message: ToUnit, transfer: ArrayBuffer[]): Promise<T> => {
    if (closed) return Promise.reject(stopped());
    return new Promise<T>((resolve, reject) => {
      waiting.push((unit) => {
        if (!unit) return reject(stopped());
        unit.busy = { resolve, reject };
        try {
          unit.worker.postMessage(message, transfer);
        } catch {
          unit.worker.postMessage(message);
        }
      });
      dispatch();
    });
  };
  /** Buffers that move to the unit instead of being copied: those a view owns whole (the rest, or a buffer that cannot move, are copied). */
  const movable = (views: readonly ArrayBufferView[]): ArrayBuffer[] => [
    ...new Set(
      views
        .filter((data) => data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer)
        .map((data) => data.buffer as ArrayBuffer),
    ),
  ];
  const run: RunOnUnit = (image) => {
    const data = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    return send({ type: 'run', width: image.width, height: image.height, data }, movable([data]));
  };
  const tensorsOnUnit = (inputs: NamedTensors, outputs?: string[]): Promise<NamedTensors> =>
    send({ type: 'tensors', inputs, ...(outputs ? { outputs } : {}) }, movable(Object.values(inputs).map((tensor) => tensor.data)));

  const admit = async <T>(work: (run: RunOnUnit) => Promise<T>): Promise<T> => {
    if (closed) throw stopped();
    // The shared queue admits (and refuses); the request then runs on these units.
    if (shared) return shared.admit(() => work(run));
    scale();
    if (inProgress >= inService * IN_PROGRESS_PER_UNIT) {
      if (queued.length >= inService * QUEUE_PER_UNIT) {
        throw codedError('ProvisionedThroughputExceededException', 'UnitsBusy');
      }
      await new Promise<void>((resolve) => queued.push(resolve));
      if (closed) {
        queued.shift()?.();
        throw stopped();
      }
    }
    inProgress++;
    try {
      return await work(run);
    } finally {
      inProgress--;
      queued.shift()?.();
    }
  };

  return {
    get provider() {
      return provider;
    },
    get inService() {
      return limit();
    },
    admit,
    run: (image) => admit((onUnit) => onUnit(image)),
    runTensors: (inputs, outputs) => admit(() => tensorsOnUnit(inputs, outputs)),
    /** Units finish the image they are on, free their sessions and end; one that does not within CLOSE_GRACE_MS is stopped. */
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled(units.map((unit) => stopUnit(unit.worker)));
      for (const unit of units) unit.busy?.reject(stopped());
      for (const resolve of waiting.splice(0)) resolve(undefined);
      // Requests still queued are told the model has stopped.
      queued.shift()?.();
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
