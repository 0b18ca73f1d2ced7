/**
 * Retraining after a few images were added: what the project's earlier version chose by validation
 * (a classifier's view, layers, weighting and head settings; a detector's view and fine-tuned
 * depth) was chosen on nearly the same training images, so a new search would compare the same
 * candidates on the same held-out images and land where it did. Where every image the earlier
 * version trained on is still here with the same labels and boxes and at most REUSE_GROWTH more
 * were added, the new version takes those choices (recorded as taken from that version, with its
 * candidates and their scores) and trains without the search; otherwise it searches afresh.
 */
import type { EarlierVersion, Sample } from './engine';
import { readModelMetadata, type ClassifierMetadata, type ModelChoices, type ModelMetadata } from './modelFile';
import type { DetectorView } from './detectorView';

/**
 * New images, as a share of the earlier version's, up to which its choices stand. The view search
 * holds out at most 300 images: 10 % more images move its held-out scores by less than the noise
 * each comparison already allows for (one standard error of a score on those images).
 */
export const REUSE_GROWTH = 0.1;

/** What a classifier retrained from an earlier version keeps. */
export interface ReusedChoices {
  from: string;
  /** Images added since. */
  added: number;
  view: NonNullable<ClassifierMetadata['view']>;
  choices: NonNullable<ClassifierMetadata['choices']>;
  /** The head's settings, epochs included: chosen on nearly the same rows, so trained again without a search. */
  head: { hidden: number; learningRate: number; weightDecay: number; epochs: number };
}

/** An image by its content, labels (as a set) and boxes (as a set). */
const imageKey = (sample: Pick<Sample, 'contentHash' | 'labels' | 'boxes'>) =>
  JSON.stringify([sample.contentHash, [...sample.labels].sort(), sample.boxes.map((b) => [b.label, b.left, b.top, b.width, b.height].join(' ')).sort()]);

/**
 * Whether `train` only adds images to what `earlier` trained on: every earlier image (by content)
 * is here with the same labels and boxes, and at most `growth` × their number are new.
 */
export function onlyAdds(earlier: Readonly<EarlierVersion['train']>, train: Readonly<EarlierVersion['train']>, growth = REUSE_GROWTH): boolean {
  if (earlier.length === 0 || train.length < earlier.length || train.length - earlier.length > growth * earlier.length) return false;
  const here = new Map<string, number>();
  for (const sample of train) {
    const key = imageKey(sample);
    here.set(key, (here.get(key) ?? 0) + 1);
  }
  for (const sample of earlier) {
    const key = imageKey(sample);
    const left = here.get(key) ?? 0;
    if (left === 0) return false;
    here.set(key, left - 1);
  }
  return true;
}

/**
 * The earlier version's classifier choices, where this training may take them: it only adds images
 * (`onlyAdds`), its model file is a classifier of the same kind, labels and backbone that recorded
 * its view and head settings, and it did not fine-tune the backbone (a tuned backbone is trained
 * again, not reused). Undefined otherwise, or where its model file cannot be read.
 */
export async function reusableClassifierChoices(
  earlier: EarlierVersion | undefined,
  train: { multiLabel: boolean; labels: readonly string[]; train: readonly Sample[] },
  backboneId: string,
): Promise<ReusedChoices | undefined> {
  const found = await earlierModel(earlier, train, backboneId);
  const metadata = found?.metadata;
  if (!metadata || metadata.useCase !== 'IMAGE_LEVEL_LABELS' || metadata.multiLabel !== train.multiLabel) return undefined;
  const { view, choices } = metadata;
  if (!view || !choices) return undefined;
  const { hidden, learningRate, weightDecay, epochs, fineTune } = choices.chosen;
  if (typeof hidden !== 'number' || typeof learningRate !== 'number' || typeof weightDecay !== 'number' || typeof epochs !== 'number') return undefined;
  if (fineTune !== undefined && fineTune !== 'none') return undefined;
  return { from: found.from, added: found.added, view, choices, head: { hidden, learningRate, weightDecay, epochs } };
}

/**
 * The earlier version's model file metadata, where this training only adds images to what it was
 * trained on (`onlyAdds`) and the file is of the same backbone and labels (in order); with how many
 * images were added. Undefined otherwise, or where the file cannot be read.
 */
async function earlierModel(
  earlier: EarlierVersion | undefined,
  train: { labels: readonly string[]; train: readonly Sample[] },
  backboneId: string,
): Promise<{ from: string; added: number; metadata: ModelMetadata } | undefined> {
  if (!earlier || !onlyAdds(earlier.train, train.train)) return undefined;
  const metadata = await readModelMetadata(earlier.modelPath).catch(() => undefined);
  if (!metadata || metadata.backbone !== backboneId) return undefined;
  if (metadata.labels.length !== train.labels.length || metadata.labels.some((label, i) => label !== train.labels[i])) return undefined;
  return { from: earlier.name, added: train.train.length - earlier.train.length, metadata };
}

/** What a detector retrained from an earlier version keeps. */
export interface ReusedDetectorChoices {
  from: string;
  /** Images added since. */
  added: number;
  view: DetectorView;
  tailBlocks: number;
  /** The earlier version's record: why its view was chosen, the search's figures, its candidates. */
  choices: ModelChoices;
}

/**
 * The earlier version's detector view and fine-tuned depth, where this training may take them: it
 * only adds images, and the model file is a detector of the same labels and backbone whose view was
 * chosen by the search or the size rule (not forced). Undefined otherwise.
 */
export async function reusableDetectorChoices(
  earlier: EarlierVersion | undefined,
  train: { labels: readonly string[]; train: readonly Sample[] },
  backboneId: string,
): Promise<ReusedDetectorChoices | undefined> {
  const found = await earlierModel(earlier, train, backboneId);
  const metadata = found?.metadata;
  if (!metadata || metadata.useCase !== 'OBJECT_LOCALIZATION' || !metadata.choices) return undefined;
  const { chosen } = metadata.choices;
  const { mode, inputSide, tileSide, tileOverlap, featureStride, tunedBlocks, reason } = chosen;
  if (reason === 'forced' || typeof inputSide !== 'number' || typeof tunedBlocks !== 'number') return undefined;
  let view: DetectorView;
  if (mode === 'tiled' && typeof tileSide === 'number' && typeof tileOverlap === 'number') view = { side: inputSide, tile: { side: tileSide, overlap: tileOverlap } };
  else if (mode === 'whole') view = { side: inputSide };
  else return undefined;
  if (featureStride === 8) view.featureStride = 8;
  return { from: found.from, added: found.added, view, tailBlocks: tunedBlocks, choices: metadata.choices };
}
