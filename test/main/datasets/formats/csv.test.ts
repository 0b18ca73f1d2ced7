import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { EntryDraft } from '../../../../main/db/entry';
import { parseBoxCsv, parseCsv, parseLabelListCsv, readCsvRecords, toCsv } from '../../../../main/datasets/formats';
import { parseJsonLine } from '../../../../main/datasets/manifest/parse';
import { toJsonLine } from '../../../../main/datasets/manifest/serialize';

const NOW = '2024-05-01T12:00:00.000Z';
const FOLDER = resolve('/data/flowers/train');
const names = (entry: EntryDraft | undefined) => entry?.labels.map((l) => l.name);

describe('the CSV record reader', () => {
  it('handles quoted commas, doubled quotes, line breaks in quotes and every line ending', () => {
    const records = readCsvRecords('a,"b,c","say ""hi"""\r\n"multi\nline",x\rlast,\n');
    assert.deepEqual(records, [
      { fields: ['a', 'b,c', 'say "hi"'], line: 1 },
      { fields: ['multi\nline', 'x'], line: 2 },
      { fields: ['last', ''], line: 4 },
    ]);
  });

  it('reports an unclosed quote and goes on with the next line', () => {
    const records = readCsvRecords('a,"open\nb,c\n"x"y,z\n');
    assert.deepEqual(records, [
      { fields: ['a,"open'], line: 1, error: 'a quoted field is never closed' },
      { fields: ['b', 'c'], line: 2 },
      { fields: ['xy', 'z'], line: 3, error: 'text follows a closing quote' },
    ]);
  });
});

describe("when the guide's classification CSV is imported", () => {
  const csv = [
    'camellia1.jpg,camellia,with_leaves',
    '',
    '   ',
    ',,',
    '"helleborus, white.jpg",helleborus,"not_fully_grown"',
    'jonquil1.jpg,jonquil,with_leaves,jonquil',
    'camellia1.jpg,camellia,without_leaves',
    'unlabeled.jpg',
    's3://bucket/flowers/train/remote.jpg,camellia',
    ',orphan_label',
    '"broken.jpg,camellia',
    'camellia1.jpg',
  ].join('\n');
  const result = parseCsv(csv, { imagesFolder: FOLDER, fileName: 'flowers.csv', now: NOW });

  it('makes one entry per image with its labels, keeping s3 references and quoted commas', () => {
    assert.deepEqual(
      result.entries.map((e) => [e.sourceRef, names(e)]),
      [
        [resolve(FOLDER, 'camellia1.jpg'), ['camellia', 'with_leaves']],
        [resolve(FOLDER, 'helleborus, white.jpg'), ['helleborus', 'not_fully_grown']],
        [resolve(FOLDER, 'jonquil1.jpg'), ['jonquil', 'with_leaves']],
        [resolve(FOLDER, 'unlabeled.jpg'), []],
        ['s3://bucket/flowers/train/remote.jpg', ['camellia']],
      ],
    );
  });

  it("names each label's attribute after the label, as the guide's script does", () => {
    assert.deepEqual(result.entries[0]!.labels[1], {
      name: 'with_leaves',
      attribute: 'with_leaves',
      confidence: 1,
      humanAnnotated: 'yes',
      creationDate: NOW,
      jobName: 'labeling-job/with_leaves',
    });
  });

  it("writes the guide's JSON line for a row, which reads back to the same labels", () => {
    const line = toJsonLine(result.entries[0]!, { withErrors: false });
    assert.deepEqual(line['with_leaves-metadata'], {
      confidence: 1,
      'job-name': 'labeling-job/with_leaves',
      'class-name': 'with_leaves',
      'human-annotated': 'yes',
      'creation-date': NOW,
      type: 'groundtruth/image-classification',
    });
    const parsed = parseJsonLine(JSON.stringify(line));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.entry.labels, result.entries[0]!.labels);
  });

  it('lists the labels in order of first use', () => {
    assert.deepEqual(result.labels, ['camellia', 'with_leaves', 'helleborus', 'not_fully_grown', 'jonquil']);
  });

  it('keeps the first row of a repeated image and reports the later ones with their line', () => {
    assert.deepEqual(
      result.problems.map((p) => [p.where, p.code]),
      [
        ['flowers.csv: line 7', 'DUPLICATE_IMAGE'],
        ['flowers.csv: line 10', 'MALFORMED_RECORD'],
        ['flowers.csv: line 11', 'MALFORMED_RECORD'],
        ['flowers.csv: line 12', 'DUPLICATE_IMAGE'],
      ],
    );
    assert.equal(
      result.problems[0]!.message,
      'camellia1.jpg is already on line 1; this row (labels camellia, without_leaves) was left out and the first one kept.',
    );
  });
});

describe('when a label-list CSV with a header and a split column is imported', () => {
  const csv = [
    'image,labels,split',
    'bccd/BCCD/JPEGImages/BloodImage_00000.jpg,RBC WBC,val',
    'bccd/BCCD/JPEGImages/BloodImage_00001.jpg,RBC  Platelets ,train',
    'bccd/BCCD/JPEGImages/BloodImage_00002.jpg,WBC,test',
    'bccd/BCCD/JPEGImages/BloodImage_00003.jpg,,holdout',
    'bccd/BCCD/JPEGImages/BloodImage_00000.jpg,RBC,train',
    '',
  ].join('\r\n');
  const base = resolve('/data/multilabel');
  const result = parseLabelListCsv(csv, { baseFolder: base, fileName: 'bccd_multilabel.csv', now: NOW });

  it('splits space-separated labels and resolves paths against the base folder', () => {
    assert.deepEqual(result.entries.map((e) => [e.sourceRef, names(e)]), [
      [resolve(base, 'bccd/BCCD/JPEGImages/BloodImage_00000.jpg'), ['RBC', 'WBC']],
      [resolve(base, 'bccd/BCCD/JPEGImages/BloodImage_00001.jpg'), ['RBC', 'Platelets']],
      [resolve(base, 'bccd/BCCD/JPEGImages/BloodImage_00002.jpg'), ['WBC']],
      [resolve(base, 'bccd/BCCD/JPEGImages/BloodImage_00003.jpg'), []],
    ]);
  });

  it('puts train rows in train and test or val rows in test', () => {
    assert.deepEqual(result.train.map((e) => e.sourceRef.slice(-8)), ['0001.jpg', '0003.jpg']);
    assert.deepEqual(result.test.map((e) => e.sourceRef.slice(-8)), ['0000.jpg', '0002.jpg']);
  });

  it('reports unknown splits and duplicates', () => {
    assert.deepEqual(result.problems.map((p) => [p.where, p.code]), [
      ['bccd_multilabel.csv: line 5', 'UNKNOWN_SPLIT'],
      ['bccd_multilabel.csv: line 6', 'DUPLICATE_IMAGE'],
    ]);
  });

  it('throws naming the file when the header lacks the columns', () => {
    assert.throws(() => parseLabelListCsv('a.jpg,cat\n', { baseFolder: base, fileName: 'plain.csv' }), /plain\.csv: needs "image" and "labels" columns/);
    assert.throws(() => parseLabelListCsv('\n\n', { baseFolder: base, fileName: 'empty.csv' }), /empty\.csv: is empty/);
  });
});

describe('when a box CSV is imported', () => {
  it('finds the columns by name, whatever their order (BCCD writes xmin,xmax,ymin,ymax)', () => {
    const csv = [
      'filename,cell_type,xmin,xmax,ymin,ymax',
      'BloodImage_00000.jpg,WBC,260,491,177,376',
      'BloodImage_00000.jpg,RBC,78,184,336,435',
      'BloodImage_00338.jpg,RBC,504,504,337,337',
      'BloodImage_00338.jpg,,1,2,3,4',
    ].join('\n');
    const result = parseBoxCsv(csv, { imagesFolder: FOLDER, fileName: 'test.csv', now: NOW });
    assert.deepEqual(
      result.entries.map((e) => [e.sourceRef.slice(FOLDER.length + 1), e.boxes.map((b) => [b.name, b.left, b.top, b.width, b.height])]),
      [
        ['BloodImage_00000.jpg', [['WBC', 260, 177, 231, 199], ['RBC', 78, 336, 106, 99]]],
        ['BloodImage_00338.jpg', []],
      ],
    );
    assert.deepEqual(result.problems.map((p) => [p.where, p.code]), [
      ['test.csv: line 4', 'ZERO_AREA_BOX'],
      ['test.csv: line 5', 'MALFORMED_RECORD'],
    ]);
  });

  it('reads the image size when the CSV has width and height (raccoon)', () => {
    const csv = 'filename,width,height,class,xmin,ymin,xmax,ymax\nraccoon-1.jpg,650,417,raccoon,81,88,522,408\n';
    const result = parseBoxCsv(csv, { imagesFolder: FOLDER, now: NOW });
    assert.deepEqual(result.entries[0]!.imageSize, { width: 650, height: 417, depth: 3 });
    assert.deepEqual(result.labels, ['raccoon']);
  });
});

describe('when entries are exported to CSV and imported again', () => {
  const entries: EntryDraft[] = [
    {
      sourceRef: resolve(FOLDER, 'a, "quoted".jpg'),
      labels: [
        { name: 'camellia', attribute: 'camellia' },
        { name: 'with,comma', attribute: 'x' },
      ],
      boxes: [{ name: 'leaf', left: 1, top: 1, width: 5, height: 5, attribute: 'bounding-box' }],
      errors: [],
    },
    { sourceRef: resolve(FOLDER, 'plain.jpg'), labels: [{ name: 'jonquil', attribute: 'jonquil' }], boxes: [], errors: [] },
    { sourceRef: resolve(FOLDER, 'bare.jpg'), labels: [], boxes: [], errors: [] },
  ];
  const exported = toCsv(entries, { imagePathOf: (e) => e.sourceRef.slice(FOLDER.length + 1) });

  it('quotes the fields that need it and skips box labels', () => {
    assert.equal(exported.text, '"a, ""quoted"".jpg",camellia,"with,comma"\nplain.jpg,jonquil\nbare.jpg\n');
    assert.deepEqual(exported.skipped.map((s) => [s.kind, s.name]), [['box', 'leaf']]);
  });

  it('gives back the same images and labels', () => {
    const back = parseCsv(exported.text, { imagesFolder: FOLDER, now: NOW });
    assert.deepEqual(back.problems, []);
    assert.deepEqual(back.entries.map((e) => [e.sourceRef, names(e)]), entries.map((e) => [e.sourceRef, names(e)]));
  });
});
