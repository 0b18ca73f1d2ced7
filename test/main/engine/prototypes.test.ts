/** The few-shot prototype head: its graph nodes compute what the search scored in TypeScript. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildModel, encodeModel, GraphBuilder } from '../../../native/onnx';
import { createSession } from '../../../native/ort';
import { appendPrototypes, buildPrototypes, cosines } from '../../../main/engine/prototypes';

describe('prototype head', () => {
  it('blends the head scores with softmax(τ · cosine to the prototypes), in the graph as in TypeScript', async () => {
    const dims = 5;
    const classes = 3;
    const rows = 9;
    const features = Float32Array.from({ length: rows * dims }, (_, k) => Math.sin(k * 1.7) + (k % dims === Math.floor(k / dims) % classes ? 2 : 0));
    const classOf = Int32Array.from({ length: rows }, (_, i) => i % classes);
    const model = buildPrototypes(features, dims, classOf, classes, [...Array(rows).keys()]);
    // Each image is closest to its own class's prototype on this easy set.
    const cos = cosines(model, features, [...Array(rows).keys()]);
    for (let i = 0; i < rows; i++) {
      const row = [...cos.subarray(i * classes, (i + 1) * classes)];
      assert.equal(row.indexOf(Math.max(...row)), classOf[i]);
    }
    const scores = Float32Array.from({ length: rows * classes }, (_, k) => ((k * 7) % 5) / 10);
    const g = new GraphBuilder('blend');
    const f = g.input('features', 'float32', ['batch', dims]);
    const s = g.input('scores', 'float32', ['batch', classes]);
    g.output(appendPrototypes(g, f, s, model, 0.25, 20), 'float32', ['batch', classes], 'blended');
    const { session } = await createSession(encodeModel(buildModel(g)), { providers: ['cpu'], name: 'blend' });
    try {
      const out = (await session.run({ features: { data: features, dims: [rows, dims] }, scores: { data: scores, dims: [rows, classes] } })).blended!.data as Float32Array;
      for (let i = 0; i < rows; i++) {
        const logits = [...cos.subarray(i * classes, (i + 1) * classes)].map((c) => c * 20);
        const max = Math.max(...logits);
        const exp = logits.map((l) => Math.exp(l - max));
        const total = exp.reduce((a, b) => a + b, 0);
        for (let c = 0; c < classes; c++) {
          const expected = 0.75 * scores[i * classes + c]! + 0.25 * (exp[c]! / total);
          assert.ok(Math.abs(out[i * classes + c]! - expected) < 1e-5, `${out[i * classes + c]} vs ${expected}`);
        }
      }
    } finally {
      await session.release();
    }
  });
});
