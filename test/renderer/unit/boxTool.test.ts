import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handlePoint, HANDLES, type Handle } from '../../../renderer/features/labeling/tools/box';
import { aBox, TestCanvas } from '../../support/TestCanvas';

describe('when the user drags on empty space', () => {
  it('goes idle → pointing → drawing and creates a box in whole image pixels', () => {
    const canvas = new TestCanvas({ width: 400, height: 300 });
    canvas.expectState('box.idle');
    canvas.pointerDown(40.2, 30.4);
    canvas.expectState('box.pointing');
    canvas.pointerMove(41, 31);
    canvas.expectState('box.pointing');
    canvas.pointerMove(120, 90);
    canvas.expectState('box.drawing');
    assert.deepEqual(canvas.tool.preview?.box, { label: 'cat', left: 40, top: 30, width: 80, height: 60 });
    canvas.pointerUp(140.6, 110.2);
    canvas.expectState('box.idle');
    assert.deepEqual(canvas.boxes, [{ label: 'cat', left: 40, top: 30, width: 101, height: 80 }]);
    assert.equal(canvas.selected, 0);
    assert.equal(canvas.lastCommit?.change, 'add');
    assert.equal(canvas.tool.preview, null);
  });

  it('draws the same box dragged from the bottom-right corner', () => {
    const canvas = new TestCanvas().drag([140, 110], [40, 30]);
    assert.deepEqual(canvas.boxes, [{ label: 'cat', left: 40, top: 30, width: 100, height: 80 }]);
  });

  it('gives the new box the active label', () => {
    const canvas = new TestCanvas();
    canvas.tool.setActiveLabel('dog');
    canvas.drag([10, 10], [60, 60]);
    assert.equal(canvas.boxes[0]?.label, 'dog');
  });

  it('treats a click as a click: no box, and the selection is cleared', () => {
    const canvas = new TestCanvas({ boxes: [aBox()] });
    canvas.click(150, 120);
    assert.equal(canvas.selected, 0);
    canvas.click(20, 20);
    canvas.expectState('box.idle');
    assert.equal(canvas.selected, null);
    assert.equal(canvas.commits.length, 0);
  });

  it('abandons the box on Escape', () => {
    const canvas = new TestCanvas();
    canvas.pointerDown(10, 10).pointerMove(80, 80);
    canvas.expectState('box.drawing');
    assert.equal(canvas.key('Escape'), 'box:deselect');
    canvas.expectState('box.idle');
    canvas.pointerUp(90, 90);
    assert.deepEqual(canvas.boxes, []);
    assert.equal(canvas.commits.length, 0);
  });
});

describe('when a box would be too small', () => {
  it('refuses a box whose width is 1 px or less, and never commits it', () => {
    // At 8× zoom a 4-screen-pixel drag is half an image pixel: enough to start drawing.
    const canvas = new TestCanvas({ scale: 8 });
    canvas.pointerDown(10, 10).pointerMove(10.6, 40);
    canvas.expectState('box.drawing');
    canvas.pointerUp(10.6, 40);
    assert.deepEqual(canvas.refusals, ['tooSmall']);
    assert.deepEqual(canvas.boxes, []);
    assert.equal(canvas.commits.length, 0);
  });

  it('refuses a flat box (height 1 px) and a zero-area one', () => {
    const canvas = new TestCanvas();
    canvas.drag([10, 10], [80, 11]);
    canvas.drag([200, 200], [200, 206]);
    assert.deepEqual(canvas.refusals, ['tooSmall', 'tooSmall']);
    assert.equal(canvas.commits.length, 0);
  });

  it('accepts a 2 px box, the smallest the guide allows', () => {
    const canvas = new TestCanvas({ scale: 10 }).drag([10, 10], [12, 12]);
    assert.deepEqual(canvas.boxes, [{ label: 'cat', left: 10, top: 10, width: 2, height: 2 }]);
  });

  it('refuses a resize that squashes the box, keeping it as it was', () => {
    const box = aBox();
    const canvas = new TestCanvas({ boxes: [box] });
    canvas.click(150, 120);
    const east = handlePoint(box, 'e');
    canvas.drag([east.x, east.y], [box.left + 0.6, east.y]);
    assert.deepEqual(canvas.refusals, ['tooSmall']);
    assert.deepEqual(canvas.boxes, [box]);
  });
});

describe('when the dataset has no labels', () => {
  it('refuses to draw and says a label is needed', () => {
    const canvas = new TestCanvas({ labels: [] });
    canvas.tool.setActiveLabel(null);
    canvas.drag([10, 10], [100, 100]);
    canvas.expectState('box.idle');
    assert.deepEqual(canvas.refusals, ['needsLabel']);
    assert.deepEqual(canvas.boxes, []);
  });
});

describe('when a drag reaches the image border', () => {
  it('clamps a new box to the image', () => {
    const canvas = new TestCanvas({ width: 400, height: 300 }).drag([350, 250], [520, 410]);
    assert.deepEqual(canvas.boxes, [{ label: 'cat', left: 350, top: 250, width: 50, height: 50 }]);
  });

  it('clamps a box started outside the image', () => {
    const canvas = new TestCanvas({ width: 400, height: 300 }).drag([-30, -12], [50, 40]);
    assert.deepEqual(canvas.boxes, [{ label: 'cat', left: 0, top: 0, width: 50, height: 40 }]);
  });

  it('stops a moved box at the edge without changing its size', () => {
    const box = aBox({ left: 300, top: 200, width: 80, height: 60 });
    const canvas = new TestCanvas({ width: 400, height: 300, boxes: [box] }).drag([340, 230], [500, 400]);
    assert.deepEqual(canvas.boxes, [{ ...box, left: 320, top: 240 }]);
    new TestCanvas({ width: 400, height: 300, boxes: [box] }).drag([340, 230], [-200, -300]).boxes.forEach((moved) =>
      assert.deepEqual(moved, { ...box, left: 0, top: 0 }),
    );
  });

  it('clamps a resized edge to the image', () => {
    const box = aBox({ left: 300, top: 200, width: 80, height: 60 });
    const canvas = new TestCanvas({ width: 400, height: 300, boxes: [box] });
    canvas.click(340, 230);
    const corner = handlePoint(box, 'se');
    canvas.drag([corner.x, corner.y], [460, 330]);
    assert.deepEqual(canvas.boxes, [{ ...box, width: 100, height: 100 }]);
  });
});

describe('when the user drags a box', () => {
  it('moves it by the pointer travel (moving state on the way)', () => {
    const box = aBox();
    const canvas = new TestCanvas({ boxes: [box] });
    canvas.pointerDown(150, 120);
    canvas.expectState('box.pointing');
    assert.equal(canvas.selected, 0);
    canvas.pointerMove(170, 140);
    canvas.expectState('box.moving');
    canvas.pointerUp(175.4, 150.6);
    canvas.expectState('box.idle');
    assert.deepEqual(canvas.boxes, [{ ...box, left: 125, top: 111 }]);
    assert.equal(canvas.lastCommit?.change, 'move');
  });

  it('picks the smallest box under the pointer', () => {
    const big = aBox({ left: 0, top: 0, width: 300, height: 250 });
    const small = aBox({ label: 'dog', left: 50, top: 50, width: 40, height: 40 });
    const canvas = new TestCanvas({ boxes: [big, small] });
    canvas.click(70, 70);
    assert.equal(canvas.selected, 1);
  });
});

describe('when the user drags a handle of the selected box', () => {
  const box = aBox({ left: 100, top: 80, width: 120, height: 90 });
  const expected: Record<Handle, { left: number; top: number; width: number; height: number }> = {
    nw: { left: 110, top: 90, width: 110, height: 80 },
    n: { left: 100, top: 90, width: 120, height: 80 },
    ne: { left: 100, top: 90, width: 130, height: 80 },
    e: { left: 100, top: 80, width: 130, height: 90 },
    se: { left: 100, top: 80, width: 130, height: 100 },
    s: { left: 100, top: 80, width: 120, height: 100 },
    sw: { left: 110, top: 80, width: 110, height: 100 },
    w: { left: 110, top: 80, width: 110, height: 90 },
  };
  for (const handle of HANDLES) {
    it(`resizes by the ${handle} handle`, () => {
      const canvas = new TestCanvas({ boxes: [box] });
      canvas.click(160, 125);
      const at = handlePoint(box, handle);
      canvas.pointerDown(at.x, at.y);
      canvas.pointerMove(at.x + 10, at.y + 10);
      canvas.expectState('box.resizing');
      canvas.pointerUp(at.x + 10, at.y + 10);
      assert.deepEqual(canvas.boxes, [{ label: 'cat', ...expected[handle] }]);
      assert.equal(canvas.lastCommit?.change, 'resize');
    });
  }

  it('flips the box when an edge is dragged past the opposite one', () => {
    const canvas = new TestCanvas({ boxes: [box] });
    canvas.click(160, 125);
    const east = handlePoint(box, 'e');
    canvas.drag([east.x, east.y], [60, east.y]);
    assert.deepEqual(canvas.boxes, [{ ...box, left: 60, width: 40 }]);
  });

  it('finds handles within a tolerance that shrinks as the zoom grows', () => {
    const zoomed = new TestCanvas({ boxes: [box], scale: 4 });
    zoomed.click(160, 125);
    // 3 image px off the corner is 12 screen px at 4×: outside the handle, inside the box → move.
    zoomed.pointerDown(217, 167).pointerMove(230, 180);
    zoomed.expectState('box.moving');
    const fitted = new TestCanvas({ boxes: [box], scale: 0.5 });
    fitted.click(160, 125);
    // 10 image px off the corner is 5 screen px at 0.5×: on the handle.
    fitted.pointerDown(230, 180).pointerMove(250, 200);
    fitted.expectState('box.resizing');
  });
});

describe('when boxes are edited with keys', () => {
  it('nudges the selected box by 1 px, and by 10 px with Shift, stopping at the border', () => {
    const box = aBox({ left: 5, top: 50, width: 40, height: 40 });
    const canvas = new TestCanvas({ boxes: [box] });
    canvas.click(20, 60);
    assert.equal(canvas.key('ArrowRight'), 'box:nudge-right');
    assert.deepEqual(canvas.boxes[0], { ...box, left: 6 });
    canvas.key('Shift+ArrowDown');
    assert.deepEqual(canvas.boxes[0], { ...box, left: 6, top: 60 });
    canvas.key('Shift+ArrowLeft');
    assert.deepEqual(canvas.boxes[0], { ...box, left: 0, top: 60 });
    assert.deepEqual(
      canvas.commits.map((commit) => commit.change),
      ['nudge', 'nudge', 'nudge'],
    );
  });

  it('lets arrows move between images when no box is selected', () => {
    const canvas = new TestCanvas({ boxes: [aBox()] });
    assert.equal(canvas.key('ArrowRight'), undefined);
    assert.equal(canvas.commits.length, 0);
  });

  it('cycles through boxes with Tab and Shift+Tab, round the list', () => {
    const canvas = new TestCanvas({ boxes: [aBox(), aBox({ left: 10 }), aBox({ left: 20 })] });
    canvas.key('Tab');
    assert.equal(canvas.selected, 0);
    canvas.key('Tab');
    canvas.key('Tab');
    assert.equal(canvas.selected, 2);
    canvas.key('Tab');
    assert.equal(canvas.selected, 0);
    canvas.key('Shift+Tab');
    assert.equal(canvas.selected, 2);
  });

  it('deletes the selected box with Delete or Backspace', () => {
    const canvas = new TestCanvas({ boxes: [aBox(), aBox({ left: 10 })] });
    canvas.key('Tab');
    assert.equal(canvas.key('Delete'), 'box:delete');
    assert.deepEqual(canvas.boxes, [aBox({ left: 10 })]);
    assert.equal(canvas.key('Backspace'), 'box:delete');
    assert.deepEqual(canvas.boxes, []);
    assert.equal(canvas.selected, null);
  });

  it('gives the selected box the n-th label with a number key', () => {
    const canvas = new TestCanvas({ boxes: [aBox()], labels: ['cat', 'dog', 'bird'] });
    canvas.key('Tab');
    assert.equal(canvas.key('3'), 'box:set-label-3');
    assert.equal(canvas.boxes[0]?.label, 'bird');
    assert.equal(canvas.lastCommit?.change, 'relabel');
  });

  it('repeats the previous image’s boxes, scaled to this image and clamped', () => {
    const canvas = new TestCanvas({
      width: 400,
      height: 300,
      boxes: [aBox({ left: 0, top: 0, width: 100, height: 100 })],
      previous: {
        image: { width: 800, height: 600 },
        boxes: [aBox({ left: 0, top: 0, width: 200, height: 200 }), aBox({ label: 'dog', left: 700, top: 500, width: 200, height: 200 })],
      },
    });
    assert.equal(canvas.key('R'), 'box:repeat-previous');
    assert.deepEqual(canvas.boxes, [
      aBox({ left: 0, top: 0, width: 100, height: 100 }),
      aBox({ label: 'dog', left: 350, top: 250, width: 50, height: 50 }),
    ]);
    assert.equal(canvas.lastCommit?.change, 'repeat');
  });
});

describe('when the saved boxes change underneath', () => {
  it('takes them after the gesture in progress, not during it', () => {
    const box = aBox();
    const canvas = new TestCanvas({ boxes: [box] });
    canvas.pointerDown(150, 120).pointerMove(170, 140);
    canvas.expectState('box.moving');
    canvas.tool.load('image', { width: 400, height: 300 }, [box, aBox({ left: 10 })]);
    assert.equal(canvas.boxes.length, 1);
    canvas.pointerUp(170, 140);
    assert.equal(canvas.boxes.length, 2);
  });

  it('resets the selection and any gesture for another image', () => {
    const canvas = new TestCanvas({ boxes: [aBox()] });
    canvas.pointerDown(150, 120).pointerMove(170, 140);
    canvas.tool.load('other', { width: 100, height: 100 }, []);
    canvas.expectState('box.idle');
    assert.equal(canvas.selected, null);
    assert.equal(canvas.tool.preview, null);
  });
});
