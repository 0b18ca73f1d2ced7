/**
 * How validation chooses among anomaly candidates: a lead in caught validation defects counts only
 * beyond its noise (paired on the same defects), otherwise the higher AUROC decides.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auroc, betterCandidate, catchLead, CATCH_SIGMAS, goodOnlyThreshold, type CandidateEvidence } from '../../../native/anomaly';
import { createRandom } from '../../../native/train';

const ids32 = Array.from({ length: 32 }, (_, i) => i);
const goods = Array.from({ length: 60 }, (_, i) => 1 + 0.002 * i);
/** A candidate whose 60 good scores spread a little about 1 and whose defects score 5 where `caught`, 0.5 elsewhere. */
const catching = (caught: (id: number) => boolean, auc: number): CandidateEvidence => ({
  auroc: auc,
  good: goods,
  goodIds: goods.map((_, i) => i),
  anomalies: ids32.map((id) => (caught(id) ? 5 : 0.5)),
  ids: ids32,
});

function gaussian(random: ReturnType<typeof createRandom>): number {
  return Math.sqrt(-2 * Math.log(Math.max(random.next(), 1e-12))) * Math.cos(2 * Math.PI * random.next());
}

/**
 * One candidate's validation on generated scores: 60 held-out good images and 32 defects, each
 * defect with its own difficulty (shared by every candidate, as the same drawn defect is) plus the
 * candidate's own noise; `lift` moves its defect scores up.
 */
function candidate(difficulty: readonly number[], lift: number, random: ReturnType<typeof createRandom>): CandidateEvidence {
  const good = Array.from({ length: 60 }, () => Math.exp(0.3 * gaussian(random)));
  const anomalies = difficulty.map((d) => Math.exp(0.3 * (2 + lift + d + 0.5 * gaussian(random))));
  return {
    auroc: auroc([...good, ...anomalies], [...good.map(() => false), ...anomalies.map(() => true)]),
    good,
    goodIds: good.map((_, i) => i),
    anomalies,
    ids: difficulty.map((_, i) => i),
  };
}
const caughtShare = (c: CandidateEvidence) => c.anomalies.filter((s) => s >= goodOnlyThreshold(c.good).threshold).length / c.anomalies.length;

describe('choosing among anomaly candidates', () => {
  it('does not count a lead of two caught defects out of 32: the higher AUROC decides', () => {
    const a = catching((id) => id < 20, 0.91);
    const b = catching((id) => id < 22, 0.87);
    assert.ok(Math.abs(catchLead(a, b)) <= CATCH_SIGMAS);
    assert.equal(betterCandidate(a, b), false);
    assert.equal(betterCandidate(b, a), true);
    // Within the AUROC margin the first (cheaper) one stays.
    assert.equal(betterCandidate(catching((id) => id < 20, 0.9), catching((id) => id < 22, 0.902)), false);
  });

  it('counts six more of the same defects caught, although the two shares alone would not show it', () => {
    const a = catching((id) => id < 20, 0.93);
    const b = catching((id) => id < 26, 0.9);
    assert.ok(catchLead(a, b) > CATCH_SIGMAS, `${catchLead(a, b)}`);
    assert.equal(betterCandidate(a, b), true);
    // The same counts on defects that are not the same ones: unpaired, 20 against 26 of 32 is noise.
    const unpaired = { ...b, ids: ids32.map((id) => id + 100) };
    assert.ok(catchLead(a, unpaired) > 0 && catchLead(a, unpaired) < CATCH_SIGMAS, `${catchLead(a, unpaired)}`);
    assert.equal(betterCandidate(a, unpaired), false);
  });

  it('pairs on the defects both scored, and weighs a split of the others evenly', () => {
    // Equal counts, different defects: no lead.
    assert.equal(catchLead(catching((id) => id < 16, 0.9), catching((id) => id >= 16, 0.9)), 0);
    // A view holding out fewer images scores a subset of the same defects.
    const few = { ...catching(() => true, 0.9), ids: ids32.slice(0, 24), anomalies: ids32.slice(0, 24).map(() => 5) };
    const many = catching((id) => id < 10, 0.9);
    assert.ok(catchLead(many, few) > CATCH_SIGMAS);
    assert.ok(catchLead(few, many) < -CATCH_SIGMAS);
    assert.equal(catchLead(catching(() => true, 0.9), catching(() => true, 0.9)), 0);
  });

  it('rarely prefers one of two equally good candidates by their catches, and mostly finds a clearly better one', () => {
    const random = createRandom(7);
    const draws = 40;
    let equalFlips = 0;
    let oldRuleFlips = 0;
    let found = 0;
    for (let draw = 0; draw < draws; draw++) {
      const difficulty = Array.from({ length: 32 }, () => gaussian(random));
      const a = candidate(difficulty, 0, random);
      const twin = candidate(difficulty, 0, random);
      const better = candidate(difficulty, 1.5, random);
      if (Math.abs(catchLead(a, twin)) > CATCH_SIGMAS) equalFlips++;
      // The rule before: any difference above 5 % of the defects (two of 32) decided.
      if (Math.abs(caughtShare(a) - caughtShare(twin)) > 0.05) oldRuleFlips++;
      if (catchLead(a, better) > CATCH_SIGMAS) found++;
    }
    assert.ok(equalFlips / draws < 0.1, `equal candidates told apart in ${equalFlips} of ${draws} draws`);
    assert.ok(oldRuleFlips > 2 * equalFlips, `old rule ${oldRuleFlips}, new ${equalFlips}`);
    assert.ok(found / draws > 0.6, `the better candidate found in ${found} of ${draws} draws`);
  });
});
