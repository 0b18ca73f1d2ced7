import { handleCursor, isTooSmall, resizeBox, sameBox, type BoxPx, type Handle } from './geometry';
import type { BoxTool } from './BoxTool';
import { Idle } from './Idle';
import type { BoxState, ToolPointer } from './state';

/** Dragging one of the eight handles of the selected box; the moving edges stay inside the image. */
export class ResizingBox implements BoxState {
  readonly id = 'box.resizing' as const;
  private readonly start: BoxPx;

  constructor(
    private readonly tool: BoxTool,
    private readonly index: number,
    readonly handle: Handle,
  ) {
    const start = tool.boxes[index];
    if (!start) throw new Error(`No box ${index} to resize`);
    this.start = start;
  }

  onPointerMove(event: ToolPointer): void {
    this.tool.setPreview({ index: this.index, box: resizeBox(this.start, this.handle, event.point, this.tool.imageSize()) });
  }

  onPointerUp(event: ToolPointer): void {
    const tool = this.tool;
    const box = resizeBox(this.start, this.handle, event.point, tool.imageSize());
    tool.setPreview(null);
    tool.transition(new Idle(tool));
    if (isTooSmall(box)) {
      // The box keeps its size from before the drag.
      tool.refuse('tooSmall');
      return;
    }
    if (sameBox(box, this.start)) return;
    tool.commit(
      tool.boxes.map((existing, i) => (i === this.index ? box : existing)),
      'resize',
      this.index,
    );
  }

  onCancel(): void {
    this.tool.setPreview(null);
    this.tool.transition(new Idle(this.tool));
  }

  cursorAt(): string {
    return handleCursor(this.handle);
  }
}
