import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auroc, bestF1AnomalyThreshold, goodOnlyThreshold, normalQuantile, prfAt } from '../../../native/anomaly';
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
    const loose = goodOnlyThreshold(scores, { falseRejectRate: 0.1, marginErrors: 0 });
    assert.ok(loose.threshold < strict.threshold);
    assert.ok(loose.falseRejectRate <= 0.1 && loose.falseRejectRate > 0.05);
  });

  it('reads the tail of a few dozen scores from a log-normal fit, which one odd score barely moves', () => {
    const logNormal = (count: number, seed: number) => normal(count, 0, 0.3, seed).map((x) => Math.exp(x));
    const rates: number[] = [];
    for (const seed of [11, 12, 13, 14]) {
      const heldOut = logNormal(59, seed);
      const choice = goodOnlyThreshold(heldOut);
      assert.equal(choice.quantileFrom, 'log-normal');
      // One good image scored far out moves the worst score tenfold, the fit by a rank at most (a
      // fifth where a draw has a gap at its 90th percentile: seed 13, 13 % before the margin).
      const odd = goodOnlyThreshold([...heldOut.slice(1), 10 * Math.max(...heldOut)]);
      assert.ok(Math.abs(odd.threshold - choice.threshold) < 0.2 * choice.threshold, `${odd.threshold} against ${choice.threshold}`);
      const fresh = logNormal(20_000, seed + 100);
      rates.push(fresh.filter((s) => s >= choice.threshold).length / fresh.length);
    }
    // About the asked 1 % of fresh good scores (the margin takes some more off), whatever the draw.
    for (const rate of rates) assert.ok(rate < 0.03, `fresh rate ${rate}`);
    assert.ok(rates.reduce((a, b) => a + b, 0) / rates.length < 0.015, `mean fresh rate ${rates}`);
  });

  it('adds one standard error of the quantile: above the true 1 % point in about 84 % of draws, and nearer it with more scores', () => {
    // Log-normal good scores, log-SD 0.3: the true 1 % point is exp(0.3 · 2.3263).
    const truth = Math.exp(0.3 * normalQuantile(0.99));
    const cover = (count: number) => {
      let above = 0;
      let excess = 0;
      const draws = 300;
      for (let seed = 0; seed < draws; seed++) {
        const choice = goodOnlyThreshold(normal(count, 0, 0.3, 1000 * count + seed).map((x) => Math.exp(x)));
        assert.equal(choice.quantileFrom, 'log-normal');
        if (choice.threshold > truth) above++;
        excess += Math.abs(choice.threshold - truth);
      }
      return { share: above / draws, excess: excess / draws };
    };
    const few = cover(40);
    const more = cover(160);
    // A one-sided one-standard-error bound is above in 84 % of draws for large samples; for few
    // scores the fitted quantile runs a little low (without the margin it is above in only ~35 %
    // of draws at 40 scores, ~45 % at 160), and so does the bound.
    assert.ok(few.share > 0.62 && few.share < 0.9, `40 scores: above the true point in ${few.share}`);
    assert.ok(more.share > 0.72 && more.share < 0.92, `160 scores: above the true point in ${more.share}`);
    assert.ok(more.excess < few.excess, `mean distance to the true point ${few.excess} → ${more.excess}`);
  });

  it('puts the empirical quantile\'s margin at its rank\'s binomial spread', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => i + 1);
    const choice = goodOnlyThreshold(scores);
    assert.equal(choice.quantileFrom, 'empirical');
    // The 990th score, and √(1000 · 0.01 · 0.99) ≈ 3.1 → 4 ranks above it.
    assert.equal(choice.quantile, 990);
    assert.equal(choice.margin, 4);
    assert.equal(choice.falseRejectRate, 0.007);
  });

  it('reads the quantile off the scores where they are enough to show the tail', () => {
    const scores = normal(1000, 10, 1, 15);
    assert.equal(goodOnlyThreshold(scores).quantileFrom, 'empirical');
    assert.equal(goodOnlyThreshold(normal(59, -1, 1, 16)).quantileFrom, 'empirical', 'a log-normal needs positive scores');
  });

  it('knows the normal quantiles', () => {
    assert.ok(Math.abs(normalQuantile(0.99) - 2.3263479) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.9) - 1.2815516) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.025) + 1.959964) < 1e-6);
    assert.equal(normalQuantile(0.5), 0);
    assert.throws(() => normalQuantile(1), RangeError);
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
