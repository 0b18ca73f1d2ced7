import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classBalanceWeights, trainHead } from '../../../native/train';
import { fitHead, fitHeads, HeadSessions } from '../../../native/train/fitHead';
import { prepareData } from '../../../native/train/prepare';
import { accuracy, argmaxRows, assertRelativelyClose, gaussianBlobs, microF1, multiLabelData } from './helpers';

const blobs = (seed: number, perClass: number | number[] = 100) => gaussianBlobs({ classes: 3, dims: 64, perClass, separation: 0.5, seed });

describe('trainHead', () => {
  it('separates three Gaussian blobs in 64 dimensions (linear and hidden heads)', async (t) => {
    const train = blobs(1);
    const test = blobs(2);
    for (const hidden of [0, 32]) {
      const started = performance.now();
      const model = await trainHead({ ...train, dims: 64, kind: 'softmax', classes: 3, hidden, epochs: 30, batchSize: 32, seed: 7, threads: 2 });
      const trainMs = performance.now() - started;
      const score = accuracy(argmaxRows(await model.predict(test.features), 3), test.targets);
      t.diagnostic(`hidden ${hidden}: test accuracy ${score.toFixed(3)}, trained in ${trainMs.toFixed(0)} ms`);
      assert.ok(score >= 0.95, `hidden ${hidden}: accuracy ${score}`);
      assert.deepEqual(model.headSpec(), { kind: 'softmax', hidden, classes: 3, features: 64 });
    }
  });

  it('learns a multi-label task with sigmoid cross-entropy', async (t) => {
    const train = multiLabelData({ labels: 4, dims: 48, rows: 400, strength: 0.6, seed: 3 });
    const test = multiLabelData({ labels: 4, dims: 48, rows: 400, strength: 0.6, seed: 4 });
    for (const hidden of [0, 32]) {
      const model = await trainHead({ ...train, dims: 48, kind: 'sigmoid', classes: 4, hidden, epochs: 40, batchSize: 32, seed: 1 });
      const f1 = microF1(await model.predict(test.features), test.targets);
      t.diagnostic(`hidden ${hidden}: test micro-F1 ${f1.toFixed(3)}`);
      assert.ok(f1 >= 0.9, `hidden ${hidden}: micro-F1 ${f1}`);
    }
  });

  it('is deterministic for a seed and reports each epoch’s falling loss', async () => {
    const train = blobs(5);
    const losses: number[] = [];
    const options = { ...train, dims: 64, kind: 'softmax' as const, classes: 3, hidden: 8, epochs: 6, batchSize: 16, learningRate: 1e-2, seed: 3 };
    const first = await trainHead({ ...options, onEpoch: (epoch, loss) => losses.push(epoch, loss) });
    const second = await trainHead(options);
    const other = await trainHead({ ...options, seed: 4 });
    assert.deepEqual(first.parameters, second.parameters);
    assert.notDeepEqual(first.parameters.W1, other.parameters.W1);
    assert.deepEqual(
      losses.filter((_, i) => i % 2 === 0),
      [1, 2, 3, 4, 5, 6],
    );
    const values = losses.filter((_, i) => i % 2 === 1);
    assert.ok((values[5] as number) < (values[0] as number) / 2, `losses ${values.join(', ')}`);
  });

  it('weights classes by inverse frequency by default, so a rare class is still found', async (t) => {
    // 2 overlapping classes, 19:1; the rare class's recall with balanced weights vs. uniform weights.
    const train = gaussianBlobs({ classes: 2, dims: 16, perClass: [570, 30], separation: 0.35, seed: 11, centresSeed: 5 });
    const test = gaussianBlobs({ classes: 2, dims: 16, perClass: [300, 300], separation: 0.35, seed: 12, centresSeed: 5 });
    const y = new Float32Array(600 * 2);
    train.targets.forEach((target, i) => (y[i * 2 + target] = 1));
    const weights = classBalanceWeights('softmax', y, 600, 2);
    assert.ok(Math.abs((weights[0] as number) - 600 / (2 * 570)) < 1e-6 && Math.abs((weights[1] as number) - 10) < 1e-6, `weights ${weights.join(', ')}`);
    const recall = async (classWeights?: number[]) => {
      const model = await trainHead({ ...train, dims: 16, kind: 'softmax', classes: 2, epochs: 30, batchSize: 32, seed: 1, ...(classWeights ? { classWeights } : {}) });
      const predicted = argmaxRows(await model.predict(test.features), 2);
      return predicted.slice(300).filter((value) => value === 1).length / 300;
    };
    const balanced = await recall();
    const uniform = await recall([1, 1]);
    t.diagnostic(`rare-class recall: ${balanced.toFixed(3)} balanced, ${uniform.toFixed(3)} unweighted`);
    assert.ok(balanced > uniform + 0.1, `balanced ${balanced} vs unweighted ${uniform}`);
  });

  it('balances multi-label positives by negatives / positives, capped', () => {
    const y = new Float32Array([1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 0]); // 4 rows × 3 labels
    assert.deepEqual(Array.from(classBalanceWeights('sigmoid', y, 4, 3)), [Math.fround(1 / 3), 3, 1]);
    const rare = new Float32Array(1000);
    rare[0] = 1;
    assert.deepEqual(Array.from(classBalanceWeights('sigmoid', rare, 1000, 1)), [100]);
  });

  it('refuses inconsistent inputs with a message that says which', async () => {
    const features = new Float32Array(12);
    const base = { features, dims: 4, kind: 'softmax' as const, classes: 2, epochs: 1 };
    await assert.rejects(trainHead({ ...base, dims: 5, targets: [0, 1, 0] }), /multiple of dims 5/);
    await assert.rejects(trainHead({ ...base, targets: [0, 1] }), /one class index per sample: 2 for 3/);
    await assert.rejects(trainHead({ ...base, targets: [0, 1, 2] }), /class 2 is not in \[0, 2\)/);
    await assert.rejects(trainHead({ ...base, kind: 'sigmoid', targets: [0, 1, 0] }), /N×C = 6 values/);
    await assert.rejects(trainHead({ ...base, targets: [0, 1, 0], classWeights: [1] }), /classWeights need 2/);
    await assert.rejects(trainHead({ ...base, targets: [0, 1, 0], learningRate: 0 }), /learningRate must be a positive number/);
    await assert.rejects(trainHead({ ...base, targets: [0, 1, 0], hidden: 1.5 }), /hidden must be an integer/);
    const nan = new Float32Array(12);
    nan[5] = Number.NaN;
    await assert.rejects(trainHead({ ...base, features: nan, targets: [0, 1, 0] }), /feature 1 of sample 1 is NaN/);
  });
});

describe('cancelling training', () => {
  const train = blobs(9);
  const options = { ...train, dims: 64, kind: 'softmax' as const, classes: 3, hidden: 16, epochs: 50, batchSize: 16, seed: 1 };

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let epochs = 0;
    await assert.rejects(trainHead({ ...options, signal: controller.signal, onEpoch: () => epochs++ }), { name: 'AbortError' });
    assert.equal(epochs, 0);
  });

  it('stops between steps when aborted mid-training', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    await assert.rejects(
      trainHead({
        ...options,
        signal: controller.signal,
        onEpoch: (epoch) => {
          seen.push(epoch);
          if (epoch === 2) controller.abort();
        },
      }),
      { name: 'AbortError' },
    );
    assert.deepEqual(seen, [1, 2]);
  });

  it('rejects with the caller’s own reason when one is given', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('job cancelled')), 20);
    await assert.rejects(trainHead({ ...options, epochs: 100_000, signal: controller.signal }), /job cancelled/);
  });
});

describe('heads trained together', () => {
  // Batched and single products round differently, and Adam's first steps move every weight by
  // about ±lr whatever the size of its gradient, so a near-zero gradient whose sign rounding flips
  // moves that weight the other way. "The same" therefore means the same stopping decisions and
  // the same training and held-out losses, epoch by epoch, to a part in a thousand.
  it('train as each would alone', async () => {
    const train = blobs(13, 40);
    const data = prepareData({ ...train, dims: 64, kind: 'softmax', classes: 3 });
    const rows = Int32Array.from({ length: 90 }, (_, i) => i * (120 / 90));
    const held = Int32Array.from({ length: 120 }, (_, i) => i).filter((row) => !rows.includes(row));
    const rates = [
      { learningRate: 1e-2, weightDecay: 0 },
      { learningRate: 3e-3, weightDecay: 1e-2 },
      { learningRate: 3e-2, weightDecay: 1e-1 },
    ];
    const sessions = new HeadSessions('softmax', { providers: ['cpu'] });
    try {
      for (const hidden of [0, 8]) {
        const shared = { hidden, epochs: 30, batchSize: 16, seed: 4 };
        const curves = rates.map(() => [] as number[]);
        const stopped = await fitHeads(sessions, data, shared, rates, {
          rows,
          validation: { rows: held, patience: 2 },
          onEpoch: (head, _epoch, loss, validation) => curves[head]?.push(loss, validation?.loss as number),
        });
        for (const [k, rate] of rates.entries()) {
          const curve: number[] = [];
          const alone = await fitHead(sessions, data, { ...shared, ...rate }, {
            rows,
            validation: { rows: held, patience: 2 },
            onEpoch: (_head, _epoch, loss, validation) => curve.push(loss, validation?.loss as number),
          });
          const joint = stopped[k] as (typeof stopped)[number];
          assert.equal(joint.epochs, alone.epochs, `hidden ${hidden}, head ${k}: epochs`);
          assert.equal(joint.best?.epoch, alone.best?.epoch, `hidden ${hidden}, head ${k}: best epoch`);
          assertRelativelyClose(curves[k] as number[], curve, 1e-3, `hidden ${hidden}, head ${k}: training and held-out losses`);
        }
      }
    } finally {
      await sessions.release();
    }
  });
});
