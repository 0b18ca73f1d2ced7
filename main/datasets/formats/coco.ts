/**
 * COCO object-detection JSON ↔ entries, with the guide's mapping (guide-notes-1 §4.4, L3255–3757):
 * images, annotations and categories are joined by id; `bbox [x, y, w, h]` is left, top, width,
 * height in pixels. Ids are compared by value, so sets whose ids start at 0 (facemask-coco) work.
 *
 * An image that no annotation names is an image someone looked at and found no object in (COCO
 * lists every image of a set, its background images too): it becomes a line with an empty
 * bounding-box attribute marked human-annotated, as the guide's converter writes it (L3623) and as
 * Ground Truth represents an image with zero boxes, carrying the service's warnings for it
 * (WARNING_NO_ATTRIBUTE_ANNOTATIONS, WARNING_NO_ANNOTATIONS, guide-notes-2 §1). An image whose
 * annotations were all refused is not background: it stays without an attribute (unlabeled).
 */
import { isRecord } from '../manifest/parse';
import type { EntryDraft, ImageSize } from '../../db/entry';
import { entryMessage } from '../../../preload/contract/codes';
import {
  boxMeta,
  checkBox,
  describeValue,
  EntryIndex,
  FormatFileError,
  makeBox,
  NameList,
  sourceRefUnder,
  type ExportSkip,
  type FormatImport,
  type ImportMetaOptions,
  type ImportProblem,
} from './shared';

export interface CocoImportOptions extends ImportMetaOptions {
  /** The folder `file_name` is relative to. */
  imagesFolder: string;
  /** How problems and errors name the file; defaults to `COCO JSON`. */
  fileName?: string;
}

export function parseCoco(jsonText: string, options: CocoImportOptions): FormatImport {
  const fileName = options.fileName ?? 'COCO JSON';
  let json: unknown;
  try {
    json = JSON.parse(jsonText.replace(/^\uFEFF/, ''));
  } catch (cause) {
    // The parser's message quotes the file's bytes; only where it failed is said.
    const at = /position (\d+)/.exec((cause as Error).message)?.[1];
    throw new FormatFileError(fileName, at === undefined ? { Code: 'FileNotJson' } : { Code: 'FileNotJsonAt', Params: { at } }, { cause });
  }
  if (!isRecord(json) || !Array.isArray(json.images)) {
    throw new FormatFileError(fileName, { Code: 'CocoNoImages' });
  }
  const sectionOf = (key: string): unknown[] => {
    const value = json[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new FormatFileError(fileName, { Code: 'CocoNotArray', Params: { key } });
    return value as unknown[];
  };
  const images = json.images as unknown[];
  const annotations = sectionOf('annotations');
  const categories = sectionOf('categories');

  const problems: ImportProblem[] = [];
  const problem = (where: string, code: ImportProblem['code'], message: string) =>
    problems.push({ where: `${fileName}: ${where}`, code, message });
  const meta = boxMeta(options.now);
  /** Images that at least one annotation names (kept or refused). */
  const named = new Set<EntryDraft>();

  const labels = new NameList();
  const categoryNames = new Map<string, string>();
  categories.forEach((category, index) => {
    const where = `categories[${index}]`;
    const id = isRecord(category) ? idKey(category.id) : undefined;
    const name = isRecord(category) ? category.name : undefined;
    if (id === undefined || typeof name !== 'string' || name.trim() === '') {
      problem(where, 'MALFORMED_RECORD', `The category ${describeValue(category)} needs an id and a name; it was left out.`);
      return;
    }
    if (categoryNames.has(id)) {
      problem(where, 'DUPLICATE_ID', `The category id ${id} is declared twice; "${name}" was left out, "${categoryNames.get(id)}" kept.`);
      return;
    }
    categoryNames.set(id, name);
    labels.add(name);
  });

  const index = new EntryIndex();
  const entryOfImageId = new Map<string, EntryDraft>();
  images.forEach((image, i) => {
    const where = `images[${i}]`;
    const id = isRecord(image) ? idKey(image.id) : undefined;
    const file = isRecord(image) ? image.file_name : undefined;
    if (!isRecord(image) || id === undefined || typeof file !== 'string' || file.trim() === '') {
      problem(where, 'MALFORMED_RECORD', `The image ${describeValue(image)} needs an id and a file_name; it was left out.`);
      return;
    }
    if (entryOfImageId.has(id)) {
      problem(where, 'DUPLICATE_ID', `The image id ${id} is declared twice; ${file} was left out and the id's annotations go to the first image.`);
      return;
    }
    const sourceRef = sourceRefUnder(options.imagesFolder, file);
    const existing = index.get(sourceRef);
    if (existing) {
      problem(where, 'DUPLICATE_IMAGE', `${file} is listed again (id ${id}); its annotations were merged into the first listing.`);
      entryOfImageId.set(id, existing);
      return;
    }
    const entry: EntryDraft = { sourceRef, labels: [], boxes: [], errors: [] };
    const imageSize = readSize(image.width, image.height);
    if (imageSize) entry.imageSize = imageSize;
    else problem(where, 'MISSING_IMAGE_SIZE', `${file} has no usable width and height; the size will be read from the image.`);
    index.add(entry);
    entryOfImageId.set(id, entry);
  });

  annotations.forEach((annotation, i) => {
    const annotationId = isRecord(annotation) ? idKey(annotation.id) : undefined;
    const where = `annotations[${i}]${annotationId === undefined ? '' : ` (id ${annotationId})`}`;
    if (!isRecord(annotation)) {
      problem(where, 'MALFORMED_RECORD', `The annotation ${describeValue(annotation)} is not an object; it was left out.`);
      return;
    }
    const imageId = idKey(annotation.image_id);
    const entry = imageId === undefined ? undefined : entryOfImageId.get(imageId);
    if (entry) named.add(entry);
    if (!entry) {
      problem(where, 'UNKNOWN_IMAGE_ID', `The image id ${describeValue(annotation.image_id)} is not in "images"; the annotation was left out.`);
      return;
    }
    const categoryId = idKey(annotation.category_id);
    const name = categoryId === undefined ? undefined : categoryNames.get(categoryId);
    if (name === undefined) {
      problem(where, 'UNKNOWN_CATEGORY', `The category id ${describeValue(annotation.category_id)} is not in "categories"; the annotation was left out.`);
      return;
    }
    const bbox = annotation.bbox;
    if (!Array.isArray(bbox) || bbox.length !== 4) {
      problem(where, 'INVALID_BOX', `The bbox ${describeValue(bbox)} is not [x, y, width, height]; the annotation was left out.`);
      return;
    }
    const checked = checkBox(bbox[0], bbox[1], bbox[2], bbox[3]);
    if (!checked.ok) {
      problem(where, checked.code, checked.message);
      return;
    }
    entry.boxes.push(makeBox(name, checked.box, meta));
  });
  for (const entry of index.entries) if (!named.has(entry)) markNoObjects(entry, meta);

  return { entries: index.entries, labels: labels.names, problems };
}

export interface CocoExportOptions {
  /** The `file_name` to write for an entry, usually relative to the folder the images are copied to. */
  imagePathOf: (entry: EntryDraft) => string;
  /** ISO date-time written as `info.date_created`. */
  now?: string;
}

/**
 * Entries → one COCO detection file. Categories are the box label names sorted by code unit, with
 * ids from 1; images and annotations are numbered from 1 in entry order. Image-level labels have no
 * place in COCO detection and are listed in `skipped`. An entry without a known size is written
 * with width and height 0, which COCO readers treat as unknown.
 */
export function toCoco(entries: readonly EntryDraft[], options: CocoExportOptions): { text: string; skipped: ExportSkip[] } {
  const names = [...new Set(entries.flatMap((entry) => entry.boxes.map((box) => box.name)))].sort();
  const categoryId = new Map(names.map((name, i) => [name, i + 1]));
  const skipped: ExportSkip[] = [];
  const images: unknown[] = [];
  const annotations: unknown[] = [];
  entries.forEach((entry, i) => {
    const imageId = i + 1;
    images.push({
      id: imageId,
      file_name: options.imagePathOf(entry),
      width: entry.imageSize?.width ?? 0,
      height: entry.imageSize?.height ?? 0,
    });
    for (const label of entry.labels) {
      skipped.push({ sourceRef: entry.sourceRef, kind: 'label', name: label.name, reason: 'COCO detection has no image-level labels.' });
    }
    for (const box of entry.boxes) {
      annotations.push({
        id: annotations.length + 1,
        image_id: imageId,
        category_id: categoryId.get(box.name),
        bbox: [box.left, box.top, box.width, box.height],
        area: box.width * box.height,
        iscrowd: 0,
        segmentation: [],
      });
    }
  });
  const coco = {
    info: { description: 'Exported from Loupe', ...(options.now ? { date_created: options.now } : {}) },
    licenses: [],
    categories: names.map((name, i) => ({ id: i + 1, name, supercategory: 'none' })),
    images,
    annotations,
  };
  return { text: `${JSON.stringify(coco)}\n`, skipped };
}

/** `entry` as an image labeled with zero boxes: an empty, human-annotated bounding-box attribute and the service's warnings for it. */
function markNoObjects(entry: EntryDraft, meta: ReturnType<typeof boxMeta>): void {
  entry.extra = {
    ...entry.extra,
    attributes: {
      ...entry.extra?.attributes,
      [meta.attribute]: { classMap: {}, meta: { 'human-annotated': 'yes', ...(meta.creationDate ? { 'creation-date': meta.creationDate } : {}) } },
    },
  };
  entry.errors.push(
    { level: 'label_attribute', code: 'WARNING_NO_ATTRIBUTE_ANNOTATIONS', message: entryMessage('WARNING_NO_ATTRIBUTE_ANNOTATIONS'), attribute: meta.attribute },
    { level: 'image', code: 'WARNING_NO_ANNOTATIONS', message: entryMessage('WARNING_NO_ANNOTATIONS') },
  );
}

/** COCO ids are integers; strings are accepted too. 0 is a valid id. */
function idKey(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  return undefined;
}

function readSize(width: unknown, height: unknown): ImageSize | undefined {
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;
  return ok(width) && ok(height) ? { width, height, depth: 3 } : undefined;
}
