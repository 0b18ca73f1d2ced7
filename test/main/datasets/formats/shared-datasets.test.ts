/**
 * The converters against the real annotation files in ../shared/datasets (see its README for the
 * counts and traps). Skipped when that folder is absent, so a fresh clone still passes. Reads
 * annotation files only; no image is decoded. Expected numbers come from the README or are counted
 * here independently of the parsers (raw `<object>` and `"bbox"` occurrences, raw CSV lines).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import type { EntryDraft } from '../../../../main/db/entry';
import { parseBoxCsv, parseCoco, parseLabelListCsv, parseVocFolder, type FormatImport } from '../../../../main/datasets/formats';

const DATASETS = join(import.meta.dirname, '../../../../../shared/datasets');
const skip = existsSync(join(DATASETS, 'README.md')) ? false : `shared datasets not present: ${DATASETS}`;
const NOW = '2024-05-01T12:00:00.000Z';

const countBoxes = (result: FormatImport) => result.entries.reduce((n, e) => n + e.boxes.length, 0);
const occurrences = (text: string, needle: string) => text.split(needle).length - 1;
const xmlTexts = (folder: string) =>
  readdirSync(folder)
    .filter((name) => name.endsWith('.xml'))
    .map((name) => readFileSync(join(folder, name), 'utf8'));
/** Image → sorted box descriptions, to compare two imports of the same set. */
const boxesByImage = (entries: EntryDraft[]) =>
  new Map(entries.map((e) => [e.sourceRef, e.boxes.map((b) => `${b.name} ${b.left} ${b.top} ${b.width} ${b.height}`).sort()]));
const assertImagesExist = (entries: EntryDraft[]) => {
  const missing = entries.filter((e) => !existsSync(e.sourceRef)).map((e) => e.sourceRef);
  assert.deepEqual(missing, []);
};

describe('the shared real datasets', { skip }, () => {
  describe('neu-det (Pascal VOC, 174 file names without an extension)', () => {
    const folder = join(DATASETS, 'neu-det');

    it('reads 1,770 images with 4,126 boxes of 6 classes, every image found on disk', async () => {
      const result = await parseVocFolder(join(folder, 'ANNOTATIONS'), { imagesFolder: join(folder, 'IMAGES'), now: NOW });
      assert.equal(result.entries.length, 1770);
      assert.equal(countBoxes(result), 4126);
      assert.deepEqual(result.problems, []);
      assert.deepEqual([...result.labels].sort(), ['crazing', 'inclusion', 'patches', 'pitted_surface', 'rolled-in_scale', 'scratches']);
      assertImagesExist(result.entries);
      assert.ok(result.entries.every((e) => e.imageSize?.depth === 3 && e.imageSize.width === 200 && e.imageSize.height === 200));
    });

    it('has the 174 file names without an extension the README counts, across both folders', () => {
      const withoutExtension = ['ANNOTATIONS', 'Validation_Annotations']
        .flatMap((sub) => xmlTexts(join(folder, sub)))
        .filter((xml) => /<filename>[^<.]*<\/filename>/.test(xml)).length;
      assert.equal(withoutExtension, 174);
    });

    it('reads the 30 validation images with as many boxes as <object> elements', async () => {
      const annotations = join(folder, 'Validation_Annotations');
      const result = await parseVocFolder(annotations, { imagesFolder: join(folder, 'Validation_Images'), now: NOW });
      assert.equal(result.entries.length, 30);
      assert.equal(countBoxes(result), xmlTexts(annotations).reduce((n, xml) => n + occurrences(xml, '<object>'), 0));
      assert.deepEqual(result.problems, []);
      assertImagesExist(result.entries);
    });
  });

  describe('raccoon (Pascal VOC and a box CSV)', () => {
    const folder = join(DATASETS, 'raccoon');
    const csvText = readFileSync(join(folder, 'data/raccoon_labels.csv'), 'utf8');

    it('reads 200 images with 217 boxes from the XML files', async () => {
      const result = await parseVocFolder(join(folder, 'annotations'), { imagesFolder: join(folder, 'images'), now: NOW });
      assert.equal(result.entries.length, 200);
      assert.equal(countBoxes(result), 217);
      assert.deepEqual(result.labels, ['raccoon']);
      assert.deepEqual(result.problems, []);
      assertImagesExist(result.entries);
    });

    it('reads the same boxes from data/raccoon_labels.csv, which has one row per box', async () => {
      const csv = parseBoxCsv(csvText, { imagesFolder: join(folder, 'images'), fileName: 'raccoon_labels.csv', now: NOW });
      const rows = csvText.split('\n').filter((line) => line.trim() !== '').length - 1;
      assert.equal(countBoxes(csv), rows);
      assert.equal(csv.entries.length, 200);
      assert.deepEqual(csv.problems, []);
      const voc = await parseVocFolder(join(folder, 'annotations'), { imagesFolder: join(folder, 'images'), now: NOW });
      assert.deepEqual(boxesByImage(csv.entries), boxesByImage(voc.entries));
    });

    it('splits the same rows between train_labels.csv and test_labels.csv', () => {
      const parts = ['train_labels.csv', 'test_labels.csv'].map((name) =>
        parseBoxCsv(readFileSync(join(folder, 'data', name), 'utf8'), { imagesFolder: join(folder, 'images'), fileName: name, now: NOW }),
      );
      assert.equal(parts.reduce((n, part) => n + countBoxes(part), 0), 217);
    });
  });

  describe('bccd (Pascal VOC with two zero-area boxes, and test.csv ordered xmin,xmax,ymin,ymax)', () => {
    const folder = join(DATASETS, 'bccd');
    const annotations = join(folder, 'BCCD/Annotations');
    const images = join(folder, 'BCCD/JPEGImages');

    it('reads 364 images and 4,888 boxes, of which the 2 zero-area ones are reported and left out', async () => {
      const result = await parseVocFolder(annotations, { imagesFolder: images, now: NOW });
      assert.equal(result.entries.length, 364);
      assert.equal(countBoxes(result) + 2, 4888);
      assert.deepEqual(
        result.problems.map((p) => [p.where.split(':')[0], p.code]),
        [
          ['BloodImage_00338.xml', 'ZERO_AREA_BOX'],
          ['BloodImage_00343.xml', 'ZERO_AREA_BOX'],
        ],
      );
      assert.deepEqual([...result.labels].sort(), ['Platelets', 'RBC', 'WBC']);
      assertImagesExist(result.entries);
    });

    it('reads test.csv to the same boxes as the XML files, despite its column order', async () => {
      const csv = parseBoxCsv(readFileSync(join(folder, 'test.csv'), 'utf8'), { imagesFolder: images, fileName: 'test.csv', now: NOW });
      assert.deepEqual(csv.problems.map((p) => p.code), ['ZERO_AREA_BOX', 'ZERO_AREA_BOX']);
      const voc = await parseVocFolder(annotations, { imagesFolder: images, now: NOW });
      assert.deepEqual(boxesByImage(csv.entries), boxesByImage(voc.entries));
    });
  });

  describe('facemask-coco (COCO JSON, ids from 0)', () => {
    const folder = join(DATASETS, 'facemask-coco');
    const parts = [
      ['custom_train.json', 'train2017'],
      ['custom_val.json', 'val2017'],
    ].map(([json, images]) => {
      const text = readFileSync(join(folder, 'annotations', json!), 'utf8');
      return { text, result: parseCoco(text, { imagesFolder: join(folder, images!), fileName: json, now: NOW }) };
    });

    it('reads 848 images, every one found on disk, with one box per "bbox" in the files', () => {
      assert.equal(parts.reduce((n, p) => n + p.result.entries.length, 0), 848);
      for (const { text, result } of parts) {
        assert.equal(countBoxes(result), occurrences(text, '"bbox"'));
        assert.deepEqual(result.problems, []);
        assert.deepEqual(result.labels, ['mask_weared_incorrect', 'with_mask', 'without_mask']);
        assertImagesExist(result.entries);
      }
    });
  });

  describe('multilabel views (CSV image,labels,split)', () => {
    const folder = join(DATASETS, 'multilabel');
    const cases = [
      ['facemask_multilabel.csv', 848],
      ['bccd_multilabel.csv', 364],
      ['neu-det_multilabel.csv', 1800],
    ] as const;
    for (const [name, rows] of cases) {
      it(`reads ${rows} rows of ${name}, split as the file says`, () => {
        const text = readFileSync(join(folder, name), 'utf8');
        const result = parseLabelListCsv(text, { baseFolder: DATASETS, fileName: name, now: NOW });
        assert.equal(result.entries.length, rows);
        assert.deepEqual(result.problems, []);
        const lines = text.split(/\r?\n/).slice(1).filter((line) => line !== '');
        assert.equal(result.train.length, lines.filter((line) => line.endsWith(',train')).length);
        assert.equal(result.test.length, lines.filter((line) => /,(val|test)$/.test(line)).length);
        assert.ok(result.entries.every((e) => e.labels.length > 0));
        assertImagesExist(result.entries);
      });
    }

    it('gives each bccd image the set of its VOC box classes', async () => {
      const csv = parseLabelListCsv(readFileSync(join(folder, 'bccd_multilabel.csv'), 'utf8'), { baseFolder: DATASETS, now: NOW });
      const voc = await parseVocFolder(join(DATASETS, 'bccd/BCCD/Annotations'), { imagesFolder: join(DATASETS, 'bccd/BCCD/JPEGImages'), now: NOW });
      const classes = new Map(voc.entries.map((e) => [basename(e.sourceRef), [...new Set(e.boxes.map((b) => b.name))].sort()]));
      for (const entry of csv.entries) {
        assert.deepEqual(entry.labels.map((l) => l.name).sort(), classes.get(basename(entry.sourceRef)), entry.sourceRef);
      }
    });
  });
});
