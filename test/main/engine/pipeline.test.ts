/**
 * DetectCustomLabels' answer from an analysis (main/engine/pipeline.ts customLabels): each label's
 * threshold when MinConfidence is left out, one cut-off in percent when it is given, boxes as ratios
 * of the image's size, most confident first, MaxResults at most.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customLabels } from '../../../main/engine/pipeline';

describe('customLabels', () => {
  const scores = { analysis: { scores: { cat: 0.7, dog: 0.2, fox: 0.05 }, width: 10, height: 10 } };

  it('keeps each label at or above its threshold when MinConfidence is left out (a label without one: everything)', () => {
    const labels = customLabels(scores.analysis, { thresholds: { cat: 0.7, dog: 0.3 } });
    assert.deepEqual(labels.map((label) => label.Name), ['cat', 'fox']);
    assert.ok(Math.abs(labels[0]!.Confidence - 70) < 1e-9);
  });

  it('uses MinConfidence in percent instead of the thresholds; 0 keeps every label; MaxResults keeps the most confident', () => {
    assert.deepEqual(customLabels(scores.analysis, { thresholds: { cat: 0.9 }, minConfidence: 20 }).map((label) => label.Name), ['cat', 'dog']);
    assert.deepEqual(customLabels(scores.analysis, { thresholds: { cat: 0.9, dog: 0.9, fox: 0.9 }, minConfidence: 0 }).map((label) => label.Name), ['cat', 'dog', 'fox']);
    assert.deepEqual(customLabels(scores.analysis, { thresholds: {}, minConfidence: 0, maxResults: 2 }).map((label) => label.Name), ['cat', 'dog']);
  });

  it('gives boxes as ratios of the image, each under its label’s threshold', () => {
    const analysis = {
      boxes: [
        { label: 'bolt', confidence: 0.4, left: 20, top: 10, width: 40, height: 30 },
        { label: 'nut', confidence: 0.9, left: 0, top: 50, width: 100, height: 50 },
        { label: 'bolt', confidence: 0.1, left: 0, top: 0, width: 1, height: 1 },
      ],
      width: 200,
      height: 100,
    };
    const labels = customLabels(analysis, { thresholds: { bolt: 0.3, nut: 0.5 } });
    assert.deepEqual(labels.map((label) => [label.Name, label.Geometry?.BoundingBox]), [
      ['nut', { Width: 0.5, Height: 0.5, Left: 0, Top: 0.5 }],
      ['bolt', { Width: 0.2, Height: 0.3, Left: 0.1, Top: 0.1 }],
    ]);
  });
});
