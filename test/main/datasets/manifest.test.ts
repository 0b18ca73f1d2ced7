import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonLine } from '../../../main/datasets/manifest/parse';
import { toJsonLine } from '../../../main/datasets/manifest/serialize';
import type { EntryDraft } from '../../../main/db/entry';

// The guide's own examples (guide-notes-1 §4.2–4.3, guide-notes-2 §1.4).
const SUNRISE = {
  'source-ref': 's3://bucket/images/sunrise.png',
  'testdataset-classification_Sunrise': 1,
  'testdataset-classification_Sunrise-metadata': {
    confidence: 1,
    'job-name': 'labeling-job/testdataset-classification_Sunrise',
    'class-name': 'Sunrise',
    'human-annotated': 'yes',
    'creation-date': '2020-03-06T17:46:39.176',
    type: 'groundtruth/image-classification',
  },
};
const SPORTS = {
  'source-ref': 's3://bucket/sports/1.jpg',
  sport0: 0,
  'sport0-metadata': { 'class-name': 'football', confidence: 0.8, type: 'groundtruth/image-classification', 'job-name': 'identify-sport', 'human-annotated': 'yes', 'creation-date': '2018-10-18T22:18:13.527256' },
  sport1: 1,
  'sport1-metadata': { 'class-name': 'ball', confidence: 0.8, type: 'groundtruth/image-classification', 'job-name': 'identify-sport', 'human-annotated': 'yes', 'creation-date': '2018-10-18T22:18:13.527256' },
};
const ECHO = {
  'source-ref': 's3://custom-labels-bucket/images/IMG_1186.png',
  'bounding-box': {
    image_size: [{ width: 640, height: 480, depth: 3 }],
    annotations: [
      { class_id: 1, top: 251, left: 399, width: 155, height: 101 },
      { class_id: 0, top: 65, left: 86, width: 220, height: 334 },
    ],
  },
  'bounding-box-metadata': {
    objects: [{ confidence: 1 }, { confidence: 1 }],
    'class-map': { '0': 'Echo', '1': 'Echo Dot' },
    type: 'groundtruth/object-detection',
    'human-annotated': 'yes',
    'creation-date': '2013-11-18T02:53:27',
    'job-name': 'my job',
  },
};

const parse = (line: unknown): EntryDraft => {
  const parsed = parseJsonLine(JSON.stringify(line));
  assert.ok(parsed.ok, `expected the line to parse: ${parsed.ok ? '' : parsed.code}`);
  return parsed.entry;
};
const codes = (entry: EntryDraft) => entry.errors.map((e) => e.code);
const clone = <T>(value: T): T => structuredClone(value);

describe('parsing Ground Truth JSON lines', () => {
  it('takes the label from class-name, not from the attribute key', () => {
    const entry = parse(SUNRISE);
    assert.deepEqual(entry.labels.map((l) => [l.name, l.attribute, l.humanAnnotated, l.jobName]), [
      ['Sunrise', 'testdataset-classification_Sunrise', 'yes', 'labeling-job/testdataset-classification_Sunrise'],
    ]);
    assert.deepEqual(entry.errors, []);
  });

  it('reads every attribute pair of a multi-label line', () => {
    assert.deepEqual(parse(SPORTS).labels.map((l) => l.name), ['football', 'ball']);
  });

  it('resolves class ids through the line’s own class-map', () => {
    const entry = parse(ECHO);
    assert.deepEqual(
      entry.boxes.map((b) => [b.name, b.left, b.top, b.width, b.height]),
      [
        ['Echo Dot', 399, 251, 155, 101],
        ['Echo', 86, 65, 220, 334],
      ],
    );
    assert.deepEqual(entry.imageSize, { width: 640, height: 480, depth: 3 });
  });

  it('accepts image_size written as an object, as the guide’s COCO example does', () => {
    const line = clone(ECHO) as Record<string, any>;
    line['bounding-box'].image_size = { width: 640, height: 480, depth: 3 };
    assert.equal(parse(line).boxes.length, 2);
  });

  it('treats a bare source-ref as an unlabeled image, not an error', () => {
    const entry = parse({ 'source-ref': 's3://bucket/new.jpg' });
    assert.deepEqual([entry.labels, entry.boxes, entry.errors], [[], [], []]);
  });

  it('drops lines with terminal content errors, each with its code', () => {
    const dropped = (text: string) => {
      const parsed = parseJsonLine(text);
      assert.equal(parsed.ok, false);
      return parsed.ok ? undefined : parsed.code;
    };
    assert.equal(dropped('{"source-ref": "s3://b/x.jpg", '), 'ERROR_INVALID_JSON_LINE');
    assert.equal(dropped('[1, 2]'), 'ERROR_INVALID_JSON_LINE');
    assert.equal(dropped('{"image": "x.jpg"}'), 'ERROR_MISSING_SOURCE_REF');
    assert.equal(dropped('{"source-ref": "https://bucket/x.jpg"}'), 'ERROR_INVALID_SOURCE_REF_FORMAT');
    assert.equal(dropped(JSON.stringify({ 'source-ref': 's3://b/x.jpg', pad: 'x'.repeat(100_000) })), 'ERROR_JSON_LINE_TOO_LONG');
  });

  it('drops only the box that is too small (the guide’s 1×1 example) and keeps the other', () => {
    const line = clone(ECHO) as Record<string, any>;
    line['bounding-box'].annotations[0] = { class_id: 1, top: 0, left: 0, width: 1, height: 1 };
    const entry = parse(line);
    assert.deepEqual(entry.boxes.map((b) => b.name), ['Echo']);
    assert.deepEqual(entry.errors.map((e) => [e.code, e.level, e.annotationIndex]), [['ERROR_BOUNDING_BOX_TOO_SMALL', 'annotation', 0]]);
  });

  it('drops a box with a negative left or one off the frame', () => {
    const line = clone(ECHO) as Record<string, any>;
    line['bounding-box'].annotations[0].left = -3;
    line['bounding-box'].annotations[1].width = 600;
    const entry = parse(line);
    assert.deepEqual(codes(entry), ['ERROR_INVALID_BOUNDING_BOX', 'ERROR_INVALID_BOUNDING_BOX', 'ERROR_NO_VALID_ANNOTATIONS', 'ERROR_NO_VALID_LABEL_ATTRIBUTES']);
    assert.equal(entry.boxes.length, 0);
  });

  it('reports each first-tier metadata problem with its code', () => {
    const missingConfidence = clone(ECHO) as Record<string, any>;
    missingConfidence['bounding-box-metadata'].objects.pop();
    assert.deepEqual(codes(parse(missingConfidence)), ['ERROR_MISSING_BOUNDING_BOX_CONFIDENCE', 'ERROR_NO_VALID_LABEL_ATTRIBUTES']);

    const missingClass = clone(ECHO) as Record<string, any>;
    delete missingClass['bounding-box-metadata']['class-map']['1'];
    assert.deepEqual(codes(parse(missingClass)), ['ERROR_MISSING_CLASS_MAP_ID', 'ERROR_NO_VALID_LABEL_ATTRIBUTES']);

    const wrongType = clone(ECHO) as Record<string, any>;
    wrongType['bounding-box-metadata'].type = 'groundtruth/wrongtype';
    const entry = parse(wrongType);
    assert.deepEqual(codes(entry), ['ERROR_UNSUPPORTED_USE_CASE_TYPE', 'ERROR_NO_VALID_LABEL_ATTRIBUTES']);
    assert.equal(
      entry.errors[0]?.message,
      'The use case type of the bounding-box-metadata label attribute metadata is unsupported. Check the type field.',
    );

    const badValue = clone(SUNRISE) as Record<string, any>;
    badValue['testdataset-classification_Sunrise'] = 'one';
    assert.equal(codes(parse(badValue))[0], 'ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT');

    const badHuman = clone(SUNRISE) as Record<string, any>;
    badHuman['testdataset-classification_Sunrise-metadata']['human-annotated'] = 'maybe';
    assert.equal(codes(parse(badHuman))[0], 'ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT');

    const longName = clone(SUNRISE) as Record<string, any>;
    longName['testdataset-classification_Sunrise-metadata']['class-name'] = 'x'.repeat(257);
    assert.equal(codes(parse(longName))[0], 'ERROR_INVALID_LABEL_NAME_LENGTH');

    assert.deepEqual(codes(parse({ 'source-ref': 's3://b/a.jpg', sport: 1 })), ['ERROR_NO_LABEL_ATTRIBUTES']);
  });

  it('refuses more than 50 boxes on one image', () => {
    const line = clone(ECHO) as Record<string, any>;
    line['bounding-box'].image_size = [{ width: 4000, height: 4000, depth: 3 }];
    line['bounding-box'].annotations = Array.from({ length: 51 }, (_, i) => ({ class_id: 0, top: i * 10, left: 5, width: 8, height: 8 }));
    line['bounding-box-metadata'].objects = Array.from({ length: 51 }, () => ({ confidence: 1 }));
    assert.equal(codes(parse(line))[0], 'ERROR_TOO_MANY_BOUNDING_BOXES');
  });

  it('warns about a human-annotated detection line with no boxes (ignored, not invalid)', () => {
    const line = clone(ECHO) as Record<string, any>;
    line['bounding-box'].annotations = [];
    line['bounding-box-metadata'].objects = [];
    line['bounding-box-metadata']['class-map'] = {};
    assert.deepEqual(codes(parse(line)), ['WARNING_NO_ATTRIBUTE_ANNOTATIONS', 'WARNING_NO_ANNOTATIONS']);
  });
});

describe('writing JSON lines back', () => {
  for (const [name, line] of Object.entries({ SUNRISE, SPORTS, ECHO })) {
    it(`gives back the ${name} example field for field`, () => {
      assert.deepEqual(toJsonLine(parse(line), { withErrors: false }), line);
    });
  }

  it('keeps unknown fields of the line and of its metadata', () => {
    const line = { ...clone(SUNRISE), 'my-note': { reviewed: true } } as Record<string, any>;
    line['testdataset-classification_Sunrise-metadata']['reviewer'] = 'kim';
    assert.deepEqual(toJsonLine(parse(line), { withErrors: false }), line);
  });

  it('puts errors where the guide does: on the annotation, on the metadata and at the top', () => {
    const small = clone(ECHO) as Record<string, any>;
    small['bounding-box'].annotations[0] = { class_id: 1, top: 0, left: 0, width: 1, height: 1 };
    const out = toJsonLine(parse(small), { withErrors: true }) as Record<string, any>;
    assert.deepEqual(out['bounding-box'].annotations[0], {
      class_id: 1, top: 0, left: 0, width: 1, height: 1,
      errors: [{ code: 'ERROR_BOUNDING_BOX_TOO_SMALL', message: 'The height and width of the bounding box is too small.' }],
    });
    assert.deepEqual(out['bounding-box'].annotations[1], ECHO['bounding-box'].annotations[1]);

    const wrongType = clone(ECHO) as Record<string, any>;
    wrongType['bounding-box-metadata'].type = 'groundtruth/wrongtype';
    const typed = toJsonLine(parse(wrongType), { withErrors: true }) as Record<string, any>;
    assert.equal(typed['bounding-box-metadata'].errors[0].code, 'ERROR_UNSUPPORTED_USE_CASE_TYPE');
    assert.equal(typed.errors[0].code, 'ERROR_NO_VALID_LABEL_ATTRIBUTES');
    assert.equal(typed['bounding-box-metadata'].type, 'groundtruth/wrongtype');
  });

  it('does not carry old validation results into a re-import', () => {
    const exported = toJsonLine(parse({ ...clone(ECHO), errors: [{ code: 'X', message: 'old' }] }), { withErrors: false });
    assert.deepEqual(exported, ECHO);
  });
});
