/**
 * The summary file (guide-notes-2 §2.11–2.12) read defensively into what the Evaluate tab shows.
 * DescribeEvaluation returns the file as written, so every field is checked before use.
 */
import { parseSummaryTimestamp } from '../format';

export interface LabelPerformance {
  label: string;
  testImages: number;
  f1: number | undefined;
  precision: number | undefined;
  recall: number | undefined;
  threshold: number | undefined;
}

export interface ConfusionCell {
  truth: string;
  predicted: string;
  value: number;
}

export interface SummaryView {
  f1: number | undefined;
  precision: number | undefined;
  recall: number | undefined;
  /** Detection only: mean average precision and recall over IoU thresholds. */
  averagePrecision: number | undefined;
  averageRecall: number | undefined;
  /** Classification only. */
  confusion: ConfusionCell[] | undefined;
  labels: string[];
  testImages: number | undefined;
  trainImages: number | undefined;
  /** Epoch seconds. */
  completed: number | undefined;
  perLabel: LabelPerformance[];
}

type Json = Record<string, unknown>;

function object(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function readSummary(summary: Record<string, unknown>): SummaryView {
  const aggregated = object(summary.AggregatedEvaluationResults);
  const details = object(summary.EvaluationDetails);
  const matrix = Array.isArray(aggregated.ConfusionMatrix) ? aggregated.ConfusionMatrix : undefined;
  const perLabel = Array.isArray(summary.LabelEvaluationResults) ? summary.LabelEvaluationResults : [];
  return {
    f1: number(aggregated.F1Score),
    precision: number(aggregated.Precision),
    recall: number(aggregated.Recall),
    averagePrecision: number(aggregated.AveragePrecision),
    averageRecall: number(aggregated.AverageRecall),
    confusion: matrix
      ?.map((cell) => {
        const item = object(cell);
        const truth = text(item.GroundTruthLabel);
        const predicted = text(item.PredictedLabel);
        const value = number(item.Value);
        return truth !== undefined && predicted !== undefined && value !== undefined ? { truth, predicted, value } : undefined;
      })
      .filter((cell): cell is ConfusionCell => cell !== undefined),
    labels: Array.isArray(details.Labels) ? details.Labels.filter((label): label is string => typeof label === 'string') : [],
    testImages: number(details.NumberOfTestingImages),
    trainImages: number(details.NumberOfTrainingImages),
    completed: parseSummaryTimestamp(details.EvaluationEndTimestamp),
    perLabel: perLabel
      .map((entry) => {
        const item = object(entry);
        const metrics = object(item.Metrics);
        const label = text(item.Label);
        if (label === undefined) return undefined;
        return {
          label,
          testImages: number(item.NumberOfTestingImages) ?? 0,
          f1: number(metrics.F1Score),
          precision: number(metrics.Precision),
          recall: number(metrics.Recall),
          threshold: number(metrics.Threshold),
        };
      })
      .filter((row): row is LabelPerformance => row !== undefined),
  };
}

export interface MatrixView {
  /** Columns: ground-truth labels. */
  truths: string[];
  /** Rows: predicted labels. */
  predictions: string[];
  /** Share of the column's test images whose top prediction is the row's label. */
  share: (predicted: string, truth: string) => number;
  /** Share of the column's test images with no prediction at all (so each column sums to 1). */
  unpredicted: (truth: string) => number;
  /** Whether any column has images without a prediction (the "no label" row is worth showing). */
  hasUnpredicted: boolean;
}

/**
 * The confusion matrix with columns = ground truth and rows = predictions, each cell the share of
 * its column's images (guide-notes-2 §2.13). What a column lacks to reach 100% are its images
 * with no label above threshold: the "no label" row.
 */
export function confusionMatrix(cells: readonly ConfusionCell[], labels: readonly string[], testImages: ReadonlyMap<string, number>): MatrixView {
  const names = [...new Set([...labels, ...cells.map((cell) => cell.truth), ...cells.map((cell) => cell.predicted)])];
  const value = new Map(cells.map((cell) => [`${cell.predicted}\u0000${cell.truth}`, Math.min(1, Math.max(0, cell.value))]));
  const columnSum = new Map<string, number>();
  for (const cell of cells) columnSum.set(cell.truth, (columnSum.get(cell.truth) ?? 0) + Math.min(1, Math.max(0, cell.value)));
  const unpredicted = (truth: string) => {
    if ((testImages.get(truth) ?? 0) === 0) return 0;
    const rest = 1 - (columnSum.get(truth) ?? 0);
    return rest > 0.0005 ? rest : 0;
  };
  return {
    truths: names,
    predictions: names,
    share: (predicted, truth) => value.get(`${predicted}\u0000${truth}`) ?? 0,
    unpredicted,
    hasUnpredicted: names.some((truth) => unpredicted(truth) > 0),
  };
}

export type SortKey = 'label' | 'f1' | 'testImages' | 'precision' | 'recall' | 'threshold';

/** Rows matching a search, sorted by a column (missing numbers last). */
export function sortLabels(rows: readonly LabelPerformance[], query: string, key: SortKey, descending: boolean): LabelPerformance[] {
  const needle = query.trim().toLocaleLowerCase();
  const matching = needle ? rows.filter((row) => row.label.toLocaleLowerCase().includes(needle)) : [...rows];
  const direction = descending ? -1 : 1;
  return matching.sort((a, b) => {
    if (key === 'label') return direction * a.label.localeCompare(b.label);
    const left = a[key];
    const right = b[key];
    if (left === undefined && right === undefined) return a.label.localeCompare(b.label);
    if (left === undefined) return 1;
    if (right === undefined) return -1;
    return direction * (left - right) || a.label.localeCompare(b.label);
  });
}
