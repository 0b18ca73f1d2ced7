/**
 * Object detection (OBJECT_LOCALIZATION): a CenterNet-style head (native/detect) on the backbone's
 * stride-16 feature map (the map that its `expanded_conv_13_expand` output pools; for small boxes, where
 * the view search keeps it, the stride-8 map under it, with the stride-16 map as context: viewFeature), trained together
 * with the backbone's last blocks. The map where those blocks start (the cut) is cached per image and
 * view by content hash; the blocks' forward and hand-derived backward passes run in the training step.
 * The exported model is ONE ONNX file: backbone (with the fine-tuned blocks' new weights, or with
 * them as a copy beside the backbone's own where the head also reads its context) + head,
 * run on each image and its mirror and averaged, whose output `detections` [B, C + 4, H, W] holds
 * the class heatmaps and the box regression;
 * decoding (peaks, top-K, per-class NMS, boxes in image pixels) runs in TypeScript from what the
 * model's metadata says.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeDetections, detectionHeadGraph, encodeTargets, findTail, finerFeatureValue, mergeTiledDetections, mirrorAveraged, pruneModel, spatialFeatureModel, tailFeatureModel, tileGrid, toLocationRows, trainTunedDetector, withInputSize, withMirroredBatch, withTailWeights, withTunedBranch, type BackboneTail, type Detection, type DetectionHead, type LabelledBox, type MapSize, type Region, type SpatialFeatures } from '../../native/detect';
import { buildModel, decodeModel, encodeModel, GraphBuilder, type OnnxModel } from '../../native/onnx';
import { createSession } from '../../native/ort';
import { decodeRgb, probeImageHeader } from '../../native/preprocess';
import { mirrorPixels, toModelBatch, type ModelSpec, type RgbPixels } from '../../native/models';
import { evaluateDetection } from '../../native/metrics';
import { createRandom, deriveSeed } from '../../native/train';
import { codedError } from '../errors';
import { createLogger } from '../log';
import { chooseDetectorView, settingsOf, type DetectorView } from './detectorView';
import { reusableDetectorChoices } from './earlierChoices';
import { cachedFeatures, storeFeatures } from './featureCache';
import { writeModelFile, type DetectorMetadata, type ModelChoices } from './modelFile';
import type { Analysis, TrainedModel, TrainOptions } from './engine';
import { predictSamples, type Pipeline } from './pipeline';
import type { Sample } from './engine';

const log = createLogger('detection');
/**
 * How many inverted-residual stages under the head are fine-tuned (native/detect findTail): 2 =
 * block 12 (expand, depthwise, project, residual add) and block 13's expand. On held-out training
 * images it lifted mAP@0.5 over the frozen features (raccoon 0.63–0.74 → 0.80–0.83, BCCD 0.46 →
 * 0.55); 1 (the expand alone) reached 0.74–0.78 on raccoon. On the raccoon test split all of these
 * stay within 0.70–0.75.
 */
const TAIL_BLOCKS = 2;
/**
 * Lighter fine-tuning compared with TAIL_BLOCKS on held-out training images wherever the search
 * runs (searchDetector): 1 = block 13's expand alone, on maps cached after block 12, at a quarter
 * or less of the processor time per epoch (measured 19 against 79 ms per view and epoch on two busy
 * cores; its backward pass stops at the expand's weights, no depthwise layer); 0 = nothing
 * fine-tuned, the head alone on the backbone's own features (computed by the frozen expand from the
 * same cached maps, no backward pass through the backbone). Kept when it scores within SEARCH.tie of
 * the deeper tail.
 */
const LIGHTER_TAILS = [1, 0] as const;
const HEAD_ONLY = 0;
/** The depth whose cut maps a fit of `blocks` reads: the head alone (0) reads block 12's output, as depth 1 does. */
const cutBlocks = (blocks: number) => Math.max(1, blocks);
/**
 * Epochs and learning rates (cosine-decayed), chosen on held-out training images (3 of 5 folds of
 * the raccoon training split, 32 images each; mAP@0.5 means over the folds): with the crops below,
 * 12 epochs 0.747, 8 epochs 0.727, 12 epochs with the tail at 1e-4 0.686, 8 epochs at 1e-4 0.728;
 * with 2 crops the tail at 2e-5 0.634 against 0.703 at 5e-5.
 */
const EPOCHS = 12;
/**
 * The whole training's budgets: processor time (this process, all threads) of `perImage` seconds
 * per training image, at least `least` — 2 s per image is the 100 s per 100 images on two cores that
 * detection training is held to — and wall-clock time of `wallPerImage` seconds per training image,
 * at least `wallLeast`, testing included (the processor budget alone let a 400-image training take
 * 460 s where ONNX Runtime kept the two cores only ~1.7 busy). The final fit's epochs are cut to
 * what both leave once the search and the embedding are done (measured after each epoch, the test
 * set's model runs estimated from the embedding's), never below `minEpochs`, the epochs the search
 * ranks its candidates by (SEARCH.epochs).
 */
const BUDGET = { perImage: 2, least: 120, wallPerImage: 0.95, wallLeast: 120, minEpochs: 4 } as const;
const HEAD_LR = 5e-4;
const TAIL_LR = 5e-5;
/**
 * Random crops added per image as extra cached views (each its own region, every other one
 * mirrored), on top of the image and its mirror: a crop keeps `area` of the image at an aspect
 * ratio within ×/÷ exp(`aspect`), and keeps a box (clipped) when at least `minVisible` of it is
 * inside, else drops it. Held-out raccoon training images (as above, 12 epochs): no crops 0.629, 2
 * crops 0.703, 4 crops 0.747 (6 crops at 8 epochs 0.729 against 4 crops' 0.727). The raccoon test
 * split (40 images, ±0.03 noise and more) read 0.714, 0.636 and 0.708.
 */
const CROPS = { views: 4, area: [0.6, 0.9], aspect: 0.2, minVisible: 0.5 } as const;
/**
 * Tiled detectors train on crops of one tile's size at native resolution: per image with objects,
 * `objects` crops that each hold one object (taken in turn, placed at random around it) and
 * `background` crops anywhere; per image without, `empty` crops anywhere. Every other one mirrored.
 */
const TILE_CROPS = { objects: 4, background: 1, empty: 2 } as const;
/**
 * The view search (searchDetector): images to fit on and to score by, epochs (a third of a
 * full training: the search ranks views, it does not train the model; 96 images and 6 epochs cost
 * about 1.5 times the final training; more epochs where a small set would otherwise take fewer
 * than `minSteps` steps), how far a view may fall behind the best and still be kept for being cheaper, and the
 * processor seconds (this process, all its threads: about 150 s on two idle cores) after which no
 * further view is tried; counted in processor time so that a busy machine does not cut the search short.
 * Where the size rule leaves no view to compare, the fine-tuning depth alone is compared from
 * `depthOnlyFrom` images with objects on (four times what the search fits on: below that, the two
 * fits cost about as much as a lighter tail could save in the final training).
 */
const SEARCH = { train: 48, held: 32, every: 4, epochs: 4, minSteps: 48, tie: 0.01, catchUp: 0.05, cpuSeconds: 300, minWithObjects: 3, depthOnlyFrom: 192 } as const;
const BATCH = 16;
/** How a detector's map becomes boxes: peaks at or above minScore, the best topK, NMS above nmsIou (written into the model file). */
const DECODING = { minScore: 0.05, topK: 100, nmsIou: 0.5 } as const;
/** Training views per step. */
const STEP_IMAGES = 8;
const FEATURE_MAP = 'feature_map';
const OUTPUT = 'detections';
/** The pooled outputs whose un-pooled map the head reads (stride 16 in the default backbones), in order of preference. */
const FEATURE_SOURCES = ['expanded_conv_13_expand', 'block_13_expand'];

export interface DetectorBackbone {
  id: string;
  spec: ModelSpec;
  modelPath: string;
}

/** One cached training view of a sample: `id` names it in the cache (after the content hash). */
export interface View {
  sample: Sample;
  id: string;
  flip: boolean;
  /** The rectangle of the oriented image this view shows (whole pixels); absent = all of it. */
  region?: { left: number; top: number; width: number; height: number };
}

/**
 * `count` random crops of `sample` (see CROPS), the same for the same image on every run: the
 * random numbers are seeded by the content hash and the view's number, and the id spells out the
 * region, so a cached map always matches its view.
 */
export function cropViews(sample: Sample, count: number): View[] {
  const views: View[] = [];
  for (let k = 0; k < count; k++) {
    const random = createRandom(deriveSeed(Number.parseInt(sample.contentHash.slice(0, 8), 16), k));
    const area = CROPS.area[0] + (CROPS.area[1] - CROPS.area[0]) * random.next();
    const aspect = Math.exp(random.uniform(CROPS.aspect));
    const width = Math.max(1, Math.min(sample.width, Math.round(sample.width * Math.sqrt(area * aspect))));
    const height = Math.max(1, Math.min(sample.height, Math.round(sample.height * Math.sqrt(area / aspect))));
    const left = random.int(sample.width - width + 1);
    const top = random.int(sample.height - height + 1);
    const flip = k % 2 === 1;
    views.push({ sample, id: `-crop${left}_${top}_${width}_${height}${flip ? '-flip' : ''}`, flip, region: { left, top, width, height } });
  }
  return views;
}

/**
 * Crops of `tile` × `tile` pixels (clipped to the image) at native resolution, for a tiled detector
 * (see TILE_CROPS): around objects of `labels` and anywhere; seeded by the content hash like cropViews.
 */
export function tileViews(sample: Sample, labels: readonly string[], tile: number): View[] {
  const width = Math.min(Math.round(tile), sample.width);
  const height = Math.min(Math.round(tile), sample.height);
  const objects = sample.boxes.filter((box) => labels.includes(box.label) && box.width > 0 && box.height > 0);
  const random = createRandom(deriveSeed(Number.parseInt(sample.contentHash.slice(0, 8), 16), 101));
  const place = (low: number, high: number) => (high <= low ? Math.round(low) : Math.round(low + random.next() * (high - low)));
  const regions: { left: number; top: number }[] = [];
  if (objects.length > 0) {
    for (let k = 0; k < TILE_CROPS.objects; k++) {
      const box = objects[k % objects.length]!;
      // The crop holds the box when it can (a box larger than the crop is centred instead).
      const left = box.width <= width ? place(Math.max(0, box.left + box.width - width), Math.min(sample.width - width, box.left)) : Math.round(box.left + box.width / 2 - width / 2);
      const top = box.height <= height ? place(Math.max(0, box.top + box.height - height), Math.min(sample.height - height, box.top)) : Math.round(box.top + box.height / 2 - height / 2);
      regions.push({ left, top });
    }
  }
  for (let k = 0; k < (objects.length > 0 ? TILE_CROPS.background : TILE_CROPS.empty); k++) regions.push({ left: place(0, sample.width - width), top: place(0, sample.height - height) });
  return regions.map(({ left: l, top: t }, k) => {
    const left = Math.max(0, Math.min(sample.width - width, l));
    const top = Math.max(0, Math.min(sample.height - height, t));
    const flip = k % 2 === 1;
    return { sample, id: `-tile${left}_${top}_${width}_${height}${flip ? '-flip' : ''}`, flip, region: { left, top, width, height } };
  });
}

/**
 * The longer side to decode a region of `width` × `height` at so that its shorter side still has
 * the input's `side` pixels once stretched (at most four times the side, and never enlarged).
 */
export function decodeSide(width: number, height: number, side: number): number {
  return Math.max(1, Math.ceil(Math.min(4 * side, (side * Math.max(width, height)) / Math.max(1, Math.min(width, height)))));
}

/** The view's boxes of `labels` in its own pixels (clipped to a crop; dropped when less than CROPS.minVisible is inside), and its size. */
export function viewBoxes(view: View, labels: readonly string[]): { boxes: LabelledBox[]; image: { width: number; height: number } } {
  const { sample, flip } = view;
  const region = view.region ?? { left: 0, top: 0, width: sample.width, height: sample.height };
  const boxes = sample.boxes.flatMap((box): LabelledBox[] => {
    if (!labels.includes(box.label)) return [];
    const left = Math.max(box.left, region.left);
    const top = Math.max(box.top, region.top);
    const right = Math.min(box.left + box.width, region.left + region.width);
    const bottom = Math.min(box.top + box.height, region.top + region.height);
    if (right <= left || bottom <= top) return [];
    if (view.region && (right - left) * (bottom - top) < CROPS.minVisible * box.width * box.height) return [];
    const width = right - left;
    const x = left - region.left;
    return [{ classIndex: labels.indexOf(box.label), left: flip ? region.width - x - width : x, top: top - region.top, width, height: bottom - top }];
  });
  return { boxes, image: { width: region.width, height: region.height } };
}

function featureMapModel(base: OnnxModel): SpatialFeatures {
  const found = spatialFeatureModel(base, FEATURE_SOURCES, FEATURE_MAP);
  if (!found) throw codedError('InvalidParameterException', 'NoDetectorFeatureMap');
  return found;
}

/**
 * The map the head of `view` reads: the stride-16 map behind FEATURE_SOURCES, or for a stride-8
 * view the map one stride finer (native/detect finerFeatureValue; its blocks are fine-tuned the
 * same way). `source` names it in the cache and the model's metadata.
 *
 * A stride-8 head also reads `context`: the stride-16 map where the stride-16 view's lighter tail
 * starts (block 12's output: CONTEXT_BLOCKS), with the backbone's own weights, each of its cells
 * over the 2 × 2 cells under it. The stride-8 map alone sees too little around a large object.
 * BCCD, forced to stride 8 (whole image at 320, 291 training images, test mAP@0.5 and AP per label):
 * without the context 0.655 (platelets 0.483, red cells 0.740, white cells 0.741), with it 0.766
 * (0.581, 0.805, 0.912); at stride 16, 0.698 (0.294, 0.801, 0.999).
 */
function viewFeature(base: OnnxModel, view: DetectorView): { source: string; value: string; context?: { cacheSource: string; value: string } } {
  const coarse = featureMapModel(base);
  if (!view.featureStride) return { source: coarse.source, value: coarse.value };
  const value = finerFeatureValue(base, coarse.value);
  if (!value) throw codedError('InvalidParameterException', 'NoDetectorFeatureMap');
  return { source: finerSource(coarse.source), value, context: { cacheSource: coarse.source, value: findTail(base, coarse.value, CONTEXT_BLOCKS).cut } };
}

/** Where in the stride-16 tail the stride-8 head's context is read: the cut of this many blocks (its maps cached as that tail's). */
const CONTEXT_BLOCKS = 1;
const CONTEXT_MAP = 'context_map';

const finerSource = (coarseSource: string) => `${coarseSource}-stride8`;

/** What one fit of a detector gives: the exported model (backbone + head), its metadata without `choices`, the provider. */
interface FittedDetector {
  /** The exported model (backbone with the fine-tuned blocks + head), built when asked. */
  build(): OnnxModel;
  spec: ModelSpec;
  metadata: Omit<DetectorMetadata, 'choices'>;
  provider: string;
  /** The epochs trained (fewer than asked where the budget cut them). */
  epochs: number;
  /** mAP@0.5 on `context.held`. */
  heldScore?: number;
  /** With `context.halfway`: the halfway score, and the epoch the fit ended at where it said stop. */
  halfwayScore?: number;
  stoppedAt?: number;
}

interface FitContext {
  backbone: DetectorBackbone;
  labels: readonly string[];
  cacheDir: string;
  job: TrainOptions['job'];
  threads: number | undefined;
  epochs: number;
  /** At least this many steps (of STEP_IMAGES views): small sets get more epochs. */
  minSteps?: number;
  /** How many blocks under the head are fine-tuned (findTail). */
  tailBlocks: number;
  /** Other depths whose cut maps are cached from the same backbone runs (the search compares them next). */
  alsoTailBlocks?: readonly number[];
  /**
   * Also cache, from the same backbone runs, the cut maps of this view read at stride 8 (at this
   * depth and `alsoTailBlocks`): the stride-8 map comes earlier in the backbone than the stride-16
   * one, so the search's stride-8 candidate of the same view, and its lighter depths where it is
   * kept, then run no backbone of their own.
   */
  alsoFiner?: boolean;
  /** Whether the model runs each image with its mirror and averages the two (the written model does). */
  mirror: boolean;
  /** Progress phases are named after this (the view search reports its own). */
  phase: { embed: string; train: string };
  /** Processor seconds left to the training steps, asked once the maps are ready (trainTunedDetector's cpuSeconds). */
  cpuLeft?: () => number;
  /**
   * Wall-clock seconds left to the training steps (trainTunedDetector's wallSeconds), asked once the
   * maps are ready with what one view's backbone run took there (0 where every map was cached).
   */
  wallLeft?: (secondsPerView: number) => number;
  /**
   * Images to score the fitted detector on (mAP@0.5, no mirror pass): their inputs as the model
   * would see them (the whole image, or every tile of the grid) are embedded to the cut with the
   * training views and cached; the tail and head then run on those maps alone (heldScore), so a
   * candidate of the view search costs no second backbone pass over the held-out images.
   */
  held?: readonly Sample[];
  /**
   * Called once, halfway through the epochs, with the mAP@0.5 on `held` as the detector stands;
   * `false` ends the fit there (heldScore is then that halfway score and `stoppedAt` its epoch).
   */
  halfway?: (score: number, epoch: number) => boolean;
}

/**
 * Train a detector for `context.labels` on `train` seen as `seen` (the whole image or tiles) and
 * build it as one model: backbone with the fine-tuned blocks + head, run on each image and its mirror.
 */
async function fitDetector(train: readonly Sample[], seen: DetectorView, context: FitContext): Promise<FittedDetector> {
  const { backbone, labels, job, threads } = context;
  const spec: ModelSpec = { ...backbone.spec, input: { ...backbone.spec.input, width: seen.side, height: seen.side } };
  const base = withInputSize(decodeModel(await readFile(backbone.modelPath)), spec.input.name, spec.input.layout, spec.input.width, spec.input.height);
  const featureModel = viewFeature(base, seen);
  // The tail of the backbone that is fine-tuned starts at `cut`; what is cached per view is the map there.
  const tail = findTail(base, featureModel.value, cutBlocks(context.tailBlocks));
  const cutBuilder = new GraphBuilder('cut_map', { ...base.graph, outputs: [] });
  cutBuilder.output(cutBuilder.value(tail.cut), 'float32', undefined, FEATURE_MAP);
  // The decoded size is part of what a map shows (views already name their regions).
  const mapCache = (source: string, blocks: number) => join(context.cacheDir, 'feature-maps', backbone.id, `${source}-tail${blocks}-${spec.input.width}x${spec.input.height}-decoded-to-input`);
  const cacheDir = mapCache(featureModel.source, cutBlocks(context.tailBlocks));
  // A stride-8 head's context: the stride-16 map, cached where that view's lighter tail's cut maps are.
  const contextCache = featureModel.context ? mapCache(featureModel.context.cacheSource, CONTEXT_BLOCKS) : undefined;
  // The cut maps of the other depths the search compares come out of the same backbone run and are
  // cached too, so the frozen layers run once per view whichever depth is fitted next.
  const depths = [...new Set([context.tailBlocks, ...(context.alsoTailBlocks ?? [])].map(cutBlocks))];
  const extras = depths
    .filter((blocks) => blocks !== cutBlocks(context.tailBlocks))
    .map((blocks) => ({ name: `${FEATURE_MAP}_tail${blocks}`, cut: findTail(base, featureModel.value, blocks).cut, cacheDir: mapCache(featureModel.source, blocks) }));
  const finerValue = context.alsoFiner && !seen.featureStride ? finerFeatureValue(base, featureModel.value) : undefined;
  if (finerValue) {
    for (const blocks of depths) extras.push({ name: `${FEATURE_MAP}_s8_tail${blocks}`, cut: findTail(base, finerValue, blocks).cut, cacheDir: mapCache(finerSource(featureModel.source), blocks) });
  }
  for (const extra of extras) cutBuilder.output(cutBuilder.value(extra.cut), 'float32', undefined, extra.name);
  if (featureModel.context) cutBuilder.output(cutBuilder.value(featureModel.context.value), 'float32', undefined, CONTEXT_MAP);
  const cutModel = pruneModel(buildModel(cutBuilder, { metadata: base.metadata }));
  const { session, provider } = await createSession(encodeModel(cutModel), { ...(threads ? { threads } : {}), name: `${backbone.id}-map` });
  // What the cut model gives, known after its first run: the map's size and its channels.
  const cutShape: { map?: MapSize; channels?: number } = {};
  const tile = seen.tile;
  const views: View[] = train.flatMap((sample): View[] =>
    tile
      ? tileViews(sample, labels, tile.side)
      : [{ sample, id: '', flip: false }, { sample, id: '-flip', flip: true }, ...cropViews(sample, CROPS.views)],
  );
  // The inputs of the images to score (context.held), as modelInputs cuts them: the whole image or the tile grid.
  const heldInputs = (context.held ?? []).map((sample) => ({
    sample,
    inputs: tile
      ? tileGrid({ width: sample.width, height: sample.height }, tile.side, tile.overlap).map((region): View => ({ sample, id: `-tile${region.left}_${region.top}_${region.width}_${region.height}`, flip: false, region }))
      : [{ sample, id: '', flip: false }],
  }));
  const heldViews = heldInputs.flatMap((image) => image.inputs);
  const trainViews = views.length;
  views.push(...heldViews);
  const embedStarted = performance.now();
  let computed = 0;
  // The cut map (or, asked for, the context map) of views not cached yet, in location-major rows;
  // every other map the run gives is stored where it is looked for. The first run tells the map's size.
  const computeMaps = async (batch: View[], wanted: string = FEATURE_MAP): Promise<Float32Array[]> => {
    const images = await Promise.all(
      batch.map(async (view) => {
        const { width, height } = view.region ?? view.sample;
        const rgb = await decodeRgb(view.sample.path, { maxSide: decodeSide(width, height, seen.side), ...(view.region ? { region: view.region } : {}) });
        return view.flip ? mirrorPixels(rgb) : rgb;
      }),
    );
    computed += batch.length;
    const outputs = await session.run({ [spec.input.name]: toModelBatch(images, spec) });
    const rowsOf = (name: string): Float32Array[] => {
      const out = outputs[name]!;
      const [, D, H, W] = out.dims as [number, number, number, number];
      const size = D * H * W;
      const data = out.data as Float32Array;
      return batch.map((_, row) => toLocationRows(data.slice(row * size, (row + 1) * size), D, H * W));
    };
    const stored = [...extras, ...(contextCache ? [{ name: CONTEXT_MAP, cacheDir: contextCache }] : []), { name: FEATURE_MAP, cacheDir }].filter((other) => other.name !== wanted);
    await Promise.all(stored.flatMap((other) => rowsOf(other.name).map((rows, row) => storeFeatures(other.cacheDir, batch[row]!.sample.contentHash, batch[row]!.id, rows))));
    const [, D, H, W] = outputs[FEATURE_MAP]!.dims as [number, number, number, number];
    cutShape.map = { width: W, height: H };
    cutShape.channels = D;
    return rowsOf(wanted);
  };
  const maps: Float32Array[] = [];
  const contextMaps: Float32Array[] = [];
  const key = (view: View) => ({ contentHash: view.sample.contentHash, view: view.id });
  try {
    for (let start = 0; start < views.length; start += BATCH) {
      job.throwIfCancelled();
      const batch = views.slice(start, start + BATCH);
      // The context first: where it is computed, the cut maps come from the same run (and are stored).
      if (contextCache) contextMaps.push(...(await cachedFeatures({ cacheDir: contextCache, views: batch, key, compute: (missing) => computeMaps(missing, CONTEXT_MAP) })));
      maps.push(...(await cachedFeatures({ cacheDir, views: batch, key, compute: (missing) => computeMaps(missing) })));
      job.progress({ phase: context.phase.embed, done: Math.min(start + BATCH, views.length), total: views.length });
    }
    // Every view came from the cache: one run still says how large the map is.
    if (!cutShape.map && views.length > 0) await computeMaps([views[0]!]);
  } finally {
    await session.release();
  }
  const embedMs = Math.round(performance.now() - embedStarted);
  if (!cutShape.map) throw codedError('InvalidParameterException', 'NoBoxesToTrain');
  if (cutShape.channels !== tail.cutChannels) throw new Error(`the cut map has ${cutShape.channels} channels, the tail expects ${tail.cutChannels}`);
  const mapSize = cutShape.map;
  const heldMaps = maps.splice(trainViews);
  const heldContext = contextMaps.splice(trainViews);
  views.splice(trainViews);
  const contextChannels = contextCache && contextMaps.length > 0 ? contextMaps[0]!.length / (Math.ceil(mapSize.width / 2) * Math.ceil(mapSize.height / 2)) : undefined;
  if (contextChannels !== undefined && !Number.isInteger(contextChannels)) throw new Error(`the context map does not have half the cut map's size (${contextMaps[0]!.length} values)`);
  const targets = views.map((view) => {
    const { boxes, image } = viewBoxes(view, labels);
    return encodeTargets(boxes, image, mapSize, labels.length);
  });
  const epochs = Math.max(context.epochs, Math.ceil((context.minSteps ?? 0) / Math.ceil(views.length / STEP_IMAGES)));
  job.progress({ phase: context.phase.train, done: 0, total: epochs });
  const started = performance.now();
  let trainedEpochs = epochs;
  const scoring = { tail, map: mapSize, labels, threads, signal: job.signal, ...(contextChannels ? { context: { maps: heldContext, channels: contextChannels } } : {}) };
  const halfwayEpoch = Math.ceil(epochs / 2);
  let halfway: { score: number; stop: boolean } | undefined;
  const trained = await trainTunedDetector({
    maps,
    targets,
    spinning: false,
    tail,
    map: mapSize,
    classes: labels.length,
    epochs,
    batchImages: STEP_IMAGES,
    learningRate: HEAD_LR,
    tailLearningRate: TAIL_LR,
    weightDecay: 1e-4,
    signal: job.signal,
    ...(threads ? { threads } : {}),
    frozenTail: context.tailBlocks === 0,
    ...(contextChannels ? { context: { maps: contextMaps, channels: contextChannels } } : {}),
    ...(context.cpuLeft ? { cpuSeconds: context.cpuLeft(), minEpochs: Math.min(epochs, BUDGET.minEpochs) } : {}),
    ...(context.wallLeft ? { wallSeconds: context.wallLeft(computed > 0 ? embedMs / 1000 / computed : 0), minEpochs: Math.min(epochs, BUDGET.minEpochs) } : {}),
    ...(context.halfway
      ? {
          onCheckpoint: async (epoch: number, detector: { head: DetectionHead; tailWeights: Map<string, Float32Array> }) => {
            if (epoch !== halfwayEpoch || epoch === epochs) return true;
            const score = await scoreOnMaps(heldInputs, heldMaps, { ...scoring, weights: context.tailBlocks === 0 ? tail.initial : detector.tailWeights, head: detector.head });
            halfway = { score, stop: !context.halfway!(score, epoch) };
            return !halfway.stop;
          },
        }
      : {}),
    onEpoch: (epoch, loss, total) => {
      trainedEpochs = total;
      job.progress({ phase: context.phase.train, done: epoch, total, message: `epoch ${epoch} of ${total}, loss ${loss.toFixed(4)}` });
    },
  });
  trainedEpochs = trained.epochs;
  log.info('detector trained', { loss: trained.loss, embedMs, embedded: computed, durationMs: Math.round(performance.now() - started), images: views.length, map: mapSize, inputSide: spec.input.width, tile: tile?.side ?? 0, cutChannels: cutShape.channels, tailLayers: context.tailBlocks === 0 ? 0 : tail.layers.length, epochs: trainedEpochs });

  const heldScore = halfway?.stop
    ? halfway.score
    : context.held
      ? await scoreOnMaps(heldInputs, heldMaps, { ...scoring, weights: context.tailBlocks === 0 ? tail.initial : trained.tailWeights, head: trained.head })
      : undefined;

  // Backbone + head: one model, which runs every image together with its left–right mirror and
  // averages the two outputs (native/detect mirror.ts), at twice the backbone work per image.
  // Raccoon, the same training: mAP@0.5 0.705 → 0.786 averaged over three held-out folds of the
  // training split (each fold +0.06 to +0.09), test split 0.766 → 0.830; averaging the heat alone
  // (boxes from the image only) reached 0.800 on the test split.
  // The search's candidates are scored without the mirror (each alike, at half the backbone work).
  const build = (): OnnxModel => {
    // With a context map, the fine-tuned blocks run as a copy beside the backbone's own, whose
    // later maps (the context) the head was trained on.
    const branch = featureModel.context && trained.tailWeights.size > 0 ? withTunedBranch(base, tail, trained.tailWeights, '/tuned') : undefined;
    const withTail = branch ? branch.model : withTailWeights(base, trained.tailWeights);
    const tuned = context.mirror ? withMirroredBatch(withTail, spec.input.name, spec.input.layout) : withTail;
    const builder = new GraphBuilder('loupe', { ...tuned.graph, outputs: [] });
    const head = detectionHeadGraph(builder, builder.value(branch?.output ?? featureModel.value), trained.head, 'detect', featureModel.context ? builder.value(featureModel.context.value) : undefined);
    const output = context.mirror ? mirrorAveraged(builder, head, labels.length) : head;
    builder.output(output, 'float32', ['batch', labels.length + 4, mapSize.height, mapSize.width], OUTPUT);
    return pruneModel(buildModel(builder));
  };
  const metadata: Omit<DetectorMetadata, 'choices'> = {
    format: 1,
    useCase: 'OBJECT_LOCALIZATION',
    multiLabel: false,
    labels: [...labels],
    thresholds: {},
    backbone: backbone.id,
    input: spec.input,
    output: OUTPUT,
    detection: {
      mapWidth: mapSize.width,
      mapHeight: mapSize.height,
      featureStride: spec.input.width / mapSize.width,
      featureLayer: featureModel.source,
      ...(featureModel.context ? { contextLayer: featureModel.context.cacheSource, contextStride: 2 * (spec.input.width / mapSize.width) } : {}),
      layout: 'heat-offset-size',
      ...DECODING,
      resize: 'stretch',
      mirrorAveraged: context.mirror,
      ...(tile ? { tiling: { side: tile.side, overlap: tile.overlap } } : {}),
    },
  };
  return {
    build,
    spec,
    metadata,
    provider: trained.provider === 'cpu' ? provider : trained.provider,
    epochs: trainedEpochs,
    ...(heldScore === undefined ? {} : { heldScore }),
    ...(halfway ? { halfwayScore: halfway.score } : {}),
    ...(halfway?.stop ? { stoppedAt: trained.epochs } : {}),
  };
}

/**
 * Train a detector for `options.labels` on the backbone's feature map and write it as one model.
 * `settings.view` forces whole image or tiles, `settings.featureStride` 8 the rule's view read at
 * stride 8; `settings.search` 'always' compares the size rule's alternatives on held-out images even
 * where the rule's margin is clear; `settings.wallSeconds` the whole training's wall-clock budget in
 * place of BUDGET's (tests use these).
 */
export async function trainDetector(
  options: TrainOptions,
  backbone: DetectorBackbone,
  settings: { threads?: number; view?: 'whole' | 'tiled'; search?: 'always'; featureStride?: 8; wallSeconds?: number } = {},
): Promise<TrainedModel> {
  const proposed = chooseDetectorView(options.train, options.labels, settings.view);
  const threads = settings.threads;
  const job = options.job;
  const base = { backbone, labels: options.labels, cacheDir: options.cacheDir, job, threads };
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const budget = Math.max(BUDGET.least, BUDGET.perImage * options.train.length);
  const cpuLeft = () => {
    const used = process.cpuUsage(cpuStarted);
    return budget - (used.user + used.system) / 1e6;
  };
  const wallBudget = settings.wallSeconds ?? Math.max(BUDGET.wallLeast, BUDGET.wallPerImage * options.train.length);
  // Whole image or tiles, and at which side: compared on held-out training images where the size
  // rule leaves a choice; where its margin is clear, the rule decides (chosen.reason 'rule').
  // How many blocks are fine-tuned: compared on the same held-out images where the views are, and
  // on its own where the training set is large enough for a lighter tail to save more than the
  // comparison costs (never when the view is forced).
  const searchViews = proposed.alternatives.length > 1 && (!proposed.clear || settings.search === 'always');
  const withObjects = options.train.filter((sample) => sample.boxes.some((box) => options.labels.includes(box.label))).length;
  const searchDepth = withObjects >= SEARCH.depthOnlyFrom;
  // For small boxes the rule's view read at stride 8 is compared right after the rule's own view.
  const finer = settings.view || settings.featureStride ? undefined : proposed.finer;
  const [ruleView, ...others] = searchViews ? proposed.alternatives : [proposed.view];
  const compared = [ruleView!, ...(finer ? [finer] : []), ...others];
  const forced = settings.view !== undefined || settings.featureStride !== undefined;
  // A retrain that only added a few images keeps what the earlier version chose (earlierChoices.ts).
  const reused = forced ? undefined : await reusableDetectorChoices(options.earlier, options, backbone.id);
  const searched = reused || forced || !(compared.length > 1 || searchDepth) ? undefined : await searchDetector(options.train, compared, base);
  const seen = reused?.view ?? searched?.view ?? (settings.featureStride ? { ...proposed.view, featureStride: settings.featureStride } : proposed.view);
  const tailBlocks = reused?.tailBlocks ?? searched?.tailBlocks ?? TAIL_BLOCKS;
  const searchedAt = performance.now();
  // The test set goes through the written model afterwards, each image and its mirror at every input.
  const testRuns = 2 * options.test.reduce((runs, sample) => runs + (seen.tile ? tileGrid(sample, seen.tile.side, seen.tile.overlap).length : 1), 0);
  const wallLeft = (secondsPerView: number) => wallBudget - (performance.now() - started) / 1000 - testRuns * secondsPerView;
  const fitted = await fitDetector(options.train, seen, { ...base, epochs: EPOCHS, tailBlocks, mirror: true, phase: { embed: 'embedding images', train: 'training' }, cpuLeft, wallLeft });
  const choices: ModelChoices = reused
    ? {
        chosen: { ...reused.choices.chosen, epochs: fitted.epochs, reusedFrom: reused.from, addedImages: reused.added },
        candidates: reused.choices.candidates,
      }
    : {
        chosen: { ...settingsOf(seen).settings, reason: searched && compared.length > 1 ? 'search' : settings.featureStride ? 'forced' : String(proposed.choices.chosen.reason), tunedBlocks: tailBlocks, epochs: fitted.epochs, ...searched?.figures },
        candidates: [...proposed.choices.candidates, ...(searched?.candidates ?? [])],
      };
  const metadata: DetectorMetadata = { ...fitted.metadata, choices };
  const written = await writeModelFile(options.outputDir, fitted.build(), metadata);
  const modelPath = written.path;
  const fittedAt = performance.now();
  // What you evaluate is what you ship: the test set goes through the written file.
  const predictions = await predictSamples(modelPath, detectorPipeline(metadata), options.test, { job, threads });
  const seconds = (from: number, to: number) => Math.round((to - from) / 100) / 10;
  log.info('detector training phases', {
    view: settingsOf(seen).key,
    reason: choices.chosen.reason,
    searchS: seconds(started, searchedAt),
    fitS: seconds(searchedAt, fittedAt),
    testS: seconds(fittedAt, performance.now()),
    trainImages: options.train.length,
    cpuS: Math.round(budget - cpuLeft()),
    budgetCpuS: budget,
    budgetWallS: wallBudget,
    testImages: options.test.length,
  });
  return {
    modelPath,
    provider: fitted.provider,
    predictions,
    finalize: ({ thresholds }) => written.finalize(thresholds),
  };
}

/**
 * Which of `alternatives` (the size rule's view first) sees these training images best, and how
 * deep the fine-tuning should go: each view is trained with TAIL_BLOCKS fine-tuned on most of the
 * images (at most SEARCH.train, SEARCH.epochs epochs) and scored by mAP@0.5 on the rest (at most
 * SEARCH.held; images with objects and without held out alike); the best wins, and within
 * SEARCH.tie of it the view with the fewest model runs per image is kept (whole before tiles, the
 * smaller side first). The kept view is then fitted with the head alone (HEAD_ONLY: no backward pass
 * through the backbone) and, where the deeper tail beats that by more than SEARCH.tie, with the
 * lighter tails in between; the lightest within SEARCH.tie of the best depth is kept, so the final
 * training pays for fine-tuning only where it scored. Nothing further is tried after
 * SEARCH.cpuSeconds (the head alone excepted). Every fitted candidate is recorded with its score and
 * seconds. Undefined when too few images can be held out.
 */
async function searchDetector(
  train: readonly Sample[],
  alternatives: readonly DetectorView[],
  context: Omit<FitContext, 'epochs' | 'phase' | 'tailBlocks' | 'mirror'>,
): Promise<{ view: DetectorView; tailBlocks: number; candidates: ModelChoices['candidates']; figures: ModelChoices['chosen'] } | undefined> {
  const split = heldOutSplit(train, context.labels);
  if (!split) return undefined;
  const cpuStarted = process.cpuUsage();
  const cpuSeconds = () => {
    const used = process.cpuUsage(cpuStarted);
    return (used.user + used.system) / 1e6;
  };
  const candidates: ModelChoices['candidates'] = [];
  // One progress phase for the whole search (the app names it; the fine-tuning depth is part of how the model sees).
  const phase = 'choosing the view';
  const score = async (view: DetectorView, tailBlocks: number, halfway?: FitContext['halfway']): Promise<{ map: number; halfway?: number; stoppedAt?: number }> => {
    const began = performance.now();
    const fitted = await fitDetector(split.fit, view, {
      ...context,
      epochs: SEARCH.epochs,
      minSteps: SEARCH.minSteps,
      tailBlocks,
      alsoTailBlocks: [TAIL_BLOCKS, ...LIGHTER_TAILS],
      alsoFiner: !view.featureStride && alternatives.some((other) => other.featureStride === 8 && settingsOf({ ...other, featureStride: undefined }).key === settingsOf(view).key),
      mirror: false,
      phase: { embed: phase, train: phase },
      held: split.held,
      ...(halfway ? { halfway } : {}),
    });
    const map = fitted.heldScore!;
    const seconds = Math.round((performance.now() - began) / 100) / 10;
    const stopped: ModelChoices['chosen'] = fitted.stoppedAt === undefined ? {} : { stoppedAtEpoch: fitted.stoppedAt };
    candidates.push({ settings: { ...settingsOf(view).settings, tunedBlocks: tailBlocks, ...stopped }, metric: 'mAP', score: Math.round(map * 1000) / 1000, seconds });
    log.info('detector candidate scored', { view: settingsOf(view).key, tailBlocks, map, halfway: fitted.halfwayScore, stoppedAt: fitted.stoppedAt, seconds });
    return { map, ...(fitted.halfwayScore === undefined ? {} : { halfway: fitted.halfwayScore }), ...(fitted.stoppedAt === undefined ? {} : { stoppedAt: fitted.stoppedAt }) };
  };
  const views: { view: DetectorView; map: number; cost: number }[] = [];
  // Halfway through its epochs, a further view that trails the best halfway score of the views fitted
  // to the end by more than SEARCH.catchUp is not fitted further: it cannot be expected to catch up.
  let leadingHalfway: number | undefined;
  for (const [k, view] of alternatives.entries()) {
    if (k > 0 && cpuSeconds() > SEARCH.cpuSeconds) break;
    const scored = await score(view, TAIL_BLOCKS, (half) => k === 0 || leadingHalfway === undefined || half + SEARCH.catchUp >= leadingHalfway);
    if (scored.stoppedAt !== undefined) continue;
    if (scored.halfway !== undefined) leadingHalfway = Math.max(leadingHalfway ?? 0, scored.halfway);
    const cost = view.tile ? tileGrid({ width: split.held[0]!.width, height: split.held[0]!.height }, view.tile.side, view.tile.overlap).length * view.side ** 2 : view.side ** 2;
    views.push({ view, map: scored.map, cost });
  }
  const bestView = Math.max(...views.map((v) => v.map));
  const kept = views.filter((v) => v.map >= bestView - SEARCH.tie).sort((a, b) => a.cost - b.cost)[0]!;
  // The head alone first (a small part of a fine-tuned fit's time): the lighter tail in between is
  // only tried where the fine-tuned tail beats it by more than the tie.
  const depths: { tailBlocks: number; map: number }[] = [{ tailBlocks: TAIL_BLOCKS, map: kept.map }];
  const headOnly = { tailBlocks: HEAD_ONLY, map: (await score(kept.view, HEAD_ONLY)).map };
  depths.push(headOnly);
  if (kept.map > headOnly.map + SEARCH.tie) {
    for (const tailBlocks of LIGHTER_TAILS.filter((blocks) => blocks !== HEAD_ONLY)) {
      if (cpuSeconds() > SEARCH.cpuSeconds) break;
      depths.push({ tailBlocks, map: (await score(kept.view, tailBlocks)).map });
    }
  }
  const bestDepth = Math.max(...depths.map((d) => d.map));
  const depth = depths.filter((d) => d.map >= bestDepth - SEARCH.tie).sort((a, b) => a.tailBlocks - b.tailBlocks)[0]!;
  return { view: kept.view, tailBlocks: depth.tailBlocks, candidates, figures: { searchImages: `${split.fit.length} / ${split.held.length}`, searchEpochs: SEARCH.epochs } };
}

/**
 * Training images split for the view search, the same on every run: in content-hash order, every
 * SEARCH.every-th image with objects held out (at most SEARCH.held) and as many without objects as
 * a quarter of that; copies of one image stay on one side. Fitted on the rest: at most SEARCH.train
 * images with objects and a quarter as many without, spread over the hash order. Undefined when
 * too few images with objects are left on either side to score a view.
 */
export function heldOutSplit(train: readonly Sample[], labels: readonly string[]): { fit: Sample[]; held: Sample[] } | undefined {
  const hasObjects = (sample: Sample) => sample.boxes.some((box) => labels.includes(box.label));
  const byHash = [...train].sort((a, b) => (a.contentHash < b.contentHash ? -1 : a.contentHash > b.contentHash ? 1 : a.entryId - b.entryId));
  const spread = (list: readonly Sample[], count: number) =>
    list.length <= count ? [...list] : Array.from({ length: count }, (_, i) => list[Math.floor((i * list.length) / count)]!);
  const objects = byHash.filter(hasObjects);
  const background = byHash.filter((sample) => !hasObjects(sample));
  const heldObjects = objects.filter((_, i) => i % SEARCH.every === SEARCH.every - 1).slice(0, SEARCH.held);
  const heldBackground = spread(background.filter((_, i) => i % SEARCH.every === SEARCH.every - 1), Math.ceil(heldObjects.length / 4));
  const heldHashes = new Set([...heldObjects, ...heldBackground].map((sample) => sample.contentHash));
  const held = byHash.filter((sample) => heldHashes.has(sample.contentHash));
  const rest = (list: readonly Sample[]) => list.filter((sample) => !heldHashes.has(sample.contentHash));
  const fitObjects = spread(rest(objects), SEARCH.train);
  const fit = [...fitObjects, ...spread(rest(background), Math.ceil(fitObjects.length / 4))];
  if (held.filter(hasObjects).length < SEARCH.minWithObjects || fitObjects.length < SEARCH.minWithObjects) return undefined;
  return { fit, held };
}

/**
 * mAP@0.5 of a fitted tail and head on images whose model inputs (`images[k].inputs`: the whole
 * image or its tiles) have cut maps `maps` (in the same order, location-major rows): the tail runs
 * from the cut, the head (a 1 × 1 convolution, sigmoid on the heat) on its features, then the
 * decoding and the tiles' merge that the written model's pipeline applies (analysisFrom), without
 * the mirror pass.
 */
async function scoreOnMaps(
  images: readonly { sample: Sample; inputs: readonly View[] }[],
  maps: readonly Float32Array[],
  fitted: {
    tail: BackboneTail;
    weights: ReadonlyMap<string, Float32Array>;
    head: DetectionHead;
    map: MapSize;
    labels: readonly string[];
    threads: number | undefined;
    signal: AbortSignal;
    /** The context maps of `maps` (DetectionHead.context), in their order. */
    context?: { maps: readonly Float32Array[]; channels: number };
  },
): Promise<number> {
  const { tail, head, map, labels } = fitted;
  const contextWidth = Math.ceil(map.width / 2);
  const cells = map.width * map.height;
  const O = head.classes + 4;
  const { session } = await createSession(tailFeatureModel(tail, map, fitted.weights), { ...(fitted.threads ? { threads: fitted.threads } : {}), spinning: false, name: 'detection-tail-scoring' });
  const outputs: Float32Array[] = [];
  try {
    for (let start = 0; start < maps.length; start += BATCH) {
      fitted.signal.throwIfAborted();
      const batch = maps.slice(start, start + BATCH);
      const x = new Float32Array(batch.length * cells * tail.cutChannels);
      batch.forEach((rows, k) => x.set(rows, k * cells * tail.cutChannels));
      const features = (await session.run({ x: { data: x, dims: [batch.length * cells, tail.cutChannels] } })).features!.data as Float32Array;
      for (let k = 0; k < batch.length; k++) {
        // The head's output [C + 4, H, W] as the model gives it: z = f·W + b, sigmoid on the heat channels.
        const out = new Float32Array(O * cells);
        const coarse = head.context ? fitted.context?.maps[start + k] : undefined;
        if (head.context && !coarse) throw new Error('the head reads a context map and none was given');
        for (let cell = 0; cell < cells; cell++) {
          const f = (k * cells + cell) * head.features;
          const c = ((Math.floor(cell / map.width) >> 1) * contextWidth + ((cell % map.width) >> 1)) * (head.context?.features ?? 0);
          for (let o = 0; o < O; o++) {
            let z = head.b[o]!;
            for (let d = 0; d < head.features; d++) z += features[f + d]! * head.W[d * O + o]!;
            if (head.context) for (let d = 0; d < head.context.features; d++) z += coarse![c + d]! * head.context.W[d * O + o]!;
            out[o * cells + cell] = o < head.classes ? 1 / (1 + Math.exp(-z)) : z;
          }
        }
        outputs.push(out);
      }
    }
  } finally {
    await session.release();
  }
  let next = 0;
  const scored = images.map(({ sample, inputs }) => {
    const size = { width: sample.width, height: sample.height };
    const regions = inputs.map((view) => ({ region: view.region ?? { left: 0, top: 0, ...size } }));
    const tiled = inputs[0]?.region !== undefined;
    const decoding = { labels, detection: { mapWidth: map.width, mapHeight: map.height, ...DECODING, tiled } };
    return {
      truth: sample.boxes.filter((box) => labels.includes(box.label)),
      predictions: analysisFrom(regions, outputs.slice(next, (next += inputs.length)), size, decoding).boxes ?? [],
    };
  });
  return evaluateDetection(labels, scored).averagePrecision;
}

/** `region` of `image` (whole pixels, inside it) as pixels of its own. */
function cropPixels(image: RgbPixels, region: Region): RgbPixels {
  const data = new Uint8Array(region.width * region.height * 3);
  for (let y = 0; y < region.height; y++) {
    const from = ((region.top + y) * image.width + region.left) * 3;
    data.set(image.data.subarray(from, from + region.width * 3), y * region.width * 3);
  }
  return { width: region.width, height: region.height, data };
}

/**
 * What the model is run on for one image of `size` (its oriented pixels): the whole image, or its
 * tiles (metadata.detection.tiling), each with the region of the image it shows.
 */
async function modelInputs(image: string | Buffer, size: { width: number; height: number }, metadata: DetectorMetadata): Promise<{ region: Region; pixels: RgbPixels }[]> {
  const side = metadata.input.width;
  const tiling = metadata.detection.tiling;
  if (!tiling) {
    const pixels = await decodeRgb(image, { maxSide: decodeSide(size.width, size.height, side) });
    return [{ region: { left: 0, top: 0, width: size.width, height: size.height }, pixels }];
  }
  return cutTiles(await decodeForTiles(image, size, side, tiling), size, tiling);
}

/** The whole image at the tiles' scale: a tile of `tiling.side` pixels becomes the input's `side` (never enlarged). */
export function decodeForTiles(image: string | Buffer, size: { width: number; height: number }, side: number, tiling: { side: number }): Promise<RgbPixels> {
  const scale = Math.min(1, side / tiling.side);
  return decodeRgb(image, { maxSide: Math.max(1, Math.round(Math.max(size.width, size.height) * scale)) });
}

/** The tiles of an image of `size` (tileGrid, in its pixels) cut from `pixels`, its decode at the tiles' scale. */
export function cutTiles(pixels: RgbPixels, size: { width: number; height: number }, tiling: { side: number; overlap: number }): { region: Region; pixels: RgbPixels }[] {
  const sx = pixels.width / size.width;
  const sy = pixels.height / size.height;
  return tileGrid(size, tiling.side, tiling.overlap).map((region) => {
    const left = Math.min(pixels.width - 1, Math.round(region.left * sx));
    const top = Math.min(pixels.height - 1, Math.round(region.top * sy));
    const width = Math.max(1, Math.min(pixels.width - left, Math.round(region.width * sx)));
    const height = Math.max(1, Math.min(pixels.height - top, Math.round(region.height * sy)));
    return { region, pixels: cropPixels(pixels, { left, top, width, height }) };
  });
}

/** What turns a detector's outputs into boxes: its labels, map size and decoding, and whether its inputs are tiles. */
interface DecodingOf {
  labels: readonly string[];
  detection: Pick<DetectorMetadata['detection'], 'mapWidth' | 'mapHeight' | 'minScore' | 'topK' | 'nmsIou'> & { tiled: boolean };
}

/** The boxes of one image from the model's output for each of its inputs (modelInputs). */
function analysisFrom(inputs: readonly { region: Region }[], outputs: readonly Float32Array[], size: { width: number; height: number }, metadata: DecodingOf): Analysis {
  const { labels, detection } = metadata;
  const decode = (output: Float32Array, region: Region): Detection[] =>
    decodeDetections(output, labels.length, { width: detection.mapWidth, height: detection.mapHeight }, { width: region.width, height: region.height }, {
      minScore: detection.minScore,
      topK: detection.topK,
      nmsIou: detection.nmsIou,
    });
  const found = detection.tiled
    ? mergeTiledDetections(
        inputs.map((input, i) => ({ region: input.region, detections: decode(outputs[i]!, input.region) })),
        size,
        { nmsIou: detection.nmsIou },
      ).slice(0, detection.topK)
    : decode(outputs[0]!, inputs[0]!.region);
  return {
    boxes: found.map(({ classIndex, confidence, left, top, width, height }) => ({ label: labels[classIndex]!, confidence, left, top, width, height })),
    width: size.width,
    height: size.height,
  };
}

/**
 * A detector's pipeline (pipeline.ts): the whole image or its tiles, each run through the model,
 * decoded, and the tiles' boxes merged by NMS; boxes in the image's own pixels. Training's test set
 * and DetectCustomLabels both go through here, so what is evaluated is what runs.
 */
export function detectorPipeline(metadata: DetectorMetadata): Pipeline {
  return {
    input: metadata.input,
    output: metadata.output,
    async toInputs(image, known) {
      // Boxes come back in the original image's pixels: its size from the caller, else from the header.
      const header = known || typeof image === 'string' ? undefined : await probeImageHeader(image);
      const size = known ?? (header?.ok ? { width: header.width, height: header.height } : await decodedSize(image));
      const inputs = await modelInputs(image, size, metadata);
      return { pixels: inputs.map((input) => input.pixels), read: (outputs) => analysisFrom(inputs, outputs, size, { labels: metadata.labels, detection: { ...metadata.detection, tiled: metadata.detection.tiling !== undefined } }) };
    },
  };
}

async function decodedSize(image: string | Buffer): Promise<{ width: number; height: number }> {
  const { width, height } = await decodeRgb(image);
  return { width, height };
}
