import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { EntryDraft } from '../../../../main/db/entry';
import { parseCoco, toCoco } from '../../../../main/datasets/formats';
import { parseJsonLine } from '../../../../main/datasets/manifest/parse';
import { toJsonLine } from '../../../../main/datasets/manifest/serialize';

const NOW = '2024-05-01T12:00:00.000Z';
const FOLDER = resolve('/data/coco/images');

// Ids from 0, as facemask-coco writes them; image 2 has no annotations.
const COCO = {
  info: {},
  licenses: [],
  categories: [
    { id: 0, name: 'mask_weared_incorrect', supercategory: 'N/A' },
    { id: 1, name: 'with_mask', supercategory: 'N/A' },
    { id: 2, name: 'never_used', supercategory: 'N/A' },
  ],
  images: [
    { id: 0, file_name: 'a_png.rf.1.jpg', width: 400, height: 225 },
    { id: 1, file_name: 'sub/b.jpg', width: 640, height: 480 },
    { id: 2, file_name: 'c.jpg', width: 100, height: 100 },
  ],
  annotations: [
    { id: 0, image_id: 0, category_id: 0, bbox: [76, 68, 53, 43], area: 2279, iscrowd: 0 },
    { id: 1, image_id: 0, category_id: 1, bbox: [279.5, 53, 49, 45.25], area: 2205, iscrowd: 0 },
    { id: 2, image_id: 1, category_id: 1, bbox: [10, 20, 30, 40] },
    { id: 3, image_id: 1, category_id: 7, bbox: [1, 2, 3, 4] },
    { id: 4, image_id: 9, category_id: 1, bbox: [1, 2, 3, 4] },
    { id: 5, image_id: 1, category_id: 1, bbox: [5, 5, 0, 10] },
    { id: 6, image_id: 1, category_id: 1, bbox: [5, 5, -3, 10] },
    { id: 7, image_id: 1, category_id: 1, bbox: 'nope' },
    'not an object',
  ],
};

describe('when a COCO file has ids from 0, a bad category id, a zero-area box and an image without annotations', () => {
  const result = parseCoco(JSON.stringify(COCO), { imagesFolder: FOLDER, fileName: 'custom_train.json', now: NOW });

  it('makes one entry per image, in file order, the unannotated one included', () => {
    assert.deepEqual(
      result.entries.map((e) => e.sourceRef),
      [resolve(FOLDER, 'a_png.rf.1.jpg'), resolve(FOLDER, 'sub/b.jpg'), resolve(FOLDER, 'c.jpg')],
    );
    assert.deepEqual(result.entries[2]!.boxes, []);
    assert.deepEqual(result.entries[2]!.labels, []);
  });

  it('reads the image no annotation names as labeled with no objects, written as Ground Truth writes zero boxes', () => {
    const background = result.entries[2]!;
    assert.deepEqual(
      background.errors.map((e) => [e.level, e.code]),
      [
        ['label_attribute', 'WARNING_NO_ATTRIBUTE_ANNOTATIONS'],
        ['image', 'WARNING_NO_ANNOTATIONS'],
      ],
    );
    const line = toJsonLine(background, { withErrors: false }) as Record<string, unknown>;
    assert.deepEqual(line['bounding-box'], { image_size: [{ width: 100, height: 100, depth: 3 }], annotations: [] });
    const metadata = line['bounding-box-metadata'] as Record<string, unknown>;
    assert.deepEqual([metadata.objects, metadata['class-map'], metadata.type, metadata['human-annotated']], [[], {}, 'groundtruth/object-detection', 'yes']);
    // Read back, the line says the same: an empty attribute a person annotated.
    const parsed = parseJsonLine(JSON.stringify(line));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.entry.boxes, []);
    assert.deepEqual(parsed.entry.errors.map((e) => e.code).sort(), ['WARNING_NO_ANNOTATIONS', 'WARNING_NO_ATTRIBUTE_ANNOTATIONS']);
    // Images with annotations carry no such warning, even where some were refused.
    assert.deepEqual(result.entries[1]!.errors, []);
  });

  it('maps bbox [x, y, w, h] to left, top, width, height with the category name of id 0', () => {
    const [first, second] = result.entries[0]!.boxes;
    assert.deepEqual(first, {
      name: 'mask_weared_incorrect',
      left: 76,
      top: 68,
      width: 53,
      height: 43,
      attribute: 'bounding-box',
      confidence: 1,
      humanAnnotated: 'yes',
      creationDate: NOW,
    });
    assert.deepEqual([second!.name, second!.left, second!.top, second!.width, second!.height], ['with_mask', 279.5, 53, 49, 45.25]);
    assert.equal(first!.jobName, undefined);
  });

  it('takes the image size from width and height with depth 3', () => {
    assert.deepEqual(result.entries[1]!.imageSize, { width: 640, height: 480, depth: 3 });
  });

  it('gives entries that write and read back as valid Ground Truth lines', () => {
    const entry = result.entries[0]!;
    const line = toJsonLine(entry, { withErrors: false });
    const parsed = parseJsonLine(JSON.stringify(line));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.entry.errors, []);
    assert.deepEqual(parsed.entry.boxes, entry.boxes);
    assert.deepEqual(parsed.entry.imageSize, entry.imageSize);
  });

  it('declares every category, used or not', () => {
    assert.deepEqual(result.labels, ['mask_weared_incorrect', 'with_mask', 'never_used']);
  });

  it('reports each bad annotation and keeps the good ones', () => {
    assert.equal(result.entries[1]!.boxes.length, 1);
    assert.deepEqual(
      result.problems.map((p) => [p.where, p.code]),
      [
        ['custom_train.json: annotations[3] (id 3)', 'UNKNOWN_CATEGORY'],
        ['custom_train.json: annotations[4] (id 4)', 'UNKNOWN_IMAGE_ID'],
        ['custom_train.json: annotations[5] (id 5)', 'ZERO_AREA_BOX'],
        ['custom_train.json: annotations[6] (id 6)', 'INVALID_BOX'],
        ['custom_train.json: annotations[7] (id 7)', 'INVALID_BOX'],
        ['custom_train.json: annotations[8]', 'MALFORMED_RECORD'],
      ],
    );
  });
});

describe('when every annotation of an image is refused', () => {
  it('leaves the image unlabeled rather than calling it background', () => {
    const coco = {
      categories: [{ id: 1, name: 'pitting' }],
      images: [
        { id: 1, file_name: 'refused.jpg', width: 50, height: 50 },
        { id: 2, file_name: 'clean.jpg', width: 50, height: 50 },
      ],
      annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 0, 0] }],
    };
    const [refused, clean] = parseCoco(JSON.stringify(coco), { imagesFolder: FOLDER, now: NOW }).entries;
    assert.deepEqual(refused!.errors, []);
    assert.equal(refused!.extra, undefined);
    assert.deepEqual(clean!.errors.map((e) => e.code), ['WARNING_NO_ATTRIBUTE_ANNOTATIONS', 'WARNING_NO_ANNOTATIONS']);
  });
});

describe('when COCO records repeat or lack fields', () => {
  const coco = {
    categories: [{ id: 1, name: 'cat' }, { id: 1, name: 'dog' }, { name: 'no id' }],
    images: [
      { id: 1, file_name: 'a.jpg' },
      { id: 1, file_name: 'b.jpg', width: 10, height: 10 },
      { id: 2, file_name: 'a.jpg', width: 10, height: 10 },
      { file_name: 'no-id.jpg' },
    ],
    annotations: [
      { image_id: 1, category_id: 1, bbox: [0, 0, 5, 5] },
      { image_id: 2, category_id: 1, bbox: [1, 1, 5, 5] },
    ],
  };
  const result = parseCoco(JSON.stringify(coco), { imagesFolder: FOLDER, now: NOW });

  it('keeps the first of a repeated id and merges a repeated file into its first listing', () => {
    assert.equal(result.entries.length, 1);
    assert.equal(result.entries[0]!.boxes.length, 2);
    assert.deepEqual(result.labels, ['cat']);
    assert.deepEqual(
      result.problems.map((p) => p.code),
      ['DUPLICATE_ID', 'MALFORMED_RECORD', 'MISSING_IMAGE_SIZE', 'DUPLICATE_ID', 'DUPLICATE_IMAGE', 'MALFORMED_RECORD'],
    );
    assert.equal(result.entries[0]!.imageSize, undefined);
  });
});

describe('when a COCO file cannot be read at all', () => {
  it('throws an error naming the file for invalid JSON', () => {
    assert.throws(() => parseCoco('{"images": [', { imagesFolder: FOLDER, fileName: 'broken.json' }), /^FormatFileError: broken\.json: is not valid JSON/);
  });
  it('throws for JSON that is not COCO', () => {
    assert.throws(() => parseCoco('[1, 2]', { imagesFolder: FOLDER, fileName: 'list.json' }), /list\.json: has no "images" array/);
    assert.throws(() => parseCoco('{"images": [], "annotations": {}}', { imagesFolder: FOLDER, fileName: 'x.json' }), /x\.json: has a "annotations" that is not an array/);
  });
});

describe('when entries are exported to COCO and imported again', () => {
  const entries: EntryDraft[] = [
    {
      sourceRef: resolve(FOLDER, 'one.jpg'),
      imageSize: { width: 640, height: 480, depth: 3 },
      labels: [{ name: 'outdoor', attribute: 'outdoor' }],
      boxes: [
        { name: 'zebra', left: 10, top: 20, width: 30.5, height: 40, attribute: 'bounding-box' },
        { name: 'ant', left: 0, top: 0, width: 640, height: 480, attribute: 'bounding-box' },
      ],
      errors: [],
    },
    { sourceRef: resolve(FOLDER, 'two.png'), imageSize: { width: 20, height: 10, depth: 3 }, labels: [], boxes: [], errors: [] },
  ];
  const exported = toCoco(entries, { imagePathOf: (e) => e.sourceRef.slice(FOLDER.length + 1), now: NOW });
  const json = JSON.parse(exported.text) as {
    categories: { id: number; name: string }[];
    images: { id: number; file_name: string; width: number; height: number }[];
    annotations: { id: number; image_id: number; category_id: number; bbox: number[]; area: number; iscrowd: number }[];
  };

  it('numbers categories (sorted names), images and annotations from 1', () => {
    assert.deepEqual(json.categories.map((c) => [c.id, c.name]), [[1, 'ant'], [2, 'zebra']]);
    assert.deepEqual(json.images, [
      { id: 1, file_name: 'one.jpg', width: 640, height: 480 },
      { id: 2, file_name: 'two.png', width: 20, height: 10 },
    ]);
    assert.deepEqual(json.annotations.map((a) => [a.id, a.image_id, a.category_id, a.bbox, a.area, a.iscrowd]), [
      [1, 1, 2, [10, 20, 30.5, 40], 1220, 0],
      [2, 1, 1, [0, 0, 640, 480], 307200, 0],
    ]);
  });

  it('reports image-level labels as skipped', () => {
    assert.deepEqual(exported.skipped.map((s) => [s.kind, s.name]), [['label', 'outdoor']]);
  });

  it('gives back the same boxes and sizes', () => {
    const back = parseCoco(exported.text, { imagesFolder: FOLDER, now: NOW });
    assert.deepEqual(back.problems, []);
    assert.deepEqual(back.entries.map((e) => e.sourceRef), entries.map((e) => e.sourceRef));
    assert.deepEqual(back.entries.map((e) => e.imageSize), entries.map((e) => e.imageSize));
    const boxes = (list: EntryDraft[]) => list.map((e) => e.boxes.map(({ name, left, top, width, height }) => ({ name, left, top, width, height })));
    assert.deepEqual(boxes(back.entries), boxes(entries));
  });
});
