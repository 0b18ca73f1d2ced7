/**
 * The model screens' pure parts: the pre-flight check, test-result filters, the summary file and
 * the confusion matrix, loss messages, API snippets, kiosk verdicts and PIN, exports, tags, and
 * the `models` locale files.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { EntryView, TestImageResult } from '../../../preload/contract/api';
import { toCsv, toJson } from '../../../renderer/features/models/analyze/exportResults';
import {
  filterFromParams,
  filterResults,
  filterToParams,
  imagesByResult,
  NO_PREDICTION,
  resultItems,
  topBelowThreshold,
  topPredictionOf,
} from '../../../renderer/features/models/evaluate/results';
import { confusionMatrix, readSummary, sortLabels } from '../../../renderer/features/models/evaluate/summary';
import { formatElapsed, parseSummaryTimestamp } from '../../../renderer/features/models/format';
import { isValidPin } from '../../../renderer/features/models/kiosk/pinRules';
import { guessOkLabel, labelHue, tallyKey, verdictOf } from '../../../renderer/features/models/kiosk/verdict';
import { localPathOf } from '../../../renderer/features/models/locations';
import { checkTags, newTagRow, tagMap } from '../../../renderer/features/models/tags';
import { preflight, type DatasetFacts, type ProblemCode } from '../../../renderer/features/models/train/preflight';
import { overallProgress, overallSecondsLeft, parseLossMessage, phaseOf } from '../../../renderer/features/models/trainingPhases';
import { snippet, type SnippetContext } from '../../../renderer/features/models/use/snippets';
import { suggestedVersionName, versionNameOf } from '../../../renderer/features/models/versions';

type Entry = Pick<EntryView, 'Labels' | 'Boxes' | 'Errors'>;
const image = (...labels: string[]): Entry => ({ Labels: labels, Boxes: [], Errors: [] });
const boxed = (...labels: string[]): Entry => ({ Labels: [], Boxes: labels.map((Label) => ({ Label, Left: 1, Top: 1, Width: 10, Height: 10 })), Errors: [] });
const broken = (): Entry => ({ Labels: ['a'], Boxes: [], Errors: [{ Code: 'ERROR_INVALID_IMAGE', Message: 'bad', Level: 'image' }] });

function dataset(entries: Entry[]): DatasetFacts {
  const counts = new Map<string, { images: number; boxes: number }>();
  for (const entry of entries) {
    for (const name of new Set([...entry.Labels, ...entry.Boxes.map((box) => box.Label)])) {
      const count = counts.get(name) ?? { images: 0, boxes: 0 };
      count.images++;
      count.boxes += entry.Boxes.filter((box) => box.Label === name).length;
      counts.set(name, count);
    }
  }
  return {
    status: 'CREATE_COMPLETE',
    stats: {
      TotalEntries: entries.length,
      LabeledEntries: entries.filter((entry) => entry.Labels.length + entry.Boxes.length > 0).length,
      TotalLabels: counts.size,
      ErrorEntries: entries.filter((entry) => entry.Errors.length > 0).length,
    },
    labels: [...counts].map(([LabelName, count]) => ({ LabelName, LabelStats: { EntryCount: count.images, BoundingBoxCount: count.boxes } })),
    entries,
  };
}

const repeat = (count: number, make: () => Entry) => Array.from({ length: count }, make);
const codes = (result: ReturnType<typeof preflight>) => result.problems.map((problem) => `${problem.level}:${problem.code}`);

describe('the pre-flight check', () => {
  it('finds nothing wrong with two well-filled labels and a test set', () => {
    const result = preflight(dataset([...repeat(10, () => image('cat')), ...repeat(10, () => image('dog'))]), dataset([image('cat'), image('dog')]));
    assert.equal(result.useCase, 'IMAGE_LEVEL_LABELS');
    assert.equal(result.autoSplit, false);
    assert.equal(result.canTrain, true);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.labels.map((label) => [label.name, label.trainImages, label.testImages]), [
      ['cat', 10, 1],
      ['dog', 10, 1],
    ]);
  });

  it('refuses one label for classification, and warns of unlabeled images', () => {
    const result = preflight(dataset([...repeat(6, () => image('cat')), image()]), undefined);
    assert.equal(result.autoSplit, true);
    assert.equal(result.canTrain, false);
    assert.deepEqual(codes(result), ['error:tooFewLabels', 'warning:unlabeledIgnored']);
  });

  it('lets an anomaly project train on normal images alone, and refuses fewer than two', () => {
    const good = preflight(dataset(repeat(6, () => image('normal'))), dataset([image('normal'), image('anomaly')]), { anomaly: true });
    assert.equal(good.canTrain, true);
    assert.deepEqual(codes(good), []);
    const alone = preflight(dataset(repeat(3, () => image('normal'))), undefined, { anomaly: true });
    assert.equal(alone.canTrain, true);
    const thin = preflight(dataset([image('normal'), image('anomaly'), image('anomaly')]), undefined, { anomaly: true });
    assert.deepEqual(codes(thin), ['error:tooFewNormal']);
    // The same datasets in a classification project need a second label.
    assert.ok(codes(preflight(dataset(repeat(6, () => image('normal'))), undefined)).includes('error:tooFewLabels'));
  });

  it('needs two images of every label to split off a test set', () => {
    const result = preflight(dataset([...repeat(6, () => image('cat')), image('dog')]), undefined);
    assert.ok(codes(result).includes('error:autoSplitTooFew'));
    assert.deepEqual(result.problems.find((problem) => problem.code === 'autoSplitTooFew')?.labels, ['dog']);
  });

  it('decides detection when boxed images are at least as many, and learns image-level ones as whole-image boxes', () => {
    const result = preflight(dataset([...repeat(8, () => boxed('scratch')), ...repeat(2, () => image('scratch'))]), dataset([boxed('scratch'), boxed('scratch')]));
    assert.equal(result.useCase, 'OBJECT_LOCALIZATION');
    assert.equal(result.canTrain, true);
    assert.deepEqual(codes(result), ['info:wholeImageBoxes']);
  });

  it('warns before training of a label with very few images, split or not (issue 15)', () => {
    const split = preflight(dataset([...repeat(10, () => image('cat')), ...repeat(3, () => image('dog'))]), undefined);
    assert.deepEqual(split.problems.find((problem) => problem.code === 'fewImages'), { level: 'warning', code: 'fewImages', labels: ['dog'], min: 5 });
    assert.equal(split.canTrain, true);
    const single = preflight(dataset([...repeat(10, () => image('cat')), image('dog')]), dataset([image('cat'), image('dog')]));
    assert.deepEqual(single.problems.find((problem) => problem.code === 'fewImages')?.labels, ['dog']);
  });

  it('counts the images training uses as the evaluation does: one that is also a test image only tests (issue 15)', () => {
    const hashed = (hash: string, label: string): Entry & { ContentHash: string } => ({ ...image(label), ContentHash: hash });
    const train = dataset([...Array.from({ length: 40 }, (_, i) => hashed(`c${i}`, 'cat')), ...Array.from({ length: 40 }, (_, i) => hashed(`d${i}`, 'dog')), image()]);
    const test = dataset([hashed('c0', 'cat'), hashed('t1', 'dog')]);
    const result = preflight(train, test);
    assert.equal(result.trainImages, 79);
    assert.equal(result.testImages, 2);
    assert.deepEqual(result.labels.map((label) => [label.name, label.trainImages, label.testImages]), [
      ['cat', 39, 1],
      ['dog', 40, 1],
    ]);
    assert.deepEqual(result.problems.find((problem) => problem.code === 'sameAsTest'), { level: 'info', code: 'sameAsTest', dataset: 'TRAIN', count: 1 });
  });

  it('fails when too many images are broken or test labels barely overlap', () => {
    const train = dataset([...repeat(5, () => image('cat')), ...repeat(5, () => image('dog')), ...repeat(3, broken)]);
    assert.ok(codes(preflight(train, dataset([image('cat')]))).includes('error:tooManyInvalid'));
    const overlap = preflight(dataset([...repeat(5, () => image('cat')), ...repeat(5, () => image('dog'))]), dataset([image('cat'), image('bird'), image('fish')]));
    assert.ok(codes(overlap).includes('error:labelOverlap'));
    const partly = preflight(dataset([...repeat(5, () => image('cat')), ...repeat(5, () => image('dog'))]), dataset([image('cat'), image('dog'), image('fish')]));
    assert.ok(codes(partly).includes('warning:testLabelsNotInTraining'));
    assert.equal(partly.canTrain, true);
  });

  it('reports labels no image uses, a busy dataset, and a missing training dataset', () => {
    const train = dataset([...repeat(5, () => image('cat')), ...repeat(5, () => image('dog'))]);
    train.labels = [...train.labels, { LabelName: 'unused', LabelStats: { EntryCount: 0, BoundingBoxCount: 0 } }];
    assert.deepEqual(preflight(train, dataset([image('cat')])).problems.find((problem) => problem.code === 'labelsWithoutImages')?.labels, ['unused']);
    assert.ok(codes(preflight({ ...train, status: 'UPDATE_IN_PROGRESS' }, undefined)).includes('error:datasetBusy'));
    assert.deepEqual(codes(preflight(undefined, undefined)), ['error:noTrainingDataset']);
  });

  it('estimates from label statistics when the entries are not all read', () => {
    const train = dataset([...repeat(5, () => boxed('scratch'))]);
    const result = preflight({ ...train, entries: undefined }, undefined);
    assert.equal(result.estimated, true);
    assert.equal(result.useCase, 'OBJECT_LOCALIZATION');
  });
});

const testImage = (name: string, labels: TestImageResult['Labels']): TestImageResult => ({ SourceRef: `/t/${name}`, FileName: name, Width: 10, Height: 10, Labels: labels });
const results: TestImageResult[] = [
  testImage('a.jpg', [
    { Name: 'cat', Confidence: 0.9, Result: 'TRUE_POSITIVE' },
    { Name: 'dog', Confidence: 0.1, Result: 'TRUE_NEGATIVE' },
  ]),
  testImage('b.jpg', [
    { Name: 'dog', Confidence: 0.7, Result: 'FALSE_POSITIVE' },
    { Name: 'cat', Confidence: 0.2, Result: 'FALSE_NEGATIVE' },
  ]),
  testImage('c.jpg', [
    { Name: 'dog', Confidence: 0.3, Result: 'FALSE_NEGATIVE' },
    { Name: 'cat', Confidence: 0.05, Result: 'TRUE_NEGATIVE' },
  ]),
];

describe('test results', () => {
  it('leaves true negatives out and puts the best first', () => {
    assert.deepEqual(resultItems(results[1]!).map((item) => [item.name, item.result]), [
      ['dog', 'FALSE_POSITIVE'],
      ['cat', 'FALSE_NEGATIVE'],
    ]);
    assert.equal(topPredictionOf(results[1]!), 'dog');
    assert.equal(topPredictionOf(results[2]!), NO_PREDICTION);
  });

  it('filters by label and result type together, by file name, and by a matrix cell', () => {
    const names = (filter: Parameters<typeof filterResults>[1]) => filterResults(results, filter).map((image) => image.FileName);
    assert.deepEqual(names({ labels: [], results: ['FALSE_POSITIVE'], query: '' }), ['b.jpg']);
    assert.deepEqual(names({ labels: ['cat'], results: ['FALSE_POSITIVE'], query: '' }), []);
    assert.deepEqual(names({ labels: ['cat'], results: [], query: '' }), ['a.jpg', 'b.jpg']);
    assert.deepEqual(names({ labels: [], results: [], query: 'C.J' }), ['c.jpg']);
    assert.deepEqual(names({ labels: [], results: [], query: '', truth: 'cat', predicted: 'dog' }), ['b.jpg']);
    assert.deepEqual(names({ labels: [], results: [], query: '', truth: 'dog', predicted: NO_PREDICTION }), ['c.jpg']);
    assert.deepEqual(imagesByResult(results), { TRUE_POSITIVE: 1, FALSE_POSITIVE: 1, FALSE_NEGATIVE: 2 });
  });

  it('keeps a filter in the address and reads it back', () => {
    const filter = { labels: ['cat', 'a b'], results: ['FALSE_NEGATIVE' as const], query: 'x', truth: 'dog', predicted: NO_PREDICTION };
    assert.deepEqual(filterFromParams(new URLSearchParams(filterToParams(filter).toString())), filter);
    assert.deepEqual(filterFromParams(new URLSearchParams('result=NOPE')), { labels: [], results: [], query: '', truth: undefined, predicted: undefined });
  });
});

describe('the summary file', () => {
  const summary = readSummary({
    AggregatedEvaluationResults: {
      F1Score: 0.9,
      Precision: 0.8,
      Recall: 1,
      ConfusionMatrix: [
        { GroundTruthLabel: 'cat', PredictedLabel: 'cat', Value: 0.75 },
        { GroundTruthLabel: 'cat', PredictedLabel: 'dog', Value: 0.25 },
        { GroundTruthLabel: 'dog', PredictedLabel: 'dog', Value: 0.5 },
        { GroundTruthLabel: 'dog', PredictedLabel: 'cat', Value: 0 },
        { GroundTruthLabel: 'dog', PredictedLabel: 'cat', Value: 'bad' },
      ],
    },
    EvaluationDetails: { Labels: ['cat', 'dog'], NumberOfTestingImages: 6, NumberOfTrainingImages: 20, EvaluationEndTimestamp: '2021-07-13T11:42:51.541000' },
    LabelEvaluationResults: [
      { Label: 'dog', NumberOfTestingImages: 2, Metrics: { F1Score: 0.6, Precision: 0.5, Recall: 0.75, Threshold: 0.3 } },
      { Label: 'cat', NumberOfTestingImages: 4, Metrics: { F1Score: 0.95, Precision: 1, Recall: 0.9, Threshold: 0.6 } },
      { NumberOfTestingImages: 1 },
    ],
  });

  it('reads the numbers it can trust and skips the rest', () => {
    assert.equal(summary.f1, 0.9);
    assert.equal(summary.averagePrecision, undefined);
    assert.equal(summary.confusion?.length, 4);
    assert.equal(summary.perLabel.length, 2);
    assert.equal(summary.completed, Date.UTC(2021, 6, 13, 11, 42, 51, 541) / 1000);
  });

  it('shows columns as shares of their ground truth, the rest as "no label"', () => {
    const matrix = confusionMatrix(summary.confusion!, summary.labels, new Map([['cat', 4], ['dog', 2]]));
    assert.equal(matrix.share('dog', 'cat'), 0.25);
    assert.equal(matrix.unpredicted('cat'), 0);
    assert.equal(matrix.unpredicted('dog'), 0.5);
    assert.equal(matrix.hasUnpredicted, true);
  });

  it('sorts and searches the per-label table', () => {
    assert.deepEqual(sortLabels(summary.perLabel, '', 'f1', true).map((row) => row.label), ['cat', 'dog']);
    assert.deepEqual(sortLabels(summary.perLabel, '', 'label', false).map((row) => row.label), ['cat', 'dog']);
    assert.deepEqual(sortLabels(summary.perLabel, 'DO', 'label', false).map((row) => row.label), ['dog']);
  });
});

describe('training progress', () => {
  it('reads epochs and losses from job messages', () => {
    assert.deepEqual(parseLossMessage('search, epoch 12, loss 0.1234'), { stage: 'search', epoch: 12, loss: 0.1234 });
    assert.deepEqual(parseLossMessage('final, epoch 3, loss 1.5e-5'), { stage: 'final', epoch: 3, loss: 1.5e-5 });
    assert.equal(parseLossMessage('F1 1.000 on 12 test images.'), undefined);
    assert.equal(phaseOf({ Phase: 'embedding images' }), 'embedding images');
    assert.equal(phaseOf({ Phase: 'warming up' }), undefined);
    // The detector reports one run without a stage: it is the final model's.
    assert.deepEqual(parseLossMessage('epoch 11, loss 0.4670'), { stage: 'final', epoch: 11, loss: 0.467 });
  });

  it('places one overall bar across the phases and tells the time left from the pace so far (issue 15)', () => {
    const running = { Status: 'running' as const };
    assert.equal(overallProgress({ ...running }), undefined);
    assert.equal(overallProgress({ ...running, Phase: 'validating' }), 0);
    const halfRead = overallProgress({ ...running, Phase: 'embedding images', Done: 50, Total: 100 })!;
    const readAll = overallProgress({ ...running, Phase: 'embedding images', Done: 100, Total: 100 })!;
    const trainingStarts = overallProgress({ ...running, Phase: 'training', Done: 0, Total: 1 })!;
    const detectorHalfway = overallProgress({ ...running, Phase: 'training', Done: 20, Total: 40 })!;
    assert.ok(halfRead > 0.17 && halfRead < readAll, `${halfRead} < ${readAll}`);
    assert.ok(Math.abs(readAll - trainingStarts) < 1e-9, 'a phase ends where the next begins');
    assert.ok(detectorHalfway > trainingStarts && detectorHalfway < overallProgress({ ...running, Phase: 'testing' })!);
    assert.equal(overallProgress({ Status: 'succeeded', Phase: 'evaluating' }), 1);
    assert.equal(overallSecondsLeft(0.02, 60), undefined, 'too early to tell');
    assert.equal(overallSecondsLeft(0.5, 5), undefined, 'too soon to tell');
    assert.equal(overallSecondsLeft(0.25, 60), 180);
    assert.equal(overallSecondsLeft(1, 60), undefined);
  });

  it('says how long things took', () => {
    assert.equal(formatElapsed(7, 'en'), '7 sec');
    assert.equal(formatElapsed(192, 'en'), '3 min 12 sec');
    assert.equal(formatElapsed(4403, 'en'), '1 hr 13 min');
    assert.equal(parseSummaryTimestamp('nope'), undefined);
  });
});

describe('versions and locations', () => {
  it('names versions as the console does', () => {
    assert.equal(versionNameOf('arn:aws:rekognition:us-east-1:000000000000:project/p/version/p.2021-07-13T10.36.30/1626172590000'), 'p.2021-07-13T10.36.30');
    assert.equal(suggestedVersionName('rooms_19', new Date(Date.UTC(2021, 6, 13, 10, 36, 30))), 'rooms_19.2021-07-13T10.36.30');
  });

  it('finds a file through its bucket mapping', () => {
    const mappings = [{ Bucket: 'loupe-output', Folder: '/home/me/output/', CreationTimestamp: 0 }];
    assert.equal(localPathOf(mappings, { S3Object: { Bucket: 'loupe-output', Name: 'p/v1/summary.json' } }), '/home/me/output/p/v1/summary.json');
    assert.equal(localPathOf([{ Bucket: 'b', Folder: 'C:\\out', CreationTimestamp: 0 }], { S3Object: { Bucket: 'b', Name: 'p/x.json' } }), 'C:\\out\\p\\x.json');
    assert.equal(localPathOf(mappings, { S3Object: { Bucket: 'other', Name: 'x' } }), undefined);
  });
});

describe('API code', () => {
  const context: SnippetContext = {
    projectArn: 'arn:aws:rekognition:us-east-1:000000000000:project/p/1',
    versionArn: 'arn:aws:rekognition:us-east-1:000000000000:project/p/version/v1/2',
    versionName: 'v1',
    endpoint: 'http://127.0.0.1:7800',
    region: 'us-east-1',
    minUnits: 1,
    bucket: 'my-images',
    key: 'photos/image.jpg',
    localFile: 'image.jpg',
  };

  it('names this model and the local endpoint in every language', () => {
    for (const language of ['cli', 'javascript', 'python'] as const) {
      for (const operation of ['start', 'detect', 'stop'] as const) {
        const code = snippet(language, operation, context);
        assert.ok(code.includes(context.versionArn), `${language} ${operation}`);
        assert.ok(code.includes(context.endpoint), `${language} ${operation}`);
      }
    }
  });

  it('sends a file’s bytes first in every language (runs as pasted), the S3 variant as a comment, and the maximum only when given', () => {
    assert.ok(snippet('cli', 'detect', context).includes('--image-bytes fileb://image.jpg'));
    assert.ok(snippet('cli', 'detect', context).includes('#   --image \'{"S3Object":{"Bucket":"my-images","Name":"photos/image.jpg"}}\''));
    for (const language of ['javascript', 'python'] as const) {
      const code = snippet(language, 'detect', context);
      const s3 = code.split('\n').filter((line) => line.includes('S3Object'));
      assert.ok(s3.length > 0 && s3.every((line) => /^\s*(#|\/\/)/.test(line)), `${language}: ${s3.join(' | ')}`);
    }
    assert.ok(snippet('python', 'detect', context).includes('Image={"Bytes": image.read()}'));
    assert.ok(snippet('javascript', 'detect', context).includes("Bytes: await readFile('image.jpg')"));
    assert.ok(!snippet('cli', 'start', context).includes('--max-inference-units'));
    assert.ok(snippet('cli', 'start', { ...context, maxUnits: 3 }).includes('--max-inference-units 3'));
    assert.ok(snippet('python', 'start', { ...context, maxUnits: 3 }).includes('MaxInferenceUnits=3'));
  });
});

describe('a classification result card (issue 15)', () => {
  it('says when the highest score stayed under its threshold, and not otherwise', () => {
    const close = testImage('ant-or-bee.jpg', [
      { Name: 'bees', Confidence: 0.505, Result: 'FALSE_NEGATIVE' },
      { Name: 'ants', Confidence: 0.495, Result: 'TRUE_NEGATIVE' },
    ]);
    assert.deepEqual(topBelowThreshold(close), { Name: 'bees', Confidence: 0.505, Result: 'FALSE_NEGATIVE' });
    const clear = testImage('bee.jpg', [
      { Name: 'bees', Confidence: 0.9, Result: 'TRUE_POSITIVE' },
      { Name: 'ants', Confidence: 0.1, Result: 'TRUE_NEGATIVE' },
    ]);
    assert.equal(topBelowThreshold(clear), undefined);
  });
});

describe('the kiosk', () => {
  it('finds the OK label of a two-label inspection model', () => {
    assert.equal(guessOkLabel(['good', 'scratch']), 'good');
    assert.equal(guessOkLabel(['정상', '불량']), '정상');
    assert.equal(guessOkLabel(['cat', 'dog']), undefined);
    assert.equal(guessOkLabel(['ok', 'good']), undefined);
    assert.equal(guessOkLabel(['ok', 'dent', 'scratch']), undefined);
  });

  it('says OK only for a confident OK, NG for anything else', () => {
    assert.deepEqual(verdictOf([{ Name: 'good', Confidence: 90 }, { Name: 'dent', Confidence: 60 }], 'good'), { kind: 'ok', label: 'good', confidence: 90 });
    assert.deepEqual(verdictOf([{ Name: 'dent', Confidence: 95 }, { Name: 'good', Confidence: 60 }], 'good'), { kind: 'ng', label: 'dent', confidence: 95 });
    assert.deepEqual(verdictOf([], 'good'), { kind: 'ng', label: undefined, confidence: undefined });
    assert.deepEqual(verdictOf([{ Name: 'cat', Confidence: 70 }], undefined), { kind: 'label', label: 'cat', confidence: 70 });
    assert.deepEqual(verdictOf([], undefined), { kind: 'none' });
    assert.equal(tallyKey(verdictOf([], 'good')), 'NG');
    assert.equal(tallyKey(verdictOf([], undefined)), '');
    assert.notEqual(labelHue('blobs', ['blobs', 'stripes']), labelHue('stripes', ['blobs', 'stripes']));
  });

  it('accepts a PIN of 4 to 8 digits (the backend keeps it: test/main/settings.test.ts)', () => {
    assert.equal(isValidPin('123'), false);
    assert.equal(isValidPin('12a4'), false);
    assert.equal(isValidPin('1234'), true);
    assert.equal(isValidPin('12345678'), true);
    assert.equal(isValidPin('123456789'), false);
  });
});

describe('exports and tags', () => {
  const analyses = [
    { name: 'a,1.jpg', minConfidence: undefined, labels: [{ Name: 'cat', Confidence: 97.12345 }] },
    { name: 'b.jpg', minConfidence: 50, labels: [{ Name: 'box', Confidence: 80, Geometry: { BoundingBox: { Left: 0.1, Top: 0.2, Width: 0.3, Height: 0.4 } } }] },
    { name: 'c.jpg', minConfidence: 50, labels: [] },
  ];

  it('writes CSV with a row per label and quotes what needs it', () => {
    assert.equal(toCsv(analyses), 'file,label,confidence,left,top,width,height\r\n"a,1.jpg",cat,97.123,,,,\r\nb.jpg,box,80,0.1,0.2,0.3,0.4\r\nc.jpg,,,,,,\r\n');
    const json = toJson(analyses, 'arn') as { Images: { File: string; MinConfidence?: number }[] };
    assert.deepEqual(json.Images.map((entry) => [entry.File, entry.MinConfidence]), [
      ['a,1.jpg', undefined],
      ['b.jpg', 50],
      ['c.jpg', 50],
    ]);
  });

  it('checks tags as the service does', () => {
    const rows = [newTagRow('team', 'vision'), newTagRow('aws:x', ''), newTagRow('team', 'again'), newTagRow('', ''), newTagRow('', 'orphan')];
    assert.deepEqual([...checkTags(rows).values()], ['keyReserved', 'keyDuplicate', 'keyRequired']);
    assert.deepEqual(tagMap([newTagRow(' team ', 'vision'), newTagRow('', '')]), { team: 'vision' });
  });
});

describe('the models locale files', () => {
  const dir = join(import.meta.dirname, '../../../renderer/features/models/locales');
  const read = (language: string) => JSON.parse(readFileSync(join(dir, `${language}.json`), 'utf8')) as Record<string, unknown>;
  const keysOf = (value: unknown, prefix = ''): string[] =>
    typeof value !== 'object' || value === null
      ? [prefix]
      : Object.entries(value).flatMap(([key, child]) => keysOf(child, `${prefix}${prefix ? '.' : ''}${key.replace(/_(zero|one|two|few|many|other)$/, '')}`));

  it('has the same keys in English and Korean', () => {
    const en = new Set(keysOf(read('en')));
    const ko = new Set(keysOf(read('ko')));
    assert.deepEqual([...en].filter((key) => !ko.has(key)), []);
    assert.deepEqual([...ko].filter((key) => !en.has(key)), []);
  });

  it('words every problem the pre-flight check can find', () => {
    const all: ProblemCode[] = [
      'noTrainingDataset',
      'datasetBusy',
      'trainingEmpty',
      'noLabeledImages',
      'tooFewLabels',
      'tooManyLabels',
      'tooManyInvalid',
      'autoSplitTooFew',
      'testNoLabeled',
      'labelOverlap',
      'testLabelsNotInTraining',
      'labelsWithoutImages',
      'unlabeledIgnored',
      'invalidSkipped',
      'fewImages',
      'sameAsTest',
      'boxOnlyIgnored',
      'wholeImageBoxes',
    ];
    for (const language of ['en', 'ko']) {
      const keys = new Set(keysOf(read(language)));
      for (const code of all) assert.ok(keys.has(`train.problems.${code}`), `${language}: ${code}`);
    }
  });
});
