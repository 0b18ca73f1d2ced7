/**
 * The detection head trained together with the backbone's last blocks (tail.ts): one ONNX graph per
 * step runs the tail forward from the cached cut map, the head and its focal + L1 loss (graphs.ts),
 * the head's backward pass, the tail's hand-derived backward pass, and Adam on every parameter.
 *
 *   f  = tail(x)                             x: cut rows [N, cutChannels], f [N, D]
 *   fs = (f − μ) · s                         μ, s = 1/σ: per channel over the backbone's own f (fixed)
 *   z  = fs·W + b                            the head, as in graphs.ts
 *   gW = fsᵀ·dz + wd·W,  gb = Σ dz,  df = (dz·Wᵀ) · s  → tailBackward
 *
 * With a context map (a coarser map of the backbone, fixed, each of its cells repeated over the
 * cells under it: contextRows), the head also reads its rows c [N, Dc], standardised the same way:
 *
 *   z  = fs·W + cs·Wc + b                    cs = (c − μc) · sc
 *   gWc = csᵀ·dz + wd·Wc                     (no gradient flows into the context)
 *
 * The tail starts from the backbone's weights and gets its own (smaller) learning rate and no weight
 * decay; the head's standardisation is folded into W and b on return, so the head takes raw features.
 * What is returned (and what the held-out loss measures) is a moving average of the weights that
 * weighs the last steps most (native/train WeightAverage), not the last step's weights; its figures
 * against the last step's are in docs/detection.md.
 */
import { buildModel, encodeModel, GraphBuilder } from '../onnx';
import { createSession, type Provider, type TensorInput } from '../ort';
import { createRandom, WeightAverage } from '../train';
import { DETECT_STEP_NAMES, detectionLoss, detectionTargetInputs } from './graphs';
import type { DetectionHead, DetectionTargets } from './index';
import { tailForward, tailParameters, type BackboneTail, type MapSize } from './tail';
import { tailGraph, tunedAdamState, tunedStep } from './tunedStep';

/**
 * A graph with the inputs the step and the loss graphs share: cut rows, detection targets, the
 * feature standardisation, and with `contextChannels` the context rows and their standardisation.
 */
function tunedGraphInputs(name: string, tail: BackboneTail, contextChannels?: number) {
  const n = DETECT_STEP_NAMES;
  const g = new GraphBuilder(name);
  const x = g.input(n.features, 'float32', ['rows', tail.cutChannels]);
  const targets = detectionTargetInputs(g);
  const mean = g.input(n.featureMean, 'float32', [tail.channels]);
  const scale = g.input(n.featureScale, 'float32', [tail.channels]);
  const context = contextChannels
    ? g.op('Mul', [
        g.op('Sub', [g.input(n.context, 'float32', ['rows', contextChannels]), g.input(n.contextMean, 'float32', [contextChannels])]),
        g.input(n.contextScale, 'float32', [contextChannels]),
      ])
    : undefined;
  return { g, x, targets, mean, scale, context };
}

/**
 * The fine-tuning step graph for `tail` on maps of `map`'s size (rows and classes symbolic);
 * `frozen`: the head alone on the tail's features (tunedStep); `contextChannels`: the head also
 * reads context rows of that many channels.
 */
export function buildTunedStepGraph(tail: BackboneTail, map: MapSize, frozen = false, contextChannels?: number): GraphBuilder {
  const n = DETECT_STEP_NAMES;
  const { g, x, targets, mean, scale, context } = tunedGraphInputs('detection_tuned_step', tail, contextChannels);
  const extra = new Map(contextChannels ? [[n.contextWeights, [contextChannels, 'outputs']]] : []);
  const { W, b, weightDecay, extra: extraParams, values, update } = tunedStep(g, tail, map, x, 'outputs', frozen, extra);
  const fs = g.op('Mul', [g.op('Sub', [values.get(tail.output)!, mean]), scale]);
  const Wc = extraParams.get(n.contextWeights);
  const z = context && Wc ? g.op('Add', [g.op('Gemm', [fs, W, b]), g.op('MatMul', [context, Wc])]) : g.op('Gemm', [fs, W, b]);
  const dz = detectionLoss(g, z, targets);
  update(
    g.op('Add', [g.op('Gemm', [fs, dz], { transA: 1 }), g.op('Mul', [weightDecay, W])]),
    g.op('ReduceSum', [dz, g.int64('head_axis0', [0])], { keepdims: 0 }),
    () => g.op('Mul', [g.op('Gemm', [dz, W], { transB: 1 }), scale]),
    new Map(context && Wc ? [[n.contextWeights, g.op('Add', [g.op('Gemm', [context, dz], { transA: 1 }), g.op('Mul', [weightDecay, Wc])])]] : []),
  );
  return g;
}

/**
 * The loss alone, no gradients (the held-out loss that stops training early): the tail forward from
 * cut rows, the head, the focal + L1 loss, with the head (`W`, `b`) and the tail's parameters as inputs
 * named as in the step graph (`frozen`: the tail's weights are constants).
 */
export function buildTunedLossGraph(tail: BackboneTail, map: MapSize, frozen = false, contextChannels?: number): GraphBuilder {
  const { g, x, targets, mean, scale, context } = tunedGraphInputs('detection_tuned_loss', tail, contextChannels);
  const W = g.input('W', 'float32', [tail.channels, 'outputs']);
  const b = g.input('b', 'float32', ['outputs']);
  const Wc = contextChannels ? g.input(DETECT_STEP_NAMES.contextWeights, 'float32', [contextChannels, 'outputs']) : undefined;
  const byInitializer = new Map(
    tailParameters(tail).map((parameter) => [parameter.initializer, frozen ? g.initializer(parameter.name, tail.initial.get(parameter.initializer)!, parameter.dims) : g.input(parameter.name, 'float32', parameter.dims)] as const),
  );
  const values = tailForward(g, tail, x, byInitializer, map);
  const fs = g.op('Mul', [g.op('Sub', [values.get(tail.output)!, mean]), scale]);
  const z = g.op('Gemm', [fs, W, b]);
  detectionLoss(g, context && Wc ? g.op('Add', [z, g.op('MatMul', [context, Wc])]) : z, targets);
  return g;
}

/**
 * Per-channel moments over location rows [rows, channels], added batch by batch; `standardisation`
 * gives the mean and 1 / (std + 1e-3) the head's inputs are standardised by.
 */
class RowMoments {
  private readonly sum: Float64Array;
  private readonly square: Float64Array;
  private rows = 0;

  constructor(private readonly channels: number) {
    this.sum = new Float64Array(channels);
    this.square = new Float64Array(channels);
  }

  add(rows: Float32Array, count = rows.length / this.channels): void {
    for (let r = 0; r < count; r++) {
      for (let d = 0; d < this.channels; d++) {
        const value = rows[r * this.channels + d]!;
        this.sum[d] = this.sum[d]! + value;
        this.square[d] = this.square[d]! + value * value;
      }
    }
    this.rows += count;
  }

  standardisation(): { mean: Float32Array; scale: Float32Array } {
    const mean = new Float64Array(this.channels);
    const std = new Float64Array(this.channels);
    for (let d = 0; d < this.channels; d++) {
      mean[d] = this.sum[d]! / this.rows;
      std[d] = Math.sqrt(Math.max(this.square[d]! / this.rows - mean[d]! ** 2, 0)) + 1e-3;
    }
    return { mean: Float32Array.from(mean), scale: Float32Array.from(std, (value) => 1 / value) };
  }
}

/** The standardisation of every row of `maps` ([rows, channels] each). */
function standardisationOf(maps: readonly Float32Array[], channels: number): { mean: Float32Array; scale: Float32Array } {
  const moments = new RowMoments(channels);
  for (const rows of maps) moments.add(rows);
  return moments.standardisation();
}

/**
 * A head's weights W [features, outputs] on standardised inputs, folded to take raw ones:
 * W' = s·W, and `bias` (changed in place) −= Σ_d μ_d W'_d.
 */
function foldStandardisation(W: Float32Array, features: number, outputs: number, standard: { mean: Float32Array; scale: Float32Array }, bias: Float32Array): Float32Array {
  const folded = new Float32Array(features * outputs);
  for (let d = 0; d < features; d++) {
    for (let o = 0; o < outputs; o++) {
      const w = W[d * outputs + o]! * standard.scale[d]!;
      folded[d * outputs + o] = w;
      bias[o] = bias[o]! - standard.mean[d]! * w;
    }
  }
  return folded;
}

/**
 * Context rows for a map of `map`'s size from rows of a map of half its resolution (`channels`
 * per cell, location-major): each fine cell gets the coarse cell over it (nearest, floor).
 */
export function contextRows(coarse: Float32Array, channels: number, map: MapSize): Float32Array {
  const coarseWidth = Math.ceil(map.width / 2);
  const out = new Float32Array(map.width * map.height * channels);
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const from = ((y >> 1) * coarseWidth + (x >> 1)) * channels;
      out.set(coarse.subarray(from, from + channels), (y * map.width + x) * channels);
    }
  }
  return out;
}

/**
 * The median of each regression target (offset x, offset y, width, height, in map cells) over the
 * objects of `targets` (the cells their masks mark); [0.5, 0.5, 1, 1] where there are none.
 */
export function regressionMedians(targets: readonly DetectionTargets[]): Float32Array {
  const columns: number[][] = [[], [], [], []];
  for (const { regression, mask } of targets) {
    mask.forEach((marked, cell) => {
      if (marked > 0) for (let k = 0; k < 4; k++) columns[k]!.push(regression[cell * 4 + k]!);
    });
  }
  return Float32Array.from(columns, (values, k) => {
    if (values.length === 0) return k < 2 ? 0.5 : 1;
    values.sort((a, z) => a - z);
    const middle = values.length >> 1;
    return values.length % 2 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
  });
}

/** The tail alone as a model: input `x` (cut rows [N, cutChannels]) → output `features` [N, channels], with `weights` (default: the backbone's). */
export function tailFeatureModel(tail: BackboneTail, map: MapSize, weights: ReadonlyMap<string, Float32Array> = tail.initial): Uint8Array {
  const { g, values } = tailGraph('detection_tail', tail, map, weights);
  g.output(g.op('Identity', [values.get(tail.output)!]), 'float32', ['rows', tail.channels], 'features');
  return encodeModel(buildModel(g, { docString: 'the backbone tail that the detector fine-tunes' }));
}

export interface TrainTunedDetectorOptions {
  /** Per image (view), the cut map in location-major rows: [H·W, tail.cutChannels]. */
  maps: readonly Float32Array[];
  targets: readonly DetectionTargets[];
  tail: BackboneTail;
  map: MapSize;
  classes: number;
  epochs?: number;
  /** Images per step. */
  batchImages?: number;
  /** The head's learning rate. */
  learningRate?: number;
  /** The tail's learning rate. */
  tailLearningRate?: number;
  /** L2 on the head's W. */
  weightDecay?: number;
  /** Whether the weights returned are the moving average (WeightAverage; default) or the last step's. */
  averaged?: boolean;
  /** λ for offset x, offset y, width, height (default [1, 1, 0.1, 0.1]). */
  regressionWeight?: readonly number[];
  seed?: number;
  signal?: AbortSignal;
  providers?: readonly Provider[];
  threads?: number;
  /** Whether ONNX Runtime's idle threads spin-wait between runs (createSession's `spinning`; default its own, true). */
  spinning?: boolean;
  /** The tail keeps the backbone's weights: the head alone is trained, on the tail's output computed from the cut maps. */
  frozenTail?: boolean;
  /**
   * A context map the head also reads (DetectionHead.context): per view, the rows of a map of half
   * `map`'s resolution [ceil(H/2)·ceil(W/2), channels], in the order of `maps` (and of
   * `validation.maps` in `validation`).
   */
  context?: { maps: readonly Float32Array[]; channels: number; validation?: readonly Float32Array[] };
  /**
   * Processor seconds (this process, all threads) and wall-clock seconds the steps may take: after
   * each epoch the epochs are cut to what fits both at the mean epoch's cost so far, never below
   * `minEpochs` (default 1) or the epochs already run, and the learning rate's decay follows the
   * new count.
   */
  cpuSeconds?: number;
  wallSeconds?: number;
  minEpochs?: number;
  /**
   * Held-out views (their cut maps and targets, never trained on): after each epoch their loss is
   * measured, and training stops once it has not fallen by `minImprovement` (relative, default 0.01)
   * below its best for `patience` epochs (default 2), no earlier than `minEpochs`; what is returned
   * is the detector of the epoch with the lowest held-out loss.
   */
  validation?: { maps: readonly Float32Array[]; targets: readonly DetectionTargets[] };
  patience?: number;
  minImprovement?: number;
  /** After each epoch: its loss, the number of epochs (as cut by `cpuSeconds` and `wallSeconds`), and the held-out loss where there is one. */
  onEpoch?: (epoch: number, loss: number, epochs: number, heldOutLoss?: number) => void;
  /** After each epoch, with the detector as it stands (e.g. to score a held-out set); `false` stops the training there. */
  onCheckpoint?: (epoch: number, detector: Omit<TunedDetector, 'provider' | 'loss' | 'epochs' | 'bestEpoch' | 'heldOutLosses'>) => Promise<void | boolean> | void | boolean;
}

export interface TunedDetector {
  /** On the raw features of the fine-tuned tail. */
  head: DetectionHead;
  /** The tail's trained weights by initializer name (the model's dims; see withTailWeights). */
  tailWeights: Map<string, Float32Array>;
  loss: number;
  provider: Provider;
  /** Epochs run, and the one whose detector this is (the last, or the best on the held-out views). */
  epochs: number;
  bestEpoch: number;
  /** The held-out loss after each epoch (empty without `validation`). */
  heldOutLosses: number[];
}

/**
 * Trains the head and the tail together with Adam. The head's standardisation (mean and std per
 * channel) is measured once on the backbone's own features and kept fixed; the heat bias starts at
 * −log 99 (prior 0.01), as in CenterNet.
 */
export async function trainTunedDetector(options: TrainTunedDetectorOptions): Promise<TunedDetector> {
  const { tail, map, classes: C } = options;
  const D = tail.channels;
  const O = C + 4;
  let epochs = options.epochs ?? 30;
  const frozen = options.frozenTail ?? false;
  const batchImages = options.batchImages ?? 8;
  const lr = options.learningRate ?? 5e-4;
  const tailLr = options.tailLearningRate ?? 5e-5;
  const wd = options.weightDecay ?? 1e-4;
  const lambda = Float32Array.from(options.regressionWeight ?? [1, 1, 0.1, 0.1]);
  const images = options.maps.length;
  if (images === 0) throw new Error('no training images');
  const cells = map.width * map.height;
  const sessionOptions = { providers: options.providers ?? (['cpu'] as Provider[]), ...(options.threads ? { threads: options.threads } : {}) };

  // Standardise each channel of the backbone's own features over every location of every image.
  const moments = new RowMoments(D);
  const forward = await createSession(tailFeatureModel(tail, map), { ...sessionOptions, name: 'detection-tail' });
  try {
    for (let start = 0; start < images; start += 16) {
      options.signal?.throwIfAborted();
      const batch = options.maps.slice(start, start + 16);
      const x = new Float32Array(batch.length * cells * tail.cutChannels);
      batch.forEach((rows, k) => x.set(rows, k * cells * tail.cutChannels));
      const features = (await forward.session.run({ x: { data: x, dims: [batch.length * cells, tail.cutChannels] } })).features!.data as Float32Array;
      moments.add(features, batch.length * cells);
    }
  } finally {
    await forward.session.release();
  }
  const featureStandard = moments.standardisation();
  const { mean: featureMean, scale: featureScale } = featureStandard;
  // The context's standardisation, the same way over its own rows.
  const context = options.context;
  const Dc = context?.channels ?? 0;
  const contextStats = context ? standardisationOf(context.maps, Dc) : undefined;

  const random = createRandom(options.seed ?? 1);
  const parameters = frozen ? [] : tailParameters(tail);
  const b = new Float32Array(O);
  for (let c = 0; c < C; c++) b[c] = -Math.log(99);
  // The regression starts at the training objects' median offset and size (in cells), where an L1
  // fit would end with no features at all: a size of 12 cells is otherwise a long climb from 1.
  b.set(regressionMedians(options.targets), C);
  const W0 = Float32Array.from({ length: D * O }, () => random.uniform(Math.sqrt(1 / D) * 0.1));
  const extra: [string, { data: Float32Array; dims: number[] }][] = context ? [[DETECT_STEP_NAMES.contextWeights, { data: Float32Array.from({ length: Dc * O }, () => random.uniform(Math.sqrt(1 / Dc) * 0.1)), dims: [Dc, O] }]] : [];
  const adam = tunedAdamState(tail, W0, b, frozen, extra);
  // The moving average of every parameter, updated after each step (the steps never read it).
  const averaged = options.averaged !== false ? new WeightAverage(adam) : undefined;
  const weightOf = (name: string): Float32Array => (averaged ? averaged.get(name) : adam.get(name));

  // Fold the standardisation: z = ((f − μ)·s)·W + b = f·(s·W) + (b − Σ_d μ_d s_d W_d).
  const snapshot = (): Omit<TunedDetector, 'provider' | 'loss' | 'epochs' | 'bestEpoch' | 'heldOutLosses'> => {
    const bias = Float32Array.from(weightOf('b'));
    const folded = foldStandardisation(weightOf('W'), D, O, featureStandard, bias);
    const contextHead: DetectionHead['context'] = contextStats ? { features: Dc, W: foldStandardisation(weightOf(DETECT_STEP_NAMES.contextWeights), Dc, O, contextStats, bias) } : undefined;
    const tailWeights = new Map(parameters.map((parameter) => [parameter.initializer, Float32Array.from(weightOf(parameter.name))]));
    return { head: { features: D, classes: C, W: folded, b: bias, ...(contextHead ? { context: contextHead } : {}) }, tailWeights };
  };

  // The inputs a batch of views feeds to the step and the loss graphs (all but the parameters and `objects`).
  const batchOf = (maps: readonly Float32Array[], targets: readonly DetectionTargets[], batch: readonly number[], contextMaps?: readonly Float32Array[]): { inputs: Record<string, TensorInput>; objects: number } => {
    const rows = batch.length * cells;
    const x = new Float32Array(rows * tail.cutChannels);
    const c = contextMaps ? new Float32Array(rows * Dc) : undefined;
    const heat = new Float32Array(rows * C);
    const reg = new Float32Array(rows * 4);
    const mask = new Float32Array(rows);
    let objects = 0;
    batch.forEach((image, k) => {
      x.set(maps[image]!, k * cells * tail.cutChannels);
      c?.set(contextRows(contextMaps![image]!, Dc, map), k * cells * Dc);
      const target = targets[image]!;
      heat.set(target.heatmap, k * cells * C);
      reg.set(target.regression, k * cells * 4);
      mask.set(target.mask, k * cells);
      objects += target.objects;
    });
    return {
      objects,
      inputs: {
        [n.features]: { data: x, dims: [rows, tail.cutChannels] },
        [n.heatmap]: { data: heat, dims: [rows, C] },
        [n.regression]: { data: reg, dims: [rows, 4] },
        [n.mask]: { data: mask, dims: [rows] },
        [n.regressionWeight]: { data: lambda, dims: [4] },
        [n.featureMean]: { data: featureMean, dims: [D] },
        [n.featureScale]: { data: featureScale, dims: [D] },
        ...(c && contextStats
          ? {
              [n.context]: { data: c, dims: [rows, Dc] },
              [n.contextMean]: { data: contextStats.mean, dims: [Dc] },
              [n.contextScale]: { data: contextStats.scale, dims: [Dc] },
            }
          : {}),
      },
    };
  };
  const validation = options.validation && options.validation.maps.length > 0 ? options.validation : undefined;
  if (validation && context && context.validation?.length !== validation.maps.length) throw new Error('held-out views need their context maps');
  const lossSession = validation
    ? (await createSession(encodeModel(buildModel(buildTunedLossGraph(tail, map, frozen, context ? Dc : undefined), { docString: 'the held-out loss of a detection head and the backbone tail under it' })), { ...sessionOptions, name: 'detection-tuned-loss' })).session
    : undefined;
  // The held-out loss per object: each batch's loss is a sum over its objects divided by their number.
  const heldOutLoss = async (): Promise<number> => {
    let total = 0;
    let objectsSeen = 0;
    const names = new Set(lossSession!.inputs.map((input) => input.name));
    const parameters = Object.fromEntries(Object.entries(adam.feeds).flatMap(([name, feed]) => (names.has(name) ? [[name, { data: weightOf(name), dims: feed.dims }]] : [])));
    for (let start = 0; start < validation!.maps.length; start += batchImages) {
      options.signal?.throwIfAborted();
      const batch = Array.from({ length: Math.min(batchImages, validation!.maps.length - start) }, (_, k) => start + k);
      const { inputs, objects } = batchOf(validation!.maps, validation!.targets, batch, context?.validation);
      const out = await lossSession!.run({ ...inputs, ...parameters, [n.objects]: { data: Float32Array.of(Math.max(1, objects)), dims: [] } }, { outputs: [n.loss] });
      total += (out[n.loss]!.data as Float32Array)[0]! * Math.max(1, objects);
      objectsSeen += Math.max(1, objects);
    }
    return total / objectsSeen;
  };
  const patience = options.patience ?? 2;
  const minImprovement = options.minImprovement ?? 0.01;
  const heldOutLosses: number[] = [];
  let best: { epoch: number; loss: number; detector: Omit<TunedDetector, 'provider' | 'loss' | 'epochs' | 'bestEpoch' | 'heldOutLosses'>; trainLoss: number } | undefined;
  // The epoch whose held-out loss last fell by at least minImprovement below the best before it.
  let improvedAt = 0;
  let ran = 0;

  const { session, provider } = await createSession(encodeModel(buildModel(buildTunedStepGraph(tail, map, frozen, context ? Dc : undefined), { docString: 'one Adam step of a detection head and the backbone tail under it' })), {
    ...sessionOptions,
    name: 'detection-tuned-step',
  });
  const n = DETECT_STEP_NAMES;
  let t = 0;
  let lastLoss = Number.NaN;
  try {
    const order = Array.from({ length: images }, (_, i) => i);
    const stepsPerEpoch = Math.ceil(images / batchImages);
    let totalSteps = epochs * stepsPerEpoch;
    const cpuStarted = process.cpuUsage();
    const wallStarted = performance.now();
    for (let epoch = 1; epoch <= epochs; epoch++) {
      random.shuffle(order);
      let total = 0;
      let steps = 0;
      for (let start = 0; start < images; start += batchImages) {
        options.signal?.throwIfAborted();
        const { inputs: batchInputs, objects } = batchOf(options.maps, options.targets, order.slice(start, start + batchImages), context?.maps);
        t++;
        // Cosine decay from the full rate at the first step to a tenth of it at the last.
        const decay = 0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / Math.max(1, totalSteps - 1)));
        const inputs: Record<string, TensorInput> = {
          ...batchInputs,
          [n.objects]: { data: Float32Array.of(Math.max(1, objects)), dims: [] },
          [n.step]: { data: Float32Array.of(t), dims: [] },
          [n.learningRate]: { data: Float32Array.of(lr * decay), dims: [] },
          ...(frozen ? {} : { [n.tailLearningRate]: { data: Float32Array.of(tailLr * decay), dims: [] } }),
          [n.weightDecay]: { data: Float32Array.of(wd), dims: [] },
          ...adam.feeds,
        };
        const out = await session.run(inputs);
        adam.take(out);
        averaged?.update(t);
        total += (out[n.loss]!.data as Float32Array)[0]!;
        steps++;
      }
      lastLoss = total / steps;
      // After every epoch, at the mean epoch's cost so far: later epochs can run slower than the first.
      if (options.cpuSeconds !== undefined || options.wallSeconds !== undefined) {
        const used = process.cpuUsage(cpuStarted);
        const within = (seconds: number | undefined, spent: number) => (seconds === undefined ? Infinity : Math.floor(seconds / Math.max(spent / epoch, 1e-3)));
        const fitting = Math.min(within(options.cpuSeconds, (used.user + used.system) / 1e6), within(options.wallSeconds, (performance.now() - wallStarted) / 1000));
        const fits = Math.max(options.minEpochs ?? 1, epoch, fitting);
        if (fits < epochs) {
          epochs = fits;
          totalSteps = epochs * stepsPerEpoch;
        }
      }
      ran = epoch;
      const held = validation ? await heldOutLoss() : undefined;
      options.onEpoch?.(epoch, lastLoss, epochs, held);
      const goOn = await options.onCheckpoint?.(epoch, snapshot());
      if (goOn === false) break;
      if (held !== undefined) {
        heldOutLosses.push(held);
        if (!best || held < best.loss * (1 - minImprovement)) improvedAt = epoch;
        if (!best || held < best.loss) best = { epoch, loss: held, detector: snapshot(), trainLoss: lastLoss };
        if (epoch >= (options.minEpochs ?? 1) && epoch - improvedAt >= patience && epoch < epochs) break;
      }
    }
  } finally {
    await session.release();
    await lossSession?.release();
  }
  if (best) return { ...best.detector, loss: best.trainLoss, provider, epochs: ran, bestEpoch: best.epoch, heldOutLosses };
  return { ...snapshot(), loss: lastLoss, provider, epochs: ran, bestEpoch: ran, heldOutLosses };
}
