import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { EntryDraft } from '../../../../main/db/entry';
import { FormatFileError, parseYolo, parseYoloLabels, readYoloClassNames, toYolo } from '../../../../main/datasets/formats';

const NOW = '2024-05-01T12:00:00.000Z';

describe('when a YOLO label file is read', () => {
  const text = [
    '0 0.5 0.5 0.25 0.5',
    '',
    '1 0.1 0.2 0.2 0.4   ',
    '2 0.5 0.5 0.1 0.1',
    '-1 0.5 0.5 0.1 0.1',
    '0.5 0.5 0.5 0.1 0.1',
    '0 0.5 0.5 0.1',
    '0 0.5 zero 0.1 0.1',
    '0 0.5 0.5 0 0.1',
    '1 0.5 0.5 0.1 0.1 0.9',
  ].join('\r\n');
  const result = parseYoloLabels(text, { fileName: 'img.txt', classNames: ['cat', 'dog'], imageSize: { width: 200, height: 100 }, now: NOW });

  it('turns normalised centre and size into pixels of the image', () => {
    assert.deepEqual(result.boxes[0], {
      name: 'cat',
      left: 75,
      top: 25,
      width: 50,
      height: 50,
      attribute: 'bounding-box',
      confidence: 1,
      humanAnnotated: 'yes',
      creationDate: NOW,
    });
    const dog = result.boxes[1]!;
    assert.equal(dog.name, 'dog');
    for (const [actual, expected] of [
      [dog.left, 0],
      [dog.top, 0],
      [dog.width, 40],
      [dog.height, 40],
    ] as const) {
      assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≈ ${expected}`);
    }
    assert.equal(result.boxes.length, 2);
  });

  it('reports out-of-range classes and malformed lines by line number', () => {
    assert.deepEqual(
      result.problems.map((p) => [p.where, p.code]),
      [
        ['img.txt: line 4', 'CLASS_OUT_OF_RANGE'],
        ['img.txt: line 5', 'CLASS_OUT_OF_RANGE'],
        ['img.txt: line 6', 'CLASS_OUT_OF_RANGE'],
        ['img.txt: line 7', 'MALFORMED_RECORD'],
        ['img.txt: line 8', 'MALFORMED_RECORD'],
        ['img.txt: line 9', 'ZERO_AREA_BOX'],
        ['img.txt: line 10', 'MALFORMED_RECORD'],
      ],
    );
    assert.match(result.problems[0]!.message, /The class 2 is not an index into the 2 class names \(0–1\)/);
  });
});

describe('when YOLO class names are read', () => {
  it('reads classes.txt and obj.names one name per line, skipping blank lines', () => {
    assert.deepEqual(readYoloClassNames('\uFEFFcat\r\ndog \n\nhot dog\n', 'classes.txt'), ['cat', 'dog', 'hot dog']);
    assert.deepEqual(readYoloClassNames('a\nb', 'obj.names'), ['a', 'b']);
  });

  it('reads a data.yaml names: flow list, block list or index map', () => {
    const flow = "path: ../datasets\ntrain: images/train\nnc: 3\nnames: ['cat', \"dog, big\", it''s] # three\n";
    assert.deepEqual(readYoloClassNames(flow, 'data.yaml'), ['cat', 'dog, big', "it''s"]);
    assert.deepEqual(readYoloClassNames("names: ['a',\n  'b']\n", 'data.yaml'), ['a', 'b']);
    const block = 'nc: 2\nnames:\n  - cat # pet\n  - "dog"\nval: images/val\n';
    assert.deepEqual(readYoloClassNames(block, 'data.yml'), ['cat', 'dog']);
    const map = "names:\n  1: dog\n  0: 'cat'\ntest: x\n";
    assert.deepEqual(readYoloClassNames(map, 'data.yaml'), ['cat', 'dog']);
    assert.deepEqual(readYoloClassNames('names: {0: cat, 1: dog}', 'data.yaml'), ['cat', 'dog']);
  });

  it('throws naming the file when no names are declared', () => {
    assert.throws(() => readYoloClassNames('\n\n', 'classes.txt'), /classes\.txt: declares no class names/);
    assert.throws(() => readYoloClassNames('nc: 2\n', 'data.yaml'), /data\.yaml: has no top-level "names:" key/);
    assert.throws(() => readYoloClassNames('names:\n  0: a\n  2: c\n', 'data.yaml'), /data\.yaml: has no name for class 1/);
    assert.throws(() => readYoloClassNames('names: [a, b\n', 'data.yaml'), FormatFileError);
  });
});

describe('when a YOLO folder pair is imported', () => {
  const root = mkdtempSync(join(tmpdir(), 'loupe-yolo-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const images = join(root, 'images');
  const labels = join(root, 'labels');
  const write = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  write(join(labels, 'a.txt'), '0 0.5 0.5 0.5 0.5\n');
  write(join(labels, 'train', 'b.txt'), '1 0.5 0.5 1 1\nbad line\n');
  write(join(labels, 'orphan.txt'), '0 0.5 0.5 0.5 0.5\n');
  write(join(labels, 'classes.txt'), 'cat\ndog\n');
  write(join(labels, 'unsized.txt'), '0 0.5 0.5 0.5 0.5\n');

  it('makes one entry per image, unlabeled when it has no .txt, and reports orphans and bad lines', async () => {
    const imageSizes = new Map([
      ['a.jpg', { width: 100, height: 100 }],
      [join(images, 'train', 'b.png'), { width: 40, height: 20 }],
      ['c.jpg', { width: 10, height: 10 }],
      ['unsized.jpg', { width: 0, height: 0 }],
    ]);
    const result = await parseYolo({ labelsFolder: labels, imagesFolder: images, classNames: ['cat', 'dog', 'spare'], imageSizes, now: NOW });
    assert.deepEqual(
      result.entries.map((e) => [e.sourceRef, e.boxes.map((b) => [b.name, b.left, b.top, b.width, b.height])]),
      [
        [join(images, 'a.jpg'), [['cat', 25, 25, 50, 50]]],
        [join(images, 'train', 'b.png'), [['dog', 0, 0, 40, 20]]],
        [join(images, 'c.jpg'), []],
        [join(images, 'unsized.jpg'), []],
      ],
    );
    assert.deepEqual(result.entries[1]!.imageSize, { width: 40, height: 20, depth: 3 });
    assert.equal(result.entries[3]!.imageSize, undefined);
    assert.deepEqual(result.labels, ['cat', 'dog', 'spare']);
    assert.deepEqual(
      result.problems.map((p) => [p.where, p.code]),
      [
        ['train/b.txt: line 2', 'MALFORMED_RECORD'],
        ['unsized.txt', 'MISSING_IMAGE_SIZE'],
        ['orphan.txt', 'IMAGE_NOT_FOUND'],
      ],
    );
  });

  it('throws when the labels folder does not exist', async () => {
    await assert.rejects(
      parseYolo({ labelsFolder: join(root, 'nope'), imagesFolder: images, classNames: ['a'], imageSizes: new Map() }),
      FormatFileError,
    );
  });
});

describe('when entries are exported to YOLO and imported again', () => {
  const root = mkdtempSync(join(tmpdir(), 'loupe-yolo-rt-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const images = join(root, 'images');
  const entries: EntryDraft[] = [
    {
      sourceRef: join(images, 'one.jpg'),
      imageSize: { width: 641, height: 479, depth: 3 },
      labels: [{ name: 'outdoor', attribute: 'outdoor' }],
      boxes: [
        { name: 'zebra', left: 10.3, top: 20.7, width: 33.1, height: 41.9, attribute: 'bounding-box' },
        { name: 'ant', left: 1, top: 2, width: 3, height: 4, attribute: 'bounding-box' },
        { name: 'zebra', left: 600, top: 400, width: 41, height: 79, attribute: 'bounding-box' },
      ],
      errors: [],
    },
    { sourceRef: join(images, 'sub', 'two.png'), imageSize: { width: 13, height: 7, depth: 3 }, labels: [], boxes: [], errors: [] },
    {
      sourceRef: join(images, 'three.jpg'),
      labels: [],
      boxes: [{ name: 'ant', left: 1, top: 1, width: 2, height: 2, attribute: 'bounding-box' }],
      errors: [],
    },
  ];
  const exported = toYolo(entries, { imagePathOf: (e) => e.sourceRef.slice(images.length + 1) });

  it('writes sorted class names and one file per sized image', () => {
    assert.equal(exported.classesText, 'ant\nzebra\n');
    assert.deepEqual(exported.files.map((f) => f.path), ['one.txt', join('sub', 'two.txt')]);
    assert.equal(exported.files[1]!.text, '');
    assert.deepEqual(exported.skipped.map((s) => [s.kind, s.name]), [['label', 'outdoor'], ['box', 'ant']]);
  });

  it('gives back the same boxes within 1e-6 px', async () => {
    const labels = join(root, 'labels');
    for (const file of exported.files) {
      mkdirSync(dirname(join(labels, file.path)), { recursive: true });
      writeFileSync(join(labels, file.path), file.text);
    }
    writeFileSync(join(labels, 'classes.txt'), exported.classesText);
    const classNames = readYoloClassNames(exported.classesText, 'classes.txt');
    const sized = entries.filter((e) => e.imageSize);
    const imageSizes = new Map(sized.map((e) => [e.sourceRef, { width: e.imageSize!.width, height: e.imageSize!.height }]));
    const back = await parseYolo({ labelsFolder: labels, imagesFolder: images, classNames, imageSizes, now: NOW });
    assert.deepEqual(back.problems, []);
    back.entries.forEach((entry, i) => {
      const original = sized[i]!;
      assert.equal(entry.sourceRef, original.sourceRef);
      assert.equal(entry.boxes.length, original.boxes.length);
      entry.boxes.forEach((box, j) => {
        const want = original.boxes[j]!;
        assert.equal(box.name, want.name);
        for (const key of ['left', 'top', 'width', 'height'] as const) {
          assert.ok(Math.abs(box[key] - want[key]) < 1e-6, `${key}: ${box[key]} vs ${want[key]}`);
        }
      });
    });
  });
});
