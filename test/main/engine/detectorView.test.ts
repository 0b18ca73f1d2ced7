/**
 * What a detector sees, chosen from the training boxes: large objects at 224, crowded mid-sized ones
 * at 320, small objects on large images by tiles at native resolution; the candidates and the
 * figure each was judged by come back with the choice, in the shape the model file records.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heldOutSplit } from '../../../main/engine/detectionEngine';
import { chooseDetectorView } from '../../../main/engine/detectorView';
import type { Sample } from '../../../main/engine/engine';
import { tileGrid } from '../../../native/detect';

function samples(width: number, height: number, boxes: { width: number; height: number }[]): Sample[] {
  return boxes.map((box, k) => ({
    entryId: k,
    sourceRef: `s${k}`,
    path: `/nowhere/${k}.png`,
    contentHash: k.toString(16).padStart(8, '0'),
    width,
    height,
    labels: ['a'],
    boxes: [{ label: 'a', left: 5, top: 5, ...box }],
  }));
}

describe('the detector view chosen from the boxes', () => {
  it('keeps 224 for large objects, 320 for objects of a few cells, tiles for small boxes on large images', () => {
    const large = chooseDetectorView(samples(500, 375, [{ width: 300, height: 250 }, { width: 200, height: 260 }, { width: 350, height: 300 }]), ['a']);
    assert.deepEqual(large.view, { side: 224 });
    assert.equal(large.choices.chosen.mode, 'whole');

    const cells = chooseDetectorView(samples(640, 480, [{ width: 100, height: 100 }, { width: 110, height: 90 }, { width: 40, height: 40 }]), ['a']);
    assert.deepEqual(cells.view, { side: 320 });

    // PCB-like: 20 px defects on 640 × 640 boards shrink to 10 px at 320.
    const pcb = chooseDetectorView(samples(640, 640, [{ width: 20, height: 18 }, { width: 14, height: 30 }, { width: 40, height: 24 }, { width: 12, height: 12 }]), ['a']);
    assert.equal(pcb.view.side, 320);
    assert.ok(pcb.view.tile, 'tiled');
    // 320 px tiles would take 3 × 3 on a 640 px board; 340 px tiles take 2 × 2.
    assert.equal(pcb.view.tile.side, 340);
    assert.ok(pcb.view.tile.overlap >= 40 && pcb.view.tile.overlap <= 160, `overlap ${pcb.view.tile.overlap}`);
    assert.equal(tileGrid({ width: 640, height: 640 }, pcb.view.tile.side, pcb.view.tile.overlap).length, 4);
    assert.deepEqual(pcb.choices.chosen, { mode: 'tiled', inputSide: 320, tileSide: 340, tileOverlap: pcb.view.tile.overlap, featureStride: 16, reason: 'rule' });
    // 9 px boxes at the input are not far enough under 16 px for the rule to decide alone.
    assert.equal(pcb.clear, false);

    // What the held-out images compare: the rule's view first, then the whole image, then the larger side where objects are near the rule's limit.
    assert.deepEqual(pcb.alternatives, [pcb.view, { side: 320 }]);
    assert.deepEqual(large.alternatives, [{ side: 224 }]);
    assert.equal(large.clear, true);
    const nearLimit = chooseDetectorView(samples(500, 500, [{ width: 150, height: 140 }, { width: 160, height: 150 }]), ['a']);
    assert.deepEqual(nearLimit.alternatives, [{ side: 224 }, { side: 320 }]);
    // Wide images with small boxes: tiles, the whole image, each once.
    const wide = chooseDetectorView(samples(1130, 460, [{ width: 40, height: 40 }, { width: 60, height: 55 }]), ['a']);
    assert.equal(wide.alternatives.length, 2);
    assert.ok(wide.alternatives.some((view) => view.tile) && wide.alternatives.some((view) => !view.tile));

    // Small boxes on a small image: no room for tiles, the whole image at 320.
    assert.deepEqual(chooseDetectorView(samples(300, 300, [{ width: 6, height: 6 }]), ['a']).view, { side: 320 });
    // Labels not asked for do not count.
    assert.deepEqual(chooseDetectorView(samples(640, 640, [{ width: 20, height: 20 }]), ['b']).view, { side: 224 });
  });

  it('decides alone where its margin is clear: boxes far under 16 px at the input on large images, or far over it', () => {
    // 8 px squares on 1280 × 400 strips: 2 px at the 320 input, tiles by the rule.
    const tiny = chooseDetectorView(samples(1280, 400, [{ width: 8, height: 8 }, { width: 9, height: 7 }, { width: 8, height: 10 }, { width: 7, height: 8 }]), ['a']);
    assert.ok(tiny.view.tile, 'tiled');
    assert.equal(tiny.clear, true);
    assert.equal(tiny.choices.chosen.reason, 'rule');
    assert.ok(tiny.alternatives.length > 1, 'the views a search would compare are still named');
    // The median far under 16 px but a quarter of the boxes over it: not clear.
    const mixed = chooseDetectorView(samples(1280, 400, [{ width: 8, height: 8 }, { width: 9, height: 7 }, { width: 8, height: 10 }, { width: 80, height: 80 }, { width: 90, height: 70 }]), ['a']);
    assert.equal(mixed.clear, false);
    // Boxes of about 50 px at the input (BCCD-like cells on 640 × 480): whole image, nothing to compare.
    const cells = chooseDetectorView(samples(640, 480, [{ width: 100, height: 90 }, { width: 110, height: 95 }, { width: 90, height: 100 }]), ['a']);
    assert.deepEqual(cells.alternatives, [{ side: 320 }]);
    assert.equal(cells.clear, true);
    // A quarter of the boxes under 16 px at the input keeps tiles among the views to compare, though the median is large.
    const someSmall = chooseDetectorView(samples(1280, 1280, [{ width: 40, height: 40 }, { width: 40, height: 44 }, { width: 300, height: 300 }, { width: 310, height: 290 }, { width: 290, height: 300 }]), ['a']);
    assert.ok(someSmall.alternatives.some((view) => view.tile));
    assert.equal(someSmall.clear, false);
    // Forced: nothing to compare.
    assert.equal(chooseDetectorView(samples(640, 640, [{ width: 20, height: 18 }]), ['a'], 'whole').clear, true);
  });

  it('names the rule\'s view read at stride 8 for boxes under two cells of the stride-16 map, and not for larger ones', () => {
    // 10–40 px defects on 640 × 640 boards: tiles at native resolution, the median box 1 cell at stride 16.
    const boards = chooseDetectorView(samples(640, 640, [{ width: 14, height: 12 }, { width: 20, height: 16 }, { width: 30, height: 12 }, { width: 12, height: 40 }]), ['a']);
    assert.ok(boards.view.tile, 'tiled');
    assert.deepEqual(boards.finer, { ...boards.view, featureStride: 8 });
    const stride8 = boards.choices.candidates.find((c) => c.settings.featureStride === 8);
    assert.ok(stride8 && stride8.score < 2, `the median box spans ${stride8?.score} cells`);
    // Not among the alternatives the rule compares: the training puts it right after the rule's view.
    assert.ok(!boards.alternatives.some((view) => view.featureStride === 8));
    // Large boxes, or a forced view: nothing at stride 8.
    assert.equal(chooseDetectorView(samples(500, 375, [{ width: 300, height: 250 }]), ['a']).finer, undefined);
    assert.equal(chooseDetectorView(samples(640, 640, [{ width: 14, height: 12 }]), ['a'], 'tiled').finer, undefined);
  });

  it('names it too where one label\'s objects are small among large ones (mAP weighs every label alike)', () => {
    // BCCD-like: 640 × 480 smears, red cells of ~100 px and a few platelets of ~25 px (under 13 px at 320).
    const cells = samples(640, 480, [{ width: 100, height: 90 }, { width: 110, height: 95 }, { width: 90, height: 100 }, { width: 105, height: 100 }, { width: 25, height: 24 }, { width: 22, height: 26 }]);
    for (const sample of cells.slice(4)) sample.boxes = sample.boxes.map((box) => ({ ...box, label: 'platelet' }));
    const mixed = chooseDetectorView(cells, ['a', 'platelet']);
    assert.deepEqual(mixed.view, { side: 320 });
    assert.deepEqual(mixed.finer, { side: 320, featureStride: 8 });
    const stride8 = mixed.choices.candidates.find((c) => c.settings.featureStride === 8);
    assert.equal(stride8?.metric, "smallest label's median box shorter side at the input (cells of the stride-16 map)");
    assert.ok(stride8 && stride8.score < 2, `the platelets' median box spans ${stride8?.score} cells`);
    // The large cells alone: nothing at stride 8.
    assert.equal(chooseDetectorView(cells, ['a']).finer, undefined);
  });

  it('records the candidates with their figures, and can be forced either way', () => {
    const set = samples(1280, 400, [{ width: 18, height: 18 }, { width: 20, height: 16 }]);
    const { choices } = chooseDetectorView(set, ['a']);
    for (const candidate of choices.candidates) {
      assert.equal(typeof candidate.metric, 'string');
      assert.ok(Number.isFinite(candidate.score));
      assert.ok(['whole', 'tiled'].includes(String(candidate.settings.mode)));
    }
    assert.ok(choices.candidates.some((c) => c.settings.mode === 'tiled'));
    assert.ok(choices.candidates.some((c) => c.settings.mode === 'whole' && c.settings.inputSide === 320));
    assert.equal(chooseDetectorView(set, ['a'], 'whole').view.tile, undefined);
    assert.equal(chooseDetectorView(set, ['a'], 'whole').choices.chosen.mode, 'whole');
    // Forced, there is nothing left to compare on held-out images.
    assert.equal(chooseDetectorView(set, ['a'], 'whole').alternatives.length, 1);
    const large = samples(500, 375, [{ width: 300, height: 250 }]);
    // Large boxes let the tile grow to the image's shorter side.
    assert.equal(chooseDetectorView(large, ['a'], 'tiled').view.tile?.side, 375);
  });
});

describe('the training images the detector view search holds out', () => {
  const set = (objects: number, background: number): Sample[] =>
    Array.from({ length: objects + background }, (_, k) => ({
      entryId: k,
      sourceRef: `s${k}`,
      path: `/nowhere/${k}.png`,
      // Images 0 and 1 are copies of one image.
      contentHash: (k === 1 ? 0 : (k * 2654435761) % 2 ** 32).toString(16).padStart(8, '0'),
      width: 640,
      height: 640,
      labels: k < objects ? ['a'] : [],
      boxes: k < objects ? [{ label: 'a', left: 5, top: 5, width: 20, height: 20 }] : [],
    }));

  it('holds out every fourth image with objects and a quarter as many without, copies on one side, the same on every run', () => {
    const train = set(40, 100);
    const split = heldOutSplit(train, ['a'])!;
    const held = split.held.filter((s) => s.boxes.length > 0).length;
    assert.ok(held === 10 || held === 11, `${held} held out`);
    assert.equal(split.held.filter((s) => s.contentHash === train[0]!.contentHash).length % 2, 0, 'both copies or neither');
    assert.ok(split.held.length - held >= 1 && split.held.length - held <= Math.ceil(held / 4) + 1);
    const heldHashes = new Set(split.held.map((s) => s.contentHash));
    assert.ok(split.fit.every((s) => !heldHashes.has(s.contentHash)), 'no image on both sides');
    assert.equal(split.fit.filter((s) => s.boxes.length > 0).length + held, 40, 'every other image with objects is fitted on');
    assert.equal(split.fit.filter((s) => s.boxes.length === 0).length, Math.ceil(split.fit.filter((s) => s.boxes.length > 0).length / 4));
    assert.deepEqual(heldOutSplit([...train].reverse(), ['a']), split, 'the order images come in does not matter');
  });

  it('caps what is fitted on and gives up when too few images have objects', () => {
    const split = heldOutSplit(set(400, 0), ['a'])!;
    assert.equal(split.held.length, 32);
    assert.equal(split.fit.length, 48);
    assert.equal(heldOutSplit(set(8, 50), ['a']), undefined);
    assert.equal(heldOutSplit(set(40, 0), ['b']), undefined);
  });
});
