/**
 * Training a classifier (single- or multi-label) on a frozen backbone: the view, layers, mirroring
 * and class weights are chosen by validation inside the training set (viewSearch.ts), every
 * training image is embedded in the chosen view as it is and mirrored (features cached by content
 * hash and view), a head is trained on those features (native/train autoTrainHead), and backbone,
 * view and head are written as ONE ONNX model with the labels, the view and the choices in its
 * metadata. The test set then goes through that very file, as analysis will.
 */
import { readFile } from 'node:fs/promises';
import { decodeModel, buildModel, encodeModel, type GraphBuilder, type ValueRef } from '../../native/onnx';
import { createSession, type OrtSession } from '../../native/ort';
import { withInputSize, withTailWeights } from '../../native/detect';
import { toModelBatch, type ModelSpec, type RgbPixels } from '../../native/models';
import { autoTrainHead, lowerPastNoise, type AutoTrainHeadResult, type HeadModel } from '../../native/train';
import { createLogger } from '../log';
import type { TrainedModel, TrainOptions } from './engine';
import { classifierPipeline, predictSamples } from './pipeline';
import { cachedFeatures } from './featureCache';
import { writeModelFile, type ClassifierMetadata, type TrainingChoices } from './modelFile';
import { appendClassifier, cacheName, candidateSides, candidateViews, cutTiles, inputSize, prepareInput, specAt, viewName, type ClassifierView, type PixelView } from './classifierView';
import { appendPrototypes, buildPrototypes, chooseBlend, FEW_PER_LABEL } from './prototypes';
import { classWeights, poolTiles, searchView, type ClassWeighting, type ViewChoice } from './viewSearch';
import { reusableClassifierChoices, type ReusedChoices } from './earlierChoices';
import { chooseFineTune, FINE_TUNE_BELOW } from './classifierFineTune';
import type { Sample } from './engine';

const log = createLogger('engine');
const EMBED_BATCH = 16;

interface Backbone {
  id: string;
  spec: ModelSpec;
  modelPath: string;
}

/** The features of `samples` in `view` (mirrored or not): per sample, tiles × every output side by side. `spec`: the backbone's at the view's side, `session` running it. */
export async function embedView(
  session: OrtSession,
  spec: ModelSpec,
  cacheDir: string,
  view: PixelView,
  samples: readonly Sample[],
  mirror: boolean,
  onBatch?: (done: number) => void,
): Promise<Float32Array[]> {
  const dims = spec.outputs.reduce((sum, o) => sum + o.size, 0);
  const tiles = view.tiles?.count ?? 1;
  const name = `-${cacheName(view)}${mirror ? '-flip' : ''}`;
  const out: Float32Array[] = [];
  for (let start = 0; start < samples.length; start += EMBED_BATCH) {
    const batch = samples.slice(start, start + EMBED_BATCH);
    const vectors = await cachedFeatures({
      cacheDir,
      views: batch,
      key: (sample) => ({ contentHash: sample.contentHash, view: name }),
      length: tiles * dims,
      compute: async (missing) => {
        const images = await Promise.all(missing.map((sample) => prepareInput(sample.path, view, spec.input, mirror)));
        const squares: RgbPixels[] = images.flatMap((image) => cutTiles(image, view, spec.input));
        const result = await session.run({ [spec.input.name]: toModelBatch(squares, spec) });
        return missing.map((_, row) => {
          const vector = new Float32Array(tiles * dims);
          for (let t = 0; t < tiles; t++) {
            let offset = 0;
            for (const output of spec.outputs) {
              const data = result[output.name]!.data as Float32Array;
              const at = (row * tiles + t) * output.size;
              vector.set(data.subarray(at, at + output.size), t * dims + offset);
              offset += output.size;
            }
          }
          return vector;
        });
      },
    });
    out.push(...vectors);
    onBatch?.(start + batch.length);
  }
  return out;
}

/** N × D features of the chosen outputs (in `features` order) out of N × all outputs. */
function selectOutputs(pooled: Float32Array, rows: number, spec: ModelSpec, features: string[]): Float32Array {
  const all = spec.outputs.reduce((sum, o) => sum + o.size, 0);
  const parts = features.map((name) => {
    let offset = 0;
    for (const o of spec.outputs) {
      if (o.name === name) return { offset, size: o.size };
      offset += o.size;
    }
    throw new Error(`the backbone has no output ${name}`);
  });
  const dims = parts.reduce((sum, p) => sum + p.size, 0);
  if (dims === all && parts.every((p, i) => i === 0 || p.offset === parts[i - 1]!.offset + parts[i - 1]!.size) && parts[0]!.offset === 0) return pooled;
  const out = new Float32Array(rows * dims);
  for (let i = 0; i < rows; i++) {
    let at = i * dims;
    for (const p of parts) {
      out.set(pooled.subarray(i * all + p.offset, i * all + p.offset + p.size), at);
      at += p.size;
    }
  }
  return out;
}

/** A head trained on some of the backbone's outputs (`names`). */
export interface LayerHead {
  names: string[];
  result: AutoTrainHeadResult;
}

/**
 * The backbone outputs the head reads, chosen by the head's own search: where that search
 * cross-validated the `standing` head (few images, or a rare class), a linear head is searched on
 * each of `others` (`run(names, true)`: the same folds, every learning rate and decay, no hidden
 * layer) and replaces the best so far only where its best held-out losses are lower on the folds by
 * more than the noise of the paired differences (`lowerPastNoise`). Layers are compared by linear
 * heads alone (the standing one's best linear trial): a hidden layer's lower loss on the folds that
 * also chose its epochs is the optimism of a wider model, not a reason to change what it reads.
 * The head on the chosen layers is then searched in full (`run(names, false)`). On one split (many
 * images) the standing head stays, unsearched. `record` gets every linear head's mean held-out loss
 * (and the seconds it took, but the standing one's).
 */
export async function chooseHeadLayers<H extends LayerHead>(
  standing: H,
  others: readonly string[][],
  run: (names: string[], linearOnly: boolean) => Promise<H>,
  record: (names: string[], loss: number, seconds?: number) => void,
): Promise<H> {
  const linear = (head: H) => {
    const stageOne = head.result.trials.filter((trial) => trial.stage === 1 && trial.settings.hidden === 0);
    return stageOne.length === 0 ? undefined : stageOne.reduce((a, b) => (b.validation.loss < a.validation.loss ? b : a));
  };
  const folded = (head: H) => head.result.validation !== null && head.result.validation.folds >= 2 && linear(head) !== undefined;
  if (others.length === 0 || !folded(standing)) return standing;
  record(standing.names, linear(standing)!.validation.loss);
  let best = standing;
  for (const names of others) {
    const started = performance.now();
    const other = await run(names, true);
    if (!folded(other)) continue;
    record(names, linear(other)!.validation.loss, (performance.now() - started) / 1000);
    const losses = linear(other)!.foldLosses;
    const standingLosses = linear(best)!.foldLosses;
    if (losses.length === standingLosses.length && lowerPastNoise(losses, standingLosses)) best = other;
  }
  return best === standing ? standing : run(best.names, false);
}

export async function trainClassifier(
  train: TrainOptions,
  backbone: Backbone,
  session: OrtSession,
  provider: string,
  cacheDir: string,
  threads: number | undefined,
  /** The views to compare (default: candidateViews for the training images). */
  viewsToCompare?: PixelView[],
  /** The larger input sides to compare (default: candidateSides for the training images). */
  sidesToCompare?: number[],
  /** Fine-tuning is tried when the search's held-out score is below this (default FINE_TUNE_BELOW). */
  fineTuneBelow = FINE_TUNE_BELOW,
): Promise<TrainedModel> {
  const { spec } = backbone;
  // The backbone at each input side a view asks for (its own size: the session given).
  const sessions = new Map<number, Promise<OrtSession>>([[spec.input.width, Promise.resolve(session)]]);
  const opened: Promise<OrtSession>[] = [];
  const sessionAt = (side: number): Promise<OrtSession> => {
    let at = sessions.get(side);
    if (!at) {
      at = readFile(backbone.modelPath).then(async (bytes) => {
        const model = withInputSize(decodeModel(bytes), spec.input.name, spec.input.layout, side, side);
        return (await createSession(encodeModel(model), { ...(threads ? { threads } : {}), name: `${backbone.id}-${side}` })).session;
      });
      sessions.set(side, at);
      opened.push(at);
    }
    return at;
  };
  const embedAt = async (view: PixelView, rows: readonly Sample[], mirror: boolean, onBatch?: (done: number) => void) => {
    const side = view.side ?? spec.input.width;
    return embedView(await sessionAt(side), specAt(spec, side), cacheDir, view, rows, mirror, onBatch);
  };
  try {
    return await trainOnViews(train, backbone, embedAt, provider, threads, viewsToCompare, sidesToCompare, fineTuneBelow);
  } finally {
    for (const at of opened) await (await at.catch(() => undefined))?.release();
  }
}

type EmbedAt = (view: PixelView, rows: readonly Sample[], mirror: boolean, onBatch?: (done: number) => void) => Promise<Float32Array[]>;

async function trainOnViews(
  train: TrainOptions,
  backbone: Backbone,
  embedAt: EmbedAt,
  provider: string,
  threads: number | undefined,
  viewsToCompare: PixelView[] | undefined,
  sidesToCompare: number[] | undefined,
  fineTuneBelow: number,
): Promise<TrainedModel> {
  const { spec } = backbone;
  const { job, labels } = train;
  const kind = train.multiLabel ? 'sigmoid' : 'softmax';
  const dims = spec.outputs.reduce((sum, o) => sum + o.size, 0);
  const samples = train.train;

  // 1. What the head is trained on, chosen by validation inside the training set — or, where the
  // images were only added to by a little, as the earlier version chose it on nearly the same ones.
  const searchStarted = performance.now();
  const views = viewsToCompare && viewsToCompare.length > 0 ? viewsToCompare : candidateViews(samples, spec.input);
  const reused = viewsToCompare || sidesToCompare ? undefined : await reusableClassifierChoices(train.earlier, train, backbone.id);
  if (!reused) job.progress({ phase: 'choosing the view', done: 0, total: views.length });
  let searched = 0;
  const choice: Omit<ViewChoice, 'score'> & { score?: number } | undefined = reused ? reusedChoice(reused) : await searchView({
    kind,
    classes: labels.length,
    samples: samples.map((s) => ({ classes: s.labels.map((l) => labels.indexOf(l)).filter((c) => c >= 0) })),
    spec,
    views,
    sides: sidesToCompare ?? candidateSides(samples, spec.input),
    seed: 0,
    signal: job.signal,
    embed: async (view, rows, mirror) => {
      job.throwIfCancelled();
      const vectors = await embedAt(view, rows.map((r) => samples[r]!), mirror);
      if (!mirror) job.progress({ phase: 'choosing the view', done: Math.min(++searched, views.length), total: views.length });
      return vectors;
    },
  });
  const pixelView: PixelView = choice?.view ?? views[0]!;
  const pooling = choice?.pooling ?? 'mean';
  const view: ClassifierView = {
    fit: pixelView.fit,
    ...(pixelView.crop !== undefined ? { crop: pixelView.crop } : {}),
    ...(pixelView.tiles ? { tiles: { ...pixelView.tiles, pooling } } : {}),
    ...(pixelView.side !== undefined ? { side: pixelView.side } : {}),
    features: choice?.features ?? spec.outputs.map((o) => o.name),
    mirror: choice?.mirror ?? true,
  };
  const weighting: ClassWeighting = choice?.weighting ?? 'balanced';
  const choices: TrainingChoices = choice?.choices ?? {
    chosen: { view: viewName(pixelView), features: view.features.join('+'), mirrorAveraging: view.mirror, ...(kind === 'softmax' ? { weighting } : {}), search: 'too few images to hold any out' },
    candidates: [],
  };
  const searchS = (performance.now() - searchStarted) / 1000;
  log.info('view chosen', { chosen: choices.chosen, seconds: searchS });
  const side = pixelView.side ?? spec.input.width;
  // The backbone as it is at its own input size (any backbone); resized only for a larger side the search chose.
  const decoded = decodeModel(await readFile(backbone.modelPath));
  const base = side === spec.input.width && side === spec.input.height ? decoded : withInputSize(decoded, spec.input.name, spec.input.layout, side, side);
  const counts = labels.map((label) => samples.filter((s) => s.labels.includes(label)).length);

  /** Backbone + view + head as one model whose only output is the label scores; the test set goes through the written file. */
  const writeAndTest = async (model: typeof base, seen: ClassifierView, head: HeadModel, blend?: (builder: GraphBuilder, features: ValueRef, scores: ValueRef) => ValueRef): Promise<TrainedModel> => {
    const builder = appendClassifier(model.graph, specAt(spec, side), seen, head, labels.length, blend);
    const metadata: ClassifierMetadata = {
      format: 1,
      useCase: 'IMAGE_LEVEL_LABELS',
      multiLabel: train.multiLabel,
      labels,
      thresholds: {},
      backbone: backbone.id,
      input: { ...spec.input, ...inputSize(pixelView, specAt(spec, side).input) },
      output: 'scores',
      view: seen,
      choices,
    };
    const written = await writeModelFile(train.outputDir, buildModel(builder), metadata);
    // What you evaluate is what you ship: the test set goes through the written file.
    const predictions = await predictSamples(written.path, classifierPipeline(metadata), train.test, { job, threads });
    return { modelPath: written.path, provider, predictions, finalize: ({ thresholds }) => written.finalize(thresholds) };
  };

  // 2. Every training image in that view, as it is and mirrored.
  const total = samples.length * 2;
  job.throwIfCancelled();
  const plain = await embedAt(pixelView, samples, false, (done) => job.progress({ phase: 'embedding images', done, total }));
  job.throwIfCancelled();
  const flipped = await embedAt(pixelView, samples, true, (done) => job.progress({ phase: 'embedding images', done: samples.length + done, total }));
  // Rows the head learns from: each image followed by its mirror (the order the head's split and
  // batches see); where the most confident tile answers, every tile of each, labelled as its image.
  const perImage = pooling === 'confident' ? (pixelView.tiles?.count ?? 1) : 1;
  const rows = samples.length * 2 * perImage;
  const paired = plain.flatMap((vector, i) => [vector, flipped[i]!]);
  const allOutputs = perImage > 1 ? Float32Array.from(paired.flatMap((v) => [...v])) : poolTiles(paired, dims, pooling === 'confident' ? 'mean' : pooling);
  const features = selectOutputs(allOutputs, rows, spec, view.features);
  const featureDims = features.length / rows;
  const both = samples.flatMap((sample) => Array<Sample>(2 * perImage).fill(sample));
  const targets = train.multiLabel
    ? Uint8Array.from(both.flatMap((sample) => labels.map((label) => (sample.labels.includes(label) ? 1 : 0))))
    : Int32Array.from(both.map((sample) => labels.indexOf(sample.labels[0]!)));
  // An image, its mirror and any copy of it (same content) form one group for the head's validation split.
  const firstOfHash = new Map<string, number>();
  samples.forEach((sample, i) => firstOfHash.has(sample.contentHash) || firstOfHash.set(sample.contentHash, i));
  const groups = Int32Array.from(both.map((sample) => firstOfHash.get(sample.contentHash)!));

  /**
   * The macro recall on the images `held` of the head the frozen backbone gives (the chosen view and
   * layers, the head's own search, scored as the model will score them), trained on the images `fit`:
   * what a fine-tuned backbone has to beat.
   */
  const frozenMacroRecall = async (fit: readonly number[], held: readonly number[]): Promise<number> => {
    const rowsOf = (images: readonly number[]) => Int32Array.from(images.flatMap((i) => [2 * i, 2 * i + 1]));
    const pick = (rowList: Int32Array) => {
      const out = new Float32Array(rowList.length * featureDims);
      rowList.forEach((row, k) => out.set(features.subarray(row * featureDims, (row + 1) * featureDims), k * featureDims));
      return out;
    };
    const fitRows = rowsOf(fit);
    const fitted = await autoTrainHead({
      features: pick(fitRows),
      dims: featureDims,
      targets: Int32Array.from(fitRows, (row) => targets[row]!),
      kind,
      classes: labels.length,
      groups: Int32Array.from(fitRows, (row) => groups[row]!),
      ...(weighting !== 'balanced' ? { classWeights: classWeights(weighting, counts) } : {}),
      seed: 1,
      signal: job.signal,
      ...(threads ? { threads } : {}),
    });
    const scores = await fitted.model.predict(pick(rowsOf(held)));
    const C = labels.length;
    const hit = new Float64Array(C);
    const all = new Float64Array(C);
    held.forEach((image, k) => {
      const truth = targets[2 * image]!;
      const z = Array.from({ length: C }, (_, c) => scores[2 * k * C + c]! + (view.mirror ? scores[(2 * k + 1) * C + c]! : 0));
      const top = z.indexOf(Math.max(...z));
      all[truth] = all[truth]! + 1;
      if (top === truth) hit[truth] = hit[truth]! + 1;
    });
    const present = [...all.keys()].filter((c) => all[c]! > 0);
    return present.reduce((sum, c) => sum + hit[c]! / all[c]!, 0) / Math.max(1, present.length);
  };

  // 2b. Fine-tuning the backbone's last block (single label, views without tiles), where the frozen features leave room.
  const finalOutput = spec.outputs.find((o) => o.role === 'final') ?? spec.outputs[0]!;
  const searchScore = choice?.score;
  if (kind === 'softmax' && !pixelView.tiles && searchScore !== undefined) {
    if (searchScore >= fineTuneBelow) {
      choices.chosen = { ...choices.chosen, fineTune: 'none' };
    } else {
      job.progress({ phase: 'training', message: 'fine-tuning: cut maps' });
      const classOf = Int32Array.from(samples.map((sample) => labels.indexOf(sample.labels[0]!)));
      const tuneStarted = performance.now();
      const tuning = await chooseFineTune({
        base,
        spec: specAt(spec, side),
        view: pixelView,
        output: finalOutput.name,
        samples,
        classOf,
        classes: labels.length,
        classWeights: classWeights(weighting, counts),
        mirror: view.mirror,
        ...(threads ? { threads } : {}),
        signal: job.signal,
        onProgress: (message) => job.progress({ phase: 'training', message }),
        frozenScore: (fit, held) => frozenMacroRecall(fit, held),
      });
      log.info('fine-tuning chosen', { chosen: tuning.chosen, candidates: tuning.candidates, seconds: (performance.now() - tuneStarted) / 1000 });
      choices.candidates.push(...tuning.candidates);
      choices.chosen = { ...choices.chosen, fineTune: tuning.chosen };
      if (tuning.trained) {
        const tunedView: ClassifierView = { ...view, features: [finalOutput.name] };
        choices.chosen = { ...choices.chosen, features: `${finalOutput.role}:${finalOutput.name}`, tunedLayers: tuning.trained.tail.layers.filter((l) => l.kind === 'pointwise' || l.kind === 'depthwise').length };
        return writeAndTest(withTailWeights(base, tuning.trained.tuned.tailWeights), tunedView, tuning.trained.head);
      }
    }
  }

  // 3. The head, on the layers the probe chose; where the head's search cross-validates (few images,
  // or a rare class), a linear head on every other choice of layers is searched on the same folds
  // and replaces the standing one only where its held-out losses are lower past the noise of the
  // paired folds: the head itself, not only the probe, decides what it reads.
  job.progress({ phase: 'training', done: 0, total: 1 });
  const headOn = (names: string[], linearOnly = false, earlierHead?: ReusedChoices['head']) => {
    const x = names === view.features ? features : selectOutputs(allOutputs, rows, spec, names);
    return autoTrainHead({
      features: x,
      dims: x.length / rows,
      targets,
      kind,
      classes: labels.length,
      groups,
      // Balanced is the head's own default (computed there, so the default case trains as it always did).
      ...(kind === 'softmax' && weighting !== 'balanced' ? { classWeights: classWeights(weighting, counts) } : {}),
      ...(linearOnly ? { search: { hidden: [0] } } : {}),
      ...(earlierHead ? { fixed: earlierHead } : {}),
      seed: 1,
      signal: job.signal,
      ...(threads ? { threads } : {}),
      onProgress: (p) => job.progress({ phase: 'training', message: `${p.phase}${p.epoch !== undefined ? `, epoch ${p.epoch}` : ''}${p.loss !== undefined ? `, loss ${p.loss.toFixed(4)}` : ''}` }),
    }).then((result) => ({ names, x, result }));
  };
  // (Where the earlier version's choices stand, its head's layers and settings do too, epochs included.)
  const standing = await headOn(view.features, false, reused?.head);
  const nameOf = (names: string[]) => names.map((name) => `${spec.outputs.find((o) => o.name === name)!.role}:${name}`).join('+');
  const layerSets = [spec.outputs.map((o) => o.name), ...spec.outputs.map((o) => [o.name])].filter((names) => names.join('+') !== view.features.join('+'));
  const head = reused ? standing : await chooseHeadLayers(standing, spec.outputs.length > 1 ? layerSets : [], (names, linearOnly) => {
    job.throwIfCancelled();
    return headOn(names, linearOnly);
  }, (names, loss, seconds) => choices.candidates.push({ settings: { headFeatures: nameOf(names), hidden: 0 }, metric: 'held-out loss', score: Number(loss.toFixed(4)), ...(seconds === undefined ? {} : { seconds: Number(seconds.toFixed(2)) }) }));
  if (head !== standing) choices.chosen = { ...choices.chosen, features: head.names.join('+') };
  const result = head.result;
  const headFeatures = head.x;
  const headDims = headFeatures.length / rows;
  const headView: ClassifierView = { ...view, features: head.names };
  log.info('head trained', { settings: result.settings, validation: result.validation, durationMs: result.durationMs });
  choices.chosen = { ...choices.chosen, hidden: result.settings.hidden, learningRate: result.settings.learningRate, weightDecay: result.settings.weightDecay, epochs: result.settings.epochs };

  // 3b. Few images per label: a prototype head blended in, where leave one out per label says so.
  let blend: ((builder: GraphBuilder, features: ValueRef, scores: ValueRef) => ValueRef) | undefined;
  const fewest = Math.min(...counts);
  // (Not where the most confident tile answers: the blend is chosen per image, on one row per view of it.)
  if (kind === 'softmax' && fewest <= FEW_PER_LABEL && fewest >= 2 && perImage === 1) {
    job.progress({ phase: 'training', message: 'prototype blend, leave one out per label' });
    const classOf = Int32Array.from(samples.map((sample) => labels.indexOf(sample.labels[0]!)));
    const chosenBlend = await chooseBlend({
      features: headFeatures,
      dims: headDims,
      images: samples.length,
      classOf,
      classes: labels.length,
      settings: result.settings,
      ...(weighting !== 'balanced' ? { classWeights: classWeights(weighting, counts) } : {}),
      signal: job.signal,
      ...(threads ? { threads } : {}),
    });
    if (chosenBlend) {
      for (const tried of chosenBlend.tried) {
        choices.candidates.push({ settings: { prototypes: tried.weight, temperature: tried.temperature }, metric: 'accuracy', score: Number(tried.accuracy.toFixed(4)) });
      }
      choices.chosen = { ...choices.chosen, prototypes: chosenBlend.weight, ...(chosenBlend.weight > 0 ? { temperature: chosenBlend.temperature } : {}) };
      if (chosenBlend.weight > 0) {
        const model = buildPrototypes(headFeatures, headDims, Int32Array.from({ length: rows }, (_, r) => classOf[Math.floor(r / (2 * perImage))]!), labels.length, [...Array(rows).keys()]);
        blend = (builder, f, scores) => appendPrototypes(builder, f, scores, model, chosenBlend.weight, chosenBlend.temperature);
      }
      log.info('prototype blend chosen', { weight: chosenBlend.weight, temperature: chosenBlend.temperature, seconds: chosenBlend.seconds });
    }
  }

  // 4. Backbone + view + head: one model, whose only output is the label scores.
  return writeAndTest(base, headView, result.model, blend);
}

/**
 * The view search's answer as the earlier version gave it: its view, layers, mirroring and weighting,
 * its candidates and their scores, and whose choices they are. No held-out score of this training:
 * fine-tuning is not tried again (the earlier version chose not to).
 */
function reusedChoice(reused: ReusedChoices): Omit<ViewChoice, 'score'> {
  const { view, choices } = reused;
  const { epochs: _epochs, prototypes: _prototypes, temperature: _temperature, ...chosen } = choices.chosen;
  const weighting = chosen.weighting;
  return {
    view: {
      fit: view.fit,
      ...(view.crop !== undefined ? { crop: view.crop } : {}),
      ...(view.tiles ? { tiles: { count: view.tiles.count, length: view.tiles.length, along: view.tiles.along } } : {}),
      ...(view.side !== undefined ? { side: view.side } : {}),
    },
    pooling: view.tiles?.pooling ?? 'mean',
    features: view.features,
    mirror: view.mirror,
    weighting: weighting === 'sqrt' || weighting === 'none' ? weighting : 'balanced',
    choices: { chosen: { ...chosen, reusedFrom: reused.from, addedImages: reused.added }, candidates: [...choices.candidates] },
  };
}
