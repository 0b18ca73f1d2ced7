/**
 * How training's validation reads one line of a dataset's manifest (guide-notes-1 §5.5): a line
 * with a line-level error is unusable, one with image-level labels or boxes is used, one with
 * neither is ignored; and which use case the usable lines make. The desktop app's pre-training
 * check reads lines by the same rules.
 */

/** The service's errors that make a whole JSON line unusable; the others drop a box or a label. */
const LINE_LEVEL_ERRORS: ReadonlySet<string> = new Set([
  'ERROR_INVALID_IMAGE',
  'ERROR_NO_LABEL_ATTRIBUTES',
  'ERROR_NO_VALID_LABEL_ATTRIBUTES',
  'ERROR_INVALID_SOURCE_REF_FORMAT',
  'ERROR_MISSING_SOURCE_REF',
  'ERROR_INVALID_JSON_LINE',
]);

export type LineState = 'valid' | 'invalid' | 'ignored';

/** The state of a line with these error codes, `boxes` bounding boxes and `labels` image-level labels. */
export function lineState(errorCodes: readonly string[], boxes: number, labels: number): LineState {
  // An image too small or too large is unusable for detection only: its boxes cannot be placed.
  const unusable = errorCodes.some((code) => LINE_LEVEL_ERRORS.has(code) || (code === 'ERROR_INVALID_IMAGE_DIMENSION' && boxes > 0));
  if (unusable) return 'invalid';
  return boxes > 0 || labels > 0 ? 'valid' : 'ignored';
}

/** A line as the use case counts it: its state and how many boxes and image-level labels it has. */
export interface LineCounts {
  state: LineState;
  boxes: number;
  labels: number;
}

/**
 * The service's rule: object detection when usable lines with boxes are at least as many as those
 * with image-level labels only, else image classification; undefined when no line is usable.
 */
export function useCaseOf(lines: Iterable<LineCounts>): 'IMAGE_LEVEL_LABELS' | 'OBJECT_LOCALIZATION' | undefined {
  let usable = 0;
  let withBoxes = 0;
  let imageLevelOnly = 0;
  for (const line of lines) {
    if (line.state !== 'valid') continue;
    usable++;
    if (line.boxes > 0) withBoxes++;
    else if (line.labels > 0) imageLevelOnly++;
  }
  if (usable === 0) return undefined;
  return withBoxes >= imageLevelOnly && withBoxes > 0 ? 'OBJECT_LOCALIZATION' : 'IMAGE_LEVEL_LABELS';
}
