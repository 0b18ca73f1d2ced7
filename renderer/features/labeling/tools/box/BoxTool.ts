/**
 * The bounding-box tool: a small state machine (Idle → PointingBox → DrawingBox | MovingBox |
 * ResizingBox → Idle) over the boxes of one image. The canvas feeds it pointer events in image
 * pixels; keyboard commands call its methods. It never saves anything itself: a finished gesture
 * is handed to `onCommit` with the image's new list of boxes, and a refused one to `onRefuse`.
 *
 * Plain TypeScript, no React and no DOM, so it is tested in Node through TestCanvas.
 */
import { VersionedStore } from '../../../../lib/versionedStore';
import { clampBox, isTooSmall, sameBox, translateWithin, type BoxPx, type ImageSizePx, type PointPx } from './geometry';
import { Idle } from './Idle';
import type { BoxState, BoxStateId, ToolPointer } from './state';

export type BoxChange = 'add' | 'move' | 'resize' | 'delete' | 'relabel' | 'nudge' | 'repeat';
export type Refusal = 'tooSmall' | 'needsLabel';

export interface BoxToolOptions {
  /** A finished edit: the image's whole new list of boxes. */
  onCommit?: (boxes: BoxPx[], change: BoxChange) => void;
  onRefuse?: (reason: Refusal) => void;
}

/** The box being drawn (`index` null) or the replacement for box `index` while it is dragged. */
export interface BoxPreview {
  index: number | null;
  box: BoxPx;
}

/** Screen pixels around a handle or an edge that still hit it. */
export const HIT_TOLERANCE_SCREEN_PX = 7;
/** Screen pixels the pointer travels before a press becomes a drag. */
export const DRAG_THRESHOLD_SCREEN_PX = 3;

export class BoxTool extends VersionedStore {
  image: ImageSizePx | null = null;
  boxes: BoxPx[] = [];
  selected: number | null = null;
  /** The label a new box gets; null while the dataset has no labels. */
  activeLabel: string | null = null;
  preview: BoxPreview | null = null;
  state: BoxState;

  private scale = 1;
  private documentKey: string | number | null = null;
  private deferred: BoxPx[] | null = null;

  constructor(private readonly options: BoxToolOptions = {}) {
    super();
    this.state = new Idle(this);
  }

  get stateId(): BoxStateId {
    return this.state.id;
  }

  /** Image pixels within which a handle or box edge is hit, at the current zoom. */
  get hitTolerance(): number {
    return HIT_TOLERANCE_SCREEN_PX / this.scale;
  }

  get dragThreshold(): number {
    return DRAG_THRESHOLD_SCREEN_PX / this.scale;
  }

  imageSize(): ImageSizePx {
    if (!this.image) throw new Error('The box tool has no image');
    return this.image;
  }


  /**
   * Shows an image's boxes. A new `key` (another image) abandons any gesture and the selection;
   * the same key takes the boxes as saved or changed elsewhere, after the gesture in progress.
   */
  load(key: string | number, image: ImageSizePx | null, boxes: readonly BoxPx[]): void {
    if (key !== this.documentKey) {
      this.documentKey = key;
      this.state.onCancel?.();
      this.state = new Idle(this);
      this.preview = null;
      this.image = image;
      this.boxes = [...boxes];
      this.selected = null;
      this.deferred = null;
      this.changed();
      return;
    }
    this.image = image;
    if (this.state.id !== 'box.idle') {
      this.deferred = [...boxes];
      return;
    }
    this.replaceBoxes(boxes);
  }

  private replaceBoxes(boxes: readonly BoxPx[]): void {
    const same = boxes.length === this.boxes.length && boxes.every((box, i) => sameBox(box, this.boxes[i]!));
    if (same) return;
    this.boxes = [...boxes];
    if (this.selected !== null && this.selected >= this.boxes.length) this.selected = null;
    this.changed();
  }

  setActiveLabel(label: string | null): void {
    if (label === this.activeLabel) return;
    this.activeLabel = label;
    this.changed();
  }

  /** Screen pixels per image pixel, for hit tolerances. */
  setScale(scale: number): void {
    this.scale = scale > 0 ? scale : 1;
  }

  // --- State machine -----------------------------------------------------------------------

  transition(next: BoxState): void {
    this.state = next;
    if (next.id === 'box.idle' && this.deferred) {
      const boxes = this.deferred;
      this.deferred = null;
      this.replaceBoxes(boxes);
    }
    this.changed();
  }

  pointerDown(event: ToolPointer): void {
    this.state.onPointerDown?.(event);
  }

  pointerMove(event: ToolPointer): void {
    this.state.onPointerMove?.(event);
  }

  pointerUp(event: ToolPointer): void {
    this.state.onPointerUp?.(event);
  }

  /** Escape or a lost pointer: abandon the gesture in progress. Says whether there was one. */
  cancel(): boolean {
    if (this.state.id === 'box.idle') return false;
    const state: BoxState = this.state;
    state.onCancel?.();
    if ((this.state as BoxState).id !== 'box.idle') this.transition(new Idle(this));
    return true;
  }

  cursorAt(point: PointPx): string {
    return this.state.cursorAt?.(point) ?? 'default';
  }

  // --- Called by states ---------------------------------------------------------------------

  setPreview(preview: BoxPreview | null): void {
    this.preview = preview;
    this.changed();
  }

  select(index: number | null): void {
    const next = index !== null && index >= 0 && index < this.boxes.length ? index : null;
    if (next === this.selected) return;
    this.selected = next;
    this.changed();
  }

  refuse(reason: Refusal): void {
    this.options.onRefuse?.(reason);
  }

  /** Takes `boxes` as the image's boxes at once and hands them on to be saved. */
  commit(boxes: BoxPx[], change: BoxChange, select: number | null = this.selected): void {
    this.boxes = boxes;
    this.selected = select !== null && select < boxes.length ? select : null;
    this.changed();
    this.options.onCommit?.(boxes, change);
  }

  /** The boxes as they look now, with the one being drawn or dragged in place. */
  displayBoxes(): BoxPx[] {
    const preview = this.preview;
    if (!preview) return this.boxes;
    if (preview.index === null) return [...this.boxes, preview.box];
    return this.boxes.map((box, i) => (i === preview.index ? preview.box : box));
  }

  /** Index in displayBoxes() of the box drawn as selected. */
  displaySelected(): number | null {
    if (this.preview?.index === null) return this.boxes.length;
    return this.preview ? this.preview.index : this.selected;
  }

  // --- Keyboard commands (only between gestures) ----------------------------------------------

  private get isIdle(): boolean {
    return this.state.id === 'box.idle';
  }

  deleteSelected(): boolean {
    if (!this.isIdle || this.selected === null) return false;
    const index = this.selected;
    const boxes = this.boxes.filter((_, i) => i !== index);
    this.commit(boxes, 'delete', boxes.length === 0 ? null : Math.min(index, boxes.length - 1));
    return true;
  }

  /** Tab and Shift+Tab: the next or previous box, round the list. */
  cycle(direction: 1 | -1): boolean {
    if (!this.isIdle || this.boxes.length === 0) return false;
    const count = this.boxes.length;
    const next = this.selected === null ? (direction === 1 ? 0 : count - 1) : (this.selected + direction + count) % count;
    this.select(next);
    return true;
  }

  deselect(): boolean {
    if (this.cancel()) return true;
    if (this.selected === null) return false;
    this.select(null);
    return true;
  }

  /** Moves the selected box by whole pixels, stopping at the image's edges. */
  nudge(dx: number, dy: number): boolean {
    if (!this.isIdle || this.selected === null || !this.image) return false;
    const index = this.selected;
    const box = this.boxes[index]!;
    const moved = translateWithin(box, dx, dy, this.image);
    if (sameBox(moved, box)) return true;
    this.commit(
      this.boxes.map((existing, i) => (i === index ? moved : existing)),
      'nudge',
      index,
    );
    return true;
  }

  setSelectedLabel(label: string): boolean {
    if (!this.isIdle || this.selected === null) return false;
    const index = this.selected;
    const box = this.boxes[index]!;
    if (box.label === label) return true;
    this.commit(
      this.boxes.map((existing, i) => (i === index ? { ...existing, label } : existing)),
      'relabel',
      index,
    );
    return true;
  }

  /** Adds boxes from elsewhere (the previous image), skipping ones already here and tiny ones. */
  addBoxes(incoming: readonly BoxPx[]): number {
    if (!this.isIdle || !this.image) return 0;
    const image = this.image;
    const added = incoming
      .map((box) => clampBox(box, image))
      .filter((box) => !isTooSmall(box) && !this.boxes.some((existing) => sameBox(existing, box)));
    if (added.length === 0) return 0;
    this.commit([...this.boxes, ...added], 'repeat', this.boxes.length + added.length - 1);
    return added.length;
  }
}
