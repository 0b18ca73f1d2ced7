/**
 * An anomaly model's serving graph (main/engine/servingGraph.ts) against DetectAnomalies' own
 * analysis (anomalyEngine.ts loadAnomalyModel) of the same pixels, on a model trained on generated
 * textures.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadAnomalyModel, trainAnomalyVersion } from '../../../main/engine/anomalyEngine';
import { buildServingGraph } from '../../../main/engine/servingGraph';
import { createSession } from '../../../native/ort';
import { resizedPng } from '../../../native/preprocess';
import { tempDir } from '../../support/loupe';
import { aScratch, aTexture } from '../../support/textures';

describe('an anomaly model as a serving graph', { skip: existsSync(join(import.meta.dirname, '../../../dist/models/nsfwjs-mobilenet-v2-140.onnx')) ? false : 'dist/models is not built: run npm run build:models' }, () => {
  it("gives DetectAnomalies' score, verdict and map for the same pixels, score within 1e-4, map within 1e-5 of its scale", async () => {
    const dir = tempDir('loupe-anomaly-serving-');
    const good = await Promise.all(Array.from({ length: 6 }, (_, i) => aTexture(join(dir, 'good', `${i}.png`), { seed: i })));
    const trained = await trainAnomalyVersion({ good, outputDir: join(dir, 'model'), modelsDir: join(import.meta.dirname, '../../../dist/models'), threads: 1 });
    const graph = await buildServingGraph(join(dir, 'model'));
    assert.equal(graph.useCase, 'anomaly');
    assert.deepEqual(graph.outputs.map((o) => o.name), ['anomaly_score', 'is_anomalous', 'anomaly_map']);
    const model = await loadAnomalyModel(trained.modelPath, { threads: 1 });
    try {
      const scratched = await aTexture(join(dir, 'scratched.png'), { seed: 50, scratch: aScratch(0) });
      for (const source of [good[0]!, scratched]) {
        const { png, pixels } = await resizedPng(source, graph.nativeSize.width, graph.nativeSize.height);
        const expected = await model.analyze(png);
        const { session } = await createSession(graph.onnx, { threads: 1 });
        const got = await session.run({ image: { data: new Uint8Array(pixels.data), dims: [1, pixels.height, pixels.width, 3] } });
        await session.release();
        const score = (got.anomaly_score!.data as Float32Array)[0]!;
        assert.ok(Math.abs(score - expected.score) <= 1e-4 * Math.max(1, expected.score), `${score} vs ${expected.score}`);
        assert.equal((got.is_anomalous!.data as Uint8Array)[0] === 1, expected.isAnomalous);
        const map = got.anomaly_map!.data as Float32Array;
        assert.equal(map.length, expected.map.length);
        const scale = Math.max(1, ...Array.from(expected.map));
        const worst = expected.map.reduce((max, v, i) => Math.max(max, Math.abs(v - map[i]!)), 0);
        // The graph normalises in double as toModelBatch does, so the model reads the same input bit for bit
        // (normalised in float, the maps of normal images differed by ~0.7 % of their scale: square roots of
        // distances near zero magnify an ulp of input).
        assert.ok(worst <= 1e-5 * scale, `the maps differ by ${worst} (scale ${scale})`);
      }
    } finally {
      await model.close();
    }
  });
});
