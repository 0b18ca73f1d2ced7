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
 * The tail starts from the backbone's weights and gets its own (smaller) learning rate and no weight
 * decay; the head's standardisation is folded into W and b on return, so the head takes raw features.
 */
import { buildModel, encodeModel, GraphBuilder, type Dim, type ValueRef } from '../onnx';
import { createSession, type Provider, type TensorInput } from '../ort';
import { adamStep, adamStepSize, adamUpdate, AdamState, createRandom } from '../train';
import { DETECT_STEP_NAMES, detectionLoss, detectionTargetInputs } from './graphs';
import type { DetectionHead, DetectionTargets } from './index';
import { tailBackward, tailForward, tailParameters, type BackboneTail, type MapSize } from './tail';

/** The fine-tuning step graph for `tail` on maps of `map`'s size (rows and classes symbolic). */
export function buildTunedStepGraph(tail: BackboneTail, map: MapSize): GraphBuilder {
  const n = DETECT_STEP_NAMES;
  const g = new GraphBuilder('detection_tuned_step');
  const x = g.input(n.features, 'float32', ['rows', tail.cutChannels]);
  const targets = detectionTargetInputs(g);
  const mean = g.input(n.featureMean, 'float32', [tail.channels]);
  const scale = g.input(n.featureScale, 'float32', [tail.channels]);
  const shapes = new Map<string, Dim[]>([
    ['W', [tail.channels, 'outputs']],
    ['b', ['outputs']],
  ]);
  const parameters = tailParameters(tail);
  for (const parameter of parameters) shapes.set(parameter.name, parameter.dims);
  const params = new Map<string, ValueRef>();
  const m = new Map<string, ValueRef>();
  const v = new Map<string, ValueRef>();
  for (const [name, shape] of shapes) params.set(name, g.input(name, 'float32', shape));
  for (const [name, shape] of shapes) m.set(name, g.input(n.moment1(name), 'float32', shape));
  for (const [name, shape] of shapes) v.set(name, g.input(n.moment2(name), 'float32', shape));
  const t = g.input(n.step, 'float32', []);
  const lr = g.input(n.learningRate, 'float32', []);
  const tailLr = g.input(n.tailLearningRate, 'float32', []);
  const wd = g.input(n.weightDecay, 'float32', []);

  const byInitializer = new Map(parameters.map((parameter) => [parameter.initializer, params.get(parameter.name)!]));
  const values = tailForward(g, tail, x, byInitializer, map);
  const W = params.get('W')!;
  const fs = g.op('Mul', [g.op('Sub', [values.get(tail.output)!, mean]), scale]);
  const z = g.op('Gemm', [fs, W, params.get('b')!]);
  const dz = detectionLoss(g, z, targets);
  const grads = new Map<string, ValueRef>([
    ['W', g.op('Add', [g.op('Gemm', [fs, dz], { transA: 1 }), g.op('Mul', [wd, W])])],
    ['b', g.op('ReduceSum', [dz, g.int64('head_axis0', [0])], { keepdims: 0 })],
  ]);
  if (parameters.length > 0) {
    const df = g.op('Mul', [g.op('Gemm', [dz, W], { transB: 1 }), scale]);
    const tailGrads = tailBackward(g, tail, values, df, byInitializer, map);
    for (const parameter of parameters) grads.set(parameter.name, tailGrads.get(parameter.initializer)!);
  }
  const adam = adamStep(g, t);
  const headStep = adamStepSize(g, adam, lr);
  const tailStep = adamStepSize(g, adam, tailLr);
  for (const [name, shape] of shapes) {
    adamUpdate(g, adam, { name, param: params.get(name)!, grad: grads.get(name)!, m: m.get(name)!, v: v.get(name)!, stepSize: name === 'W' || name === 'b' ? headStep : tailStep, shape });
  }
  return g;
}

/** The tail alone as a model: input `x` (cut rows [N, cutChannels]) → output `features` [N, channels], with `weights` (default: the backbone's). */
export function tailFeatureModel(tail: BackboneTail, map: MapSize, weights: ReadonlyMap<string, Float32Array> = tail.initial): Uint8Array {
  const g = new GraphBuilder('detection_tail');
  const x = g.input('x', 'float32', ['rows', tail.cutChannels]);
  const params = new Map<string, ValueRef>(tailParameters(tail).map((parameter) => [parameter.initializer, g.initializer(parameter.name, weights.get(parameter.initializer)!, parameter.dims)]));
  const values = tailForward(g, tail, x, params, map);
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
  /** λ for offset x, offset y, width, height (default [1, 1, 0.1, 0.1]). */
  regressionWeight?: readonly number[];
  seed?: number;
  signal?: AbortSignal;
  providers?: readonly Provider[];
  threads?: number;
  onEpoch?: (epoch: number, loss: number) => void;
  /** After each epoch, with the detector as it stands (e.g. to score a held-out set). */
  onCheckpoint?: (epoch: number, detector: Omit<TunedDetector, 'provider' | 'loss'>) => Promise<void> | void;
}

export interface TunedDetector {
  /** On the raw features of the fine-tuned tail. */
  head: DetectionHead;
  /** The tail's trained weights by initializer name (the model's dims; see withTailWeights). */
  tailWeights: Map<string, Float32Array>;
  loss: number;
  provider: Provider;
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
  const epochs = options.epochs ?? 30;
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
  const mean = new Float64Array(D);
  const square = new Float64Array(D);
  const forward = await createSession(tailFeatureModel(tail, map), { ...sessionOptions, name: 'detection-tail' });
  try {
    for (let start = 0; start < images; start += 16) {
      options.signal?.throwIfAborted();
      const batch = options.maps.slice(start, start + 16);
      const x = new Float32Array(batch.length * cells * tail.cutChannels);
      batch.forEach((rows, k) => x.set(rows, k * cells * tail.cutChannels));
      const features = (await forward.session.run({ x: { data: x, dims: [batch.length * cells, tail.cutChannels] } })).features!.data as Float32Array;
      for (let r = 0; r < batch.length * cells; r++) {
        for (let d = 0; d < D; d++) {
          const value = features[r * D + d]!;
          mean[d] = mean[d]! + value;
          square[d] = square[d]! + value * value;
        }
      }
    }
  } finally {
    await forward.session.release();
  }
  const count = images * cells;
  const std = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    mean[d] = mean[d]! / count;
    std[d] = Math.sqrt(Math.max(square[d]! / count - mean[d]! ** 2, 0)) + 1e-3;
  }
  const featureMean = Float32Array.from(mean);
  const featureScale = Float32Array.from(std, (value) => 1 / value);

  const random = createRandom(options.seed ?? 1);
  const parameters = tailParameters(tail);
  const dims = new Map<string, number[]>([
    ['W', [D, O]],
    ['b', [O]],
  ]);
  for (const parameter of parameters) dims.set(parameter.name, parameter.dims);
  const params = new Map<string, Float32Array>();
  params.set(
    'W',
    Float32Array.from({ length: D * O }, () => random.uniform(Math.sqrt(1 / D) * 0.1)),
  );
  const b = new Float32Array(O);
  for (let c = 0; c < C; c++) b[c] = -Math.log(99);
  b[C + 2] = 1;
  b[C + 3] = 1;
  params.set('b', b);
  for (const parameter of parameters) params.set(parameter.name, Float32Array.from(tail.initial.get(parameter.initializer)!));
  const adam = new AdamState([...dims].map(([name, shape]) => [name, { data: params.get(name)!, dims: shape }] as const));

  // Fold the standardisation: z = ((f − μ)·s)·W + b = f·(s·W) + (b − Σ_d μ_d s_d W_d).
  const snapshot = (): Omit<TunedDetector, 'provider' | 'loss'> => {
    const W = adam.get('W');
    const folded = new Float32Array(D * O);
    const bias = Float32Array.from(adam.get('b'));
    for (let d = 0; d < D; d++) {
      for (let o = 0; o < O; o++) {
        const w = W[d * O + o]! * featureScale[d]!;
        folded[d * O + o] = w;
        bias[o] = bias[o]! - featureMean[d]! * w;
      }
    }
    const tailWeights = new Map(parameters.map((parameter) => [parameter.initializer, adam.get(parameter.name)]));
    return { head: { features: D, classes: C, W: folded, b: bias }, tailWeights };
  };

  const { session, provider } = await createSession(encodeModel(buildModel(buildTunedStepGraph(tail, map), { docString: 'one Adam step of a detection head and the backbone tail under it' })), {
    ...sessionOptions,
    name: 'detection-tuned-step',
  });
  const n = DETECT_STEP_NAMES;
  let t = 0;
  let lastLoss = Number.NaN;
  try {
    const order = Array.from({ length: images }, (_, i) => i);
    const totalSteps = epochs * Math.ceil(images / batchImages);
    for (let epoch = 1; epoch <= epochs; epoch++) {
      random.shuffle(order);
      let total = 0;
      let steps = 0;
      for (let start = 0; start < images; start += batchImages) {
        options.signal?.throwIfAborted();
        const batch = order.slice(start, start + batchImages);
        const rows = batch.length * cells;
        const x = new Float32Array(rows * tail.cutChannels);
        const heat = new Float32Array(rows * C);
        const reg = new Float32Array(rows * 4);
        const mask = new Float32Array(rows);
        let objects = 0;
        batch.forEach((image, k) => {
          x.set(options.maps[image]!, k * cells * tail.cutChannels);
          const target = options.targets[image]!;
          heat.set(target.heatmap, k * cells * C);
          reg.set(target.regression, k * cells * 4);
          mask.set(target.mask, k * cells);
          objects += target.objects;
        });
        t++;
        // Cosine decay from the full rate at the first step to a tenth of it at the last.
        const decay = 0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / Math.max(1, totalSteps - 1)));
        const inputs: Record<string, TensorInput> = {
          [n.features]: { data: x, dims: [rows, tail.cutChannels] },
          [n.heatmap]: { data: heat, dims: [rows, C] },
          [n.regression]: { data: reg, dims: [rows, 4] },
          [n.mask]: { data: mask, dims: [rows] },
          [n.regressionWeight]: { data: lambda, dims: [4] },
          [n.objects]: { data: Float32Array.of(Math.max(1, objects)), dims: [] },
          [n.featureMean]: { data: featureMean, dims: [D] },
          [n.featureScale]: { data: featureScale, dims: [D] },
          [n.step]: { data: Float32Array.of(t), dims: [] },
          [n.learningRate]: { data: Float32Array.of(lr * decay), dims: [] },
          [n.tailLearningRate]: { data: Float32Array.of(tailLr * decay), dims: [] },
          [n.weightDecay]: { data: Float32Array.of(wd), dims: [] },
          ...adam.feeds,
        };
        const out = await session.run(inputs);
        adam.take(out);
        total += (out[n.loss]!.data as Float32Array)[0]!;
        steps++;
      }
      lastLoss = total / steps;
      options.onEpoch?.(epoch, lastLoss);
      await options.onCheckpoint?.(epoch, snapshot());
    }
  } finally {
    await session.release();
  }
  return { ...snapshot(), loss: lastLoss, provider };
}
