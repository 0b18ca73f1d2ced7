/**
 * An entry → its Ground Truth JSON line: what ListDatasetEntries returns, what manifest export
 * writes, and what the validation manifests hold. Unknown fields of the imported line come back
 * as they were; errors and warnings are placed where the guide puts them (top level, label
 * attribute, metadata, annotation — guide-notes-2 §1.4).
 */
import { isWarning } from '../../../preload/contract/codes';
import type { AttributeExtra, BoxLabel, EntryDraft, EntryError, ImageLabel, ImageSize } from '../../db/entry';
import { CLASSIFICATION_TYPE, DETECTION_TYPE, isRecord } from './parse';

/** The attribute Loupe gives boxes drawn in Loupe. */
export const DEFAULT_BOX_ATTRIBUTE = 'bounding-box';

type Json = Record<string, unknown>;

export interface SerializeOptions {
  /** Add `errors`/`warnings` arrays (ListDatasetEntries, validation manifests). */
  withErrors: boolean;
  /** The probed image size; falls back to the line's own image_size. */
  imageSize?: ImageSize;
  /** Rewrite source-ref (exports that copy images). */
  sourceRef?: string;
  /**
   * Leave out `human-annotated` and `creation-date` when the imported line had none
   * (ListDatasetEntries says what is known). Files written for the service fill them in, as its
   * format requires them.
   */
  onlyKnown?: boolean;
}

export function toJsonLine(entry: EntryDraft, options: SerializeOptions): Json {
  const line: Json = { 'source-ref': options.sourceRef ?? entry.sourceRef };
  const extras = entry.extra?.attributes ?? {};
  const errors = options.withErrors ? entry.errors : [];
  const imageSize = options.imageSize ?? entry.imageSize;

  const labelsByAttribute = groupBy(entry.labels, (label) => label.attribute);
  const boxesByAttribute = groupBy(entry.boxes, (box) => box.attribute);
  const attributes = new Set([...labelsByAttribute.keys(), ...boxesByAttribute.keys(), ...Object.keys(extras)]);

  for (const attribute of attributes) {
    const extra: AttributeExtra = extras[attribute] ?? {};
    const attributeErrors = errors.filter((e) => e.attribute === attribute);
    const labels = labelsByAttribute.get(attribute) ?? [];
    const boxes = boxesByAttribute.get(attribute) ?? [];
    let value: unknown;
    let metadata: unknown;
    if (extra.invalid) {
      [value, metadata] = extra.invalid;
    } else if (boxes.length > 0 || extra.classMap) {
      [value, metadata] = detectionAttribute(boxes, extra, imageSize, options.onlyKnown === true);
    } else if (labels[0]) {
      [value, metadata] = classificationAttribute(labels[0], extra, options.onlyKnown === true);
      // Several labels under one attribute cannot be expressed; the others get attributes of their own.
      for (const other of labels.slice(1)) {
        const [otherValue, otherMetadata] = classificationAttribute(other, {}, options.onlyKnown === true);
        line[other.name] = otherValue;
        line[`${other.name}-metadata`] = otherMetadata;
      }
    } else {
      continue;
    }
    line[attribute] = attachIssues(value, attributeErrors.filter((e) => e.level === 'label_attribute'));
    if (isRecord(value) && Array.isArray(value.annotations)) {
      for (const e of attributeErrors.filter((x) => x.level === 'annotation' && x.annotationIndex !== undefined)) {
        const annotation = value.annotations[e.annotationIndex!] as unknown;
        if (isRecord(annotation)) value.annotations[e.annotationIndex!] = attachIssues({ ...annotation }, [e]);
      }
    }
    line[`${attribute}-metadata`] = attachIssues(metadata, attributeErrors.filter((e) => e.level === 'metadata'));
  }

  Object.assign(line, entry.extra?.top ?? {});
  attachIssues(line, errors.filter((e) => e.level === 'image' || (e.attribute !== undefined && !attributes.has(e.attribute))));
  return line;
}

/** `human-annotated` and `creation-date` as recorded, or (for files the service reads) the format's defaults. */
function provenance(meta: { humanAnnotated?: 'yes' | 'no' | undefined; creationDate?: string | undefined } | undefined, onlyKnown: boolean): Json {
  if (onlyKnown) {
    return {
      ...(meta?.humanAnnotated === undefined ? {} : { 'human-annotated': meta.humanAnnotated }),
      ...(meta?.creationDate === undefined ? {} : { 'creation-date': meta.creationDate }),
    };
  }
  return { 'human-annotated': meta?.humanAnnotated ?? 'yes', 'creation-date': meta?.creationDate ?? new Date(0).toISOString() };
}

function classificationAttribute(label: ImageLabel, extra: AttributeExtra, onlyKnown: boolean): [unknown, Json] {
  const metadata: Json = {
    ...(label.confidence === undefined ? {} : { confidence: label.confidence }),
    ...(label.jobName === undefined ? {} : { 'job-name': label.jobName }),
    'class-name': label.name,
    ...provenance(label, onlyKnown),
    type: CLASSIFICATION_TYPE,
    ...extra.meta,
  };
  return [extra.value ?? 1, metadata];
}

function detectionAttribute(boxes: BoxLabel[], extra: AttributeExtra, imageSize: ImageSize | undefined, onlyKnown: boolean): [Json, Json] {
  const classMap: Record<string, string> = { ...extra.classMap };
  const idOf = new Map(Object.entries(classMap).map(([id, name]) => [name, id]));
  let nextId = Math.max(-1, ...Object.keys(classMap).map(Number).filter(Number.isFinite)) + 1;
  for (const box of boxes) {
    if (!idOf.has(box.name)) {
      idOf.set(box.name, String(nextId));
      classMap[String(nextId++)] = box.name;
    }
  }
  const annotations: unknown[] = boxes.map((box) => ({
    class_id: Number(idOf.get(box.name)),
    top: box.top,
    left: box.left,
    width: box.width,
    height: box.height,
  }));
  const objects: unknown[] = boxes.map((box) => ({ confidence: box.confidence ?? 1 }));
  // Boxes that failed validation go back where they were, so error indices still point at them.
  for (const dropped of [...(extra.dropped ?? [])].sort((a, b) => a.index - b.index)) {
    annotations.splice(dropped.index, 0, dropped.annotation);
    objects.splice(dropped.index, 0, { confidence: dropped.confidence });
  }
  const first = boxes[0];
  const value: Json = {
    ...(imageSize ? { image_size: [{ width: imageSize.width, height: imageSize.height, depth: imageSize.depth }] } : {}),
    annotations,
    ...(isRecord(extra.value) ? extra.value : {}),
  };
  const metadata: Json = {
    objects,
    'class-map': classMap,
    type: DETECTION_TYPE,
    ...provenance(first, onlyKnown),
    ...(first?.jobName === undefined ? {} : { 'job-name': first.jobName }),
    ...extra.meta,
  };
  return [value, metadata];
}

/** Add `errors` and `warnings` arrays to an object (a copy when it came from storage). */
function attachIssues<T>(target: T, issues: EntryError[]): T {
  if (issues.length === 0 || !isRecord(target)) return target;
  const errors = issues.filter((i) => !isWarning(i.code)).map(({ code, message }) => ({ code, message }));
  const warnings = issues.filter((i) => isWarning(i.code)).map(({ code, message }) => ({ code, message }));
  const copy = target as Record<string, unknown>;
  if (errors.length > 0) copy.errors = errors;
  if (warnings.length > 0) copy.warnings = warnings;
  return target;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
