/**
 * The threshold studio's arithmetic: one label's test instances as scores with their truth, read
 * from the per-image test results, and what any threshold makes of them (precision, recall, F1,
 * the share of negatives rejected, the images whose verdict changes), plus the presets. Pure.
 *
 * Classification: each test image is one instance of each label it was scored on (TRUE_POSITIVE or
 * FALSE_NEGATIVE: it has the label; FALSE_POSITIVE or TRUE_NEGATIVE: it has not). Detection: each
 * predicted box is an instance (TRUE_POSITIVE: it found an object), and every ground-truth box
 * counts once towards recall; boxes the evaluation dropped below its own cut-off are not known.
 */
import type { TestImageResult } from '../../../api';

export interface Instance {
  /** The image it belongs to. */
  image: string;
  score: number;
  isPositive: boolean;
}

export interface LabelScores {
  instances: Instance[];
  /** How many objects (detection) or images (classification) truly have the label. */
  positives: number;
}

export interface ThresholdMetrics {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  /** Negatives scored at or above the threshold, as a share of all negatives (good parts rejected). */
  falsePositiveRate: number;
}

export function labelScores(results: readonly TestImageResult[], label: string): LabelScores {
  const instances: Instance[] = [];
  let positives = 0;
  for (const result of results) {
    if (result.Boxes && result.Boxes.length > 0) {
      for (const box of result.Boxes) {
        if (box.Name !== label) continue;
        if (box.Result === 'GROUND_TRUTH') positives++;
        else if (box.Confidence !== undefined && box.Result !== 'FALSE_NEGATIVE') {
          instances.push({ image: result.FileName, score: box.Confidence, isPositive: box.Result === 'TRUE_POSITIVE' });
        }
      }
      continue;
    }
    const scored = result.Labels.find((candidate) => candidate.Name === label);
    if (!scored) continue;
    const isPositive = scored.Result === 'TRUE_POSITIVE' || scored.Result === 'FALSE_NEGATIVE';
    if (isPositive) positives++;
    instances.push({ image: result.FileName, score: scored.Confidence, isPositive });
  }
  return { instances, positives };
}

export function metricsAt(scores: LabelScores, threshold: number): ThresholdMetrics {
  let truePositives = 0;
  let falsePositives = 0;
  let negatives = 0;
  for (const instance of scores.instances) {
    const accepted = instance.score >= threshold;
    if (instance.isPositive && accepted) truePositives++;
    if (!instance.isPositive) {
      negatives++;
      if (accepted) falsePositives++;
    }
  }
  const precision = truePositives + falsePositives === 0 ? 1 : truePositives / (truePositives + falsePositives);
  const recall = scores.positives === 0 ? 0 : truePositives / scores.positives;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold, precision, recall, f1, falsePositiveRate: negatives === 0 ? 0 : falsePositives / negatives };
}

/** The thresholds worth trying: each instance's score (where a verdict can change), and 0 and 1. */
function candidates(scores: LabelScores): number[] {
  return [...new Set([0, 1, ...scores.instances.map((instance) => instance.score)])].sort((a, b) => a - b);
}

/** The threshold with the best F1 (ties: the higher one, as fewer false alarms). */
export function bestF1Threshold(scores: LabelScores): number {
  let best = { threshold: 0.5, f1: -1 };
  for (const threshold of candidates(scores)) {
    const { f1 } = metricsAt(scores, threshold);
    if (f1 >= best.f1) best = { threshold, f1 };
  }
  return best.threshold;
}

/** The lowest threshold that rejects at most `share` of the negatives (good parts), or undefined. */
export function maxFalsePositiveThreshold(scores: LabelScores, share: number): number | undefined {
  return candidates(scores).find((threshold) => metricsAt(scores, threshold).falsePositiveRate <= share + 1e-12);
}

/** The highest threshold that still finds at least `recall` of the positives, or undefined. */
export function minRecallThreshold(scores: LabelScores, recall: number): number | undefined {
  return candidates(scores)
    .reverse()
    .find((threshold) => metricsAt(scores, threshold).recall >= recall - 1e-12);
}

export interface ChangedImage {
  image: string;
  /** At the new threshold this instance is accepted (found) where it was not, or the reverse. */
  nowAccepted: boolean;
  isPositive: boolean;
  score: number;
}

/** Instances whose verdict differs between two thresholds, most confident first. */
export function changedBetween(scores: LabelScores, from: number, to: number): ChangedImage[] {
  return scores.instances
    .filter((instance) => instance.score >= from !== instance.score >= to)
    .map((instance) => ({ image: instance.image, nowAccepted: instance.score >= to, isPositive: instance.isPositive, score: instance.score }))
    .sort((a, b) => b.score - a.score);
}
