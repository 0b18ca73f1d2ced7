/**
 * Running models: the loaded model of each RUNNING version, a bounded queue in front of it, and
 * inference units as parallel worker threads (main/engine/inferenceUnits.ts) — MinInferenceUnits
 * at start, scaled up to MaxInferenceUnits while requests queue, and back down when idle
 * (guide-notes-2 §3.1–3.2). A full queue is the service's ProvisionedThroughputExceededException.
 */
import { perContext, type Context } from '../core/context';
import { ServiceError } from '../errors';
import type { Analysis, LoadedModel } from '../engine/engine';

/** Requests that may wait per working unit before new ones are refused. */
const QUEUE_PER_UNIT = 16;
/**
 * Requests in progress per unit: one runs on the unit while the next is decoded, so a unit never
 * waits for the main thread (bench: 1 unit with 2 requests in flight runs at 0.93× raw ONNX Runtime's
 * throughput, against 0.80× one request at a time).
 */
const IN_PROGRESS_PER_UNIT = 2;
/** An extra unit goes back after this long without queueing. */
const SCALE_DOWN_AFTER_MS = 60_000;

export class RunningModel {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private inService: number;
  private lastBusyMs = Date.now();
  private readonly attached: { close(): Promise<void> }[] = [];

  constructor(
    readonly model: LoadedModel,
    readonly minUnits: number,
    readonly maxUnits: number,
    /** Told the units in service after each scale up or down (the usage record). */
    private readonly onScaled: (units: number) => void = () => undefined,
  ) {
    this.inService = minUnits;
    model.setUnits(minUnits);
  }

  get inServiceUnits(): number {
    return this.inService;
  }

  /** Analyse one image, waiting for a free unit; refused when the queue is full. */
  analyze(image: Buffer, size?: { width: number; height: number }): Promise<Analysis> {
    return this.admit(() => this.model.analyze(image, size));
  }

  /**
   * Run `work` under this model's queue: it waits its turn with the images being analysed and is
   * refused the same way when the queue is full (the Open Inference Protocol's requests, models/served.ts).
   */
  async admit<T>(work: () => Promise<T>): Promise<T> {
    this.scale();
    if (this.active >= this.inService * IN_PROGRESS_PER_UNIT) {
      if (this.waiting.length >= this.inService * QUEUE_PER_UNIT) {
        throw new ServiceError(
          'ProvisionedThroughputExceededException',
          'The model has more requests than its inference units can take. Try again, or start it with more units.',
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private scale(): void {
    const now = Date.now();
    const before = this.inService;
    if (this.waiting.length > 0 || this.active >= this.inService * IN_PROGRESS_PER_UNIT) {
      this.lastBusyMs = now;
      if (this.inService < this.maxUnits && this.waiting.length >= this.inService) this.inService++;
    } else if (this.inService > this.minUnits && now - this.lastBusyMs > SCALE_DOWN_AFTER_MS) {
      this.inService--;
    }
    if (this.inService !== before) {
      this.model.setUnits(this.inService);
      this.onScaled(this.inService);
    }
  }

  /** Also close `resource` when the model stops (what was loaded beside it, such as its serving graph). */
  attach(resource: { close(): Promise<void> }): void {
    this.attached.push(resource);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.attached.splice(0).map((resource) => resource.close()));
    return this.model.close();
  }
}

/** The running models of a Loupe, by version id. */
export const runningModels = perContext(() => new Map<number, RunningModel>());

/** Stop every model (Loupe is closing). */
export async function closeRunningModels(ctx: Context): Promise<void> {
  const models = runningModels(ctx);
  await Promise.allSettled([...models.values()].map((model) => model.close()));
  models.clear();
}
