/**
 * Box arithmetic in image pixels of the correctly oriented original image — the space boxes are
 * stored in (`Left`, `Top`, `Width`, `Height`, as manifests carry them). No screen coordinates here.
 */

/** A box in image pixels with its label. */
export interface BoxPx {
  label: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface PointPx {
  x: number;
  y: number;
}

export interface ImageSizePx {
  width: number;
  height: number;
}

/**
 * The guide refuses a box whose width or height is not more than 1 px
 * (ERROR_BOUNDING_BOX_TOO_SMALL); the editor refuses it before it is ever sent.
 */
export const MIN_BOX_SIDE_PX = 1;

export type Handle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w';
export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

export function isTooSmall(box: Pick<BoxPx, 'width' | 'height'>): boolean {
  return box.width <= MIN_BOX_SIDE_PX || box.height <= MIN_BOX_SIDE_PX;
}

export function clampPoint(point: PointPx, image: ImageSizePx): PointPx {
  return {
    x: Math.min(image.width, Math.max(0, point.x)),
    y: Math.min(image.height, Math.max(0, point.y)),
  };
}

/** Whole pixels, as the console stores them: each edge rounds to the nearest pixel line. */
export function roundBox(box: BoxPx): BoxPx {
  const left = Math.round(box.left);
  const top = Math.round(box.top);
  return {
    label: box.label,
    left,
    top,
    width: Math.round(box.left + box.width) - left,
    height: Math.round(box.top + box.height) - top,
  };
}

/** The box spanned by two corners (any order), both clamped to the image, in whole pixels. */
export function boxFromCorners(a: PointPx, b: PointPx, image: ImageSizePx, label: string): BoxPx {
  const p = clampPoint(a, image);
  const q = clampPoint(b, image);
  return roundBox({
    label,
    left: Math.min(p.x, q.x),
    top: Math.min(p.y, q.y),
    width: Math.abs(p.x - q.x),
    height: Math.abs(p.y - q.y),
  });
}

/** The box moved by (dx, dy), stopped at the image's edges; its size never changes. */
export function translateWithin(box: BoxPx, dx: number, dy: number, image: ImageSizePx): BoxPx {
  const maxLeft = Math.max(0, image.width - box.width);
  const maxTop = Math.max(0, image.height - box.height);
  return {
    ...box,
    left: Math.round(Math.min(maxLeft, Math.max(0, box.left + dx))),
    top: Math.round(Math.min(maxTop, Math.max(0, box.top + dy))),
  };
}

/** A box pulled inside the image (shrunk where it sticks out); used for boxes copied from another image. */
export function clampBox(box: BoxPx, image: ImageSizePx): BoxPx {
  const left = Math.min(image.width, Math.max(0, box.left));
  const top = Math.min(image.height, Math.max(0, box.top));
  const right = Math.min(image.width, Math.max(0, box.left + box.width));
  const bottom = Math.min(image.height, Math.max(0, box.top + box.height));
  return roundBox({ label: box.label, left, top, width: right - left, height: bottom - top });
}

/** The same place on an image of another size (boxes repeated from the previous image). */
export function scaleBox(box: BoxPx, from: ImageSizePx, to: ImageSizePx): BoxPx {
  if (from.width === to.width && from.height === to.height) return clampBox(box, to);
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return clampBox({ label: box.label, left: box.left * sx, top: box.top * sy, width: box.width * sx, height: box.height * sy }, to);
}

export function sameBox(a: BoxPx, b: BoxPx): boolean {
  return a.label === b.label && a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height;
}

export function handlePoint(box: BoxPx, handle: Handle): PointPx {
  const x = handle.includes('w') ? box.left : handle.includes('e') ? box.left + box.width : box.left + box.width / 2;
  const y = handle.includes('n') ? box.top : handle.includes('s') ? box.top + box.height : box.top + box.height / 2;
  return { x, y };
}

/** The handle of `box` within `tolerance` of `point`, the nearest one if several are. */
export function hitHandle(box: BoxPx, point: PointPx, tolerance: number): Handle | undefined {
  let best: { handle: Handle; distance: number } | undefined;
  for (const handle of HANDLES) {
    const at = handlePoint(box, handle);
    const distance = Math.max(Math.abs(at.x - point.x), Math.abs(at.y - point.y));
    if (distance <= tolerance && (!best || distance < best.distance)) best = { handle, distance };
  }
  return best?.handle;
}

export function containsPoint(box: BoxPx, point: PointPx, tolerance = 0): boolean {
  return (
    point.x >= box.left - tolerance &&
    point.x <= box.left + box.width + tolerance &&
    point.y >= box.top - tolerance &&
    point.y <= box.top + box.height + tolerance
  );
}

/**
 * The box under `point`: the selected one if the point is on it (so it can be dragged even when
 * a smaller box lies inside it), else the smallest box that contains the point.
 */
export function hitBox(boxes: readonly BoxPx[], point: PointPx, tolerance: number, selected: number | null): number | null {
  if (selected !== null) {
    const box = boxes[selected];
    if (box && containsPoint(box, point, tolerance)) return selected;
  }
  let best: { index: number; area: number } | null = null;
  boxes.forEach((box, index) => {
    if (!containsPoint(box, point, tolerance)) return;
    const area = box.width * box.height;
    if (!best || area < best.area) best = { index, area };
  });
  return (best as { index: number } | null)?.index ?? null;
}

/**
 * The box with the edges of `handle` moved to `point` (clamped to the image), in whole pixels.
 * Dragging an edge past the opposite one flips the box, as drawing tools do.
 */
export function resizeBox(start: BoxPx, handle: Handle, point: PointPx, image: ImageSizePx): BoxPx {
  const p = clampPoint(point, image);
  let left = start.left;
  let right = start.left + start.width;
  let top = start.top;
  let bottom = start.top + start.height;
  if (handle.includes('w')) left = p.x;
  if (handle.includes('e')) right = p.x;
  if (handle.includes('n')) top = p.y;
  if (handle.includes('s')) bottom = p.y;
  return roundBox({
    label: start.label,
    left: Math.min(left, right),
    top: Math.min(top, bottom),
    width: Math.abs(right - left),
    height: Math.abs(bottom - top),
  });
}

/** The CSS cursor for a handle. */
export function handleCursor(handle: Handle): string {
  switch (handle) {
    case 'nw':
    case 'se':
      return 'nwse-resize';
    case 'ne':
    case 'sw':
      return 'nesw-resize';
    case 'n':
    case 's':
      return 'ns-resize';
    case 'e':
    case 'w':
      return 'ew-resize';
  }
}
