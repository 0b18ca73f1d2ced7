/**
 * Fine-tuning the backbone's last layer for a single-label classifier, as a candidate chosen by
 * validation inside the training set: the end of the detector's tail (native/detect tail.ts) — the
 * final 1 × 1 expand and its ReLU6 (MobileNetV2's Conv_1, 4/5 of the last stage's weights), whose
 * hand-derived backward pass is checked against TF.js — trained with a softmax head on the pooled map
 * (native/detect tunedClassifier.ts). The block before it (expand, depthwise, project) would triple
 * the cost of every step for little more.
 *
 * What is compared, on one stratified split of the training images (4/5 fit, 1/5 held out; copies of
 * an image on one side), by macro recall on the held-out images (mirror-averaged when the search
 * chose mirror averaging):
 *   - the head alone on the frozen final embedding (the same trainer, so only the fine-tuning differs),
 *   - the frozen model as it would be made without fine-tuning (`frozenScore`: the chosen layers,
 *     which may include a middle one the fine-tuned model does not read, and the head's own search),
 *   - the head with the tail fine-tuned, on each image and its mirror,
 *   - the same with two augmented copies of each image (random-resized crops keeping ≥ 70 % of it,
 *     rotations up to 10°, flips, brightness and contrast ± 20 %), one copy per image.
 * A fine-tuned candidate replaces the frozen backbone only when it beats both frozen candidates by
 * more than the noise (viewSearch `beats`). The cut maps the tail starts from are computed once per image copy.
 *
 * Cost rule (not a quality setting): fine-tuning is tried only where the frozen features leave room —
 * the search's held-out score under FINE_TUNE_BELOW — and for views without tiles, so that a project
 * the frozen backbone already separates trains as fast as before.
 */
import type { OnnxModel } from '../../native/onnx';
import { buildModel, encodeModel, GraphBuilder } from '../../native/onnx';
import { createSession } from '../../native/ort';
import { findTail, pruneModel, spatialFeatureModel, toLocationRows, type BackboneTail, type MapSize } from '../../native/detect';
import { pooledTailModel, runPooledTail, trainTunedClassifier, type TunedClassifier } from '../../native/detect/tunedClassifier';
import { toModelBatch, type ModelSpec, type RgbPixels } from '../../native/models';
import { createRandom, deriveSeed, HeadModel } from '../../native/train';
import { augmentImage } from '../../native/train/augment';
import { stratifiedFolds } from '../../native/train/probe';
import { prepareInput, type PixelView } from './classifierView';
import { beats } from './viewSearch';
import type { Sample } from './engine';

/** Fine-tuning is tried only when the search's best held-out score is below this (room to gain). */
export const FINE_TUNE_BELOW = 0.97;
/** The tail found back to the last residual junction (MobileNetV2: block 16 and the final 1 × 1 expand), of which the last 1 × 1 convolution is fine-tuned. */
const TAIL_BLOCKS = 1;
/** Augmented copies of each image (besides the image and its mirror) when augmentation is a candidate. */
const AUGMENTED_COPIES = 1;
const EPOCHS = 6;

/**
 * The tail from its last 1 × 1 convolution on (with what follows it, e.g. ReLU6): the cut moves to
 * that convolution's input. The tail itself when no later layer can start it alone.
 */
export function lastPointwise(tail: BackboneTail): BackboneTail {
  const at = tail.layers.findLastIndex((layer) => layer.kind === 'pointwise');
  if (at <= 0) return tail;
  const first = tail.layers[at]!;
  if (first.kind !== 'pointwise') return tail;
  const made = new Set<string>([first.input]);
  for (const layer of tail.layers.slice(at)) {
    const inputs = layer.kind === 'add' ? layer.inputs : [layer.input];
    if (inputs.some((value) => !made.has(value))) return tail;
    made.add(layer.output);
  }
  const layers = tail.layers.slice(at);
  const kept = new Set(layers.flatMap((layer) => (layer.kind === 'pointwise' || layer.kind === 'depthwise' ? [layer.weight, layer.bias] : [])));
  return { ...tail, cut: first.input, cutChannels: first.inChannels, layers, initial: new Map([...tail.initial].filter(([name]) => kept.has(name))) };
}
const CUT_BATCH = 16;

export interface FineTuneInput {
  /** The backbone at the view's input side. */
  base: OnnxModel;
  spec: ModelSpec;
  view: PixelView;
  /** The backbone output the head reads when fine-tuned (the final embedding). */
  output: string;
  samples: readonly Sample[];
  classOf: Int32Array;
  classes: number;
  classWeights: readonly number[];
  mirror: boolean;
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /**
   * The macro recall on the images `held` (indices into samples) of the head the frozen backbone
   * gives as the model would be made without fine-tuning (the chosen view and layers, the head's
   * own search), trained on the images `fit`. A fine-tuned candidate must beat it as well as the
   * head alone on the final embedding: fine-tuning replaces the frozen model, not a weaker one.
   */
  frozenScore?: (fit: readonly number[], held: readonly number[]) => Promise<number>;
}

export interface FineTuneCandidate {
  settings: { fineTune: string; features?: string };
  metric: 'macro-recall';
  score: number;
  seconds: number;
}

export interface FineTuneChoice {
  /** 'none' (the frozen backbone stands), 'tail' or 'tailAugmented'. */
  chosen: 'none' | 'tail' | 'tailAugmented';
  candidates: FineTuneCandidate[];
  /** The chosen fine-tuning trained on every training image (absent when 'none'). */
  trained?: { tail: BackboneTail; tuned: TunedClassifier; head: HeadModel };
}

interface CutMaps {
  tail: BackboneTail;
  map: MapSize;
  /** Per image: [plain, mirrored, ...augmented] cut maps in location rows. */
  perImage: Float32Array[][];
}

async function cutMaps(input: FineTuneInput, copies: number): Promise<CutMaps> {
  const { spec, base } = input;
  const spatial = spatialFeatureModel(base, [input.output], 'map');
  if (!spatial) throw new Error(`the backbone output ${input.output} has no spatial map`);
  const tail = lastPointwise(findTail(base, spatial.value, TAIL_BLOCKS));
  const builder = new GraphBuilder('cut_map', { ...base.graph, outputs: [] });
  builder.output(builder.value(tail.cut), 'float32', undefined, 'cut');
  const { session } = await createSession(encodeModel(pruneModel(buildModel(builder, { metadata: base.metadata }))), { ...(input.threads ? { threads: input.threads } : {}), name: 'classifier-cut' });
  const perImage: Float32Array[][] = [];
  let map: MapSize | undefined;
  try {
    for (let start = 0; start < input.samples.length; start += CUT_BATCH) {
      input.signal?.throwIfAborted();
      const batch = input.samples.slice(start, start + CUT_BATCH);
      const images: RgbPixels[] = [];
      for (const [k, sample] of batch.entries()) {
        const plain = await prepareInput(sample.path, input.view, spec.input);
        const mirrored = await prepareInput(sample.path, input.view, spec.input, true);
        const random = createRandom(deriveSeed(start + k, 31));
        images.push(plain, mirrored, ...Array.from({ length: copies }, () => augmentImage(plain, random)));
      }
      const out = (await session.run({ [spec.input.name]: toModelBatch(images, spec) })).cut!;
      const [, channels, height, width] = out.dims as number[];
      map = { width: width!, height: height! };
      const size = channels! * height! * width!;
      const data = out.data as Float32Array;
      batch.forEach((_, k) => {
        perImage.push(Array.from({ length: 2 + copies }, (_, v) => toLocationRows(data.subarray((k * (2 + copies) + v) * size, (k * (2 + copies) + v + 1) * size), channels!, height! * width!)));
      });
      input.onProgress?.(`fine-tuning: cut maps ${Math.min(start + CUT_BATCH, input.samples.length)} of ${input.samples.length}`);
    }
  } finally {
    await session.release();
  }
  return { tail, map: map!, perImage };
}

/** Macro recall of a linear head on pooled features, each image scored as itself or averaged with its mirror. */
function macroRecall(scores: (image: number, view: number) => Float32Array, held: readonly number[], classOf: Int32Array, classes: number, mirror: boolean): number {
  const hit = new Float64Array(classes);
  const all = new Float64Array(classes);
  for (const i of held) {
    const a = scores(i, 0);
    const z = mirror ? a.map((value, c) => (value + scores(i, 1)[c]!) / 2) : a;
    let top = 0;
    for (let c = 1; c < classes; c++) if (z[c]! > z[top]!) top = c;
    all[classOf[i]!] = all[classOf[i]!]! + 1;
    if (top === classOf[i]) hit[classOf[i]!] = hit[classOf[i]!]! + 1;
  }
  const present = [...all.keys()].filter((c) => all[c]! > 0);
  return present.reduce((sum, c) => sum + hit[c]! / all[c]!, 0) / Math.max(1, present.length);
}

function softmaxScores(W: Float32Array, b: Float32Array, features: Float32Array, row: number, dims: number, classes: number): Float32Array {
  const z = new Float32Array(classes);
  for (let c = 0; c < classes; c++) {
    let sum = b[c]!;
    for (let d = 0; d < dims; d++) sum += features[row * dims + d]! * W[d * classes + c]!;
    z[c] = sum;
  }
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const total = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / total);
}

export async function chooseFineTune(input: FineTuneInput): Promise<FineTuneChoice> {
  const { classOf, classes: C } = input;
  const images = input.samples.length;
  const maps = await cutMaps(input, AUGMENTED_COPIES);
  const { tail, map } = maps;
  const D = tail.channels;
  const options = { ...(input.threads ? { threads: input.threads } : {}), ...(input.signal ? { signal: input.signal } : {}) };
  // One split: copies of an image (same content) on one side.
  const firstOfHash = new Map<string, number>();
  input.samples.forEach((s, i) => firstOfHash.has(s.contentHash) || firstOfHash.set(s.contentHash, i));
  const fewest = Math.min(...Array.from({ length: C }, (_, c) => classOf.filter((k) => k === c).length).filter((n) => n > 0));
  const folds = stratifiedFolds(classOf, Math.max(2, Math.min(5, fewest)), 7);
  const heldOut = (i: number) => folds[firstOfHash.get(input.samples[i]!.contentHash)!] === 0;
  const fit = [...Array(images).keys()].filter((i) => !heldOut(i));
  const held = [...Array(images).keys()].filter(heldOut);
  const views = (rows: readonly number[], augment: boolean) => rows.flatMap((i) => maps.perImage[i]!.slice(0, augment ? 2 + AUGMENTED_COPIES : 2));
  const labelsOf = (rows: readonly number[], augment: boolean) => Int32Array.from(rows.flatMap((i) => Array<number>(augment ? 2 + AUGMENTED_COPIES : 2).fill(classOf[i]!)));

  // Frozen features (pooled through the backbone's own tail) for the head alone.
  const frozen = await runPooledTail(pooledTailModel(tail, map), maps.perImage.flatMap((v) => v), tail, map, options);
  const perImage = 2 + AUGMENTED_COPIES;
  const frozenRows = (rows: readonly number[], augment: boolean) =>
    rows.flatMap((i) => Array.from({ length: augment ? perImage : 2 }, (_, v) => frozen.subarray((i * perImage + v) * D, (i * perImage + v + 1) * D)));
  const headOnlyTail: BackboneTail = { cut: 'pooled', cutChannels: D, output: 'pooled', channels: D, layers: [], initial: new Map() };
  const point: MapSize = { width: 1, height: 1 };

  const candidates: FineTuneCandidate[] = [];
  type Trial = { name: FineTuneChoice['chosen']; score: number };
  const trials: Trial[] = [];
  for (const name of ['none', 'tail', 'tailAugmented'] as const) {
    input.signal?.throwIfAborted();
    input.onProgress?.(`fine-tuning: validating ${name}`);
    const started = performance.now();
    const augment = name === 'tailAugmented';
    let score: number;
    if (name === 'none') {
      const trained = await trainTunedClassifier({ maps: frozenRows(fit, false), classOf: labelsOf(fit, false), classWeights: input.classWeights, tail: headOnlyTail, map: point, classes: C, epochs: EPOCHS, ...options });
      score = macroRecall((i, v) => softmaxScores(trained.W, trained.b, frozen, i * perImage + v, D, C), held, classOf, C, input.mirror);
    } else {
      const trained = await trainTunedClassifier({ maps: views(fit, augment), classOf: labelsOf(fit, augment), classWeights: input.classWeights, tail, map, classes: C, epochs: EPOCHS, ...options });
      const heldMaps = held.flatMap((i) => maps.perImage[i]!.slice(0, 2));
      const features = await runPooledTail(pooledTailModel(tail, map, trained.tailWeights), heldMaps, tail, map, options);
      const rowOf = new Map(held.map((i, k) => [i, k]));
      score = macroRecall((i, v) => softmaxScores(trained.W, trained.b, features, rowOf.get(i)! * 2 + v, D, C), held, classOf, C, input.mirror);
    }
    const seconds = (performance.now() - started) / 1000;
    candidates.push({ settings: { fineTune: name }, metric: 'macro-recall', score: Number(score.toFixed(4)), seconds: Number(seconds.toFixed(2)) });
    trials.push({ name, score });
  }
  let standing = trials[0]!;
  if (input.frozenScore) {
    input.onProgress?.('fine-tuning: validating the frozen model as chosen');
    const started = performance.now();
    const score = await input.frozenScore(fit, held);
    candidates.push({ settings: { fineTune: 'none', features: 'chosen' }, metric: 'macro-recall', score: Number(score.toFixed(4)), seconds: Number(((performance.now() - started) / 1000).toFixed(2)) });
    if (score > standing.score) standing = { name: 'none', score };
  }
  const asProbe = (score: number) => ({ metric: 'macro-recall' as const, score, perClass: [], error: 0, penalty: 0 });
  const best = trials.filter((trial) => trial.name !== 'none').reduce<Trial>((a, b) => (beats(asProbe(b.score), asProbe(standing.score), held.length) && b.score > a.score ? b : a), standing);
  if (best.name === 'none') return { chosen: 'none', candidates };

  input.onProgress?.(`fine-tuning: training ${best.name} on every image`);
  const all = [...Array(images).keys()];
  const augment = best.name === 'tailAugmented';
  const tuned = await trainTunedClassifier({ maps: views(all, augment), classOf: labelsOf(all, augment), classWeights: input.classWeights, tail, map, classes: C, epochs: EPOCHS, ...options });
  const head = new HeadModel({
    spec: { kind: 'softmax', hidden: 0, classes: C, features: D },
    parameters: { W1: tuned.W, b1: tuned.b },
    standardisation: { mean: new Float32Array(D), std: new Float32Array(D).fill(1) },
  });
  return { chosen: best.name, candidates, trained: { tail, tuned, head } };
}
