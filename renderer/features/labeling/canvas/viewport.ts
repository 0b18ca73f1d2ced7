/**
 * Zoom and pan of the image in the canvas, and the transforms between image pixels and screen
 * pixels. Screen coordinates exist only in this folder: the tools above it see image pixels.
 *
 * screen = image × scale + offset, where screen is relative to the canvas element's top-left
 * corner (CSS pixels) and image is pixels of the correctly oriented original.
 */

export interface Viewport {
  /** Screen pixels per image pixel. */
  scale: number;
  offsetX: number;
  offsetY: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface RectPx {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 32;
/** One step of the zoom keys and buttons. */
export const ZOOM_STEP = 1.25;
/** Screen pixels left around the image when it is fitted. */
export const FIT_MARGIN_PX = 24;

export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** The whole image, as large as fits with a margin, centred. */
export function fitViewport(image: Size, screen: Size, margin = FIT_MARGIN_PX): Viewport {
  if (image.width <= 0 || image.height <= 0 || screen.width <= 0 || screen.height <= 0) {
    return { scale: 1, offsetX: 0, offsetY: 0 };
  }
  const availableWidth = Math.max(1, screen.width - 2 * margin);
  const availableHeight = Math.max(1, screen.height - 2 * margin);
  const scale = clampScale(Math.min(availableWidth / image.width, availableHeight / image.height));
  return centred(image, screen, scale);
}

/** The image at `scale`, centred in the screen. */
export function centred(image: Size, screen: Size, scale: number): Viewport {
  return {
    scale,
    offsetX: (screen.width - image.width * scale) / 2,
    offsetY: (screen.height - image.height * scale) / 2,
  };
}

export function imageToScreen(viewport: Viewport, point: Point): Point {
  return { x: point.x * viewport.scale + viewport.offsetX, y: point.y * viewport.scale + viewport.offsetY };
}

export function screenToImage(viewport: Viewport, point: Point): Point {
  return { x: (point.x - viewport.offsetX) / viewport.scale, y: (point.y - viewport.offsetY) / viewport.scale };
}

export function rectToScreen(viewport: Viewport, rect: RectPx): RectPx {
  return {
    left: rect.left * viewport.scale + viewport.offsetX,
    top: rect.top * viewport.scale + viewport.offsetY,
    width: rect.width * viewport.scale,
    height: rect.height * viewport.scale,
  };
}

/** Zooms by `factor`, keeping the image point under `anchor` (screen) where it is. */
export function zoomAt(viewport: Viewport, factor: number, anchor: Point): Viewport {
  const scale = clampScale(viewport.scale * factor);
  const fixed = screenToImage(viewport, anchor);
  return { scale, offsetX: anchor.x - fixed.x * scale, offsetY: anchor.y - fixed.y * scale };
}

/** Zooms to an absolute scale around `anchor` (screen). */
export function zoomTo(viewport: Viewport, scale: number, anchor: Point): Viewport {
  return zoomAt(viewport, clampScale(scale) / viewport.scale, anchor);
}

export function panBy(viewport: Viewport, dx: number, dy: number): Viewport {
  return { ...viewport, offsetX: viewport.offsetX + dx, offsetY: viewport.offsetY + dy };
}

/** Wheel delta (pixels) → zoom factor: one notch (100 px) is about one zoom step. */
export function wheelZoomFactor(deltaY: number): number {
  return Math.pow(ZOOM_STEP, -deltaY / 100);
}

/**
 * Keeps at least `keep` screen pixels of the image visible, so a pan or zoom can never lose it
 * off the edge.
 */
export function keepImageVisible(viewport: Viewport, image: Size, screen: Size, keep = 48): Viewport {
  const width = image.width * viewport.scale;
  const height = image.height * viewport.scale;
  const minX = Math.min(keep, width) - width;
  const maxX = screen.width - Math.min(keep, width);
  const minY = Math.min(keep, height) - height;
  const maxY = screen.height - Math.min(keep, height);
  return {
    scale: viewport.scale,
    offsetX: Math.min(maxX, Math.max(minX, viewport.offsetX)),
    offsetY: Math.min(maxY, Math.max(minY, viewport.offsetY)),
  };
}
