/**
 * One SageMaker Ground Truth JSON line → an EntryDraft with the guide's validation codes
 * (guide-notes-2 §1.6–1.9). The order matters: the first-tier errors (source-ref, attribute and
 * metadata format, confidences, class map, JSON syntax) stop the checks of that attribute or
 * line; box-level errors drop only that box.
 *
 * The label of an image-level attribute is its metadata's `class-name`, never the attribute key
 * (L3838–3841); a detection line's class ids resolve through that line's own `class-map`.
 */
import { DATASET_LIMITS } from '../limits';
import { entryMessage, LINE_DROP_CODES, type EntryCode, type LineDropCode } from '../../../preload/contract/codes';
import type {
  AnnotationMeta,
  AttributeExtra,
  BoxLabel,
  EntryDraft,
  EntryError,
  EntryExtra,
  ImageLabel,
  ImageSize,
} from '../../db/entry';

export const CLASSIFICATION_TYPE = 'groundtruth/image-classification';
export const DETECTION_TYPE = 'groundtruth/object-detection';

/** Keys Loupe writes itself (validation results), never label attributes. */
const RESERVED_KEYS = new Set(['source-ref', 'errors', 'warnings', 'cl-errors', 'cl-warnings', 'cl-metadata']);

export type ParsedLine =
  | { ok: true; entry: EntryDraft }
  | { ok: false; code: LineDropCode; message: string; sourceRef?: string };

const drop = (code: LineDropCode, sourceRef?: string): ParsedLine => ({
  ok: false,
  code,
  message: LINE_DROP_CODES[code],
  ...(sourceRef === undefined ? {} : { sourceRef }),
});

/** `s3://bucket/key`, a relative or absolute path, or `file://`; not http(s) or other schemes. */
export function isSourceRefFormatValid(sourceRef: string): boolean {
  if (sourceRef.trim() === '') return false;
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(sourceRef);
  if (s3) return true;
  if (/^file:\/\//i.test(sourceRef)) return true;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(sourceRef)) return false;
  return true;
}

export function parseJsonLine(text: string): ParsedLine {
  if (text.length > DATASET_LIMITS.maxJsonLineChars) return drop('ERROR_JSON_LINE_TOO_LONG');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return drop('ERROR_INVALID_JSON_LINE');
  }
  if (!isRecord(json)) return drop('ERROR_INVALID_JSON_LINE');
  const sourceRef = json['source-ref'];
  if (sourceRef === undefined) return drop('ERROR_MISSING_SOURCE_REF');
  if (typeof sourceRef !== 'string' || !isSourceRefFormatValid(sourceRef)) {
    return drop('ERROR_INVALID_SOURCE_REF_FORMAT', typeof sourceRef === 'string' ? sourceRef : undefined);
  }
  return { ok: true, entry: parseEntryObject(sourceRef, json) };
}

/** Parse the attributes of a line whose source-ref is known to be valid. */
export function parseEntryObject(sourceRef: string, json: Record<string, unknown>): EntryDraft {
  const entry: EntryDraft = { sourceRef, labels: [], boxes: [], errors: [] };
  const extra: EntryExtra = {};
  const error = (code: EntryCode, level: EntryError['level'], details: Partial<EntryError> = {}, detail?: string) =>
    entry.errors.push({ level, code, message: entryMessage(code, detail), ...details });

  const keys = Object.keys(json).filter((key) => !RESERVED_KEYS.has(key));
  const attributes = keys.filter((key) => !key.endsWith('-metadata') && keys.includes(`${key}-metadata`));
  const paired = new Set(attributes.flatMap((key) => [key, `${key}-metadata`]));
  const orphans = keys.filter((key) => !paired.has(key));
  if (orphans.length > 0) extra.top = Object.fromEntries(orphans.map((key) => [key, json[key]]));

  if (attributes.length === 0) {
    // A bare source-ref is an image nobody has labeled yet (console uploads look like this).
    if (orphans.length > 0) error('ERROR_NO_LABEL_ATTRIBUTES', 'image');
    if (orphans.length > 0 || keys.length > 0) entry.extra = extra;
    return entry;
  }

  let validAttributes = 0;
  for (const attribute of attributes) {
    const value = json[attribute];
    const metadata = json[`${attribute}-metadata`];
    const kept: AttributeExtra = {};
    const result = parseAttribute(attribute, value, metadata, entry, kept);
    if (result === 'valid') validAttributes++;
    else kept.invalid = [value, metadata];
    if (Object.keys(kept).length > 0) (extra.attributes ??= {})[attribute] = kept;
  }
  if (validAttributes === 0) error('ERROR_NO_VALID_LABEL_ATTRIBUTES', 'image');
  if (extra.top || extra.attributes) entry.extra = extra;
  return entry;
}

type AttributeResult = 'valid' | 'invalid';

function parseAttribute(
  attribute: string,
  value: unknown,
  metadata: unknown,
  entry: EntryDraft,
  kept: AttributeExtra,
): AttributeResult {
  const error = (code: EntryCode, level: EntryError['level'], extraFields: Partial<EntryError> = {}, detail?: string) =>
    entry.errors.push({ level, code, message: entryMessage(code, detail), attribute, ...extraFields });

  if (!isRecord(metadata)) {
    error('ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT', 'metadata');
    return 'invalid';
  }
  const type = metadata.type;
  if (type !== CLASSIFICATION_TYPE && type !== DETECTION_TYPE) {
    error('ERROR_UNSUPPORTED_USE_CASE_TYPE', 'metadata', {}, `${attribute}-metadata`);
    return 'invalid';
  }
  const meta = readMeta(attribute, metadata);
  if (!meta) {
    error('ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT', 'metadata');
    return 'invalid';
  }
  // Validation results written by Loupe or the service are recomputed, never carried over.
  const known = new Set(['type', 'confidence', 'human-annotated', 'creation-date', 'job-name', ...RESERVED_KEYS]);

  if (type === CLASSIFICATION_TYPE) {
    known.add('class-name');
    const className = metadata['class-name'];
    // confidence is "required, not used" (L3007–3044), and real Ground Truth output omits it: a missing
    // one is accepted; one outside 0–1 is not (readMeta checks it).
    if (typeof className !== 'string' || className.trim() === '') {
      error('ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT', 'metadata');
      return 'invalid';
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      error('ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT', 'label_attribute', {}, attribute);
      return 'invalid';
    }
    if (className.length > DATASET_LIMITS.maxLabelNameChars) {
      error('ERROR_INVALID_LABEL_NAME_LENGTH', 'metadata');
      return 'invalid';
    }
    kept.value = value;
    keepUnknownMeta(kept, metadata, known);
    if (!entry.labels.some((label) => label.name === className)) {
      const label: ImageLabel = { name: className, ...meta };
      entry.labels.push(label);
    }
    return 'valid';
  }

  // Object detection.
  known.add('objects').add('class-map');
  if (!isRecord(value) || !Array.isArray(value.annotations)) {
    error('ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT', 'label_attribute', {}, attribute);
    return 'invalid';
  }
  const imageSize = readImageSize(value.image_size);
  if (!imageSize) {
    error('ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT', 'label_attribute', {}, attribute);
    return 'invalid';
  }
  const classMap = metadata['class-map'];
  const objects = metadata.objects;
  if (!isRecord(classMap) || !Array.isArray(objects) || !Object.values(classMap).every((n) => typeof n === 'string')) {
    error('ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT', 'metadata');
    return 'invalid';
  }
  const annotations: unknown[] = value.annotations;
  if (objects.length !== annotations.length || objects.some((o) => !isRecord(o) || typeof o.confidence !== 'number')) {
    error('ERROR_MISSING_BOUNDING_BOX_CONFIDENCE', 'metadata');
    return 'invalid';
  }
  // A confidence is a share in [0, 1], as the attribute's own confidence is (readMeta).
  if (objects.some((o) => !(Number.isFinite(o.confidence) && o.confidence >= 0 && o.confidence <= 1))) {
    error('ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT', 'metadata');
    return 'invalid';
  }
  const names = classMap as Record<string, string>;
  if (annotations.some((a) => isRecord(a) && names[String(a.class_id)] === undefined)) {
    error('ERROR_MISSING_CLASS_MAP_ID', 'metadata');
    return 'invalid';
  }
  if (Object.values(names).some((name) => name.length > DATASET_LIMITS.maxLabelNameChars)) {
    error('ERROR_INVALID_LABEL_NAME_LENGTH', 'metadata');
    return 'invalid';
  }
  entry.imageSize ??= imageSize;
  kept.classMap = names;
  keepUnknownMeta(kept, metadata, known);
  const unknownValueKeys = Object.keys(value).filter(
    (key) => key !== 'annotations' && key !== 'image_size' && !RESERVED_KEYS.has(key),
  );
  if (unknownValueKeys.length > 0) kept.value = Object.fromEntries(unknownValueKeys.map((key) => [key, value[key]]));

  if (annotations.length === 0) {
    error('WARNING_NO_ATTRIBUTE_ANNOTATIONS', 'label_attribute');
    if (meta.humanAnnotated === 'yes') entry.errors.push(warning('WARNING_NO_ANNOTATIONS'));
    return 'valid';
  }
  if (annotations.length > DATASET_LIMITS.maxBoxesPerImage) {
    error('ERROR_TOO_MANY_BOUNDING_BOXES', 'label_attribute');
    return 'invalid';
  }
  let validBoxes = 0;
  annotations.forEach((annotation, index) => {
    const box = readBox(annotation);
    const dropBox = (code: 'ERROR_INVALID_BOUNDING_BOX' | 'ERROR_BOUNDING_BOX_TOO_SMALL') => {
      error(code, 'annotation', { annotationIndex: index });
      (kept.dropped ??= []).push({ index, annotation, confidence: (objects[index] as { confidence: number }).confidence });
    };
    if (
      !box ||
      box.left < 0 ||
      box.top < 0 ||
      box.left + box.width > imageSize.width ||
      box.top + box.height > imageSize.height
    ) {
      dropBox('ERROR_INVALID_BOUNDING_BOX');
      return;
    }
    if (box.width <= DATASET_LIMITS.minBoxSidePx || box.height <= DATASET_LIMITS.minBoxSidePx) {
      dropBox('ERROR_BOUNDING_BOX_TOO_SMALL');
      return;
    }
    const object = objects[index] as { confidence: number };
    const boxLabel: BoxLabel = {
      name: names[String(box.classId)]!,
      left: box.left,
      top: box.top,
      width: box.width,
      height: box.height,
      ...meta,
      confidence: object.confidence,
    };
    entry.boxes.push(boxLabel);
    validBoxes++;
  });
  if (validBoxes === 0) {
    error('ERROR_NO_VALID_ANNOTATIONS', 'label_attribute');
    return 'invalid';
  }
  return 'valid';
}

function warning(code: 'WARNING_NO_ANNOTATIONS' | 'WARNING_UNANNOTATED_RECORD'): EntryError {
  return { level: 'image', code, message: entryMessage(code) };
}

function readMeta(attribute: string, metadata: Record<string, unknown>): AnnotationMeta | undefined {
  const human = metadata['human-annotated'];
  const created = metadata['creation-date'];
  const job = metadata['job-name'];
  const confidence = metadata.confidence;
  if (human !== undefined && human !== 'yes' && human !== 'no') return undefined;
  if (created !== undefined && typeof created !== 'string') return undefined;
  if (job !== undefined && typeof job !== 'string') return undefined;
  if (confidence !== undefined && (typeof confidence !== 'number' || confidence < 0 || confidence > 1)) return undefined;
  return {
    attribute,
    ...(typeof confidence === 'number' ? { confidence } : {}),
    ...(human === undefined ? {} : { humanAnnotated: human }),
    ...(created === undefined ? {} : { creationDate: created }),
    ...(job === undefined ? {} : { jobName: job }),
  };
}

/** image_size is a one-element array in the guide's format, an object in its COCO example: accept both. */
function readImageSize(value: unknown): ImageSize | undefined {
  const size: unknown = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
  if (!isRecord(size)) return undefined;
  const { width, height, depth } = size;
  if (!isPositiveNumber(width) || !isPositiveNumber(height)) return undefined;
  return { width, height, depth: isPositiveNumber(depth) ? depth : 3 };
}

function readBox(value: unknown): { classId: unknown; left: number; top: number; width: number; height: number } | undefined {
  if (!isRecord(value)) return undefined;
  const { left, top, width, height } = value;
  if (![left, top, width, height].every((n) => typeof n === 'number' && Number.isFinite(n))) return undefined;
  return { classId: value.class_id, left: left as number, top: top as number, width: width as number, height: height as number };
}

function keepUnknownMeta(kept: AttributeExtra, metadata: Record<string, unknown>, known: Set<string>): void {
  const unknown = Object.keys(metadata).filter((key) => !known.has(key));
  if (unknown.length > 0) kept.meta = Object.fromEntries(unknown.map((key) => [key, metadata[key]]));
}

function isPositiveNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
