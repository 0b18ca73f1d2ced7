/**
 * A classification head trained together with the backbone's last blocks (tail.ts, the same tail
 * and hand-derived backward pass the detector fine-tunes): one ONNX graph per step runs the tail
 * forward from the cached cut map, pools it over the map, the linear softmax head and its weighted
 * cross-entropy, the backward pass of both, and Adam on every parameter.
 *
 *   f  = tail(x)                             x: cut rows [B·HW, cutChannels], f [B·HW, D]
 *   g  = mean over the HW rows of each image  g [B, D]   (the backbone's global average pooling)
 *   gs = (g − μ) · s                         μ, s = 1/σ: per channel over the backbone's own g (fixed)
 *   z  = gs·W + b,  p = softmax(z)           W [D, C], b [C]
 *   L  = Σ_i w_i · (−Σ_c y_ic log p_ic) / Σ w    y one-hot rows, w the sample (class) weights
 *
 * Backward:
 *   dz = w_i / Σw · (p_i − y_i)
 *   gW = gsᵀ·dz + wd·W,  gb = Σ_i dz
 *   dg = (dz·Wᵀ) · s,    df[i·HW + r] = dg[i] / HW   (the mean's gradient, spread over the image's rows)
 *   → tailBackward
 *
 * The tail starts from the backbone's weights with its own (smaller) learning rate and no weight
 * decay; the standardisation is folded into W and b on return, so the head takes raw pooled features.
 */
import { buildModel, encodeModel, GraphBuilder, type ValueRef } from '../onnx';
import { createSession, type Provider, type TensorInput } from '../ort';
import { createRandom } from '../train';
import { tailParameters, type BackboneTail, type MapSize } from './tail';
import { tailGraph, tunedAdamState, TUNED_STEP_NAMES, tunedStep } from './tunedStep';

export const TUNED_CLASSIFIER_NAMES = {
  features: 'x',
  targets: 'y',
  sampleWeights: 'sampleWeights',
  featureMean: 'featureMean',
  featureScale: 'featureScale',
  loss: 'loss',
  ...TUNED_STEP_NAMES,
} as const;

/** The pooled features [B, D] of cut rows through the tail (rows of each image consecutive). */
function pooled(g: GraphBuilder, rows: ValueRef, cells: number, channels: number): { perImage: ValueRef; pooled: ValueRef } {
  const perImage = g.op('Reshape', [rows, g.int64(g.uniqueName('per_image_shape'), [-1, cells, channels])]);
  return { perImage, pooled: g.op('ReduceMean', [perImage], { axes: [1], keepdims: 0 }) };
}

/** The fine-tuning step graph for `tail` on maps of `map`'s size (images and classes symbolic). */
export function buildTunedClassifierStepGraph(tail: BackboneTail, map: MapSize): GraphBuilder {
  const n = TUNED_CLASSIFIER_NAMES;
  const cells = map.width * map.height;
  const D = tail.channels;
  const g = new GraphBuilder('classifier_tuned_step');
  const x = g.input(n.features, 'float32', ['rows', tail.cutChannels]);
  const y = g.input(n.targets, 'float32', ['images', 'classes']);
  const w = g.input(n.sampleWeights, 'float32', ['images']);
  const mean = g.input(n.featureMean, 'float32', [D]);
  const scale = g.input(n.featureScale, 'float32', [D]);
  const { W, b, weightDecay, values, update } = tunedStep(g, tail, map, x, 'classes');
  const { perImage, pooled: features } = pooled(g, values.get(tail.output)!, cells, D);
  const gs = g.op('Mul', [g.op('Sub', [features, mean]), scale]);
  const z = g.op('Gemm', [gs, W, b]);
  const axis1 = g.int64('class_axis', [1]);
  const axis0 = g.int64('image_axis', [0]);
  const total = g.op('ReduceSum', [w, axis0], { keepdims: 0 });
  const share = g.op('Unsqueeze', [g.op('Div', [w, total]), axis1]);
  const perSample = g.op('Neg', [g.op('ReduceSum', [g.op('Mul', [y, g.op('LogSoftmax', [z], { axis: 1 })]), axis1], { keepdims: 1 })]);
  g.output(g.op('ReduceSum', [g.op('Mul', [perSample, share]), g.int64('all_axes', [0, 1])], { keepdims: 0 }), 'float32', [], n.loss);
  const dz = g.op('Mul', [g.op('Sub', [g.op('Softmax', [z], { axis: 1 }), y]), share]);
  update(g.op('Add', [g.op('Gemm', [gs, dz], { transA: 1 }), g.op('Mul', [weightDecay, W])]), g.op('ReduceSum', [dz, axis0], { keepdims: 0 }), () => {
    const dg = g.op('Mul', [g.op('Gemm', [dz, W], { transB: 1 }), g.op('Mul', [scale, g.float('per_cell', 1 / cells)])]);
    const spread = g.op('Expand', [g.op('Unsqueeze', [dg, axis1]), g.op('Shape', [perImage])]);
    return g.op('Reshape', [spread, g.int64('rows_shape', [-1, D])]);
  });
  return g;
}

/** The tail and the pooling as a model: input `x` (cut rows [B·HW, cutChannels]) → `features` [B, channels], with `weights` (default: the backbone's). */
export function pooledTailModel(tail: BackboneTail, map: MapSize, weights: ReadonlyMap<string, Float32Array> = tail.initial): Uint8Array {
  const { g, values } = tailGraph('classifier_tail', tail, map, weights);
  g.output(g.op('Identity', [pooled(g, values.get(tail.output)!, map.width * map.height, tail.channels).pooled]), 'float32', ['images', tail.channels], 'features');
  return encodeModel(buildModel(g, { docString: 'the backbone tail that the classifier fine-tunes, pooled' }));
}

export interface TrainTunedClassifierOptions {
  /** Per training view of an image (plain, mirrored, augmented), its cut map in location-major rows: [H·W, tail.cutChannels]. */
  maps: readonly Float32Array[];
  /** The class of each map. */
  classOf: Int32Array;
  /** A loss weight per class (default 1). */
  classWeights?: readonly number[];
  tail: BackboneTail;
  map: MapSize;
  classes: number;
  epochs?: number;
  /** Images per step. */
  batchImages?: number;
  learningRate?: number;
  tailLearningRate?: number;
  weightDecay?: number;
  seed?: number;
  signal?: AbortSignal;
  providers?: readonly Provider[];
  threads?: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

export interface TunedClassifier {
  /** The linear head on the raw pooled features of the fine-tuned tail: W [D, C] row-major, b [C]. */
  W: Float32Array;
  b: Float32Array;
  /** The tail's trained weights by initializer name (the model's dims; see withTailWeights). */
  tailWeights: Map<string, Float32Array>;
  loss: number;
  provider: Provider;
}

/** Pooled features [N, D] of cut maps through `model` (pooledTailModel), 32 maps a run. */
export async function runPooledTail(model: Uint8Array, maps: readonly Float32Array[], tail: BackboneTail, map: MapSize, options: { providers?: readonly Provider[]; threads?: number; signal?: AbortSignal } = {}): Promise<Float32Array> {
  const cells = map.width * map.height;
  const out = new Float32Array(maps.length * tail.channels);
  const { session } = await createSession(model, { providers: options.providers ?? ['cpu'], ...(options.threads ? { threads: options.threads } : {}), name: 'classifier-tail' });
  try {
    for (let start = 0; start < maps.length; start += 32) {
      options.signal?.throwIfAborted();
      const batch = maps.slice(start, start + 32);
      const x = new Float32Array(batch.length * cells * tail.cutChannels);
      batch.forEach((rows, k) => x.set(rows, k * cells * tail.cutChannels));
      out.set((await session.run({ x: { data: x, dims: [batch.length * cells, tail.cutChannels] } })).features!.data as Float32Array, start * tail.channels);
    }
  } finally {
    await session.release();
  }
  return out;
}

/**
 * Trains the head and the tail together with Adam (cosine decay to a tenth). The standardisation
 * is measured once on the backbone's own pooled features and kept fixed.
 */
export async function trainTunedClassifier(options: TrainTunedClassifierOptions): Promise<TunedClassifier> {
  const { tail, map, classes: C } = options;
  const D = tail.channels;
  const epochs = options.epochs ?? 8;
  const batchImages = options.batchImages ?? 32;
  const lr = options.learningRate ?? 1e-3;
  const tailLr = options.tailLearningRate ?? 1e-4;
  const wd = options.weightDecay ?? 1e-4;
  const images = options.maps.length;
  if (images === 0) throw new Error('no training images');
  const cells = map.width * map.height;
  const sessionOptions = { providers: options.providers ?? (['cpu'] as Provider[]), ...(options.threads ? { threads: options.threads } : {}) };

  const base = await runPooledTail(pooledTailModel(tail, map), options.maps, tail, map, { ...sessionOptions, ...(options.signal ? { signal: options.signal } : {}) });
  const featureMean = new Float32Array(D);
  const featureScale = new Float32Array(D);
  for (let d = 0; d < D; d++) {
    let sum = 0;
    let square = 0;
    for (let i = 0; i < images; i++) {
      const value = base[i * D + d]!;
      sum += value;
      square += value * value;
    }
    const mean = sum / images;
    featureMean[d] = mean;
    featureScale[d] = 1 / (Math.sqrt(Math.max(square / images - mean * mean, 0)) + 1e-3);
  }

  const random = createRandom(options.seed ?? 1);
  const parameters = tailParameters(tail);
  const adam = tunedAdamState(tail, Float32Array.from({ length: D * C }, () => random.uniform(Math.sqrt(1 / D) * 0.1)), new Float32Array(C));
  const weightOf = (c: number) => options.classWeights?.[c] ?? 1;

  const { session, provider } = await createSession(encodeModel(buildModel(buildTunedClassifierStepGraph(tail, map), { docString: 'one Adam step of a classification head and the backbone tail under it' })), {
    ...sessionOptions,
    name: 'classifier-tuned-step',
  });
  const n = TUNED_CLASSIFIER_NAMES;
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
        const x = new Float32Array(batch.length * cells * tail.cutChannels);
        const y = new Float32Array(batch.length * C);
        const w = new Float32Array(batch.length);
        batch.forEach((image, k) => {
          x.set(options.maps[image]!, k * cells * tail.cutChannels);
          y[k * C + options.classOf[image]!] = 1;
          w[k] = weightOf(options.classOf[image]!);
        });
        t++;
        const decay = 0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / Math.max(1, totalSteps - 1)));
        const inputs: Record<string, TensorInput> = {
          [n.features]: { data: x, dims: [batch.length * cells, tail.cutChannels] },
          [n.targets]: { data: y, dims: [batch.length, C] },
          [n.sampleWeights]: { data: w, dims: [batch.length] },
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
    }
  } finally {
    await session.release();
  }
  // Fold the standardisation: z = ((g − μ)·s)·W + b = g·(s·W) + (b − Σ_d μ_d s_d W_d).
  const W = adam.get('W');
  const folded = new Float32Array(D * C);
  const bias = Float32Array.from(adam.get('b'));
  for (let d = 0; d < D; d++) {
    for (let c = 0; c < C; c++) {
      const value = W[d * C + c]! * featureScale[d]!;
      folded[d * C + c] = value;
      bias[c] = bias[c]! - featureMean[d]! * value;
    }
  }
  const tailWeights = new Map(parameters.map((parameter) => [parameter.initializer, adam.get(parameter.name)]));
  return { W: folded, b: bias, tailWeights, loss: lastLoss, provider };
}
