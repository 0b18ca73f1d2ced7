/**
 * Few images per label: a training-free head — each label's prototype is the mean direction of its
 * training features (centred, unit length), an image scores softmax(τ · cosine) against them —
 * blended with the trained head: (1 − α) · head + α · prototypes. α and τ are chosen by leave one
 * out per label (each fold holds out one image of every label; the trained head is retrained
 * without it with the settings its search chose), so a blend is kept only where it wins on held-out
 * images. In the model file it is a few more nodes after the features (appendPrototypes).
 */
import type { GraphBuilder, ValueRef } from '../../native/onnx';
import { trainHead, type ChosenSettings } from '../../native/train';
import { stratifiedFolds } from '../../native/train/probe';

/** Images per label up to which the blend is searched. */
export const FEW_PER_LABEL = 10;
export const BLEND_WEIGHTS = [0, 0.25, 0.5, 0.75, 1] as const;
export const TEMPERATURES = [10, 20, 40] as const;

export interface Prototypes {
  /** The mean feature the prototypes are centred on (D). */
  centre: Float32Array;
  /** C × D unit rows. */
  prototypes: Float32Array;
  classes: number;
  dims: number;
}

/** Prototypes of `rows` of N × D features with a class per row. */
export function buildPrototypes(features: Float32Array, dims: number, classOf: ArrayLike<number>, classes: number, rows: readonly number[]): Prototypes {
  const centre = new Float32Array(dims);
  for (const r of rows) for (let d = 0; d < dims; d++) centre[d] = centre[d]! + features[r * dims + d]! / rows.length;
  const prototypes = new Float32Array(classes * dims);
  const unit = new Float32Array(dims);
  for (const r of rows) {
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      unit[d] = features[r * dims + d]! - centre[d]!;
      norm += unit[d]! * unit[d]!;
    }
    norm = Math.sqrt(norm) || 1;
    const c = classOf[r]!;
    for (let d = 0; d < dims; d++) prototypes[c * dims + d] = prototypes[c * dims + d]! + unit[d]! / norm;
  }
  for (let c = 0; c < classes; c++) {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += prototypes[c * dims + d]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dims; d++) prototypes[c * dims + d] = prototypes[c * dims + d]! / norm;
  }
  return { centre, prototypes, classes, dims };
}

/** Cosine similarity to each prototype (N × C) for `rows` of the features. */
export function cosines(model: Prototypes, features: Float32Array, rows: readonly number[]): Float32Array {
  const { dims, classes, centre, prototypes } = model;
  const out = new Float32Array(rows.length * classes);
  const unit = new Float32Array(dims);
  rows.forEach((r, i) => {
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      unit[d] = features[r * dims + d]! - centre[d]!;
      norm += unit[d]! * unit[d]!;
    }
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < classes; c++) {
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += unit[d]! * prototypes[c * dims + d]!;
      out[i * classes + c] = dot / norm;
    }
  });
  return out;
}

function softmaxRows(values: Float32Array, classes: number, scale: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length / classes; i++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, values[i * classes + c]! * scale);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[i * classes + c] = Math.exp(values[i * classes + c]! * scale - max);
    for (let c = 0; c < classes; c++) out[i * classes + c] = out[i * classes + c]! / sum;
  }
  return out;
}

export interface BlendChoice {
  weight: number;
  temperature: number;
  /** Every (weight, temperature) tried: held-out accuracy, and mean log loss as the tie-breaker. */
  tried: { weight: number; temperature: number; accuracy: number; logLoss: number }[];
  seconds: number;
}

/**
 * α and τ by leave one out per label. `features` holds each image's row followed by its mirror's
 * (the training rows, 2 × images); `classOf` the class of each image. The head is retrained per fold with `settings`.
 */
export async function chooseBlend(options: {
  features: Float32Array;
  dims: number;
  images: number;
  classOf: Int32Array;
  classes: number;
  settings: ChosenSettings;
  classWeights?: number[];
  signal?: AbortSignal;
  threads?: number;
}): Promise<BlendChoice | undefined> {
  const started = performance.now();
  const { features, dims, images, classOf, classes, settings } = options;
  const counts = Array.from({ length: classes }, (_, c) => classOf.filter((k) => k === c).length);
  const fewest = Math.min(...counts);
  if (fewest < 2) return undefined;
  const folds = stratifiedFolds(classOf, fewest, 0);
  const headProbabilities = new Float32Array(images * classes);
  const cos = new Float32Array(images * classes);
  for (let f = 0; f < fewest; f++) {
    options.signal?.throwIfAborted();
    const held = [...Array(images).keys()].filter((i) => folds[i] === f);
    const kept = [...Array(images).keys()].filter((i) => folds[i] !== f);
    const trainRows = kept.flatMap((i) => [2 * i, 2 * i + 1]);
    const x = new Float32Array(trainRows.length * dims);
    trainRows.forEach((r, i) => x.set(features.subarray(r * dims, (r + 1) * dims), i * dims));
    const head = await trainHead({
      features: x,
      dims,
      targets: Int32Array.from(trainRows.map((r) => classOf[r >> 1]!)),
      kind: 'softmax',
      classes,
      ...(options.classWeights ? { classWeights: options.classWeights } : {}),
      hidden: settings.hidden,
      learningRate: settings.learningRate,
      weightDecay: settings.weightDecay,
      epochs: Math.max(1, settings.epochs),
      batchSize: settings.batchSize,
      seed: settings.seed,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
    });
    const heldX = new Float32Array(held.length * dims);
    held.forEach((r, i) => heldX.set(features.subarray(2 * r * dims, (2 * r + 1) * dims), i * dims));
    const p = await head.predict(heldX);
    const protos = buildPrototypes(features, dims, Int32Array.from({ length: 2 * images }, (_, r) => classOf[r >> 1]!), classes, trainRows);
    const c = cosines(protos, features, held.map((r) => 2 * r));
    held.forEach((r, i) => {
      headProbabilities.set(p.subarray(i * classes, (i + 1) * classes), r * classes);
      cos.set(c.subarray(i * classes, (i + 1) * classes), r * classes);
    });
  }
  const tried: BlendChoice['tried'] = [];
  for (const temperature of TEMPERATURES) {
    const proto = softmaxRows(cos, classes, temperature);
    for (const weight of BLEND_WEIGHTS) {
      if (weight === 0 && temperature !== TEMPERATURES[0]) continue;
      let correct = 0;
      let loss = 0;
      for (let i = 0; i < images; i++) {
        let top = 0;
        let topValue = -1;
        for (let c = 0; c < classes; c++) {
          const v = (1 - weight) * headProbabilities[i * classes + c]! + weight * proto[i * classes + c]!;
          if (v > topValue) {
            topValue = v;
            top = c;
          }
        }
        const truth = classOf[i]!;
        if (top === truth) correct++;
        loss -= Math.log(Math.max(1e-7, (1 - weight) * headProbabilities[i * classes + truth]! + weight * proto[i * classes + truth]!));
      }
      tried.push({ weight, temperature, accuracy: correct / images, logLoss: loss / images });
    }
  }
  const best = tried.reduce((a, b) => (b.accuracy > a.accuracy + 1e-9 || (Math.abs(b.accuracy - a.accuracy) <= 1e-9 && b.logLoss < a.logLoss) ? b : a));
  return { weight: best.weight, temperature: best.temperature, tried, seconds: (performance.now() - started) / 1000 };
}

/** The blend in the graph: (1 − α) · scores + α · softmax(τ · cos(features − centre, prototypes)). */
export function appendPrototypes(builder: GraphBuilder, features: ValueRef, scores: ValueRef, model: Prototypes, weight: number, temperature: number): ValueRef {
  const { dims, classes } = model;
  const transposed = new Float32Array(dims * classes);
  for (let c = 0; c < classes; c++) for (let d = 0; d < dims; d++) transposed[d * classes + c] = model.prototypes[c * dims + d]!;
  const centred = builder.op('Sub', [features, builder.float('prototypes/centre', model.centre, [1, dims])]);
  const norm = builder.op('Max', [builder.op('ReduceL2', [centred], { axes: [1], keepdims: 1 }), builder.float('prototypes/eps', [1e-12], [1])]);
  const unit = builder.op('Div', [centred, norm]);
  const similarity = builder.op('MatMul', [unit, builder.float('prototypes/matrix', transposed, [dims, classes])]);
  const proto = builder.op('Softmax', [builder.op('Mul', [similarity, builder.float('prototypes/temperature', [temperature], [1])])], { axis: 1 });
  return builder.op('Add', [
    builder.op('Mul', [scores, builder.float('prototypes/head_weight', [1 - weight], [1])]),
    builder.op('Mul', [proto, builder.float('prototypes/weight', [weight], [1])]),
  ]);
}
