/**
 * Target encoding and decoding worked by hand: a box's centre cell, offset and size in feature
 * cells; peaks, NMS and the mapping back to image pixels; the exported head (1×1 Conv) against the
 * same linear map written out in JavaScript.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeDetections, detectionHeadGraph, encodeTargets, toLocationRows } from '../../../native/detect';
import { buildModel, encodeModel, GraphBuilder } from '../../../native/onnx';
import { createSession } from '../../../native/ort';

const map = { width: 4, height: 2 };

describe('detection targets', () => {
  it('puts a box at its centre cell with the fractional offset and its size in cells', () => {
    // 200 × 100 image over a 4 × 2 map: 50 px per cell. Box centre (125, 75) → (2.5, 1.5).
    const targets = encodeTargets([{ classIndex: 1, left: 100, top: 50, width: 50, height: 50 }], { width: 200, height: 100 }, map, 2);
    const cell = 1 * 4 + 2;
    assert.equal(targets.objects, 1);
    assert.deepEqual([...targets.mask], [0, 0, 0, 0, 0, 0, 1, 0]);
    assert.deepEqual([...targets.regression.subarray(cell * 4, cell * 4 + 4)], [0.5, 0.5, 1, 1]);
    assert.equal(targets.heatmap[cell * 2 + 1], 1);
    assert.equal(targets.heatmap[cell * 2 + 0], 0);
    // σ = max(0.5, √2/6) = 0.5: the neighbour one cell away is exp(−1 / 0.5).
    assert.ok(Math.abs(targets.heatmap[(cell - 1) * 2 + 1]! - Math.exp(-2)) < 1e-6);
  });
});

describe('detection decoding', () => {
  it('keeps 3×3 peaks above the score, maps boxes to image pixels and suppresses overlaps per class', () => {
    const plane = 8;
    const classes = 1;
    const output = new Float32Array((classes + 4) * plane);
    output.set([0.9, 0.8, 0, 0.7, 0, 0, 0, 0.6]); // heat: peaks at cell 0 (0.9) and cell 3 (0.7); 0.8 and 0.6 are not peaks
    // offsets 0.5, sizes 1 × 1 cells everywhere
    output.fill(0.5, plane, 3 * plane);
    output.fill(1, 3 * plane, 5 * plane);
    const found = decodeDetections(output, classes, map, { width: 200, height: 100 }, { minScore: 0.5 });
    assert.deepEqual(
      found.map((d) => [d.classIndex, Number(d.confidence.toFixed(2)), d.left, d.top, d.width, d.height]),
      [
        [0, 0.9, 0, 0, 50, 50],
        [0, 0.7, 150, 0, 50, 50],
      ],
    );
    // The same two peaks with boxes wide enough to overlap by more than 0.5: only the stronger stays.
    output.fill(8, 3 * plane, 4 * plane);
    const merged = decodeDetections(output, classes, map, { width: 200, height: 100 }, { minScore: 0.5 });
    assert.equal(merged.length, 1);
    assert.equal(merged[0]!.left, 0);
    assert.equal(merged[0]!.width, 200);
  });

  it('runs the exported head as a 1×1 convolution equal to the per-location linear map', async () => {
    const D = 3;
    const classes = 2;
    const O = classes + 4;
    const W = Float32Array.from({ length: D * O }, (_, i) => Math.sin(i + 1));
    const b = Float32Array.from({ length: O }, (_, i) => 0.1 * i - 0.2);
    const g = new GraphBuilder('head');
    const x = g.input('map', 'float32', [1, D, 2, 4]);
    g.output(detectionHeadGraph(g, x, { features: D, classes, W, b }), 'float32', [1, O, 2, 4], 'out');
    const { session } = await createSession(encodeModel(buildModel(g)), { providers: ['cpu'] });
    try {
      const input = Float32Array.from({ length: D * 8 }, (_, i) => Math.cos(i));
      const out = (await session.run({ map: { data: input, dims: [1, D, 2, 4] } })).out!.data as Float32Array;
      const rows = toLocationRows(input, D, 8);
      for (let cell = 0; cell < 8; cell++) {
        for (let o = 0; o < O; o++) {
          let z = b[o]!;
          for (let d = 0; d < D; d++) z += rows[cell * D + d]! * W[d * O + o]!;
          const expected = o < classes ? 1 / (1 + Math.exp(-z)) : z;
          assert.ok(Math.abs(out[o * 8 + cell]! - expected) < 1e-5, `channel ${o} cell ${cell}`);
        }
      }
    } finally {
      await session.release();
    }
  });
});
