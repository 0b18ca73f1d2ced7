/**
 * The main window's size, position and maximised state, kept in a small JSON file in the Loupe
 * home so the window reopens where the user left it. A missing, unreadable or off-screen state
 * falls back to a centred default.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { screen, type BrowserWindow, type Rectangle } from 'electron';
import { createLogger } from '../log';

const log = createLogger('app');

export interface WindowState {
  bounds: { x?: number; y?: number; width: number; height: number };
  isMaximized: boolean;
}

const DEFAULT_STATE: WindowState = { bounds: { width: 1280, height: 800 }, isMaximized: false };
const MIN_SIZE = { width: 800, height: 560 };

export function loadWindowState(file: string): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // First launch, or a file we cannot read: the default is the right answer either way.
    return DEFAULT_STATE;
  }
  const state = parse(raw);
  if (!state) return DEFAULT_STATE;
  const { x, y, width, height } = state.bounds;
  if (x === undefined || y === undefined) return state;
  // A display that was unplugged since: keep the size, let the window centre itself.
  const visible = screen.getAllDisplays().some((display) => intersects(display.workArea, { x, y, width, height }));
  return visible ? state : { ...state, bounds: { width, height } };
}

/** Write the window's state to `file` when it closes. */
export function trackWindowState(window: BrowserWindow, file: string): void {
  window.on('close', () => {
    const state: WindowState = { bounds: window.getNormalBounds(), isMaximized: window.isMaximized() };
    try {
      writeFileSync(file, `${JSON.stringify(state)}\n`);
    } catch (error) {
      log.warn('window state not saved', { file, error });
    }
  });
}

export const minimumWindowSize = MIN_SIZE;

function parse(raw: unknown): WindowState | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { bounds, isMaximized } = raw as Partial<Record<keyof WindowState, unknown>>;
  if (typeof bounds !== 'object' || bounds === null) return undefined;
  const { x, y, width, height } = bounds as Record<string, unknown>;
  if (!isFiniteNumber(width) || !isFiniteNumber(height)) return undefined;
  const size = { width: Math.max(MIN_SIZE.width, Math.round(width)), height: Math.max(MIN_SIZE.height, Math.round(height)) };
  const position = isFiniteNumber(x) && isFiniteNumber(y) ? { x: Math.round(x), y: Math.round(y) } : {};
  return { bounds: { ...position, ...size }, isMaximized: isMaximized === true };
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function intersects(a: Rectangle, b: Rectangle): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
