import type { PointPx } from './geometry';

export type BoxStateId = 'box.idle' | 'box.pointing' | 'box.drawing' | 'box.moving' | 'box.resizing';

/** A pointer event as the tool sees it: the point in image pixels (it may lie outside the image). */
export interface ToolPointer {
  point: PointPx;
  shiftKey?: boolean;
  altKey?: boolean;
}

/** One state of the box tool; it handles the events that mean something while the user is doing it. */
export interface BoxState {
  readonly id: BoxStateId;
  onPointerDown?(event: ToolPointer): void;
  onPointerMove?(event: ToolPointer): void;
  onPointerUp?(event: ToolPointer): void;
  /** Escape, a cancelled pointer, or a new image: abandon what is in progress. */
  onCancel?(): void;
  /** The cursor to show at `point`. */
  cursorAt?(point: PointPx): string;
}
