/** The rules by which validation and the app's pre-training check read manifest lines and their use case. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineState, useCaseOf } from '../../../preload/contract/lines';

describe('lineState', () => {
  it('uses a line with labels or boxes and ignores one with neither', () => {
    assert.equal(lineState([], 0, 1), 'valid');
    assert.equal(lineState([], 2, 0), 'valid');
    assert.equal(lineState([], 0, 0), 'ignored');
  });

  it('refuses a line with a line-level error, labelled or not', () => {
    for (const code of ['ERROR_INVALID_IMAGE', 'ERROR_NO_LABEL_ATTRIBUTES', 'ERROR_MISSING_SOURCE_REF', 'ERROR_INVALID_JSON_LINE']) {
      assert.equal(lineState([code], 0, 1), 'invalid', code);
      assert.equal(lineState([code], 0, 0), 'invalid', code);
    }
  });

  it('refuses an image of unusable dimensions only when it carries boxes', () => {
    assert.equal(lineState(['ERROR_INVALID_IMAGE_DIMENSION'], 1, 0), 'invalid');
    assert.equal(lineState(['ERROR_INVALID_IMAGE_DIMENSION'], 0, 1), 'valid');
  });

  it('keeps a line whose errors only drop a box or a label', () => {
    assert.equal(lineState(['ERROR_INVALID_BOUNDING_BOX'], 1, 0), 'valid');
  });

  it('makes detection when usable lines with boxes are at least as many as image-level ones', () => {
    const boxes = { state: 'valid', boxes: 2, labels: 0 } as const;
    const imageLevel = { state: 'valid', boxes: 0, labels: 1 } as const;
    assert.equal(useCaseOf([boxes, imageLevel]), 'OBJECT_LOCALIZATION');
    assert.equal(useCaseOf([boxes, imageLevel, imageLevel]), 'IMAGE_LEVEL_LABELS');
    // Unusable lines do not count, whatever they carry.
    assert.equal(useCaseOf([imageLevel, { state: 'invalid', boxes: 3, labels: 0 }]), 'IMAGE_LEVEL_LABELS');
    assert.equal(useCaseOf([{ state: 'ignored', boxes: 0, labels: 0 }]), undefined);
    assert.equal(useCaseOf([]), undefined);
  });
});
