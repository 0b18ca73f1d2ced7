/**
 * Drives the box tool as the canvas does, without a browser: pointer events in image pixels,
 * keys resolved through the real keymap to commands, and an assertion on the tool's state
 * (`expectState('box.drawing')`). Commits and refusals are recorded for the test to read.
 */
import assert from 'node:assert/strict';
import { commandForPress, defaultKeymap, normalizeChord, resolveKeymap, type CommandId, type Keymap } from '../../renderer/commands/keymap';
import { BoxTool, runBoxCommand, type BoxChange, type BoxPx, type BoxStateId, type ImageSizePx, type Refusal } from '../../renderer/features/labeling/tools/box';

export interface TestCanvasOptions {
  width?: number;
  height?: number;
  boxes?: BoxPx[];
  labels?: string[];
  /** Screen pixels per image pixel: sets hit tolerances and the drag threshold. */
  scale?: number;
  previous?: { image: ImageSizePx; boxes: BoxPx[] };
  keymap?: Keymap;
}

export interface Modifiers {
  shiftKey?: boolean;
  altKey?: boolean;
}

export class TestCanvas {
  readonly tool: BoxTool;
  readonly commits: { boxes: BoxPx[]; change: BoxChange }[] = [];
  readonly refusals: Refusal[] = [];
  readonly labels: string[];
  /** Commands run by key(), in order. */
  readonly commandsRun: CommandId[] = [];
  private readonly keymap: Keymap;
  private readonly previous: TestCanvasOptions['previous'];

  constructor(options: TestCanvasOptions = {}) {
    this.labels = options.labels ?? ['cat', 'dog', 'bird'];
    this.keymap = options.keymap ?? resolveKeymap();
    this.previous = options.previous;
    this.tool = new BoxTool({
      onCommit: (boxes, change) => this.commits.push({ boxes, change }),
      onRefuse: (reason) => this.refusals.push(reason),
    });
    this.tool.setScale(options.scale ?? 1);
    this.tool.setActiveLabel(this.labels[0] ?? null);
    this.tool.load('image', { width: options.width ?? 400, height: options.height ?? 300 }, options.boxes ?? []);
  }

  pointerDown(x: number, y: number, modifiers: Modifiers = {}): this {
    this.tool.pointerDown({ point: { x, y }, ...modifiers });
    return this;
  }

  pointerMove(x: number, y: number, modifiers: Modifiers = {}): this {
    this.tool.pointerMove({ point: { x, y }, ...modifiers });
    return this;
  }

  pointerUp(x: number, y: number, modifiers: Modifiers = {}): this {
    this.tool.pointerUp({ point: { x, y }, ...modifiers });
    return this;
  }

  /** Press, move in a few steps, release. */
  drag(from: [number, number], to: [number, number], modifiers: Modifiers = {}): this {
    this.pointerDown(from[0], from[1], modifiers);
    for (const t of [0.25, 0.5, 0.75, 1]) {
      this.pointerMove(from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t, modifiers);
    }
    return this.pointerUp(to[0], to[1], modifiers);
  }

  click(x: number, y: number): this {
    return this.pointerDown(x, y).pointerUp(x, y);
  }

  /**
   * A key press (`Delete`, `Shift+ArrowLeft`, `Tab`, `2`), resolved through the keymap in the
   * scope the labeling screen uses: `box` while a box is selected or a gesture runs, else `image`.
   */
  key(chord: string): CommandId | undefined {
    const normal = normalizeChord(chord);
    const parts = normal.split('+');
    const key = parts.pop()!;
    const press = {
      key: key.length === 1 ? key.toLowerCase() : key,
      code: /^[A-Z]$/.test(key) ? `Key${key}` : /^[0-9]$/.test(key) ? `Digit${key}` : key,
      ctrlKey: parts.includes('Mod'),
      metaKey: false,
      altKey: parts.includes('Alt'),
      shiftKey: parts.includes('Shift'),
    };
    const scope = this.tool.selected !== null || this.tool.stateId !== 'box.idle' ? 'box' : 'image';
    const id = commandForPress(this.keymap, press, scope, (candidate) => candidate.startsWith('box:'));
    if (!id) return undefined;
    this.commandsRun.push(id);
    runBoxCommand(this.tool, id, { labels: this.labels, previous: this.previous });
    return id;
  }

  expectState(id: BoxStateId): void {
    assert.equal(this.tool.stateId, id);
  }

  get boxes(): BoxPx[] {
    return this.tool.boxes;
  }

  get selected(): number | null {
    return this.tool.selected;
  }

  get lastCommit(): { boxes: BoxPx[]; change: BoxChange } | undefined {
    return this.commits.at(-1);
  }
}

export function aBox(overrides: Partial<BoxPx> = {}): BoxPx {
  return { label: 'cat', left: 100, top: 80, width: 120, height: 90, ...overrides };
}

export { defaultKeymap };
