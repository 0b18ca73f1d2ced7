import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { EntryDraft } from '../../../../main/db/entry';
import { FormatFileError, parseVoc, parseVocFolder, toVoc } from '../../../../main/datasets/formats';
import { parseXml } from '../../../../main/datasets/formats/xml';

const NOW = '2024-05-01T12:00:00.000Z';
const FOLDER = resolve('/data/voc/JPEGImages');

const voc = (filename: string, objects: string, size = '<size><width>200</width><height>100</height><depth>1</depth></size>') =>
  `<?xml version="1.0" encoding="utf-8"?>
<!-- written by hand -->
<annotation verified="yes">
	<folder>images</folder>
	<filename>${filename}</filename>
	<path>/Users/someone/elsewhere/${filename}</path>
	${size}
	<segmented>0</segmented>
	${objects}
</annotation>
`;
const object = (name: string, xmin: number | string, ymin: number | string, xmax: number | string, ymax: number | string) =>
  `<object><name>${name}</name><pose>Unspecified</pose><truncated>0</truncated><difficult>1</difficult>
		<bndbox><xmin>${xmin}</xmin><ymin>${ymin}</ymin><xmax>${xmax}</xmax><ymax>${ymax}</ymax></bndbox></object>`;

describe('when a VOC file describes boxes', () => {
  const xml = voc('crazing_1.jpg', object('crazing', 2, 3, 193, 194) + object(' scratches\n', 10.5, 0, 20, 100));
  const result = parseVoc(xml, { imagesFolder: FOLDER, fileName: 'crazing_1.xml', now: NOW });

  it('keeps xmin/ymin as left/top and the differences as width/height, numbers as written', () => {
    const entry = result.entries[0]!;
    assert.equal(entry.sourceRef, resolve(FOLDER, 'crazing_1.jpg'));
    assert.deepEqual(entry.boxes[0], {
      name: 'crazing',
      left: 2,
      top: 3,
      width: 191,
      height: 191,
      attribute: 'bounding-box',
      confidence: 1,
      humanAnnotated: 'yes',
      creationDate: NOW,
    });
    assert.deepEqual(entry.boxes.map((b) => [b.name, b.left, b.top, b.width, b.height]).at(1), ['scratches', 10.5, 0, 9.5, 100]);
  });

  it('ignores the depth the XML states and records 3', () => {
    assert.deepEqual(result.entries[0]!.imageSize, { width: 200, height: 100, depth: 3 });
  });

  it('lists the labels used, in order of first use', () => {
    assert.deepEqual(result.labels, ['crazing', 'scratches']);
    assert.deepEqual(result.problems, []);
  });
});

describe('when VOC names hold XML entities', () => {
  it('decodes &amp;, &lt;, numeric references and CDATA', () => {
    const xml = voc('salt &amp; pepper.jpg', object('R&amp;D &lt;1&gt; &#233;t&#xE9;', 0, 0, 5, 5) + object('<![CDATA[a<b & c]]>', 1, 1, 4, 4));
    const result = parseVoc(xml, { imagesFolder: FOLDER, fileName: 'x.xml', now: NOW });
    assert.equal(result.entries[0]!.sourceRef, resolve(FOLDER, 'salt & pepper.jpg'));
    assert.deepEqual(result.labels, ['R&D <1> été', 'a<b & c']);
  });
});

describe('when a VOC file has bad objects', () => {
  const xml = voc(
    'BloodImage_00338.jpg',
    object('RBC', 453, 81, 555, 182) +
      object('RBC', 504, 337, 504, 337) +
      object('RBC', 50, 50, 40, 60) +
      object('WBC', '', 1, 2, 3) +
      '<object><name>Platelets</name></object><object><bndbox><xmin>1</xmin></bndbox></object>',
  );
  const result = parseVoc(xml, { imagesFolder: FOLDER, fileName: 'BloodImage_00338.xml', now: NOW });

  it('keeps the good box and reports the others by object number', () => {
    assert.equal(result.entries[0]!.boxes.length, 1);
    assert.deepEqual(
      result.problems.map((p) => [p.where, p.code]),
      [
        ['BloodImage_00338.xml: object 2 (RBC)', 'ZERO_AREA_BOX'],
        ['BloodImage_00338.xml: object 3 (RBC)', 'INVALID_BOX'],
        ['BloodImage_00338.xml: object 4 (WBC)', 'INVALID_BOX'],
        ['BloodImage_00338.xml: object 5 (Platelets)', 'MALFORMED_RECORD'],
        ['BloodImage_00338.xml: object 6', 'MALFORMED_RECORD'],
      ],
    );
    assert.deepEqual(result.labels, ['RBC']);
  });

  it('reports a missing size and leaves the entry without one', () => {
    const noSize = parseVoc(voc('a.jpg', object('x', 0, 0, 5, 5), '<size><width>0</width><height></height></size>'), {
      imagesFolder: FOLDER,
      fileName: 'a.xml',
    });
    assert.equal(noSize.entries[0]!.imageSize, undefined);
    assert.deepEqual(noSize.problems.map((p) => p.code), ['MISSING_IMAGE_SIZE']);
  });
});

describe('when <filename> has no extension (neu-det)', () => {
  const xml = voc('patches_104', object('patches', 1, 1, 50, 50));

  it('finds the image by stem among the files of the images folder', () => {
    const imageFiles = new Set(['patches_103.jpg', 'patches_104.jpg', 'patches_104.txt']);
    const result = parseVoc(xml, { imagesFolder: FOLDER, fileName: 'patches_104.xml', imageFiles });
    assert.equal(result.entries[0]!.sourceRef, resolve(FOLDER, 'patches_104.jpg'));
  });

  it('falls back to the XML file stem, then matches extensions ignoring case', () => {
    const result = parseVoc(voc('', object('patches', 1, 1, 50, 50)), {
      imagesFolder: FOLDER,
      fileName: 'patches_7.xml',
      imageFiles: new Set(['patches_7.PNG']),
    });
    assert.equal(result.entries[0]!.sourceRef, resolve(FOLDER, 'patches_7.PNG'));
  });

  it('finds an image whose extension differs from the one written', () => {
    const result = parseVoc(voc('photo.png', ''), { imagesFolder: FOLDER, fileName: 'photo.xml', imageFiles: new Set(['photo.jpeg']) });
    assert.equal(result.entries[0]!.sourceRef, resolve(FOLDER, 'photo.jpeg'));
  });

  it('reports the file when no image matches, or when no file list is given', () => {
    const missing = parseVoc(xml, { imagesFolder: FOLDER, fileName: 'patches_104.xml', imageFiles: new Set(['other.jpg']) });
    assert.deepEqual(missing.entries, []);
    assert.deepEqual(missing.problems.map((p) => [p.where, p.code]), [['patches_104.xml', 'IMAGE_NOT_FOUND']]);
    const unlisted = parseVoc(xml, { imagesFolder: FOLDER, fileName: 'patches_104.xml' });
    assert.deepEqual(unlisted.problems.map((p) => p.code), ['IMAGE_NOT_FOUND']);
  });
});

describe('when a VOC file is not readable XML', () => {
  it('throws a FormatFileError naming the file and the line', () => {
    assert.throws(
      () => parseVoc('<annotation>\n<filename>a.jpg</name>\n</annotation>', { imagesFolder: FOLDER, fileName: 'bad.xml' }),
      (error: unknown) => error instanceof FormatFileError && /^bad\.xml: is not well-formed XML: <\/name> closes <filename> \(line 2\)/.test(error.message),
    );
    assert.throws(() => parseVoc('<annotation>', { imagesFolder: FOLDER, fileName: 'cut.xml' }), /cut\.xml: .*never closed/);
    assert.throws(() => parseVoc('<coco/>', { imagesFolder: FOLDER, fileName: 'other.xml' }), /other\.xml: has the root element <coco>/);
  });
});

describe('the XML reader', () => {
  it('reads attributes, self-closing elements, comments and a DOCTYPE without expanding its entities', () => {
    const root = parseXml(`\uFEFF<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "boom">]><a k='v &amp; w' n="2"><b/><!-- c --><c>&x; t</c></a>`);
    assert.deepEqual(root.attributes, { k: 'v & w', n: '2' });
    assert.deepEqual(root.children.map((c) => c.name), ['b', 'c']);
    assert.equal(root.children[1]!.text, '&x; t');
  });

  it('refuses content after the root and unquoted attributes', () => {
    assert.throws(() => parseXml('<a></a><b></b>'), /Content after the root element/);
    assert.throws(() => parseXml('<a k=v></a>'), /not quoted/);
  });

  it('reads deeply nested documents without recursion', () => {
    const depth = 20_000;
    const root = parseXml(`${'<n>'.repeat(depth)}${'</n>'.repeat(depth)}`);
    assert.equal(root.name, 'n');
  });
});

describe('when a folder of VOC files is imported', () => {
  const root = mkdtempSync(join(tmpdir(), 'loupe-voc-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const annotations = join(root, 'Annotations');
  const images = join(root, 'JPEGImages');
  mkdirSync(annotations);
  mkdirSync(images);
  for (const name of ['img_2.jpg', 'img_10.jpg', 'noext.jpg', 'lonely.jpg']) writeFileSync(join(images, name), '');
  writeFileSync(join(annotations, 'img_10.xml'), voc('img_10.jpg', object('dog', 0, 0, 10, 10)));
  writeFileSync(join(annotations, 'img_2.xml'), voc('img_2.jpg', object('cat', 0, 0, 10, 10)));
  writeFileSync(join(annotations, 'noext.xml'), voc('noext', object('cat', 1, 1, 10, 10)));
  writeFileSync(join(annotations, 'again.xml'), voc('img_2.jpg', object('bird', 2, 2, 10, 10)));
  writeFileSync(join(annotations, 'broken.xml'), '<annotation><filename>x.jpg</annotation>');
  writeFileSync(join(annotations, 'notes.txt'), 'not an annotation');

  it('reads every XML in natural order, merges repeats and reports unreadable files without stopping', async () => {
    const result = await parseVocFolder(annotations, { imagesFolder: images, now: NOW });
    assert.deepEqual(
      result.entries.map((e) => [e.sourceRef, e.boxes.map((b) => b.name)]),
      [
        [join(images, 'img_2.jpg'), ['bird', 'cat']],
        [join(images, 'img_10.jpg'), ['dog']],
        [join(images, 'noext.jpg'), ['cat']],
      ],
    );
    assert.deepEqual(result.labels, ['bird', 'cat', 'dog']);
    assert.deepEqual(result.problems.map((p) => [p.where, p.code]), [
      ['broken.xml', 'UNREADABLE_FILE'],
      ['img_2.xml', 'DUPLICATE_IMAGE'],
    ]);
  });

  it('throws when the annotations folder does not exist', async () => {
    await assert.rejects(parseVocFolder(join(root, 'missing'), { imagesFolder: images }), FormatFileError);
  });
});

describe('when an entry is exported to VOC and imported again', () => {
  const entry: EntryDraft = {
    sourceRef: resolve(FOLDER, 'A&B <1>.jpg'),
    imageSize: { width: 640, height: 480, depth: 3 },
    labels: [{ name: 'indoor', attribute: 'indoor' }],
    boxes: [
      { name: 'Tom & "Jerry"', left: 10, top: 20, width: 30.25, height: 40, attribute: 'bounding-box' },
      { name: "it's <x>", left: 0, top: 0, width: 640, height: 480, attribute: 'bounding-box' },
    ],
    errors: [],
  };
  const exported = toVoc(entry, { imagePathOf: () => 'A&B <1>.jpg', folder: 'JPEGImages' });

  it('escapes names and paths', () => {
    assert.match(exported.text, /<filename>A&amp;B &lt;1&gt;\.jpg<\/filename>/);
    assert.match(exported.text, /<name>Tom &amp; &quot;Jerry&quot;<\/name>/);
    assert.match(exported.text, /<xmax>40\.25<\/xmax>/);
    assert.deepEqual(exported.skipped.map((s) => [s.kind, s.name]), [['label', 'indoor']]);
  });

  it('gives back the same boxes, size and image', () => {
    const back = parseVoc(exported.text, { imagesFolder: FOLDER, fileName: 'A&B <1>.xml', now: NOW });
    assert.deepEqual(back.problems, []);
    assert.equal(back.entries[0]!.sourceRef, entry.sourceRef);
    assert.deepEqual(back.entries[0]!.imageSize, entry.imageSize);
    const plain = (e: EntryDraft) => e.boxes.map(({ name, left, top, width, height }) => ({ name, left, top, width, height }));
    assert.deepEqual(plain(back.entries[0]!), plain(entry));
  });
});
