/** The detector's training views: random crops that are the same on every run, and boxes that follow them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cropViews, viewBoxes, type View } from '../../../main/engine/detectionEngine';
import type { Sample } from '../../../main/engine/engine';

const sample = (hash: string, boxes: Sample['boxes'] = []): Sample => ({
  entryId: 1,
  sourceRef: 's3://b/a.jpg',
  path: '/a.jpg',
  contentHash: hash,
  width: 400,
  height: 300,
  labels: [],
  boxes,
});

describe('detection training views', () => {
  it('crops 60–90% of the image inside it, the same crops for the same content, other crops for other content', () => {
    const a = cropViews(sample('a1b2c3d4e5'), 4);
    assert.equal(a.length, 4);
    assert.deepEqual(cropViews(sample('a1b2c3d4e5'), 4), a);
    assert.notDeepEqual(cropViews(sample('0f0e0d0c0b'), 4), a);
    assert.deepEqual(a.map((view) => view.flip), [false, true, false, true]);
    for (const { region, id } of a) {
      assert.ok(region);
      const area = (region.width * region.height) / (400 * 300);
      assert.ok(area > 0.5 && area <= 1, `area ${area}`);
      assert.ok(region.left >= 0 && region.top >= 0 && region.left + region.width <= 400 && region.top + region.height <= 300);
      assert.ok(Number.isInteger(region.left) && Number.isInteger(region.width), 'whole pixels');
      assert.ok(id.includes(`${region.left}_${region.top}_${region.width}_${region.height}`), 'the cache id names the region');
    }
  });

  it('moves boxes into the crop, clips them, drops those mostly outside, and mirrors them with the view', () => {
    const s = sample('ff', [
      { label: 'dent', left: 110, top: 60, width: 40, height: 40 }, // inside
      { label: 'dent', left: 80, top: 60, width: 40, height: 40 }, // half inside (clipped, kept)
      { label: 'dent', left: 10, top: 10, width: 40, height: 40 }, // outside
      { label: 'scratch', left: 250, top: 200, width: 100, height: 50 }, // a tenth inside: dropped
      { label: 'other', left: 120, top: 80, width: 10, height: 10 }, // not a training label
    ]);
    const region = { left: 100, top: 50, width: 200, height: 160 };
    const view: View = { sample: s, id: '-crop', flip: false, region };
    const { boxes, image } = viewBoxes(view, ['dent', 'scratch']);
    assert.deepEqual(image, { width: 200, height: 160 });
    assert.deepEqual(boxes, [
      { classIndex: 0, left: 10, top: 10, width: 40, height: 40 },
      { classIndex: 0, left: 0, top: 10, width: 20, height: 40 },
    ]);
    const mirrored = viewBoxes({ ...view, flip: true }, ['dent', 'scratch']);
    assert.deepEqual(mirrored.boxes.map((box) => box.left), [150, 180]);
    // The whole image keeps every box of a training label, mirrored or not.
    assert.equal(viewBoxes({ sample: s, id: '', flip: false }, ['dent', 'scratch']).boxes.length, 4);
  });
});
