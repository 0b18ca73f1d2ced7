/** Which backbone outputs a classifier's head reads, chosen by the head's own cross-validated search. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseHeadLayers, type LayerHead } from '../../../main/engine/classifierTraining';
import { autoTrainHead } from '../../../native/train';
import { gaussianBlobs } from '../../native/train/helpers';

/** Rows of `blobs` (informative, 8 wide) beside a block of 120 features of pure noise, per output name. */
function outputs(perClass: number[]): { rows: number; targets: Int32Array; groups: Int32Array; block: Record<string, Float32Array>; widths: Record<string, number> } {
  const blobs = gaussianBlobs({ classes: 3, dims: 8, perClass, separation: 0.6, seed: 3 });
  const rows = blobs.targets.length;
  let state = 12345;
  const noise = Float32Array.from({ length: rows * 120 }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  });
  return { rows, targets: blobs.targets, groups: Int32Array.from({ length: rows }, (_, i) => i), block: { signal: blobs.features, noise }, widths: { signal: 8, noise: 120 } };
}

function joined(data: ReturnType<typeof outputs>, names: string[]): { x: Float32Array; dims: number } {
  const dims = names.reduce((sum, name) => sum + data.widths[name]!, 0);
  const x = new Float32Array(data.rows * dims);
  for (let i = 0; i < data.rows; i++) {
    let at = i * dims;
    for (const name of names) {
      const w = data.widths[name]!;
      x.set(data.block[name]!.subarray(i * w, (i + 1) * w), at);
      at += w;
    }
  }
  return { x, dims };
}

describe('the layers the head reads', () => {
  it('leaves a block of noise out where the folds say so past their noise, and searches nothing on one split', async () => {
    const search = { hidden: [0], learningRate: [1e-3], weightDecay: [1e-3, 1e-1] };
    const train = async (data: ReturnType<typeof outputs>, names: string[]): Promise<LayerHead> => {
      const { x, dims } = joined(data, names);
      return { names, result: await autoTrainHead({ features: x, dims, targets: data.targets, kind: 'softmax', classes: 3, groups: data.groups, search, seed: 1, threads: 2 }) };
    };
    // 150 images: the head search cross-validates.
    const few = outputs([50, 50, 50]);
    const recorded: string[] = [];
    const standing = await train(few, ['signal', 'noise']);
    assert.equal(standing.result.validation?.folds, 5);
    const runs: string[] = [];
    const chosen = await chooseHeadLayers(
      standing,
      [['signal'], ['noise']],
      (names, linearOnly) => (runs.push(`${names.join('+')}${linearOnly ? ' linear' : ''}`), train(few, names)),
      (names, loss) => recorded.push(`${names.join('+')}:${loss.toFixed(3)}`),
    );
    assert.deepEqual(chosen.names, ['signal'], recorded.join(' '));
    assert.deepEqual(recorded.map((r) => r.split(':')[0]), ['signal+noise', 'signal', 'noise']);
    // Compared by linear heads; the chosen layers then searched in full.
    assert.deepEqual(runs, ['signal linear', 'noise linear', 'signal']);
    // 600 images, every class well held out: one split, the standing layers kept without another search.
    const many = outputs([200, 200, 200]);
    const oneSplit = await train(many, ['signal', 'noise']);
    assert.equal(oneSplit.result.validation?.folds, 1);
    let ran = 0;
    const kept = await chooseHeadLayers(oneSplit, [['signal']], (names) => (ran++, train(many, names)), () => undefined);
    assert.equal(kept, oneSplit);
    assert.equal(ran, 0);
  });
});
