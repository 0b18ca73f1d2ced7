/**
 * What every converter shares: the import result and its problem report, the annotation metadata
 * imported boxes and labels carry, and how an image name in an annotation file becomes a
 * source-ref.
 */
import { resolve } from 'node:path';
import type { AnnotationMeta, BoxLabel, BoxPx, EntryDraft } from '../../db/entry';
import { DEFAULT_BOX_ATTRIBUTE } from '../manifest/serialize';
import { formatMessage, type MessageRef } from '../../../preload/contract/messages';

/** Why a record was left out or changed; the message says which record and what happened. */
export const FORMAT_PROBLEM_CODES = {
  MALFORMED_RECORD: 'A line or record does not have the shape its format requires.',
  UNREADABLE_FILE: 'An annotation file could not be parsed at all.',
  UNKNOWN_IMAGE_ID: 'An annotation names an image id that the file does not declare.',
  UNKNOWN_CATEGORY: 'An annotation names a category that the file does not declare.',
  CLASS_OUT_OF_RANGE: 'A class index is not in the list of class names.',
  ZERO_AREA_BOX: 'A box has no width or no height.',
  INVALID_BOX: 'A box has negative or non-numeric coordinates.',
  IMAGE_NOT_FOUND: 'The image an annotation file describes cannot be found.',
  DUPLICATE_IMAGE: 'An image appears more than once.',
  DUPLICATE_ID: 'An id is declared more than once.',
  MISSING_IMAGE_SIZE: 'An image has no usable size; it will be read from the image file.',
  UNKNOWN_SPLIT: 'A split value is neither train nor test (nor val/validation).',
  NOT_AN_IMAGE: 'A row names something that is not an image file.',
} as const;

export type FormatProblemCode = keyof typeof FORMAT_PROBLEM_CODES;

export interface ImportProblem {
  /** File and record: `custom_train.json: annotations[12]`, `labels.csv: line 4`. */
  where: string;
  code: FormatProblemCode;
  message: string;
}

export interface FormatImport {
  entries: EntryDraft[];
  /** Every class name the file declares or uses, in order of declaration or first use. */
  labels: string[];
  problems: ImportProblem[];
}

/** An annotation an exporter could not write in its format (image-level labels in COCO, …). */
export interface ExportSkip {
  sourceRef: string;
  kind: 'label' | 'box';
  name: string;
  reason: string;
}

export interface ImportMetaOptions {
  /** ISO date-time recorded as each annotation's creation date; defaults to the time of the call. */
  now?: string;
}

/** The attribute imported boxes go under, as the guide's COCO converter names it (L3623). */
export const BOX_ATTRIBUTE = DEFAULT_BOX_ATTRIBUTE;

export function boxMeta(now: string | undefined): AnnotationMeta {
  return { attribute: BOX_ATTRIBUTE, confidence: 1, humanAnnotated: 'yes', creationDate: now ?? new Date().toISOString() };
}

/**
 * An image named in an annotation file → its source-ref: `s3://` references stay as they are
 * (bucket mappings resolve them later); anything else is a path, resolved under the folder the
 * user chose. Whether the result is inside a registered folder is the resolver's decision
 * (sources.ts), not the converter's.
 */
export function sourceRefUnder(folder: string, name: string): string {
  return /^s3:\/\//i.test(name) ? name : resolve(folder, name);
}

export type BoxCheck = { ok: true; box: BoxPx } | { ok: false; code: 'ZERO_AREA_BOX' | 'INVALID_BOX'; message: string };

/** Boxes are kept as given unless they cannot be a box at all; frame checks belong to validation. */
export function checkBox(left: unknown, top: unknown, width: unknown, height: unknown): BoxCheck {
  const values = [left, top, width, height];
  if (!values.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) {
    return { ok: false, code: 'INVALID_BOX', message: `The box [${values.map(String).join(', ')}] is not four numbers.` };
  }
  const [l, t, w, h] = values as [number, number, number, number];
  if (w < 0 || h < 0) {
    return { ok: false, code: 'INVALID_BOX', message: `The box has a negative size (${w} × ${h}); it was left out.` };
  }
  if (w === 0 || h === 0) {
    return { ok: false, code: 'ZERO_AREA_BOX', message: `The box at (${l}, ${t}) has zero area (${w} × ${h}); it was left out.` };
  }
  return { ok: true, box: { left: l, top: t, width: w, height: h } };
}

export function makeBox(name: string, box: BoxPx, meta: AnnotationMeta): BoxLabel {
  return { name, left: box.left, top: box.top, width: box.width, height: box.height, ...meta };
}

/** Keeps names in order of first appearance, each once. */
export class NameList {
  private readonly seen = new Set<string>();
  readonly names: string[] = [];

  add(name: string): void {
    if (this.seen.has(name)) return;
    this.seen.add(name);
    this.names.push(name);
  }
}

/** Entries keyed by source-ref: a second record for the same image is merged into the first. */
export class EntryIndex {
  private readonly bySourceRef = new Map<string, EntryDraft>();
  readonly entries: EntryDraft[] = [];

  get(sourceRef: string): EntryDraft | undefined {
    return this.bySourceRef.get(sourceRef);
  }

  add(entry: EntryDraft): void {
    this.bySourceRef.set(entry.sourceRef, entry);
    this.entries.push(entry);
  }
}

/** The error thrown when a whole file cannot be read as its format; names the file. */
export class FormatFileError extends Error {
  /** What is wrong with the file, as one of Loupe's sentences ("is not valid JSON."): its English follows the file name. */
  readonly reason: MessageRef;

  constructor(
    readonly fileName: string,
    reason: MessageRef,
    options?: { cause?: unknown },
  ) {
    super(`${fileName}: ${formatMessage(reason.Code, reason.Params)}`, options);
    this.name = 'FormatFileError';
    this.reason = reason;
  }
}

export function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
