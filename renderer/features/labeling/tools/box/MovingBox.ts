import { sameBox, translateWithin, type BoxPx, type PointPx } from './geometry';
import type { BoxTool } from './BoxTool';
import { Idle } from './Idle';
import type { BoxState, ToolPointer } from './state';

/** Dragging a box by its body; it stops at the image's edges and keeps its size. */
export class MovingBox implements BoxState {
  readonly id = 'box.moving' as const;
  private readonly start: BoxPx;

  constructor(
    private readonly tool: BoxTool,
    private readonly index: number,
    private readonly origin: PointPx,
  ) {
    const start = tool.boxes[index];
    if (!start) throw new Error(`No box ${index} to move`);
    this.start = start;
  }

  private moved(point: PointPx): BoxPx {
    return translateWithin(this.start, point.x - this.origin.x, point.y - this.origin.y, this.tool.imageSize());
  }

  onPointerMove(event: ToolPointer): void {
    this.tool.setPreview({ index: this.index, box: this.moved(event.point) });
  }

  onPointerUp(event: ToolPointer): void {
    const tool = this.tool;
    const box = this.moved(event.point);
    tool.setPreview(null);
    tool.transition(new Idle(tool));
    if (sameBox(box, this.start)) return;
    tool.commit(
      tool.boxes.map((existing, i) => (i === this.index ? box : existing)),
      'move',
      this.index,
    );
  }

  onCancel(): void {
    this.tool.setPreview(null);
    this.tool.transition(new Idle(this.tool));
  }

  cursorAt(): string {
    return 'move';
  }
}
