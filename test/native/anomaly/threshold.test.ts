import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auroc, bestF1AnomalyThreshold, goodOnlyThreshold, prfAt } from '../../../native/anomaly';
import { createRandom } from '../../../native/train';

function normal(count: number, mean: number, sd: number, seed: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => mean + sd * Math.sqrt(-2 * Math.log(Math.max(random.next(), 1e-12))) * Math.cos(2 * Math.PI * random.next()));
}

describe('the threshold from good images only', () => {
  it('rejects at most 1 % of the held-out good scores, and about that many fresh ones', () => {
    for (const seed of [1, 2, 3]) {
      const heldOut = normal(200, 10, 1, seed);
      const choice = goodOnlyThreshold(heldOut);
      assert.ok(choice.falseRejectRate <= 0.01, `held-out rate ${choice.falseRejectRate}`);
      assert.ok(choice.threshold > choice.quantile);
      const fresh = normal(20_000, 10, 1, seed + 100);
      const rate = fresh.filter((s) => s >= choice.threshold).length / fresh.length;
      assert.ok(rate < 0.02, `fresh rate ${rate}`);
      // …and does not give away the anomalies: the line stays within a few standard deviations.
      assert.ok(choice.threshold < 10 + 4.5, `threshold ${choice.threshold}`);
    }
  });

  it('draws the line above the worst of a few held-out scores, with a margin', () => {
    const scores = [1, 1.1, 0.9, 1.05, 0.95, 1.2];
    const choice = goodOnlyThreshold(scores);
    assert.ok(choice.threshold > 1.2);
    assert.equal(choice.falseRejectRate, 0);
  });

  it('follows a looser false-reject rate when asked', () => {
    const scores = normal(500, 0, 1, 4);
    const strict = goodOnlyThreshold(scores, { falseRejectRate: 0.01 });
    const loose = goodOnlyThreshold(scores, { falseRejectRate: 0.1, marginSigmas: 0 });
    assert.ok(loose.threshold < strict.threshold);
    assert.ok(loose.falseRejectRate <= 0.1 && loose.falseRejectRate > 0.05);
  });

  it('refuses to set a threshold without good scores', () => {
    assert.throws(() => goodOnlyThreshold([]), RangeError);
  });
});

describe('the best-F1 threshold when anomalies are labelled', () => {
  it('separates two well-apart distributions perfectly', () => {
    const good = normal(100, 0, 1, 5);
    const bad = normal(30, 10, 1, 6);
    const choice = bestF1AnomalyThreshold(good, bad);
    assert.equal(choice.f1, 1);
    assert.ok(choice.threshold > Math.max(...good) && choice.threshold <= Math.min(...bad));
    assert.equal(prfAt([...good, ...bad], [...good.map(() => false), ...bad.map(() => true)], choice.threshold).f1, 1);
  });

  it('trades precision and recall where the distributions overlap', () => {
    const good = normal(300, 0, 1, 7);
    const bad = normal(100, 2, 1, 8);
    const choice = bestF1AnomalyThreshold(good, bad);
    assert.ok(choice.f1 > 0.5 && choice.f1 < 1);
    assert.ok(choice.threshold > -1 && choice.threshold < 3);
  });
});

describe('image AUROC', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one and 0.5 for ties', () => {
    assert.equal(auroc([1, 2, 3, 4], [false, false, true, true]), 1);
    assert.equal(auroc([4, 3, 2, 1], [false, false, true, true]), 0);
    assert.equal(auroc([1, 1, 1, 1], [false, true, false, true]), 0.5);
    assert.ok(Number.isNaN(auroc([1, 2], [false, false])));
  });
});
