import type { Handle, PointPx } from './geometry';
import type { BoxTool } from './BoxTool';
import { DrawingBox } from './DrawingBox';
import { Idle } from './Idle';
import { MovingBox } from './MovingBox';
import { ResizingBox } from './ResizingBox';
import type { BoxState, ToolPointer } from './state';

export type PointingTarget = { kind: 'draw' } | { kind: 'move'; index: number } | { kind: 'resize'; index: number; handle: Handle };

/**
 * The button is down but the pointer has not travelled far enough to be a drag: a click selects
 * (or deselects), a drag becomes drawing, moving or resizing.
 */
export class PointingBox implements BoxState {
  readonly id = 'box.pointing' as const;

  constructor(
    private readonly tool: BoxTool,
    readonly target: PointingTarget,
    private readonly origin: PointPx,
  ) {}

  onPointerMove(event: ToolPointer): void {
    const tool = this.tool;
    const distance = Math.hypot(event.point.x - this.origin.x, event.point.y - this.origin.y);
    if (distance <= tool.dragThreshold) return;
    const target = this.target;
    switch (target.kind) {
      case 'draw': {
        if (tool.activeLabel === null) {
          // The console requires a label before drawing (guide §2.6); say so instead of drawing.
          tool.refuse('needsLabel');
          tool.transition(new Idle(tool));
          return;
        }
        tool.transition(new DrawingBox(tool, this.origin, tool.activeLabel));
        break;
      }
      case 'move':
        tool.transition(new MovingBox(tool, target.index, this.origin));
        break;
      case 'resize':
        tool.transition(new ResizingBox(tool, target.index, target.handle));
        break;
    }
    tool.state.onPointerMove?.(event);
  }

  onPointerUp(): void {
    this.tool.transition(new Idle(this.tool));
  }

  onCancel(): void {
    this.tool.transition(new Idle(this.tool));
  }

  cursorAt(): string {
    return this.target.kind === 'draw' ? 'crosshair' : 'move';
  }
}
