/**
 * A trained version's evaluation in the guide's files (guide-notes-2 §2.11–2.14): the summary
 * file (`EvaluationSummary-<project>-<version>.json`, the unwrapped form the guide's example and
 * sample code read) and the evaluation manifest snapshot (one JSON line per test image with
 * `rekognition-custom-labels-evaluation-details`), computed from the model's test predictions.
 */
import {
  emittedLabels,
  evaluateClassification,
  evaluateDetection,
  iou,
  IOU_MATCH,
  precisionRecallCurve,
  matchDetections,
  type ClassifiedImage,
  type DetectedImage,
  type LabelResult,
} from '../../native/metrics';
import type { Analysis } from '../engine/engine';
import type { Sample, UseCase } from '../engine/engine';

export interface EvaluationSummary {
  Version: 1;
  AggregatedEvaluationResults: {
    F1Score: number;
    Precision: number;
    Recall: number;
    ConfusionMatrix?: { GroundTruthLabel: string; PredictedLabel: string; Value: number }[];
    AveragePrecision?: number;
    AverageRecall?: number;
  };
  EvaluationDetails: {
    EvaluationEndTimestamp: string;
    Labels: string[];
    NumberOfTestingImages: number;
    NumberOfTrainingImages: number;
    ProjectVersionArn: string;
  };
  LabelEvaluationResults: {
    Label: string;
    NumberOfTestingImages: number;
    Metrics: { F1Score: number; Precision: number; Recall: number; Threshold: number };
  }[];
}

export interface Evaluation {
  summary: EvaluationSummary;
  thresholds: Record<string, number>;
  /** Precision and recall against threshold per label, for the Evaluate tab's chart. */
  curves: Record<string, { threshold: number; precision: number; recall: number }[]>;
  manifestLines: object[];
}

/** `2019-11-21T07:30:23.910943`: ISO-8601 without a zone, microseconds, as the guide's example. */
export function evaluationTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().replace('Z', '').replace(/\.(\d{3})$/, '.$1000')}`;
}

export function evaluate(options: {
  useCase: Exclude<UseCase, 'NOT_DETERMINED'>;
  labels: string[];
  train: Sample[];
  test: Sample[];
  predictions: Map<number, Analysis>;
  versionArn: string;
  nowMs: number;
}): Evaluation {
  const { labels, test, predictions } = options;
  const details: EvaluationSummary['EvaluationDetails'] = {
    EvaluationEndTimestamp: evaluationTimestamp(options.nowMs),
    Labels: labels,
    NumberOfTestingImages: test.length,
    NumberOfTrainingImages: options.train.length,
    ProjectVersionArn: options.versionArn,
  };
  const labelResults = (results: LabelResult[]) =>
    [...results]
      .sort((a, b) => b.f1 - a.f1 || a.label.localeCompare(b.label))
      .map((r) => ({
        Label: r.label,
        NumberOfTestingImages: r.testImages,
        Metrics: { F1Score: r.f1, Precision: r.precision, Recall: r.recall, Threshold: r.threshold },
      }));

  if (options.useCase === 'IMAGE_LEVEL_LABELS') {
    const images: ClassifiedImage[] = test.map((sample) => ({
      truth: sample.labels,
      scores: predictions.get(sample.entryId)?.scores ?? {},
    }));
    const result = evaluateClassification(labels, images);
    const thresholds = Object.fromEntries(result.labels.map((r) => [r.label, r.threshold]));
    return {
      summary: {
        Version: 1,
        AggregatedEvaluationResults: {
          ConfusionMatrix: result.confusion.map((c) => ({ GroundTruthLabel: c.groundTruth, PredictedLabel: c.predicted, Value: c.value })),
          F1Score: result.f1,
          Precision: result.precision,
          Recall: result.recall,
        },
        EvaluationDetails: details,
        LabelEvaluationResults: labelResults(result.labels),
      },
      thresholds,
      curves: Object.fromEntries(
        labels.map((label) => [
          label,
          precisionRecallCurve(
            images.map((image) => ({ confidence: image.scores[label] ?? 0, correct: image.truth.includes(label) })),
            images.filter((image) => image.truth.includes(label)).length,
          ).map(({ threshold, precision, recall }) => ({ threshold, precision, recall })),
        ]),
      ),
      manifestLines: test.map((sample) => classificationLine(sample, predictions.get(sample.entryId), thresholds, options.nowMs)),
    };
  }

  const images: DetectedImage[] = test.map((sample) => ({
    truth: sample.boxes,
    predictions: predictions.get(sample.entryId)?.boxes ?? [],
  }));
  const result = evaluateDetection(labels, images);
  const thresholds = Object.fromEntries(result.labels.map((r) => [r.label, r.threshold]));
  return {
    summary: {
      Version: 1,
      AggregatedEvaluationResults: {
        F1Score: result.f1,
        Precision: result.precision,
        Recall: result.recall,
        AveragePrecision: result.averagePrecision,
        AverageRecall: result.averageRecall,
      },
      EvaluationDetails: details,
      LabelEvaluationResults: labelResults(result.labels),
    },
    thresholds,
    curves: Object.fromEntries(
      labels.map((label) => {
        const { candidates, positives } = matchDetections(images, label);
        return [label, precisionRecallCurve(candidates, positives).map(({ threshold, precision, recall }) => ({ threshold, precision, recall }))];
      }),
    ),
    manifestLines: test.map((sample) => detectionLine(sample, predictions.get(sample.entryId), thresholds, options.nowMs)),
  };
}

const TRAINING_JOB = 'rekognition-custom-labels-training-job';
const EVALUATION_JOB = 'rekognition-custom-labels-evaluation-job';

function evaluationDetails(flags: { tp: boolean; tn: boolean; fp: boolean; fn: boolean; present: boolean }) {
  return {
    version: 1,
    'is-true-positive': flags.tp,
    'is-true-negative': flags.tn,
    'is-false-positive': flags.fp,
    'is-false-negative': flags.fn,
    'is-present-in-ground-truth': flags.present,
    'ground-truth-labelling-jobs': [TRAINING_JOB],
  };
}

/** One line per test image: its ground truth, then every label the model scored, flagged. */
function classificationLine(sample: Sample, analysis: Analysis | undefined, thresholds: Record<string, number>, nowMs: number): object {
  const date = new Date(nowMs).toISOString();
  const line: Record<string, unknown> = { 'source-ref': sample.sourceRef };
  sample.labels.forEach((label, i) => {
    line[`rekognition-custom-labels-training-${i}`] = 1;
    line[`rekognition-custom-labels-training-${i}-metadata`] = {
      confidence: 1,
      'job-name': TRAINING_JOB,
      'class-name': label,
      'human-annotated': 'yes',
      'creation-date': date,
      type: 'groundtruth/image-classification',
    };
  });
  const scores = analysis?.scores ?? {};
  const emitted = new Set(emittedLabels(scores, new Map(Object.entries(thresholds))));
  Object.keys(thresholds).forEach((label, i) => {
    const present = sample.labels.includes(label);
    const shown = emitted.has(label);
    line[`rekognition-custom-labels-evaluation-${i}`] = 1;
    line[`rekognition-custom-labels-evaluation-${i}-metadata`] = {
      confidence: scores[label] ?? 0,
      'job-name': EVALUATION_JOB,
      'class-name': label,
      'human-annotated': 'no',
      'creation-date': date,
      type: 'groundtruth/image-classification',
      'rekognition-custom-labels-evaluation-details': evaluationDetails({
        tp: shown && present,
        tn: !shown && !present,
        fp: shown && !present,
        fn: !shown && present,
        present,
      }),
    };
  });
  return line;
}

/** Ground-truth boxes, then each prediction flagged TP/FP; missed ground truth is flagged FN. */
function detectionLine(sample: Sample, analysis: Analysis | undefined, thresholds: Record<string, number>, nowMs: number): object {
  const date = new Date(nowMs).toISOString();
  const labels = Object.keys(thresholds);
  const classMap = Object.fromEntries(labels.map((label, i) => [String(i), label]));
  const idOf = (label: string) => labels.indexOf(label);
  const imageSize = [{ width: sample.width, height: sample.height, depth: 3 }];
  const predictions = [...(analysis?.boxes ?? [])]
    .filter((box) => box.confidence >= (thresholds[box.label] ?? 1))
    .sort((a, b) => b.confidence - a.confidence);
  const matched = new Set<number>();
  const flagged = predictions.map((prediction) => {
    let best = -1;
    let bestIou = IOU_MATCH;
    sample.boxes.forEach((truth, index) => {
      if (matched.has(index) || truth.label !== prediction.label) return;
      const overlap = iou(prediction, truth);
      if (overlap >= bestIou) {
        bestIou = overlap;
        best = index;
      }
    });
    if (best >= 0) matched.add(best);
    return { prediction, tp: best >= 0 };
  });
  const missed = sample.boxes.filter((_, index) => !matched.has(index));
  const box = (b: { label: string; left: number; top: number; width: number; height: number }) => ({
    class_id: idOf(b.label),
    top: b.top,
    left: b.left,
    width: b.width,
    height: b.height,
  });
  return {
    'source-ref': sample.sourceRef,
    'rekognition-custom-labels-training-0': { annotations: sample.boxes.map(box), image_size: imageSize },
    'rekognition-custom-labels-training-0-metadata': {
      'job-name': TRAINING_JOB,
      'class-map': classMap,
      'human-annotated': 'yes',
      objects: sample.boxes.map(() => ({ confidence: 1 })),
      'creation-date': date,
      type: 'groundtruth/object-detection',
    },
    'rekognition-custom-labels-evaluation': {
      annotations: [...flagged.map((f) => box(f.prediction)), ...missed.map(box)],
      image_size: imageSize,
    },
    'rekognition-custom-labels-evaluation-metadata': {
      confidence: flagged[0]?.prediction.confidence ?? 0,
      'job-name': EVALUATION_JOB,
      'class-map': classMap,
      'human-annotated': 'no',
      objects: [
        ...flagged.map((f) => ({
          confidence: f.prediction.confidence,
          'rekognition-custom-labels-evaluation-details': evaluationDetails({ tp: f.tp, tn: false, fp: !f.tp, fn: false, present: f.tp }),
        })),
        ...missed.map(() => ({
          confidence: 0,
          'rekognition-custom-labels-evaluation-details': evaluationDetails({ tp: false, tn: false, fp: false, fn: true, present: true }),
        })),
      ],
      'creation-date': date,
      type: 'groundtruth/object-detection',
    },
  };
}
