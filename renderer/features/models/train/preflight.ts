/**
 * What training would do with the project's datasets, worked out before anything starts: the use
 * case, the labels and their counts, whether the test set is split off the training set, and the
 * problems the service's validation would report (guide-notes-1 §5.5, guide-notes-2 §1.8), plus
 * a few it would not (unlabeled images that will be ignored). Pure: no React, no API.
 */
import { lineState, useCaseOf, type LineState } from '../../../../preload/contract/lines';
import type { DatasetLabelDescription, DatasetStats, DatasetStatus, EntryView } from '../../../api';

export type UseCase = 'IMAGE_LEVEL_LABELS' | 'OBJECT_LOCALIZATION';

export type EntryFacts = Pick<EntryView, 'Labels' | 'Boxes' | 'Errors'> & Partial<Pick<EntryView, 'ContentHash'>>;

export interface DatasetFacts {
  status: DatasetStatus;
  stats: DatasetStats;
  labels: readonly DatasetLabelDescription[];
  /** Every entry; undefined when the dataset is too large to read whole (counts then come from the label statistics). */
  entries?: readonly EntryFacts[];
}

export type ProblemCode =
  | 'noTrainingDataset'
  | 'datasetBusy'
  | 'trainingEmpty'
  | 'noLabeledImages'
  | 'tooFewLabels'
  | 'tooFewNormal'
  | 'tooManyLabels'
  | 'tooManyInvalid'
  | 'autoSplitTooFew'
  | 'testNoLabeled'
  | 'labelOverlap'
  | 'testLabelsNotInTraining'
  | 'labelsWithoutImages'
  | 'unlabeledIgnored'
  | 'invalidSkipped'
  | 'fewImages'
  | 'sameAsTest'
  | 'boxOnlyIgnored'
  | 'wholeImageBoxes';

export interface Problem {
  /** `error`: training would fail; `warning`: it runs, but not on everything; `info`: worth knowing. */
  level: 'error' | 'warning' | 'info';
  code: ProblemCode;
  dataset?: 'TRAIN' | 'TEST';
  count?: number;
  labels?: string[];
  min?: number;
  max?: number;
}

export interface LabelRow {
  name: string;
  trainImages: number;
  trainBoxes: number;
  testImages: number;
  testBoxes: number;
}

export interface Preflight {
  useCase: UseCase | undefined;
  /** The use case was guessed from label statistics (a dataset too large to read whole). */
  estimated: boolean;
  /** No test images: 20% of the training images are held out for testing. */
  autoSplit: boolean;
  labels: LabelRow[];
  trainImages: number;
  testImages: number;
  problems: Problem[];
  canTrain: boolean;
}

/** The service's limits (guide L16462–16464, L3212, L3240). */
export const LIMITS = {
  minLabelsClassification: 2,
  minLabelsDetection: 1,
  maxLabels: 250,
  maxInvalidShare: 0.2,
  minLabelOverlap: 0.5,
  /** Auto-split keeps at least one image of each label on both sides. */
  minImagesForAutoSplit: 2,
  /** Below this many training images a label gets a "few examples" warning. */
  fewImages: 5,
} as const;

function stateOf(entry: EntryFacts): LineState {
  return lineState(
    entry.Errors.map((error) => error.Code),
    entry.Boxes.length,
    entry.Labels.length,
  );
}

function decideUseCase(entries: readonly EntryFacts[]): UseCase | undefined {
  return useCaseOf(entries.map((entry) => ({ state: stateOf(entry), boxes: entry.Boxes.length, labels: entry.Labels.length })));
}

/** The labels a line teaches under a use case, or undefined when that use case cannot use it. */
function usableLabels(entry: EntryFacts, useCase: UseCase): string[] | undefined {
  if (stateOf(entry) !== 'valid') return undefined;
  if (useCase === 'IMAGE_LEVEL_LABELS') return entry.Labels.length > 0 ? [...new Set(entry.Labels)] : undefined;
  return entry.Boxes.length > 0 ? [...new Set(entry.Boxes.map((box) => box.Label))] : [...new Set(entry.Labels)];
}

function countBy(lists: readonly (readonly string[])[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const list of lists) for (const label of list) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
}

const byName = (a: string, b: string) => a.localeCompare(b);

function isBusy(status: DatasetStatus): boolean {
  return status.endsWith('_IN_PROGRESS');
}

/** Good-only anomaly training (anomalyTraining.ts): at least 2 images labelled `normal`; `anomaly` ones are optional. */
export const MIN_NORMAL_IMAGES = 2;

/**
 * `anomaly`: the project is an anomaly-detection project, whose model learns from its `normal`
 * images alone: the label-count, split and overlap rules of classifiers do not apply, the normal
 * images' count does.
 */
export function preflight(train: DatasetFacts | undefined, test: DatasetFacts | undefined, options: { anomaly?: boolean } = {}): Preflight {
  const problems: Problem[] = [];
  const autoSplit = !test || test.stats.TotalEntries === 0;
  let labelRows = mergeLabelRows(train, test);
  // The images training will use, counted as the evaluation counts them (issue 15: 80 here, 79
  // there); the whole datasets until the use case is known.
  let trainImages = train?.stats.TotalEntries ?? 0;
  let testImages = test?.stats.TotalEntries ?? 0;
  const result = (useCase: UseCase | undefined, estimated: boolean): Preflight => ({
    useCase,
    estimated,
    autoSplit,
    labels: labelRows,
    trainImages,
    testImages,
    problems,
    canTrain: !problems.some((problem) => problem.level === 'error'),
  });

  if (!train) {
    problems.push({ level: 'error', code: 'noTrainingDataset' });
    return result(undefined, false);
  }
  for (const [type, facts] of [['TRAIN', train], ['TEST', test]] as const) {
    if (facts && isBusy(facts.status)) problems.push({ level: 'error', code: 'datasetBusy', dataset: type });
  }
  if (train.stats.TotalEntries === 0) {
    problems.push({ level: 'error', code: 'trainingEmpty' });
    return result(undefined, false);
  }

  const estimated = !train.entries || (!autoSplit && !test?.entries);
  const useCase = estimated ? estimateUseCase(autoSplit ? train : test!) : decideUseCase(autoSplit ? train.entries! : test!.entries!);
  if (!useCase) {
    problems.push({ level: 'error', code: 'noLabeledImages', dataset: autoSplit ? 'TRAIN' : 'TEST' });
    return result(undefined, estimated);
  }

  // Lines each dataset would drop.
  for (const [type, facts] of [['TRAIN', train], ['TEST', autoSplit ? undefined : test]] as const) {
    if (!facts) continue;
    const invalid = facts.entries ? facts.entries.filter((entry) => stateOf(entry) === 'invalid').length : facts.stats.ErrorEntries;
    const unlabeled = facts.entries
      ? facts.entries.filter((entry) => stateOf(entry) === 'ignored').length
      : Math.max(0, facts.stats.TotalEntries - facts.stats.LabeledEntries);
    if (invalid / facts.stats.TotalEntries > LIMITS.maxInvalidShare) {
      problems.push({ level: 'error', code: 'tooManyInvalid', dataset: type, count: invalid });
    } else if (invalid > 0) {
      problems.push({ level: 'warning', code: 'invalidSkipped', dataset: type, count: invalid });
    }
    if (unlabeled > 0) problems.push({ level: 'warning', code: 'unlabeledIgnored', dataset: type, count: unlabeled });
    if (facts.entries) {
      const valid = facts.entries.filter((entry) => stateOf(entry) === 'valid');
      if (useCase === 'IMAGE_LEVEL_LABELS') {
        const boxOnly = valid.filter((entry) => entry.Labels.length === 0 && entry.Boxes.length > 0).length;
        if (boxOnly > 0) problems.push({ level: 'warning', code: 'boxOnlyIgnored', dataset: type, count: boxOnly });
      } else if (type === 'TRAIN') {
        const whole = valid.filter((entry) => entry.Boxes.length === 0 && entry.Labels.length > 0).length;
        if (whole > 0) problems.push({ level: 'info', code: 'wholeImageBoxes', dataset: type, count: whole });
      }
    }
    const empty = facts.labels.filter((label) => label.LabelStats.EntryCount === 0 && label.LabelStats.BoundingBoxCount === 0);
    if (empty.length > 0) {
      problems.push({ level: 'warning', code: 'labelsWithoutImages', dataset: type, labels: empty.map((label) => label.LabelName).sort(byName) });
    }
  }

  // Training never sees a picture the test set holds (the same bytes): such a training image is
  // only tested on. Counted here as training counts it.
  const testHashes = new Set(
    !autoSplit && test?.entries ? test.entries.filter((entry) => usableLabels(entry, useCase)).flatMap((entry) => (entry.ContentHash ? [entry.ContentHash] : [])) : [],
  );
  const trainUsed = train.entries?.filter((entry) => usableLabels(entry, useCase) && !(entry.ContentHash && testHashes.has(entry.ContentHash)));
  const sameAsTest = train.entries ? train.entries.filter((entry) => usableLabels(entry, useCase) && entry.ContentHash && testHashes.has(entry.ContentHash)).length : 0;
  if (sameAsTest > 0) problems.push({ level: 'info', code: 'sameAsTest', dataset: 'TRAIN', count: sameAsTest });
  const testUsed = autoSplit ? undefined : test?.entries?.filter((entry) => usableLabels(entry, useCase));
  if (trainUsed) trainImages = trainUsed.length;
  if (testUsed) testImages = testUsed.length;

  // Labels the model would learn, and how many images teach each one.
  const trainCounts = trainUsed
    ? countBy(trainUsed.map((entry) => usableLabels(entry, useCase) ?? []))
    : new Map(train.labels.filter((label) => label.LabelStats.EntryCount > 0).map((label) => [label.LabelName, label.LabelStats.EntryCount]));
  const testUsedCounts = testUsed ? countBy(testUsed.map((entry) => usableLabels(entry, useCase) ?? [])) : undefined;
  labelRows = labelRows.map((row) => ({
    ...row,
    ...(trainUsed ? { trainImages: trainCounts.get(row.name) ?? 0 } : {}),
    ...(testUsedCounts ? { testImages: testUsedCounts.get(row.name) ?? 0 } : {}),
  }));
  if (options.anomaly) {
    const normal = trainCounts.get('normal') ?? 0;
    if (normal < MIN_NORMAL_IMAGES) problems.push({ level: 'error', code: 'tooFewNormal', count: normal, min: MIN_NORMAL_IMAGES, dataset: 'TRAIN' });
    const order = { error: 0, warning: 1, info: 2 } as const;
    problems.sort((a, b) => order[a.level] - order[b.level]);
    return result(useCase, estimated);
  }
  const min = useCase === 'OBJECT_LOCALIZATION' ? LIMITS.minLabelsDetection : LIMITS.minLabelsClassification;
  if (trainCounts.size > LIMITS.maxLabels) {
    problems.push({ level: 'error', code: 'tooManyLabels', count: trainCounts.size, max: LIMITS.maxLabels });
  } else if (trainCounts.size < min) {
    problems.push({ level: 'error', code: 'tooFewLabels', count: trainCounts.size, min, dataset: 'TRAIN' });
  }
  if (autoSplit) {
    const scarce = [...trainCounts].filter(([, count]) => count < LIMITS.minImagesForAutoSplit).map(([name]) => name);
    if (scarce.length > 0) problems.push({ level: 'error', code: 'autoSplitTooFew', labels: scarce.sort(byName), min: LIMITS.minImagesForAutoSplit });
  } else if (test) {
    const testCounts = test.entries
      ? countBy(test.entries.map((entry) => usableLabels(entry, useCase) ?? []))
      : new Map(test.labels.filter((label) => label.LabelStats.EntryCount > 0).map((label) => [label.LabelName, label.LabelStats.EntryCount]));
    if (testCounts.size === 0) {
      problems.push({ level: 'error', code: 'testNoLabeled', dataset: 'TEST' });
    } else {
      const missing = [...testCounts.keys()].filter((name) => !trainCounts.has(name)).sort(byName);
      if (missing.length > 0 && (testCounts.size - missing.length) / testCounts.size < LIMITS.minLabelOverlap) {
        problems.push({ level: 'error', code: 'labelOverlap', labels: missing });
      } else if (missing.length > 0) {
        problems.push({ level: 'warning', code: 'testLabelsNotInTraining', labels: missing });
      }
    }
  }
  // A label this thin trains, but poorly: said before training, not found out after (issue 15).
  const few = [...trainCounts].filter(([, count]) => count < LIMITS.fewImages && (!autoSplit || count >= LIMITS.minImagesForAutoSplit)).map(([name]) => name);
  if (few.length > 0) problems.push({ level: 'warning', code: 'fewImages', labels: few.sort(byName), min: LIMITS.fewImages });

  const order = { error: 0, warning: 1, info: 2 } as const;
  problems.sort((a, b) => order[a.level] - order[b.level]);
  return result(useCase, estimated);
}

function estimateUseCase(facts: DatasetFacts): UseCase | undefined {
  if (facts.stats.LabeledEntries === 0) return undefined;
  const boxes = facts.labels.reduce((sum, label) => sum + label.LabelStats.BoundingBoxCount, 0);
  return boxes > 0 ? 'OBJECT_LOCALIZATION' : 'IMAGE_LEVEL_LABELS';
}

function mergeLabelRows(train: DatasetFacts | undefined, test: DatasetFacts | undefined): LabelRow[] {
  const rows = new Map<string, LabelRow>();
  const row = (name: string) => {
    let found = rows.get(name);
    if (!found) {
      found = { name, trainImages: 0, trainBoxes: 0, testImages: 0, testBoxes: 0 };
      rows.set(name, found);
    }
    return found;
  };
  for (const label of train?.labels ?? []) {
    const found = row(label.LabelName);
    found.trainImages = label.LabelStats.EntryCount;
    found.trainBoxes = label.LabelStats.BoundingBoxCount;
  }
  for (const label of test?.labels ?? []) {
    const found = row(label.LabelName);
    found.testImages = label.LabelStats.EntryCount;
    found.testBoxes = label.LabelStats.BoundingBoxCount;
  }
  return [...rows.values()].sort((a, b) => byName(a.name, b.name));
}
