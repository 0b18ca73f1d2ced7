/**
 * manifest_summary.json's error_json_line_indices are line numbers as the guide's example shows
 * them: the first line of a manifest is line 1, in the training and the testing statistics alike.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredEntry } from '../../../main/db/queries';
import { planTraining } from '../../../main/training/validation';

function entry(id: number, label: string, errorCode?: string): StoredEntry {
  return {
    id,
    contentHash: `hash-${id}`,
    width: 64,
    height: 64,
    draft: {
      labels: [{ name: label }],
      boxes: [],
      errors: errorCode ? [{ code: errorCode, message: 'bad line' }] : [],
    },
  } as unknown as StoredEntry;
}

describe('manifest summary line numbers', () => {
  it('counts lines from 1', () => {
    const train = [entry(1, 'a'), entry(2, 'b', 'ERROR_INVALID_IMAGE'), entry(3, 'a'), entry(4, 'b')];
    const test = [entry(5, 'a', 'ERROR_INVALID_IMAGE'), entry(6, 'b'), entry(7, 'a')];
    const { summary } = planTraining(train, test, 'seed');
    assert.deepEqual(summary.statistics.training.error_json_line_indices, [2]);
    assert.deepEqual(summary.statistics.testing.error_json_line_indices, [1]);
  });
});
