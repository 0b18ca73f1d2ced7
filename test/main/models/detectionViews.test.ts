/** The detector's training views: random crops that are the same on every run, and boxes that follow them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cropViews, decodeSide, tileViews, viewBoxes, type View } from '../../../main/engine/detectionEngine';
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

  it('crops of one tile at native resolution: each object crop holds its object, background crops anywhere, fewer for images without objects', () => {
    const boxes = [
      { label: 'pit', left: 380, top: 270, width: 18, height: 20 },
      { label: 'pit', left: 5, top: 5, width: 12, height: 12 },
      { label: 'other', left: 200, top: 100, width: 30, height: 30 },
    ];
    const views = tileViews(sample('a1b2c3d4e5', boxes), ['pit'], 160);
    assert.equal(views.length, 5);
    assert.deepEqual(tileViews(sample('a1b2c3d4e5', boxes), ['pit'], 160), views);
    assert.deepEqual(views.map((view) => view.flip), [false, true, false, true, false]);
    views.forEach(({ region, id }, k) => {
      assert.ok(region);
      assert.deepEqual([region.width, region.height], [160, 160]);
      assert.ok(region.left >= 0 && region.top >= 0 && region.left + region.width <= 400 && region.top + region.height <= 300);
      assert.ok(id.includes(`${region.left}_${region.top}_160_160`), 'the cache id names the region');
      if (k < 4) {
        const box = boxes[k % 2]!;
        assert.ok(box.left >= region.left && box.top >= region.top && box.left + box.width <= region.left + region.width && box.top + box.height <= region.top + region.height, `crop ${k} holds its object`);
      }
    });
    // The crop's boxes are the objects in it, in its own pixels.
    assert.equal(viewBoxes(views[0]!, ['pit']).boxes.length, 1);
    assert.equal(tileViews(sample('a1b2c3d4e5'), ['pit'], 160).length, 2);
    // A tile larger than the image is clipped to it.
    assert.deepEqual(tileViews(sample('a1b2c3d4e5'), ['pit'], 1000)[0]!.region, { left: 0, top: 0, width: 400, height: 300 });
  });

  it('decodes so that the shorter side still fills the input once stretched', () => {
    assert.equal(decodeSide(640, 480, 320), 427);
    assert.equal(decodeSide(1130, 460, 320), 787);
    assert.equal(decodeSide(4000, 100, 224), 896, 'at most four times the input side');
  });
});
