/**
 * The guide's evaluation metrics (guide-notes-2 §2): per-label precision, recall and F1 at the
 * label's assumed threshold (the confidence that maximises F1 on the test set), their unweighted
 * mean over labels (matches the guide's summary example), AP at IoU ≥ 0.5 for detection, and the
 * confusion matrix for classification (columns = ground truth, normalised per column).
 *
 * Conventions: confidences are floats in [0,1]; a prediction is emitted when its confidence is
 * ≥ the threshold, and a threshold is always one of the observed confidences, so "≥ t" here is
 * the guide's "exceeds the threshold" for a threshold just below t.
 */

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

/** P, R, F1 from counts; an empty denominator gives 0 (nothing predicted, nothing to find). */
export function prf({ tp, fp, fn }: Counts): Prf {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** One scored candidate for a label: its confidence and whether it is correct (a TP when emitted). */
export interface Scored {
  confidence: number;
  correct: boolean;
}

export interface ThresholdChoice extends Prf, Counts {
  threshold: number;
}

/**
 * The assumed threshold of one label: sweep every observed confidence, keep the best F1
 * (ties: the higher threshold, fewer false positives). `positives` is the number of ground-truth
 * instances (images for classification, boxes for detection) — missed ones count as FN.
 */
export function bestF1Threshold(candidates: readonly Scored[], positives: number): ThresholdChoice {
  const sorted = [...candidates].sort((a, b) => b.confidence - a.confidence);
  let best: ThresholdChoice = { threshold: 1, tp: 0, fp: 0, fn: positives, ...prf({ tp: 0, fp: 0, fn: positives }) };
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < sorted.length; i++) {
    const candidate = sorted[i]!;
    if (candidate.correct) tp++;
    else fp++;
    // Only evaluate at the last candidate of a run of equal confidences.
    if (i + 1 < sorted.length && sorted[i + 1]!.confidence === candidate.confidence) continue;
    const counts = { tp, fp, fn: positives - tp };
    const scores = prf(counts);
    if (scores.f1 > best.f1) best = { threshold: candidate.confidence, ...counts, ...scores };
  }
  return best;
}

/** Counts at a given threshold. */
export function countsAt(candidates: readonly Scored[], positives: number, threshold: number): Counts {
  let tp = 0;
  let fp = 0;
  for (const candidate of candidates) {
    if (candidate.confidence < threshold) continue;
    if (candidate.correct) tp++;
    else fp++;
  }
  return { tp, fp, fn: positives - tp };
}

/** Precision and recall against threshold, for the evaluation chart (thresholds ascending). */
export function precisionRecallCurve(candidates: readonly Scored[], positives: number): (Prf & { threshold: number })[] {
  const thresholds = [...new Set(candidates.map((c) => c.confidence))].sort((a, b) => a - b);
  return thresholds.map((threshold) => ({ threshold, ...prf(countsAt(candidates, positives, threshold)) }));
}

/**
 * Average precision: the area under the precision–recall curve with precision made monotone
 * (all-point interpolation, as Pascal VOC since 2010).
 */
export function averagePrecision(candidates: readonly Scored[], positives: number): number {
  if (positives === 0) return 0;
  const sorted = [...candidates].sort((a, b) => b.confidence - a.confidence);
  const recalls: number[] = [0];
  const precisions: number[] = [1];
  let tp = 0;
  let fp = 0;
  for (const candidate of sorted) {
    if (candidate.correct) tp++;
    else fp++;
    recalls.push(tp / positives);
    precisions.push(tp / (tp + fp));
  }
  for (let i = precisions.length - 2; i >= 0; i--) precisions[i] = Math.max(precisions[i]!, precisions[i + 1]!);
  let area = 0;
  for (let i = 1; i < recalls.length; i++) area += (recalls[i]! - recalls[i - 1]!) * precisions[i]!;
  return area;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}

// --- Classification ---------------------------------------------------------------------------

/** One test image: its ground-truth labels and a confidence for every label of the model. */
export interface ClassifiedImage {
  truth: readonly string[];
  scores: Readonly<Record<string, number>>;
}

export interface LabelResult extends Prf, Counts {
  label: string;
  threshold: number;
  /** Test images that carry the label (classification) or have a box of it (detection). */
  testImages: number;
  /** Detection only: AP at IoU ≥ 0.5. */
  averagePrecision?: number;
}

export interface ClassificationEvaluation {
  labels: LabelResult[];
  /** Unweighted means over labels. */
  precision: number;
  recall: number;
  f1: number;
  /** Cells with GroundTruthLabel (column) → PredictedLabel (row) → share of that column's images. */
  confusion: { groundTruth: string; predicted: string; value: number }[];
}

export function evaluateClassification(labels: readonly string[], images: readonly ClassifiedImage[]): ClassificationEvaluation {
  const results = labels.map((label): LabelResult => {
    const candidates = images.map((image) => ({ confidence: image.scores[label] ?? 0, correct: image.truth.includes(label) }));
    const positives = images.filter((image) => image.truth.includes(label)).length;
    const choice = bestF1Threshold(candidates, positives);
    return { label, ...choice, testImages: positives };
  });
  const thresholds = new Map(results.map((r) => [r.label, r.threshold]));
  return {
    labels: results,
    precision: mean(results.map((r) => r.precision)),
    recall: mean(results.map((r) => r.recall)),
    f1: mean(results.map((r) => r.f1)),
    confusion: confusionMatrix(labels, images, thresholds),
  };
}

/** Emitted labels of an image: those at or above their label's threshold. */
export function emittedLabels(scores: Readonly<Record<string, number>>, thresholds: ReadonlyMap<string, number>): string[] {
  return [...thresholds].filter(([label, threshold]) => (scores[label] ?? 0) >= threshold).map(([label]) => label);
}

/**
 * Columns are ground-truth labels, rows predicted labels; each cell is the share of the column's
 * images whose top emitted prediction is the row label. An image with no emitted prediction adds
 * to no row, so its column sums to less than 1 (the guide's example does too).
 */
export function confusionMatrix(
  labels: readonly string[],
  images: readonly ClassifiedImage[],
  thresholds: ReadonlyMap<string, number>,
): { groundTruth: string; predicted: string; value: number }[] {
  const cells: { groundTruth: string; predicted: string; value: number }[] = [];
  for (const truth of labels) {
    const column = images.filter((image) => image.truth.includes(truth));
    const counts = new Map<string, number>();
    for (const image of column) {
      const emitted = emittedLabels(image.scores, thresholds);
      if (emitted.length === 0) continue;
      const top = emitted.reduce((a, b) => ((image.scores[b] ?? 0) > (image.scores[a] ?? 0) ? b : a));
      counts.set(top, (counts.get(top) ?? 0) + 1);
    }
    for (const predicted of labels) {
      cells.push({ groundTruth: truth, predicted, value: column.length === 0 ? 0 : (counts.get(predicted) ?? 0) / column.length });
    }
  }
  return cells;
}

// --- Detection --------------------------------------------------------------------------------

/**
 * A box, left/top/width/height, in the pixels of the image it is on (or any unit consistent with
 * that image's width and height): the one box type of main/ and native/ (the renderer has its own).
 */
export interface BoxPx {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function iou(a: BoxPx, b: BoxPx): number {
  const x1 = Math.max(a.left, b.left);
  const y1 = Math.max(a.top, b.top);
  const x2 = Math.min(a.left + a.width, b.left + b.width);
  const y2 = Math.min(a.top + a.height, b.top + b.height);
  const intersection = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - intersection;
  return union <= 0 ? 0 : intersection / union;
}

export const IOU_MATCH = 0.5;

export interface DetectedImage {
  truth: readonly (BoxPx & { label: string })[];
  predictions: readonly (BoxPx & { label: string; confidence: number })[];
}

/** For each prediction of `label`, whether it matched a ground-truth box (greedy, best confidence first). */
export function matchDetections(images: readonly DetectedImage[], label: string): { candidates: Scored[]; positives: number } {
  const candidates: Scored[] = [];
  let positives = 0;
  for (const image of images) {
    const truth = image.truth.filter((t) => t.label === label);
    positives += truth.length;
    const used = new Set<number>();
    const predictions = image.predictions.filter((p) => p.label === label).sort((a, b) => b.confidence - a.confidence);
    for (const prediction of predictions) {
      let bestIndex = -1;
      let bestIou = IOU_MATCH;
      truth.forEach((t, index) => {
        if (used.has(index)) return;
        const overlap = iou(prediction, t);
        if (overlap >= bestIou) {
          bestIou = overlap;
          bestIndex = index;
        }
      });
      if (bestIndex >= 0) used.add(bestIndex);
      candidates.push({ confidence: prediction.confidence, correct: bestIndex >= 0 });
    }
  }
  return { candidates, positives };
}

export interface DetectionEvaluation {
  labels: LabelResult[];
  precision: number;
  recall: number;
  f1: number;
  /** mAP: mean over labels of AP at IoU ≥ 0.5. */
  averagePrecision: number;
  /** mAR: mean over labels of the recall reached with every prediction kept. */
  averageRecall: number;
}

export function evaluateDetection(labels: readonly string[], images: readonly DetectedImage[]): DetectionEvaluation {
  const maxRecalls: number[] = [];
  const results = labels.map((label): LabelResult => {
    const { candidates, positives } = matchDetections(images, label);
    const choice = bestF1Threshold(candidates, positives);
    maxRecalls.push(positives === 0 ? 0 : candidates.filter((c) => c.correct).length / positives);
    return {
      label,
      ...choice,
      testImages: images.filter((image) => image.truth.some((t) => t.label === label)).length,
      averagePrecision: averagePrecision(candidates, positives),
    };
  });
  return {
    labels: results,
    precision: mean(results.map((r) => r.precision)),
    recall: mean(results.map((r) => r.recall)),
    f1: mean(results.map((r) => r.f1)),
    averagePrecision: mean(results.map((r) => r.averagePrecision ?? 0)),
    averageRecall: mean(maxRecalls),
  };
}
