/**
 * One image of a dataset as Loupe models it: its labels and boxes with the Ground Truth metadata
 * each carries, its validation errors, and whatever else its JSON line held (kept so that an
 * exported manifest says what the imported one said, field for field).
 */
import type { EntryCode } from '../../preload/contract/codes';
import type { BoxPx } from '../../native/metrics';

export type HumanAnnotated = 'yes' | 'no';

/** Ground Truth metadata shared by every annotation of one label attribute. */
export interface AnnotationMeta {
  /** The label attribute's key in the JSON line (any name: `sport0`, `bounding-box`, …). */
  attribute: string;
  confidence?: number;
  humanAnnotated?: HumanAnnotated;
  creationDate?: string;
  jobName?: string;
}

export interface ImageLabel extends AnnotationMeta {
  name: string;
}

/** A box in pixels of the correctly oriented original image, as manifests carry it. */
export type { BoxPx };

export interface BoxLabel extends AnnotationMeta, BoxPx {
  name: string;
}

export type ErrorLevel = 'image' | 'label_attribute' | 'metadata' | 'annotation';

export interface EntryError {
  level: ErrorLevel;
  code: EntryCode;
  message: string;
  attribute?: string;
  annotationIndex?: number;
}

/** What a JSON line held that Loupe does not model: replayed on export. */
export interface EntryExtra {
  /** Unknown top-level keys. */
  top?: Record<string, unknown>;
  attributes?: Record<string, AttributeExtra>;
}

export interface AttributeExtra {
  /** The classification attribute's value (an integer the service ignores). */
  value?: unknown;
  /** Unknown metadata keys. */
  meta?: Record<string, unknown>;
  /** The detection attribute's class-map, so exports keep the original ids. */
  classMap?: Record<string, string>;
  /** An attribute that failed validation, kept verbatim: [value, metadata]. */
  invalid?: [unknown, unknown];
  /** Boxes that failed validation, at their index in the original annotations. */
  dropped?: { index: number; annotation: unknown; confidence: number }[];
}

export interface ImageSize {
  width: number;
  height: number;
  depth: number;
}

export interface EntryDraft {
  sourceRef: string;
  /** From the line's image_size; the probed file is the truth once imported. */
  imageSize?: ImageSize;
  labels: ImageLabel[];
  boxes: BoxLabel[];
  errors: EntryError[];
  extra?: EntryExtra;
}

export function hasAnnotations(entry: Pick<EntryDraft, 'labels' | 'boxes'>): boolean {
  return entry.labels.length > 0 || entry.boxes.length > 0;
}
