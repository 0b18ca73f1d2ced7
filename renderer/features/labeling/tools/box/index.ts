export { BoxTool, DRAG_THRESHOLD_SCREEN_PX, HIT_TOLERANCE_SCREEN_PX, type BoxChange, type BoxPreview, type BoxToolOptions, type Refusal } from './BoxTool';
export * from './geometry';
export { runBoxCommand, type BoxCommandContext } from './commands';
export type { BoxStateId, ToolPointer } from './state';
