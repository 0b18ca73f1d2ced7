import type { CommandId } from '../../../../commands/keymap';
import type { BoxTool } from './BoxTool';
import { scaleBox, type BoxPx, type ImageSizePx } from './geometry';

export interface BoxCommandContext {
  /** The dataset's labels in pane order: `box:set-label-3` gives the selected box the third. */
  labels: readonly string[];
  /** The previous image's boxes, for `box:repeat-previous`. */
  previous?: { image: ImageSizePx; boxes: readonly BoxPx[] } | undefined;
}

const NUDGES: Partial<Record<CommandId, [number, number]>> = {
  'box:nudge-left': [-1, 0],
  'box:nudge-right': [1, 0],
  'box:nudge-up': [0, -1],
  'box:nudge-down': [0, 1],
  'box:nudge-left-10': [-10, 0],
  'box:nudge-right-10': [10, 0],
  'box:nudge-up-10': [0, -10],
  'box:nudge-down-10': [0, 10],
};

/** Runs a `box:*` command on the tool; says whether it applied (false lets the key fall through). */
export function runBoxCommand(tool: BoxTool, id: CommandId, context: BoxCommandContext): boolean {
  const nudge = NUDGES[id];
  if (nudge) return tool.nudge(nudge[0], nudge[1]);
  const setLabel = /^box:set-label-(\d)$/.exec(id);
  if (setLabel) {
    const label = context.labels[Number(setLabel[1]) - 1];
    return label !== undefined && tool.setSelectedLabel(label);
  }
  switch (id) {
    case 'box:delete':
      return tool.deleteSelected();
    case 'box:deselect':
      return tool.deselect();
    case 'box:next':
      return tool.cycle(1);
    case 'box:previous':
      return tool.cycle(-1);
    case 'box:repeat-previous': {
      const previous = context.previous;
      const image = tool.image;
      if (!previous || !image) return false;
      return tool.addBoxes(previous.boxes.map((box) => scaleBox(box, previous.image, image))) > 0;
    }
    default:
      return false;
  }
}
