/**
 * Test results as the "View test results" page filters them: by label, by result type (true
 * positive, false positive, false negative), by file name, and by a confusion-matrix cell.
 * Pure: no React.
 */
import type { TestImageResult } from '../../../api';

export const RESULT_TYPES = ['TRUE_POSITIVE', 'FALSE_POSITIVE', 'FALSE_NEGATIVE'] as const;
export type ResultType = (typeof RESULT_TYPES)[number];

/** The "no label" row of the confusion matrix: an image with no label above threshold. */
export const NO_PREDICTION = '';

export interface ResultItem {
  name: string;
  /** 0–1; absent for a missed ground-truth box. */
  confidence: number | undefined;
  result: ResultType;
}

function isResultType(value: string): value is ResultType {
  return (RESULT_TYPES as readonly string[]).includes(value);
}

/** What the model said about an image, each marked TP / FP / FN (true negatives are left out), best first. */
export function resultItems(image: TestImageResult): ResultItem[] {
  const items: ResultItem[] = [];
  if (image.Boxes) {
    for (const box of image.Boxes) {
      if (isResultType(box.Result)) items.push({ name: box.Name, confidence: box.Confidence, result: box.Result });
    }
  } else {
    for (const label of image.Labels) {
      if (isResultType(label.Result)) items.push({ name: label.Name, confidence: label.Confidence, result: label.Result });
    }
  }
  return items.sort((a, b) => (b.confidence ?? -1) - (a.confidence ?? -1));
}

/** The labels the test dataset gives the image. */
export function groundTruthOf(image: TestImageResult): string[] {
  const names = image.Boxes
    ? image.Boxes.filter((box) => box.Result === 'GROUND_TRUTH').map((box) => box.Name)
    : image.Labels.filter((label) => label.Result === 'TRUE_POSITIVE' || label.Result === 'FALSE_NEGATIVE').map((label) => label.Name);
  return [...new Set(names)];
}

/**
 * Classification: the label the model scored highest when it stayed under its threshold, so the
 * model reported something else or nothing (issue 15: a 49.5 % / 50.5 % image read "predicted").
 */
export function topBelowThreshold(image: TestImageResult): TestImageResult['Labels'][number] | undefined {
  if (image.Boxes || image.Labels.length === 0) return undefined;
  const top = image.Labels.reduce((best, label) => (label.Confidence > best.Confidence ? label : best));
  return top.Result === 'FALSE_NEGATIVE' || top.Result === 'TRUE_NEGATIVE' ? top : undefined;
}

/** The label the model put first (the confusion matrix's row), or NO_PREDICTION. */
export function topPredictionOf(image: TestImageResult): string {
  const emitted = image.Labels.filter((label) => label.Result === 'TRUE_POSITIVE' || label.Result === 'FALSE_POSITIVE');
  if (emitted.length === 0) return NO_PREDICTION;
  return emitted.reduce((best, label) => (label.Confidence > best.Confidence ? label : best)).Name;
}

export interface ResultFilter {
  labels: readonly string[];
  results: readonly ResultType[];
  query: string;
  /** A confusion-matrix cell: images of this ground truth… */
  truth?: string | undefined;
  /** …whose top prediction is this label (NO_PREDICTION: none). */
  predicted?: string | undefined;
}

/**
 * An image matches when one of its result items has a chosen label and a chosen result type
 * (so "bedroom" + "false positive" finds images wrongly called bedroom), its file name contains
 * the query, and it sits in the chosen matrix cell.
 */
export function matchesFilter(image: TestImageResult, filter: ResultFilter): boolean {
  const query = filter.query.trim().toLocaleLowerCase();
  if (query && !image.FileName.toLocaleLowerCase().includes(query)) return false;
  if (filter.truth !== undefined && !groundTruthOf(image).includes(filter.truth)) return false;
  if (filter.predicted !== undefined && topPredictionOf(image) !== filter.predicted) return false;
  if (filter.labels.length === 0 && filter.results.length === 0) return true;
  return resultItems(image).some(
    (item) => (filter.labels.length === 0 || filter.labels.includes(item.name)) && (filter.results.length === 0 || filter.results.includes(item.result)),
  );
}

export function filterResults(images: readonly TestImageResult[], filter: ResultFilter): TestImageResult[] {
  return images.filter((image) => matchesFilter(image, filter));
}

/** For each result type, how many images of the list have at least one item of it (the filter's counts). */
export function imagesByResult(images: readonly TestImageResult[], labels: readonly string[] = []): Record<ResultType, number> {
  const counts: Record<ResultType, number> = { TRUE_POSITIVE: 0, FALSE_POSITIVE: 0, FALSE_NEGATIVE: 0 };
  for (const image of images) {
    const seen = new Set(resultItems(image).filter((item) => labels.length === 0 || labels.includes(item.name)).map((item) => item.result));
    for (const type of seen) counts[type]++;
  }
  return counts;
}

/** Every label that appears in the results, sorted. */
export function labelsOf(images: readonly TestImageResult[]): string[] {
  const names = new Set<string>();
  for (const image of images) {
    for (const label of image.Labels) names.add(label.Name);
    for (const box of image.Boxes ?? []) names.add(box.Name);
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** The filter as URL parameters, and back: a filtered view can be linked to and survives reloads. */
export function filterToParams(filter: ResultFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const label of filter.labels) params.append('label', label);
  for (const result of filter.results) params.append('result', result);
  if (filter.query.trim()) params.set('q', filter.query);
  if (filter.truth !== undefined) params.set('truth', filter.truth);
  if (filter.predicted !== undefined) params.set('predicted', filter.predicted);
  return params;
}

export function filterFromParams(params: URLSearchParams): ResultFilter {
  return {
    labels: params.getAll('label'),
    results: params.getAll('result').filter(isResultType),
    query: params.get('q') ?? '',
    truth: params.get('truth') ?? undefined,
    predicted: params.has('predicted') ? (params.get('predicted') ?? NO_PREDICTION) : undefined,
  };
}
