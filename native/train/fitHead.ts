/**
 * The training loop: mini-batches of prepared data through the step graph, parameters and Adam
 * moments kept here between steps, optional scoring on held-out rows after each epoch with early
 * stopping. Several heads of one shape that differ only in learning rate and weight decay train
 * together (one run per step for all of them); each stops on its own, and each trains as it would
 * alone (same initial weights, same batches; the numbers agree to rounding).
 */
import { prf } from '../metrics';
import { createSession, type OrtSession, type Provider, type TensorInput } from '../ort';
import { AdamState } from './adam';
import { FORWARD_OUTPUT, headForwardModel, headParameterNames, headStepModel, STEP_NAMES, trialAxis, type HeadKind } from './headGraphs';
import { parameterDims, type HeadParameters, type HeadSpec } from './headModel';
import type { PreparedData } from './prepare';
import { createRandom, deriveSeed } from './random';

export interface SessionOptions {
  /** Execution providers to try in order (default ['cpu']: a head's steps are too small to gain from a device). */
  providers?: readonly Provider[];
  /** Intra-op threads (default: ONNX Runtime's). */
  threads?: number;
}

/** The step and forward sessions of one kind of head, loaded on first use and shared by every fit. */
export class HeadSessions {
  private readonly loaded = new Map<string, Promise<OrtSession>>();
  /** The provider the sessions run on, once one is loaded. */
  provider: Provider | undefined;

  constructor(
    readonly kind: HeadKind,
    private readonly options: SessionOptions = {},
  ) {}

  step(hidden: boolean): Promise<OrtSession> {
    return this.load(`step-${hidden}`, () => headStepModel(this.kind, hidden));
  }

  forward(hidden: boolean): Promise<OrtSession> {
    return this.load(`forward-${hidden}`, () => headForwardModel(this.kind, hidden));
  }

  private load(key: string, model: () => Uint8Array): Promise<OrtSession> {
    let session = this.loaded.get(key);
    if (!session) {
      session = createSession(model(), {
        providers: this.options.providers ?? ['cpu'],
        ...(this.options.threads === undefined ? {} : { threads: this.options.threads }),
        name: `${this.kind} head ${key}`,
      }).then(({ session: loaded, provider }) => {
        this.provider = provider;
        return loaded;
      });
      this.loaded.set(key, session);
    }
    return session;
  }

  async release(): Promise<void> {
    const sessions = await Promise.allSettled(this.loaded.values());
    this.loaded.clear();
    await Promise.all(sessions.map((result) => (result.status === 'fulfilled' ? result.value.release() : undefined)));
  }
}

/** What the heads trained together share. */
export interface SharedSettings {
  hidden: number;
  /** Epochs to run (the most, with early stopping). */
  epochs: number;
  batchSize: number;
  seed: number;
}

/** What each head trained together has of its own. */
export interface Rates {
  learningRate: number;
  weightDecay: number;
}

export type FitSettings = SharedSettings & Rates;

/** How a head does on held-out rows. */
export interface ValidationScore {
  /** The training loss (class-weighted, without weight decay) on the held-out rows. */
  loss: number;
  /** softmax: macro-F1 of the top class; sigmoid: micro-F1 at 0.5. */
  f1: number;
}

export interface FitOptions {
  /** Rows of `data` to train on (default: all). */
  rows?: Int32Array;
  /**
   * Held-out rows scored after each epoch. A head stops when `patience` epochs in a row fail to
   * lower its best held-out loss by more than `minDelta` (relative; default 1e-3), so that a long,
   * slow tail does not keep it running.
   */
  validation?: { rows: Int32Array; patience: number; minDelta?: number };
  signal?: AbortSignal;
  /** After each epoch of each head still training: the head's index, the epoch (from 1), its mean training loss. */
  onEpoch?: (head: number, epoch: number, loss: number, validation?: ValidationScore) => void;
}

export interface FitResult {
  parameters: HeadParameters;
  /** Epochs run. */
  epochs: number;
  /** With validation: the epoch (1-based) that last lowered the held-out loss by more than minDelta, and its scores. */
  best?: { epoch: number } & ValidationScore;
}

function allRows(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}

/**
 * Initial parameters: zeros for the output layer (a linear head is then a convex problem started
 * from uniform predictions, with no random projection to unlearn), He-uniform for the hidden layer
 * (ReLU), zero biases.
 */
export function initialParameters(spec: HeadSpec, seed: number): HeadParameters {
  const random = createRandom(deriveSeed(seed, 1));
  const parameters: HeadParameters = {};
  for (const name of headParameterNames(spec.hidden)) {
    const values = new Float32Array(parameterDims(spec, name).reduce((count, dim) => count * dim, 1));
    if (spec.hidden > 0 && name === 'W1') {
      const limit = Math.sqrt(6 / spec.features);
      for (let k = 0; k < values.length; k++) values[k] = random.uniform(limit);
    }
    parameters[name] = values;
  }
  return parameters;
}

/** Gathers `rows` of a row-major matrix of `width` columns into `out`. */
function gather(source: Float32Array, width: number, rows: Int32Array, start: number, count: number, out: Float32Array): void {
  for (let k = 0; k < count; k++) {
    const row = rows[start + k] as number;
    out.set(source.subarray(row * width, (row + 1) * width), k * width);
  }
}

/** Batch sizes that cover `count` rows in ⌈count / batchSize⌉ nearly equal batches (no tiny last batch). */
export function batchSizes(count: number, batchSize: number): number[] {
  const batches = Math.max(1, Math.ceil(count / Math.max(1, batchSize)));
  const base = Math.floor(count / batches);
  const extra = count % batches;
  return Array.from({ length: batches }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * K heads' values of one parameter laid out as the step graph takes them (along its trial axis:
 * W1 [D, K, W], the others [K, ...]), and one head's taken back out.
 */
function stackHeads(each: readonly Float32Array[], name: string, dims: readonly number[]): Float32Array {
  const heads = each.length;
  const size = (each[0] as Float32Array).length;
  const out = new Float32Array(size * heads);
  if (trialAxis(name) === 0) {
    each.forEach((values, k) => out.set(values, k * size));
    return out;
  }
  const [outer, inner] = [dims[0] as number, size / (dims[0] as number)];
  each.forEach((values, k) => {
    for (let d = 0; d < outer; d++) out.set(values.subarray(d * inner, (d + 1) * inner), (d * heads + k) * inner);
  });
  return out;
}

function headOf(stacked: Float32Array, name: string, dims: readonly number[], head: number, heads: number): Float32Array {
  const size = stacked.length / heads;
  if (trialAxis(name) === 0) return stacked.slice(head * size, (head + 1) * size);
  const [outer, inner] = [dims[0] as number, size / (dims[0] as number)];
  const out = new Float32Array(size);
  for (let d = 0; d < outer; d++) out.set(stacked.subarray((d * heads + head) * inner, (d * heads + head + 1) * inner), d * inner);
  return out;
}

/** The stacked shape of a parameter for K heads. */
function stackedDims(name: string, dims: readonly number[], heads: number): number[] {
  const out = [...dims];
  out.splice(trialAxis(name), 0, heads);
  return out;
}

function unstack(stacked: Record<string, Float32Array>, spec: HeadSpec, head: number, heads: number): HeadParameters {
  return Object.fromEntries(headParameterNames(spec.hidden).map((name) => [name, headOf(stacked[name] as Float32Array, name, parameterDims(spec, name), head, heads)]));
}

/** Probabilities [K, rows, C] of K stacked heads for `rows` of the standardised features. */
async function forwardRows(sessions: HeadSessions, data: PreparedData, spec: HeadSpec, stacked: Record<string, Float32Array>, heads: number, rows: Int32Array): Promise<Float32Array> {
  const session = await sessions.forward(spec.hidden > 0);
  const C = data.classes;
  const out = new Float32Array(heads * rows.length * C);
  const chunk = 2048;
  const feeds: Record<string, TensorInput> = {};
  for (const name of headParameterNames(spec.hidden)) feeds[name] = { data: stacked[name] as Float32Array, dims: stackedDims(name, parameterDims(spec, name), heads) };
  for (let start = 0; start < rows.length; start += chunk) {
    const count = Math.min(chunk, rows.length - start);
    const batch = new Float32Array(count * data.dims);
    gather(data.x, data.dims, rows, start, count, batch);
    feeds[STEP_NAMES.features] = { data: batch, dims: [count, data.dims] };
    const result = (await session.run(feeds))[FORWARD_OUTPUT]?.data as Float32Array; // [count, K, C]
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < heads; k++) out.set(result.subarray((i * heads + k) * C, (i * heads + k + 1) * C), (k * rows.length + start + i) * C);
    }
  }
  return out;
}

const LOG_FLOOR = 1e-12;

/** Held-out loss (as trained: class-weighted) and F1 of probabilities [rows, C] for `rows`. */
export function scoreRows(data: PreparedData, rows: Int32Array, probabilities: Float32Array): ValidationScore {
  const C = data.classes;
  let lossSum = 0;
  let weightSum = 0;
  if (data.kind === 'softmax') {
    const counts = Array.from({ length: C }, () => ({ tp: 0, fp: 0, fn: 0 }));
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k] as number;
      let truth = 0;
      let predicted = 0;
      for (let c = 0; c < C; c++) {
        if ((data.y[row * C + c] as number) > 0.5) truth = c;
        if ((probabilities[k * C + c] as number) > (probabilities[k * C + predicted] as number)) predicted = c;
      }
      const weight = data.sampleWeight[row] as number;
      lossSum -= weight * Math.log(Math.max(LOG_FLOOR, probabilities[k * C + truth] as number));
      weightSum += weight;
      if (truth === predicted) (counts[truth] as { tp: number }).tp++;
      else {
        (counts[truth] as { fn: number }).fn++;
        (counts[predicted] as { fp: number }).fp++;
      }
    }
    const seen = counts.filter((count) => count.tp + count.fp + count.fn > 0);
    const f1 = seen.length === 0 ? 0 : seen.reduce((sum, count) => sum + prf(count).f1, 0) / seen.length;
    return { loss: weightSum > 0 ? lossSum / weightSum : 0, f1 };
  }
  const counts = { tp: 0, fp: 0, fn: 0 };
  const positiveWeight = data.positiveWeight as Float32Array;
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k] as number;
    let sampleLoss = 0;
    for (let c = 0; c < C; c++) {
      const p = probabilities[k * C + c] as number;
      const positive = (data.y[row * C + c] as number) > 0.5;
      if (positive) sampleLoss -= (positiveWeight[c] as number) * Math.log(Math.max(LOG_FLOOR, p));
      else sampleLoss -= Math.log(Math.max(LOG_FLOOR, 1 - p));
      if (p >= 0.5 && positive) counts.tp++;
      else if (p >= 0.5) counts.fp++;
      else if (positive) counts.fn++;
    }
    const weight = data.sampleWeight[row] as number;
    lossSum += (weight * sampleLoss) / C;
    weightSum += weight;
  }
  return { loss: weightSum > 0 ? lossSum / weightSum : 0, f1: prf(counts).f1 };
}

const scalar = (value: number): TensorInput => ({ data: Float32Array.of(value), dims: [] });

/**
 * Trains one head per entry of `rates` on `data`, together; returns each head's final parameters
 * (or, with validation, those of its best epoch). All heads start from the same weights and see the
 * same batches, so each result is the one that head would get trained alone (to rounding).
 */
export async function fitHeads(sessions: HeadSessions, data: PreparedData, shared: SharedSettings, rates: readonly Rates[], options: FitOptions = {}): Promise<FitResult[]> {
  const { signal } = options;
  signal?.throwIfAborted();
  const heads = rates.length;
  if (heads === 0) return [];
  const spec: HeadSpec = { kind: data.kind, hidden: shared.hidden, classes: data.classes, features: data.dims };
  const names = headParameterNames(spec.hidden);
  const session = await sessions.step(spec.hidden > 0);
  const rows = Int32Array.from(options.rows ?? allRows(data.rows));
  if (rows.length === 0) throw new RangeError('no rows to train on');
  const random = createRandom(deriveSeed(shared.seed, 2));
  const sizes = batchSizes(rows.length, shared.batchSize);
  const D = data.dims;
  const C = data.classes;
  const buffers = new Map<number, { x: Float32Array; y: Float32Array; s: Float32Array }>();
  for (const size of new Set(sizes)) buffers.set(size, { x: new Float32Array(size * D), y: new Float32Array(size * C), s: new Float32Array(size) });

  const initial = initialParameters(spec, shared.seed);
  const feeds: Record<string, TensorInput> = {
    [STEP_NAMES.learningRate]: { data: Float32Array.from(rates, (rate) => rate.learningRate), dims: [heads] },
    [STEP_NAMES.weightDecay]: { data: Float32Array.from(rates, (rate) => rate.weightDecay), dims: [heads] },
  };
  if (data.kind === 'sigmoid') feeds[STEP_NAMES.positiveWeight] = { data: data.positiveWeight as Float32Array, dims: [C] };
  const adam = new AdamState(
    names.map((name) => {
      const single = parameterDims(spec, name);
      return [name, { data: stackHeads(new Array<Float32Array>(heads).fill(initial[name] as Float32Array), name, single), dims: stackedDims(name, single, heads) }] as const;
    }),
  );
  Object.assign(feeds, adam.feeds);
  const current = (): Record<string, Float32Array> => Object.fromEntries(names.map((name) => [name, adam.get(name)]));

  const results: FitResult[] = rates.map(() => ({ parameters: initial, epochs: 0 }));
  const running = new Array<boolean>(heads).fill(true);
  const minDelta = options.validation?.minDelta ?? 1e-3;
  let step = 0;
  for (let epoch = 1; epoch <= shared.epochs && running.some(Boolean); epoch++) {
    random.shuffle(rows);
    const lossSum = new Float64Array(heads);
    let weightSum = 0;
    let start = 0;
    for (const size of sizes) {
      signal?.throwIfAborted();
      const { x, y, s } = buffers.get(size) as { x: Float32Array; y: Float32Array; s: Float32Array };
      gather(data.x, D, rows, start, size, x);
      gather(data.y, C, rows, start, size, y);
      let batchWeight = 0;
      for (let k = 0; k < size; k++) {
        s[k] = data.sampleWeight[rows[start + k] as number] as number;
        batchWeight += s[k] as number;
      }
      start += size;
      if (!(batchWeight > 0)) continue;
      step++;
      feeds[STEP_NAMES.features] = { data: x, dims: [size, D] };
      feeds[STEP_NAMES.targets] = { data: y, dims: [size, C] };
      feeds[STEP_NAMES.sampleWeight] = { data: s, dims: [size] };
      feeds[STEP_NAMES.step] = scalar(step);
      const out = await session.run(feeds);
      adam.take(out);
      const losses = out[STEP_NAMES.loss]?.data as Float32Array;
      for (let k = 0; k < heads; k++) lossSum[k] = (lossSum[k] as number) + (losses[k] as number) * batchWeight;
      weightSum += batchWeight;
    }
    signal?.throwIfAborted();
    const stacked = current();
    const probabilities = options.validation ? await forwardRows(sessions, data, spec, stacked, heads, options.validation.rows) : undefined;
    for (let k = 0; k < heads; k++) {
      signal?.throwIfAborted();
      if (!running[k]) continue;
      const result = results[k] as FitResult;
      const epochLoss = weightSum > 0 ? (lossSum[k] as number) / weightSum : 0;
      result.epochs = epoch;
      if (!Number.isFinite(epochLoss)) {
        if (!options.validation) {
          throw new Error(`training diverged at epoch ${epoch} (loss ${epochLoss}, learning rate ${rates[k]?.learningRate}); try a lower learning rate`);
        }
        // In a search a diverging head just loses: it keeps its best epoch so far, if it had one.
        result.best ??= { epoch, loss: Number.POSITIVE_INFINITY, f1: 0 };
        running[k] = false;
        continue;
      }
      if (!options.validation || !probabilities) {
        options.onEpoch?.(k, epoch, epochLoss);
        continue;
      }
      const held = options.validation.rows.length;
      const score = scoreRows(data, options.validation.rows, probabilities.subarray(k * held * C, (k + 1) * held * C));
      options.onEpoch?.(k, epoch, epochLoss, score);
      if (!result.best || score.loss < result.best.loss * (1 - minDelta)) {
        result.best = { epoch, ...score };
        result.parameters = unstack(stacked, spec, k, heads);
      } else if (epoch - result.best.epoch >= options.validation.patience) {
        running[k] = false;
      }
    }
  }
  if (!options.validation) {
    const stacked = current();
    results.forEach((result, k) => (result.parameters = unstack(stacked, spec, k, heads)));
  }
  return results;
}

/** Trains one head with `settings`. */
export async function fitHead(sessions: HeadSessions, data: PreparedData, settings: FitSettings, options: FitOptions = {}): Promise<FitResult> {
  const [result] = await fitHeads(sessions, data, settings, [settings], options);
  return result as FitResult;
}
