import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FIT_MARGIN_PX,
  MAX_SCALE,
  MIN_SCALE,
  ZOOM_STEP,
  centred,
  fitViewport,
  imageToScreen,
  keepImageVisible,
  panBy,
  rectToScreen,
  screenToImage,
  wheelZoomFactor,
  zoomAt,
  zoomTo,
} from '../../../renderer/features/labeling/canvas/viewport';

const close = (actual: number, expected: number, epsilon = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= epsilon, `${actual} is not ${expected}`);

describe('when an image is fitted to the canvas', () => {
  it('takes the largest scale that fits inside the margin, centred', () => {
    const viewport = fitViewport({ width: 400, height: 300 }, { width: 800, height: 600 });
    const scale = Math.min((800 - 2 * FIT_MARGIN_PX) / 400, (600 - 2 * FIT_MARGIN_PX) / 300);
    close(viewport.scale, scale);
    close(viewport.offsetX, (800 - 400 * scale) / 2);
    close(viewport.offsetY, (600 - 300 * scale) / 2);
  });

  it('shrinks a large image (a tall EXIF-rotated photo) to fit the height', () => {
    const viewport = fitViewport({ width: 3024, height: 4032 }, { width: 1000, height: 700 }, 0);
    close(viewport.scale, 700 / 4032);
    close(viewport.offsetY, 0);
  });

  it('never divides by zero for an empty canvas', () => {
    assert.deepEqual(fitViewport({ width: 400, height: 300 }, { width: 0, height: 0 }), { scale: 1, offsetX: 0, offsetY: 0 });
  });
});

describe('when points move between image and screen', () => {
  const viewport = { scale: 2.5, offsetX: 13, offsetY: -7 };

  it('maps image pixels to screen pixels and back', () => {
    const screen = imageToScreen(viewport, { x: 40, y: 30 });
    assert.deepEqual(screen, { x: 113, y: 68 });
    assert.deepEqual(screenToImage(viewport, screen), { x: 40, y: 30 });
  });

  it('maps a box to its screen rectangle', () => {
    assert.deepEqual(rectToScreen(viewport, { left: 10, top: 20, width: 30, height: 40 }), { left: 38, top: 43, width: 75, height: 100 });
  });
});

describe('when the user zooms', () => {
  it('keeps the image point under the cursor where it is (wheel zoom)', () => {
    const before = { scale: 1.3, offsetX: 50, offsetY: 20 };
    const cursor = { x: 321, y: 187 };
    const under = screenToImage(before, cursor);
    const after = zoomAt(before, 1.7, cursor);
    close(after.scale, 1.3 * 1.7);
    const moved = imageToScreen(after, under);
    close(moved.x, cursor.x);
    close(moved.y, cursor.y);
  });

  it('zooms to an absolute scale around a point', () => {
    const after = zoomTo({ scale: 0.4, offsetX: 0, offsetY: 0 }, 1, { x: 100, y: 100 });
    close(after.scale, 1);
    const point = imageToScreen(after, { x: 250, y: 250 });
    close(point.x, 100);
  });

  it('stays within the scale limits', () => {
    assert.equal(zoomAt({ scale: MAX_SCALE, offsetX: 0, offsetY: 0 }, 10, { x: 0, y: 0 }).scale, MAX_SCALE);
    assert.equal(zoomAt({ scale: MIN_SCALE, offsetX: 0, offsetY: 0 }, 0.1, { x: 0, y: 0 }).scale, MIN_SCALE);
  });

  it('turns a wheel notch into one zoom step, inward for a negative delta', () => {
    close(wheelZoomFactor(-100), ZOOM_STEP);
    close(wheelZoomFactor(100), 1 / ZOOM_STEP);
    close(wheelZoomFactor(0), 1);
  });
});

describe('when the user pans', () => {
  it('moves the image by the pointer travel', () => {
    assert.deepEqual(panBy({ scale: 2, offsetX: 10, offsetY: 20 }, 5, -8), { scale: 2, offsetX: 15, offsetY: 12 });
  });

  it('never loses the image off the edge', () => {
    const image = { width: 400, height: 300 };
    const screen = { width: 800, height: 600 };
    const lost = keepImageVisible({ scale: 1, offsetX: 5000, offsetY: -5000 }, image, screen, 48);
    assert.equal(lost.offsetX, 800 - 48);
    assert.equal(lost.offsetY, 48 - 300);
    const fine = centred(image, screen, 1);
    assert.deepEqual(keepImageVisible(fine, image, screen), fine);
  });
});
