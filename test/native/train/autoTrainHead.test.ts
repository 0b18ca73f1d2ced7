import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { describe, it } from 'node:test';
import { autoTrainHead, DEFAULT_SEARCH, FEW_IMAGES_WEIGHT_DECAY, lowerPastNoise, type TrainingProgress } from '../../../native/train';
import { prepareData } from '../../../native/train/prepare';
import { classCounts, stratifiedGroupFolds, stratifiedSplit } from '../../../native/train/split';
import { accuracy, argmaxRows, gaussianBlobs, microF1, multiLabelData } from './helpers';

describe('the validation split', () => {
  it('holds out about a fifth of every class, the same rows for the same seed', () => {
    const data = prepareData({ ...gaussianBlobs({ classes: 3, dims: 4, perClass: [50, 20, 6], separation: 1, seed: 1 }), dims: 4, kind: 'softmax', classes: 3 });
    const split = stratifiedSplit(data, 0.2, 7);
    assert.deepEqual(classCounts(data, split.validation), [10, 4, 1]);
    assert.deepEqual(classCounts(data, split.train), [40, 16, 5]);
    assert.deepEqual(stratifiedSplit(data, 0.2, 7), split);
    assert.notDeepEqual(stratifiedSplit(data, 0.2, 8).validation, split.validation);
    const all = [...split.train, ...split.validation].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 76 }, (_, i) => i));
  });

  it('keeps the rows of one group (an image and its mirror) on one side', () => {
    // Rows 2i and 2i + 1 are one image and its mirror, as the classifier lays them out.
    const data = prepareData({ ...gaussianBlobs({ classes: 2, dims: 4, perClass: [40, 12], separation: 1, seed: 3 }), dims: 4, kind: 'softmax', classes: 2 });
    const pairs = (rows: Int32Array) => new Set([...rows].map((row) => row >> 1));
    // Class rows come in blocks of an even size, so every pair is of one class.
    const groups = Int32Array.from({ length: data.rows }, (_, row) => row >> 1);
    const split = stratifiedSplit(data, 0.2, 7, groups);
    const held = pairs(split.validation);
    assert.ok([...pairs(split.train)].every((pair) => !held.has(pair)), 'no pair straddles the split');
    assert.equal(split.validation.length % 2, 0);
    assert.deepEqual(classCounts(data, split.validation), [8, 2]);
    // Split by rows, the same data leaks: some image sits in training while its mirror validates.
    const byRows = stratifiedSplit(data, 0.2, 7);
    const heldRows = pairs(byRows.validation);
    assert.ok([...pairs(byRows.train)].some((pair) => heldRows.has(pair)));
    assert.throws(() => stratifiedSplit(data, 0.2, 7, new Int32Array(3)), /groups has 3 entries/);
  });

  it('deals grouped folds: each row validated once, a group in one fold, every class in every fold', () => {
    const data = prepareData({ ...gaussianBlobs({ classes: 2, dims: 4, perClass: [40, 12], separation: 1, seed: 3 }), dims: 4, kind: 'softmax', classes: 2 });
    const groups = Int32Array.from({ length: data.rows }, (_, row) => row >> 1);
    const folds = stratifiedGroupFolds(data, 5, 7, groups);
    assert.equal(folds.length, 5);
    const validated = folds.flatMap((fold) => [...fold.validation]).sort((a, b) => a - b);
    assert.deepEqual(validated, Array.from({ length: data.rows }, (_, i) => i));
    for (const fold of folds) {
      assert.equal(fold.train.length + fold.validation.length, data.rows);
      const held = new Set([...fold.validation].map((row) => row >> 1));
      assert.ok([...fold.train].every((row) => !held.has(row >> 1)), 'no pair straddles a fold');
      const counts = classCounts(data, fold.validation);
      assert.ok(counts[0]! >= 8 && counts[0]! <= 10 && counts[1]! >= 2 && counts[1]! <= 4, `fold counts ${counts}`);
    }
    assert.deepEqual(stratifiedGroupFolds(data, 5, 7, groups), folds);
    assert.throws(() => stratifiedGroupFolds(data, 1, 7), /k must be an integer/);
  });

  it('puts rows of a rare label on both sides in multi-label data', () => {
    // Label 2 is on 4 rows only; each also carries the common label 0.
    const targets = new Uint8Array(40 * 3);
    for (let i = 0; i < 40; i++) {
      targets[i * 3] = 1;
      targets[i * 3 + 1] = i % 2;
      targets[i * 3 + 2] = i < 4 ? 1 : 0;
    }
    const data = prepareData({ features: new Float32Array(40 * 2).map((_, k) => k % 7), dims: 2, targets, kind: 'sigmoid', classes: 3 });
    const split = stratifiedSplit(data, 0.25, 1);
    assert.equal(classCounts(data, split.validation)[2], 1);
    assert.equal(classCounts(data, split.train)[2], 3);
  });
});

describe('autoTrainHead', () => {
  it('searches the settings, reports every trial and retrains on all the data', async (t) => {
    const train = gaussianBlobs({ classes: 3, dims: 64, perClass: 60, separation: 0.5, seed: 1 });
    const test = gaussianBlobs({ classes: 3, dims: 64, perClass: 100, separation: 0.5, seed: 2 });
    const progress: TrainingProgress[] = [];
    // One split (folds: 1): 36 rows held out, which alone would make the search cross-validate.
    const result = await autoTrainHead({ ...train, dims: 64, kind: 'softmax', classes: 3, seed: 5, threads: 2, folds: 1, onProgress: (event) => progress.push(event) });
    const trials = DEFAULT_SEARCH.learningRate.length * DEFAULT_SEARCH.weightDecay.length + DEFAULT_SEARCH.hidden.length - 1;
    assert.equal(result.trials.length, trials);
    assert.ok(result.validation);
    assert.equal(result.validation.metric, 'macro-f1');
    assert.equal(result.validation.trainRows + result.validation.validationRows, 180);
    assert.equal(result.validation.validationRows, 36);
    assert.ok(DEFAULT_SEARCH.hidden.includes(result.settings.hidden as 0));
    assert.ok(DEFAULT_SEARCH.learningRate.includes(result.settings.learningRate as 1e-3));
    assert.ok(DEFAULT_SEARCH.weightDecay.includes(result.settings.weightDecay as 1e-3));
    const winner = result.trials.find((trial) => trial.validation.loss === result.validation?.loss);
    assert.ok(winner, 'the chosen settings are a trial’s');
    assert.equal(result.settings.epochs, winner.bestEpoch);
    assert.ok(result.trials.every((trial) => trial.validation.loss >= winner.validation.loss));
    assert.equal(result.provider, 'cpu');
    // Stage 2 tries the hidden width with stage 1's learning rate and decay.
    const stageOne = result.trials.slice(0, -1);
    const bestLinear = stageOne.reduce((best, trial) => (trial.validation.loss < best.validation.loss ? trial : best));
    const hiddenTrial = result.trials.at(-1);
    assert.equal(hiddenTrial?.settings.hidden, 256);
    assert.equal(hiddenTrial?.settings.learningRate, bestLinear.settings.learningRate);
    assert.equal(hiddenTrial?.settings.weightDecay, bestLinear.settings.weightDecay);

    const search = progress.filter((event) => event.phase === 'search');
    const final = progress.filter((event) => event.phase === 'final');
    assert.deepEqual([...new Set(search.map((event) => event.trial))], Array.from({ length: trials }, (_, i) => i + 1));
    assert.ok(search.every((event) => event.trials === trials && event.validation !== undefined));
    assert.equal(final.length, result.settings.epochs);
    assert.ok(final.every((event) => event.trial === trials + 1 && event.epochs === result.settings.epochs));

    const score = accuracy(argmaxRows(await result.model.predict(test.features), 3), test.targets);
    t.diagnostic(`chose ${JSON.stringify(result.settings)}; held-out F1 ${result.validation.f1.toFixed(3)}; test accuracy ${score.toFixed(3)}`);
    assert.ok(score >= 0.95, `accuracy ${score}`);
  });

  it('cross-validates the search where the one split would hold out few images, not where it holds out many', async () => {
    // 40 images per class, each with its mirror: the one split would hold out 24 images.
    const small = gaussianBlobs({ classes: 3, dims: 16, perClass: 80, separation: 0.5, seed: 4 });
    const groups = Int32Array.from({ length: 240 }, (_, row) => row >> 1);
    const search = { hidden: [0], learningRate: [1e-3], weightDecay: [1e-3, 1e-1] };
    const progress: TrainingProgress[] = [];
    const folded = await autoTrainHead({ ...small, dims: 16, kind: 'softmax', classes: 3, groups, search, seed: 1, onProgress: (event) => progress.push(event) });
    assert.equal(folded.validation?.folds, 5);
    assert.equal(folded.validation.trainRows + folded.validation.validationRows, 240);
    assert.equal(folded.trials.length, 2);
    const winner = folded.trials.find((trial) => trial.validation.loss === folded.validation?.loss);
    assert.ok(winner && folded.trials.every((trial) => trial.validation.loss >= winner.validation.loss));
    assert.equal(folded.settings.epochs, winner.bestEpoch);
    // Each trial ran once per fold: its search events count at least one epoch per fold.
    const trialOne = progress.filter((event) => event.phase === 'search' && event.trial === 1);
    assert.ok(trialOne.length >= 5 && trialOne.length >= winner.epochsRun);
    // Forced to one split, the same data searches once.
    const once = await autoTrainHead({ ...small, dims: 16, kind: 'softmax', classes: 3, groups, search, seed: 1, folds: 1 });
    assert.equal(once.validation?.folds, 1);
    assert.equal(once.validation.validationRows, 48);
    // 600 rows without groups: 120 held out, the one split stands.
    const large = gaussianBlobs({ classes: 3, dims: 16, perClass: 200, separation: 0.5, seed: 4 });
    const plain = await autoTrainHead({ ...large, dims: 16, kind: 'softmax', classes: 3, search, seed: 1 });
    assert.equal(plain.validation?.folds, 1);
    // 600 rows again, but one class of 30: the one split would hold out 6 of it, too few to steady the choice.
    const rare = gaussianBlobs({ classes: 3, dims: 16, perClass: [285, 285, 30], separation: 0.5, seed: 4 });
    assert.equal((await autoTrainHead({ ...rare, dims: 16, kind: 'softmax', classes: 3, search, seed: 1 })).validation?.folds, 5);
    // 30 images, each with its mirror: too few to pay for the folds, the one split stands.
    const tiny = gaussianBlobs({ classes: 3, dims: 16, perClass: 20, separation: 0.5, seed: 4 });
    const tinyGroups = Int32Array.from({ length: 60 }, (_, row) => row >> 1);
    assert.equal((await autoTrainHead({ ...tiny, dims: 16, kind: 'softmax', classes: 3, groups: tinyGroups, search, seed: 1 })).validation?.folds, 1);
    await assert.rejects(autoTrainHead({ ...small, dims: 16, kind: 'softmax', classes: 3, search, folds: 0.5 }), /folds must be an integer/);
    // Cross-validating the default decays, the stronger one is a candidate too; not on the one split.
    const decaysOf = (result: typeof plain) => [...new Set(result.trials.map((trial) => trial.settings.weightDecay))].sort((a, b) => a - b);
    const withDefaults = await autoTrainHead({ ...small, dims: 16, kind: 'softmax', classes: 3, groups, search: { hidden: [0], learningRate: [1e-3] }, seed: 1 });
    assert.deepEqual(decaysOf(withDefaults), [...DEFAULT_SEARCH.weightDecay, FEW_IMAGES_WEIGHT_DECAY]);
    const oneSplit = await autoTrainHead({ ...large, dims: 16, kind: 'softmax', classes: 3, search: { hidden: [0], learningRate: [1e-3] }, seed: 1 });
    assert.deepEqual(decaysOf(oneSplit), [...DEFAULT_SEARCH.weightDecay]);
  });

  it('lets a wider head replace the linear one over folds only past the noise of the paired losses', () => {
    assert.equal(lowerPastNoise([0.2, 0.21, 0.19, 0.2, 0.22], [0.3, 0.3, 0.29, 0.31, 0.3]), true);
    // Lower on average, but by less than the folds disagree.
    assert.equal(lowerPastNoise([0.1, 0.35, 0.2, 0.3, 0.25], [0.3, 0.2, 0.25, 0.22, 0.26]), false);
    assert.equal(lowerPastNoise([0.3, 0.3], [0.2, 0.2]), false);
    assert.throws(() => lowerPastNoise([0.1], [0.2]), /two or more folds/);
  });

  it('is deterministic for a seed', async () => {
    const train = gaussianBlobs({ classes: 2, dims: 8, perClass: 30, separation: 0.5, seed: 3 });
    const options = { ...train, dims: 8, kind: 'softmax' as const, classes: 2, seed: 2, search: { hidden: [0, 4], learningRate: [1e-2], weightDecay: [1e-3] } };
    const first = await autoTrainHead(options);
    const second = await autoTrainHead(options);
    assert.deepEqual(first.settings, second.settings);
    assert.deepEqual(first.model.parameters, second.model.parameters);
  });

  it('searches a multi-label head by micro-F1 and loss', async (t) => {
    const train = multiLabelData({ labels: 4, dims: 48, rows: 300, strength: 0.6, seed: 5 });
    const test = multiLabelData({ labels: 4, dims: 48, rows: 300, strength: 0.6, seed: 6 });
    const result = await autoTrainHead({ ...train, dims: 48, kind: 'sigmoid', classes: 4, seed: 1 });
    assert.equal(result.validation?.metric, 'micro-f1');
    const f1 = microF1(await result.model.predict(test.features), test.targets);
    t.diagnostic(`chose ${JSON.stringify(result.settings)}; test micro-F1 ${f1.toFixed(3)}`);
    assert.ok(f1 >= 0.9, `micro-F1 ${f1}`);
  });

  it('falls back to default settings when a class has too few examples to hold any out', async () => {
    const train = gaussianBlobs({ classes: 3, dims: 128, perClass: [3, 3, 30], separation: 0.6, seed: 7 });
    const progress: TrainingProgress[] = [];
    const result = await autoTrainHead({ ...train, dims: 128, kind: 'softmax', classes: 3, onProgress: (event) => progress.push(event) });
    assert.equal(result.validation, null);
    assert.deepEqual(result.trials, []);
    assert.match(result.fallback ?? '', /a class has 3 examples/);
    assert.equal(result.settings.hidden, 0);
    assert.ok(result.settings.epochs >= 20);
    assert.ok(progress.every((event) => event.phase === 'final' && event.trials === 0));
    const predicted = argmaxRows(await result.model.predict(train.features), 3);
    assert.ok(accuracy(predicted, train.targets) >= 0.9);
  });

  it('stops promptly when aborted during the search', async () => {
    const train = gaussianBlobs({ classes: 3, dims: 64, perClass: 60, separation: 0.3, seed: 1 });
    const controller = new AbortController();
    let abortedAt = 0;
    let after = 0;
    const started = performance.now();
    await assert.rejects(
      autoTrainHead({
        ...train,
        dims: 64,
        kind: 'softmax',
        classes: 3,
        signal: controller.signal,
        onProgress: (event) => {
          if (abortedAt) after++;
          if (event.trial === 2 && event.epoch === 1) {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      }),
      { name: 'AbortError' },
    );
    assert.ok(abortedAt > 0, 'reached trial 2');
    assert.equal(after, 0, 'no epoch reported after the abort');
    assert.ok(performance.now() - abortedAt < 500, `took ${performance.now() - abortedAt} ms to stop (${abortedAt - started} ms to get there)`);
  });

  it('searches 1,000 samples × 1,792 features in a few seconds on two threads (timing printed, not asserted)', async (t) => {
    const train = gaussianBlobs({ classes: 10, dims: 1792, perClass: 100, separation: 0.1, seed: 31 });
    const test = gaussianBlobs({ classes: 10, dims: 1792, perClass: 50, separation: 0.1, seed: 32 });
    const started = performance.now();
    const cpu = process.cpuUsage();
    const result = await autoTrainHead({ ...train, dims: 1792, kind: 'softmax', classes: 10, seed: 1, threads: 2 });
    const seconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    const score = accuracy(argmaxRows(await result.model.predict(test.features, { threads: 2 }), 10), test.targets);
    const { searchMs, finalMs } = result.timings;
    t.diagnostic(
      `autoTrainHead, 1000 × 1792, 10 classes, 2 threads: ${seconds.toFixed(2)} s (search ${(searchMs / 1000).toFixed(2)} s, final ${(finalMs / 1000).toFixed(2)} s; CPU ${((user + system) / 1e6).toFixed(2)} s; load average ${loadavg()[0]?.toFixed(1)}); chose ${JSON.stringify(result.settings)}; test accuracy ${score.toFixed(3)}`,
    );
    for (const trial of result.trials) {
      const { hidden, learningRate, weightDecay } = trial.settings;
      t.diagnostic(
        `  stage ${trial.stage}, hidden ${hidden} lr ${learningRate} wd ${weightDecay}: ${trial.epochsRun} epochs (best ${trial.bestEpoch}), held-out loss ${trial.validation.loss.toFixed(4)}, F1 ${trial.validation.f1.toFixed(3)}`,
      );
    }
    assert.ok(score > 0.8, `accuracy ${score}`);
  });
});
