/** The view search's small rules: which images it embeds, when a candidate replaces a standing setting, class weights, tile pooling. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracyOf, beats, chooseWeighting, classWeights, poolTiles, selectionRows } from '../../../main/engine/viewSearch';

const score = (value: number) => ({ metric: 'macro-recall' as const, score: value, perClass: [], error: 0, penalty: 1 });

describe('view search rules', () => {
  it('embeds every image of a small set, and about the limit of a large one with rare classes whole', () => {
    const small = Array.from({ length: 50 }, (_, i) => ({ classes: [i % 2] }));
    assert.equal(selectionRows(small, 300, 0).length, 50);
    const large = [...Array.from({ length: 900 }, () => ({ classes: [0] })), ...Array.from({ length: 15 }, () => ({ classes: [1] })), ...Array.from({ length: 85 }, () => ({ classes: [2] }))];
    const rows = selectionRows(large, 300, 0);
    assert.ok(rows.length >= 290 && rows.length <= 320, String(rows.length));
    assert.equal(rows.filter((r) => large[r]!.classes[0] === 1).length, 15, 'a class of 15 is kept whole');
    assert.deepEqual(rows, [...rows].sort((a, b) => a - b));
    assert.deepEqual(selectionRows(large, 300, 0), rows, 'seeded');
  });

  it('replaces a standing setting only past one standard error', () => {
    assert.equal(beats(score(0.9), score(0.88), 100), false, '0.02 on 100 images is noise (SE 0.032)');
    assert.equal(beats(score(0.95), score(0.88), 100), true);
    assert.equal(beats(score(1), score(0.99), 50), false, 'at least one image');
  });

  it('weights classes balanced, by square root, or not, with a mean sample weight of 1', () => {
    for (const weighting of ['balanced', 'sqrt', 'none'] as const) {
      const w = classWeights(weighting, [90, 10]);
      assert.ok(Math.abs((90 * w[0]! + 10 * w[1]!) / 100 - 1) < 1e-9);
    }
    const balanced = classWeights('balanced', [90, 10]);
    assert.ok(Math.abs(balanced[1]! / balanced[0]! - 9) < 1e-9);
    const sqrt = classWeights('sqrt', [90, 10]);
    assert.ok(Math.abs(sqrt[1]! / sqrt[0]! - 3) < 1e-9);
  });

  it('weights classes for the rare ones only where that does not cost the common one past the noise', () => {
    const counts = [240, 30, 30];
    const scored = (w: string, perClass: number[], keepsMajor = true) => {
      const score = { metric: 'macro-recall' as const, score: perClass.reduce((a, b) => a + b, 0) / perClass.length, perClass, error: 0, penalty: 1 };
      return { w, score, accuracy: accuracyOf(score, counts), keepsMajor };
    };
    assert.ok(Math.abs(accuracyOf({ perClass: [1, 0.5, 0] }, counts) - 255 / 300) < 1e-12);
    // Balanced gains 0.007 of macro recall (noise on 300 images: 0.02) and loses the common class 0.15: unweighted wins.
    const balanced = scored('balanced', [0.8, 0.9, 0.9]);
    const none = scored('none', [0.95, 0.83, 0.8]);
    assert.ok(balanced.score.score > none.score.score);
    assert.equal(chooseWeighting([balanced, none], 300), 'none');
    // Balanced gains them well past the noise: it stands.
    assert.equal(chooseWeighting([balanced, scored('none', [0.97, 0.5, 0.5])], 300), 'balanced');
    // The same score everywhere (a balanced set): the first stands.
    assert.equal(chooseWeighting([scored('balanced', [0.9, 0.9, 0.9]), scored('sqrt', [0.9, 0.9, 0.9]), scored('none', [0.9, 0.9, 0.9])], 300), 'balanced');
    // A candidate that gives the common class up is not chosen however it scores.
    assert.equal(chooseWeighting([scored('balanced', [0.5, 1, 1], false), none], 300), 'none');
  });

  it('pools tiles by mean or max', () => {
    const vectors = [Float32Array.from([1, 5, 3, 1])];
    assert.deepEqual([...poolTiles(vectors, 2, 'mean')], [2, 3]);
    assert.deepEqual([...poolTiles(vectors, 2, 'max')], [3, 5]);
  });
});
