/**
 * What CreateProjectVersion checks before training (guide-notes-1 §5.5–5.7, guide-notes-2 §1):
 * every JSON line is valid, invalid or ignored; the use case is determined; the terminal content
 * errors are found; and the result is written as `manifest_summary.json` in the guide's schema.
 *
 * The use case, where the guide leaves it to the service (L2152): OBJECT_LOCALIZATION when the
 * lines with boxes are at least as many as the lines with image-level labels in the test set (or,
 * with no test set, in the training set), else IMAGE_LEVEL_LABELS. A detection model also learns
 * from training images that carry only an image-level label, as a box around the whole image —
 * the guide's brand-detection case (L2130–2146); a classification model ignores box-only lines.
 */
import { MESSAGES, type MessageCode, type MessageRef } from '../../preload/contract/messages';
import { DATASET_LIMITS } from '../datasets/limits';
import type { EntryDraft } from '../db/entry';
import { chooseTestEntries } from '../datasets/entries';
import type { StoredEntry } from '../db/queries';
import { lineState, useCaseOf, type LineState } from '../../preload/contract/lines';
import type { Sample, UseCase } from '../engine/engine';
import type { ContentError, DatasetStatistics, ManifestSummary } from '../models/manifestSummary';

export type { Sample, UseCase } from '../engine/engine';
export type { ContentError, DatasetStatistics, ManifestSummary } from '../models/manifestSummary';

/** The guide's content errors, each one of Loupe's coded sentences (the guide's words) so the UI can word it. */
export const CONTENT_ERROR_CODES = {
  ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST: 'ManifestTooManyInvalidRows',
  ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_AUTOSPLIT: 'TooFewImagesToSplit',
  ERROR_MANIFEST_TOO_FEW_LABELS: 'TooFewLabels',
  ERROR_MANIFEST_TOO_MANY_LABELS: 'TooManyLabelsToTrain',
  ERROR_INSUFFICIENT_LABEL_OVERLAP: 'TooLittleLabelOverlap',
  ERROR_MANIFEST_TOO_FEW_USABLE_LABELS: 'TooFewUsableLabels',
  ERROR_INSUFFICIENT_USABLE_LABEL_OVERLAP: 'TooLittleUsableLabelOverlap',
} as const satisfies Record<string, MessageCode>;

type ContentCode = keyof typeof CONTENT_ERROR_CODES;
export const CONTENT_ERRORS = Object.fromEntries(
  Object.entries(CONTENT_ERROR_CODES).map(([code, message]) => [code, MESSAGES[message]]),
) as { [code in ContentCode]: (typeof MESSAGES)[(typeof CONTENT_ERROR_CODES)[code]] };
const contentError = (code: ContentCode): ContentError => ({ code, message: CONTENT_ERRORS[code] });

/** A content error as a refusal: the guide's words, with Loupe's code for the UI. */
export function contentRefusal(error: ContentError | undefined): MessageRef {
  const code = error && (CONTENT_ERROR_CODES as Record<string, MessageCode>)[error.code];
  return { Code: code ?? 'NothingToTrainOn' };
}

export interface Line {
  entry: StoredEntry;
  /** 1-based position in the dataset's manifest (entry order). */
  index: number;
  state: LineState;
  hasBoxes: boolean;
  hasImageLabels: boolean;
}

export function classifyLine(entry: StoredEntry, index: number): Line {
  const { errors, boxes, labels } = entry.draft;
  const state = lineState(
    errors.map((error) => error.code),
    boxes.length,
    labels.length,
  );
  return { entry, index, state, hasBoxes: boxes.length > 0, hasImageLabels: labels.length > 0 };
}

export interface TrainingPlan {
  summary: ManifestSummary;
  /** Terminal: training must not start (the errors are in the summary). */
  failed: boolean;
  useCase: UseCase;
  multiLabel: boolean;
  labels: string[];
  train: Sample[];
  test: Sample[];
  autoSplit: boolean;
  trainLines: Line[];
  testLines: Line[];
}

function decideUseCase(lines: Line[]): UseCase {
  const counts = lines.map(({ state, entry }) => ({ state, boxes: entry.draft.boxes.length, labels: entry.draft.labels.length }));
  return useCaseOf(counts) ?? 'NOT_DETERMINED';
}

/**
 * A line a person annotated as holding no object: an empty bounding-box attribute marked
 * human-annotated (WARNING_NO_ANNOTATIONS), nothing else. The service ignores such lines and the
 * manifest summary counts them as ignored; a detector learns from them what is not an object
 * (background images of an inspection set), and a test image without objects counts its false
 * detections, so detection trains and tests on them with no boxes.
 */
export function isAnnotatedBackground(line: Line): boolean {
  return line.state === 'ignored' && !line.hasBoxes && !line.hasImageLabels && line.entry.draft.errors.some((e) => e.code === 'WARNING_NO_ANNOTATIONS');
}

/** The sample a line gives for a use case, or undefined when the use case cannot use it. */
function sampleOf(line: Line, useCase: UseCase): Sample | undefined {
  const { entry } = line;
  if (!entry.path || !entry.contentHash || !entry.width || !entry.height) return undefined;
  const draft: EntryDraft = entry.draft;
  const base = { entryId: entry.id, sourceRef: entry.sourceRef, path: entry.path, contentHash: entry.contentHash, width: entry.width, height: entry.height };
  if (useCase === 'OBJECT_LOCALIZATION' && isAnnotatedBackground(line)) return { ...base, labels: [], boxes: [] };
  if (line.state !== 'valid') return undefined;
  if (useCase === 'IMAGE_LEVEL_LABELS') {
    if (!line.hasImageLabels) return undefined;
    return { ...base, labels: [...new Set(draft.labels.map((l) => l.name))], boxes: [] };
  }
  const boxes = line.hasBoxes
    ? draft.boxes.map((b) => ({ label: b.name, left: b.left, top: b.top, width: b.width, height: b.height }))
    : [...new Set(draft.labels.map((l) => l.name))].map((label) => ({ label, left: 0, top: 0, width: entry.width!, height: entry.height! }));
  return { ...base, labels: [...new Set(boxes.map((b) => b.label))], boxes };
}

function statistics(lines: Line[], useCase: UseCase, errors: ContentError[]): DatasetStatistics {
  return {
    use_case: errors.length > 0 ? 'NOT_DETERMINED' : useCase,
    total_json_lines: lines.length,
    valid_json_lines: lines.filter((l) => l.state === 'valid').length,
    invalid_json_lines: lines.filter((l) => l.state === 'invalid').length,
    ignored_json_lines: lines.filter((l) => l.state === 'ignored').length,
    error_json_line_indices: lines
      .filter((l) => l.entry.draft.errors.some((e) => e.code.startsWith('ERROR_')))
      .map((l) => l.index),
    errors,
  };
}

/**
 * Validate the TRAIN entries and the TEST entries (none: split 20% off TRAIN, stratified) and
 * plan what to train and test on. Test images never appear among training images (by content).
 */
export function planTraining(trainEntries: StoredEntry[], testEntries: StoredEntry[] | undefined, seed: string): TrainingPlan {
  const trainAll = trainEntries.map((entry, i) => classifyLine(entry, i + 1));
  let testAll = (testEntries ?? []).map((entry, i) => classifyLine(entry, i + 1));
  const autoSplit = testEntries === undefined || testEntries.length === 0;
  const trainErrors: ContentError[] = [];
  const testErrors: ContentError[] = [];
  const topErrors: ContentError[] = [];

  const useCase = decideUseCase(autoSplit ? trainAll : testAll.length > 0 ? testAll : trainAll);
  let trainLines = trainAll;
  if (autoSplit) {
    const candidates = trainAll
      .map((line) => ({ line, sample: sampleOf(line, useCase) }))
      .filter((c): c is { line: Line; sample: Sample } => c.sample !== undefined);
    const chosen = chooseTestEntries(
      candidates.map((c) => ({ id: c.line.entry.id, labels: c.sample.labels })),
      seed,
    );
    if (!chosen) {
      trainErrors.push(contentError('ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_AUTOSPLIT'));
    } else {
      const held = new Set(chosen);
      testAll = trainAll.filter((l) => held.has(l.entry.id)).map((l, i) => ({ ...l, index: i + 1 }));
      trainLines = trainAll.filter((l) => !held.has(l.entry.id)).map((l, i) => ({ ...l, index: i + 1 }));
    }
  }

  const testHashes = new Set(testAll.map((l) => l.entry.contentHash).filter((h): h is string => !!h));
  const train = trainLines
    .map((line) => sampleOf(line, useCase))
    .filter((s): s is Sample => s !== undefined && !testHashes.has(s.contentHash));
  const test = testAll.map((line) => sampleOf(line, useCase)).filter((s): s is Sample => s !== undefined);

  const trainLabels = [...new Set(train.flatMap((s) => s.labels))].sort();
  const testLabels = [...new Set(test.flatMap((s) => s.labels))].sort();
  const minLabels = useCase === 'OBJECT_LOCALIZATION' ? DATASET_LIMITS.minLabelsDetection : DATASET_LIMITS.minLabelsClassification;
  const invalidShare = (lines: Line[]) => (lines.length === 0 ? 0 : lines.filter((l) => l.state === 'invalid').length / lines.length);

  if (invalidShare(trainAll) > DATASET_LIMITS.maxInvalidLineShare) trainErrors.push(contentError('ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST'));
  if (!autoSplit && invalidShare(testAll) > DATASET_LIMITS.maxInvalidLineShare) testErrors.push(contentError('ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST'));
  const anyLabels = [...new Set(trainLines.flatMap((l) => [...l.entry.draft.labels, ...l.entry.draft.boxes].map((a) => a.name)))];
  if (trainErrors.length === 0) {
    if (anyLabels.length > DATASET_LIMITS.maxLabels || trainLabels.length > DATASET_LIMITS.maxLabels) {
      trainErrors.push(contentError('ERROR_MANIFEST_TOO_MANY_LABELS'));
    } else if (anyLabels.length < minLabels) {
      trainErrors.push(contentError('ERROR_MANIFEST_TOO_FEW_LABELS'));
    } else if (trainLabels.length < minLabels) {
      trainErrors.push(contentError('ERROR_MANIFEST_TOO_FEW_USABLE_LABELS'));
    }
  }
  if (trainErrors.length === 0 && testLabels.length > 0) {
    const common = testLabels.filter((l) => trainLabels.includes(l)).length;
    if (common / testLabels.length < DATASET_LIMITS.minLabelOverlap) topErrors.push(contentError('ERROR_INSUFFICIENT_USABLE_LABEL_OVERLAP'));
  }
  if (trainErrors.length === 0 && topErrors.length === 0 && test.length === 0) {
    testErrors.push(contentError('ERROR_MANIFEST_TOO_FEW_USABLE_LABELS'));
  }

  const failed = trainErrors.length + testErrors.length + topErrors.length > 0;
  return {
    summary: {
      statistics: { training: statistics(trainLines, useCase, trainErrors), testing: statistics(testAll, useCase, testErrors) },
      errors: topErrors,
    },
    failed,
    useCase,
    multiLabel: useCase === 'IMAGE_LEVEL_LABELS' && train.some((s) => s.labels.length > 1),
    labels: trainLabels,
    train,
    test: test.map((s) => ({ ...s, labels: s.labels.filter((l) => trainLabels.includes(l)), boxes: s.boxes.filter((b) => trainLabels.includes(b.label)) })),
    autoSplit,
    trainLines,
    testLines: testAll,
  };
}

/** The first terminal error, as the version's StatusMessage. */
export function firstError(summary: ManifestSummary): ContentError | undefined {
  return summary.statistics.training.errors[0] ?? summary.errors[0] ?? summary.statistics.testing.errors[0];
}
