/** The one rule by which validation and the app's pre-training check read a manifest line. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineState } from '../../../preload/contract/lines';

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
});
