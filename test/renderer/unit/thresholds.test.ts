import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestImageResult } from '../../../preload/contract/api';
import {
  bestF1Threshold,
  changedBetween,
  labelScores,
  maxFalsePositiveThreshold,
  metricsAt,
  minRecallThreshold,
} from '../../../renderer/features/models/evaluate/thresholds';

type Result = TestImageResult['Labels'][number]['Result'];
/** One classification test image scored on `scratch`. */
const image = (name: string, confidence: number, result: Result): TestImageResult => ({
  SourceRef: `/t/${name}`,
  FileName: name,
  Width: 10,
  Height: 10,
  Labels: [{ Name: 'scratch', Confidence: confidence, Result: result }],
});

// Four with a scratch (scores 0.9, 0.7, 0.45, 0.2) and four without (0.6, 0.3, 0.1, 0.05), at an assumed 0.5.
const results = [
  image('s1', 0.9, 'TRUE_POSITIVE'),
  image('s2', 0.7, 'TRUE_POSITIVE'),
  image('s3', 0.45, 'FALSE_NEGATIVE'),
  image('s4', 0.2, 'FALSE_NEGATIVE'),
  image('g1', 0.6, 'FALSE_POSITIVE'),
  image('g2', 0.3, 'TRUE_NEGATIVE'),
  image('g3', 0.1, 'TRUE_NEGATIVE'),
  image('g4', 0.05, 'TRUE_NEGATIVE'),
];

describe('the threshold studio on a label’s test images (issue 15)', () => {
  const scores = labelScores(results, 'scratch');

  it('counts precision, recall, F1 and false alarms at any threshold, worked by hand', () => {
    const at = metricsAt(scores, 0.5);
    assert.deepEqual({ ...at, f1: Number(at.f1.toFixed(12)) }, { threshold: 0.5, precision: 2 / 3, recall: 0.5, f1: Number((4 / 7).toFixed(12)), falsePositiveRate: 0.25 });
    const low = metricsAt(scores, 0.2);
    assert.equal(low.recall, 1);
    assert.equal(low.precision, 4 / 6);
    assert.equal(low.falsePositiveRate, 0.5);
    assert.equal(metricsAt(scores, 0.95).precision, 1);
    assert.equal(metricsAt(scores, 0.95).recall, 0);
  });

  it('names the images whose verdict changes, and how', () => {
    const changed = changedBetween(scores, 0.5, 0.25);
    assert.deepEqual(
      changed.map((item) => [item.image, item.nowAccepted, item.isPositive]),
      [
        ['s3', true, true],
        ['g2', true, false],
      ],
    );
    assert.deepEqual(changedBetween(scores, 0.5, 0.5), []);
  });

  it('finds the presets: best F1, at most a share of false alarms, recall at least a target', () => {
    // F1 at 0.2 (all four found, two false alarms) is 0.8, the best.
    assert.equal(bestF1Threshold(scores), 0.2);
    assert.equal(maxFalsePositiveThreshold(scores, 0), 0.7);
    assert.equal(maxFalsePositiveThreshold(scores, 0.25), 0.45);
    assert.equal(minRecallThreshold(scores, 0.75), 0.45);
    assert.equal(minRecallThreshold(scores, 1), 0.2);
  });

  it('reads detection results as boxes: found boxes are instances, ground truth counts for recall', () => {
    const detection: TestImageResult = {
      SourceRef: '/t/d.jpg',
      FileName: 'd.jpg',
      Width: 100,
      Height: 100,
      Labels: [],
      Boxes: [
        { Name: 'dent', Result: 'GROUND_TRUTH', Left: 0, Top: 0, Width: 10, Height: 10 },
        { Name: 'dent', Result: 'GROUND_TRUTH', Left: 50, Top: 50, Width: 10, Height: 10 },
        { Name: 'dent', Confidence: 0.8, Result: 'TRUE_POSITIVE', Left: 0, Top: 0, Width: 10, Height: 10 },
        { Name: 'dent', Confidence: 0.4, Result: 'FALSE_POSITIVE', Left: 80, Top: 80, Width: 10, Height: 10 },
        { Name: 'dent', Result: 'FALSE_NEGATIVE', Left: 50, Top: 50, Width: 10, Height: 10 },
      ],
    };
    const boxes = labelScores([detection], 'dent');
    assert.equal(boxes.positives, 2);
    assert.deepEqual(metricsAt(boxes, 0.3), { threshold: 0.3, precision: 0.5, recall: 0.5, f1: 0.5, falsePositiveRate: 1 });
    const strict = metricsAt(boxes, 0.5);
    assert.deepEqual({ ...strict, f1: Number(strict.f1.toFixed(12)) }, { threshold: 0.5, precision: 1, recall: 0.5, f1: Number((2 / 3).toFixed(12)), falsePositiveRate: 0 });
  });
});
