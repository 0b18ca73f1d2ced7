import { boxFromCorners, isTooSmall, type PointPx } from './geometry';
import type { BoxTool } from './BoxTool';
import { Idle } from './Idle';
import type { BoxState, ToolPointer } from './state';

/** Dragging out a new box from `origin`; both corners stay inside the image. */
export class DrawingBox implements BoxState {
  readonly id = 'box.drawing' as const;

  constructor(
    private readonly tool: BoxTool,
    private readonly origin: PointPx,
    private readonly label: string,
  ) {
    tool.setPreview({ index: null, box: boxFromCorners(origin, origin, tool.imageSize(), label) });
  }

  onPointerMove(event: ToolPointer): void {
    this.tool.setPreview({ index: null, box: boxFromCorners(this.origin, event.point, this.tool.imageSize(), this.label) });
  }

  onPointerUp(event: ToolPointer): void {
    const tool = this.tool;
    const box = boxFromCorners(this.origin, event.point, tool.imageSize(), this.label);
    tool.setPreview(null);
    tool.transition(new Idle(tool));
    if (isTooSmall(box)) {
      tool.refuse('tooSmall');
      return;
    }
    tool.commit([...tool.boxes, box], 'add', tool.boxes.length);
  }

  onCancel(): void {
    this.tool.setPreview(null);
    this.tool.transition(new Idle(this.tool));
  }

  cursorAt(): string {
    return 'crosshair';
  }
}
