import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  averagePrecision,
  bestF1Threshold,
  evaluateClassification,
  evaluateDetection,
  iou,
  mean,
  prf,
} from '../../../native/metrics';

const close = (actual: number, expected: number, digits = 3) =>
  assert.ok(Math.abs(actual - expected) <= 10 ** -digits / 2 + 1e-12, `${actual} ≉ ${expected}`);

describe("the guide's worked examples", () => {
  it('precision: 9 balls predicted, 8 right → 0.89 (L7155)', () => {
    close(prf({ tp: 8, fp: 1, fn: 0 }).precision, 0.89, 2);
    close(prf({ tp: 8, fp: 5, fn: 0 }).precision, 0.62, 2);
  });

  it('recall: 5 of 8 balls found → 0.62, all 8 → 1.0 (L7165)', () => {
    close(prf({ tp: 5, fp: 0, fn: 3 }).recall, 0.62, 2);
    assert.equal(prf({ tp: 8, fp: 1, fn: 0 }).recall, 1);
  });

  it('F1 from precision and recall: 0.947, 0.46, 0.33 (L7173–7175)', () => {
    const f1 = (p: number, r: number) => (2 * p * r) / (p + r);
    // prf computes F1 from counts; choose counts with the example's P and R.
    close(prf({ tp: 9, fp: 1, fn: 0 }).f1, f1(0.9, 1));
    close(f1(0.9, 1), 0.947);
    close(prf({ tp: 3, fp: 7, fn: 0 }).f1, 0.46, 2);
    close(prf({ tp: 19, fp: 1, fn: 76 }).f1, 0.33, 2);
  });

  it('aggregates are unweighted means over labels, as in the summary example (L7277–7356)', () => {
    const cap = { f1: 0.9794344473007711, precision: 0.9819587628865979, recall: 0.9769230769230769 };
    const watch = { f1: 0.9659574468085106, precision: 0.961864406779661, recall: 0.9700854700854701 };
    close(mean([cap.f1, watch.f1]), 0.9726959470546408, 12);
    close(mean([cap.precision, watch.precision]), 0.9719115848331294, 12);
    close(mean([cap.recall, watch.recall]), 0.9735042735042735, 12);
  });
});

describe('the assumed threshold', () => {
  it('is the observed confidence with the best F1, ties going to the higher threshold', () => {
    // Sorted: 0.9 T, 0.8 F, 0.6 T, 0.3 T, 0.2 F; 4 positives (one never predicted).
    const candidates = [
      { confidence: 0.3, correct: true },
      { confidence: 0.9, correct: true },
      { confidence: 0.2, correct: false },
      { confidence: 0.8, correct: false },
      { confidence: 0.6, correct: true },
    ];
    // t=0.9: P1 R.25 F.4; t=0.8: P.5 R.25 F.333; t=0.6: P.667 R.5 F.571; t=0.3: P.75 R.75 F.75; t=0.2: P.6 R.75 F.667
    const choice = bestF1Threshold(candidates, 4);
    assert.equal(choice.threshold, 0.3);
    assert.deepEqual([choice.tp, choice.fp, choice.fn], [3, 1, 1]);
    close(choice.f1, 0.75);
  });

  it('can be very low when the label is rare and confidences are low (WATCH 0.0145 in the guide)', () => {
    const choice = bestF1Threshold([{ confidence: 0.014, correct: true }, { confidence: 0.01, correct: false }], 1);
    assert.equal(choice.threshold, 0.014);
    assert.equal(choice.f1, 1);
  });
});

describe('classification', () => {
  it('computes per-label metrics, means and a column-normalised confusion matrix', () => {
    const images = [
      { truth: ['cat'], scores: { cat: 0.9, dog: 0.1 } },
      { truth: ['cat'], scores: { cat: 0.7, dog: 0.3 } },
      { truth: ['cat'], scores: { cat: 0.2, dog: 0.8 } },
      { truth: ['dog'], scores: { cat: 0.1, dog: 0.9 } },
      { truth: ['dog'], scores: { cat: 0.1, dog: 0.5 } },
    ];
    // By hand — cat: .9T .7T .2T .1F .1F → best F1 1.0 at 0.2; dog: .9T .8F .5T .3F .1F → F1 .8 at 0.5.
    const result = evaluateClassification(['cat', 'dog'], images);
    const cat = result.labels.find((l) => l.label === 'cat')!;
    assert.deepEqual([cat.threshold, cat.tp, cat.fp, cat.fn, cat.testImages], [0.2, 3, 0, 0, 3]);
    const dog = result.labels.find((l) => l.label === 'dog')!;
    assert.deepEqual([dog.threshold, dog.tp, dog.fp, dog.fn], [0.5, 2, 1, 0]);
    close(dog.f1, 0.8);
    close(result.f1, 0.9);
    const cell = (gt: string, p: string) => result.confusion.find((c) => c.groundTruth === gt && c.predicted === p)!.value;
    // The third cat image emits both labels; its top one is dog.
    close(cell('cat', 'cat'), 2 / 3);
    close(cell('cat', 'dog'), 1 / 3);
    assert.equal(cell('dog', 'dog'), 1);
    assert.equal(cell('dog', 'cat'), 0);
  });
});

describe('detection', () => {
  it('IoU of boxes', () => {
    assert.equal(iou({ left: 0, top: 0, width: 10, height: 10 }, { left: 0, top: 0, width: 10, height: 10 }), 1);
    assert.equal(iou({ left: 0, top: 0, width: 10, height: 10 }, { left: 10, top: 0, width: 10, height: 10 }), 0);
    close(iou({ left: 0, top: 0, width: 10, height: 10 }, { left: 5, top: 0, width: 10, height: 10 }), 50 / 150);
  });

  it('AP with the precision envelope: T, F, T of 3 positives = 5/9', () => {
    close(averagePrecision([{ confidence: 0.9, correct: true }, { confidence: 0.8, correct: false }, { confidence: 0.7, correct: true }], 3), 5 / 9, 6);
  });

  it('matches each ground-truth box once at IoU ≥ 0.5, the most confident prediction first', () => {
    const box = { left: 10, top: 10, width: 20, height: 20 };
    const result = evaluateDetection(['can'], [
      {
        truth: [{ ...box, label: 'can' }],
        predictions: [
          { ...box, left: 11, label: 'can', confidence: 0.9 },
          { ...box, left: 12, label: 'can', confidence: 0.8 }, // a duplicate: FP
          { left: 100, top: 100, width: 20, height: 20, label: 'can', confidence: 0.7 }, // nothing there: FP
        ],
      },
      { truth: [{ ...box, label: 'can' }], predictions: [] }, // missed: FN
    ]);
    const can = result.labels[0]!;
    assert.deepEqual([can.threshold, can.tp, can.fp, can.fn, can.testImages], [0.9, 1, 0, 1, 2]);
    close(can.averagePrecision!, 0.5);
    close(result.averageRecall, 0.5);
  });
});
