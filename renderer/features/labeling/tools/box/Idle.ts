import { handleCursor, hitBox, hitHandle, type PointPx } from './geometry';
import type { BoxTool } from './BoxTool';
import { PointingBox } from './PointingBox';
import type { BoxState, ToolPointer } from './state';

/** Nothing in progress: a press picks a handle, a box, or empty space to draw in. */
export class Idle implements BoxState {
  readonly id = 'box.idle' as const;

  constructor(private readonly tool: BoxTool) {}

  onPointerDown(event: ToolPointer): void {
    const tool = this.tool;
    if (!tool.image) return;
    const selected = tool.selected === null ? undefined : tool.boxes[tool.selected];
    const handle = selected ? hitHandle(selected, event.point, tool.hitTolerance) : undefined;
    if (selected && handle && tool.selected !== null) {
      tool.transition(new PointingBox(tool, { kind: 'resize', index: tool.selected, handle }, event.point));
      return;
    }
    const index = hitBox(tool.boxes, event.point, tool.hitTolerance / 2, tool.selected);
    if (index !== null) {
      tool.select(index);
      tool.transition(new PointingBox(tool, { kind: 'move', index }, event.point));
      return;
    }
    tool.select(null);
    tool.transition(new PointingBox(tool, { kind: 'draw' }, event.point));
  }

  cursorAt(point: PointPx): string {
    const tool = this.tool;
    if (!tool.image) return 'default';
    const selected = tool.selected === null ? undefined : tool.boxes[tool.selected];
    const handle = selected ? hitHandle(selected, point, tool.hitTolerance) : undefined;
    if (handle) return handleCursor(handle);
    if (hitBox(tool.boxes, point, tool.hitTolerance / 2, tool.selected) !== null) return 'move';
    return 'crosshair';
  }
}
