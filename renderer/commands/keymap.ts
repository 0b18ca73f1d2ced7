/**
 * The keymap, as data: every command id (`namespace:verb`) with its scope, default keys and the
 * i18n key of its description (namespace-qualified, `labeling:commands.…`). The help overlay,
 * the dispatcher and remapping all read this table; nothing else binds keys.
 *
 * Pure TypeScript (no DOM): the duplicate-binding test runs in plain Node.
 *
 * Adding a command: add it below, its description to both locale files of its namespace, and a
 * handler with `useCommand`; the keymap test fails on a key bound twice in overlapping scopes.
 */

/**
 * Where a command applies. A narrower scope wins over the scopes it sits in: `box` (a box is
 * selected) over `image` (single-image mode) over `global` (anywhere in labeling mode); `grid`
 * (grid mode) over `global`.
 */
export type Scope = 'global' | 'grid' | 'image' | 'box';

/** The scopes a key press looks in, narrowest first. */
export const scopeChain: Readonly<Record<Scope, readonly Scope[]>> = {
  global: ['global'],
  grid: ['grid', 'global'],
  image: ['image', 'global'],
  box: ['box', 'image', 'global'],
};

export type CommandGroup = 'general' | 'labels' | 'images' | 'boxes' | 'view';

export interface CommandSpec {
  scope: Scope;
  group: CommandGroup;
  /** Chords such as `Mod+Z`, `Shift+1`, `ArrowLeft`, `?` (see normalizeChord). */
  keys: readonly string[];
  /** i18next key with its namespace, e.g. `labeling:commands.undo`. */
  description: string;
  /** Description values (the n of "Assign label n"). */
  values?: Readonly<Record<string, string | number>>;
  /** Commands of wider scopes that this one deliberately overrides on the same keys. */
  shadows?: readonly string[];
}

const DIGITS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
export type Digit = (typeof DIGITS)[number];

function numbered<P extends string>(prefix: P, make: (n: Digit) => CommandSpec): Record<`${P}-${Digit}`, CommandSpec> {
  return Object.fromEntries(DIGITS.map((n) => [`${prefix}-${n}`, make(n)])) as Record<`${P}-${Digit}`, CommandSpec>;
}

const d = (key: string) => `labeling:commands.${key}`;

export const defaultKeymap = {
  'help:show': { scope: 'global', group: 'general', keys: ['?'], description: d('helpShow') },
  'edit:undo': { scope: 'global', group: 'general', keys: ['Mod+Z'], description: d('undo') },
  'edit:redo': { scope: 'global', group: 'general', keys: ['Mod+Shift+Z', 'Mod+Y'], description: d('redo') },
  'mode:toggle': { scope: 'global', group: 'general', keys: ['G'], description: d('modeToggle') },
  'labels:manage': { scope: 'global', group: 'labels', keys: ['L'], description: d('labelsManage') },
  ...numbered('label:assign', (n) => ({
    scope: 'global',
    group: 'labels',
    keys: [String(n)],
    description: d('labelAssign'),
    values: { n },
  })),
  ...numbered('label:remove', (n) => ({
    scope: 'global',
    group: 'labels',
    keys: [`Shift+${n}`],
    description: d('labelRemove'),
    values: { n },
  })),

  'grid:select-all': { scope: 'grid', group: 'images', keys: ['Mod+A'], description: d('gridSelectAll') },
  'grid:clear-selection': { scope: 'grid', group: 'images', keys: ['Escape'], description: d('gridClearSelection') },
  'grid:open': { scope: 'grid', group: 'images', keys: ['Enter'], description: d('gridOpen') },
  'grid:cursor-next': { scope: 'grid', group: 'images', keys: ['ArrowRight'], description: d('gridCursorNext') },
  'grid:cursor-previous': { scope: 'grid', group: 'images', keys: ['ArrowLeft'], description: d('gridCursorPrevious') },
  'grid:cursor-down': { scope: 'grid', group: 'images', keys: ['ArrowDown'], description: d('gridCursorDown') },
  'grid:cursor-up': { scope: 'grid', group: 'images', keys: ['ArrowUp'], description: d('gridCursorUp') },
  'grid:extend-next': { scope: 'grid', group: 'images', keys: ['Shift+ArrowRight'], description: d('gridExtendNext') },
  'grid:extend-previous': { scope: 'grid', group: 'images', keys: ['Shift+ArrowLeft'], description: d('gridExtendPrevious') },

  'image:next': { scope: 'image', group: 'images', keys: ['ArrowRight', 'Enter'], description: d('imageNext') },
  'image:previous': { scope: 'image', group: 'images', keys: ['ArrowLeft', 'Shift+Enter'], description: d('imagePrevious') },
  'image:close': { scope: 'image', group: 'images', keys: ['Escape'], description: d('imageClose') },
  'image:auto-advance': { scope: 'image', group: 'images', keys: ['A'], description: d('imageAutoAdvance') },
  'view:zoom-in': { scope: 'image', group: 'view', keys: ['+', '='], description: d('zoomIn') },
  'view:zoom-out': { scope: 'image', group: 'view', keys: ['-'], description: d('zoomOut') },
  'view:fit': { scope: 'image', group: 'view', keys: ['0'], description: d('zoomFit') },
  'view:actual-size': { scope: 'image', group: 'view', keys: ['Shift+0'], description: d('zoomActual') },
  'box:next': { scope: 'image', group: 'boxes', keys: ['Tab'], description: d('boxNext') },
  'box:previous': { scope: 'image', group: 'boxes', keys: ['Shift+Tab'], description: d('boxPrevious') },
  'box:repeat-previous': { scope: 'image', group: 'boxes', keys: ['R'], description: d('boxRepeatPrevious') },

  'box:delete': { scope: 'box', group: 'boxes', keys: ['Delete', 'Backspace'], description: d('boxDelete') },
  'box:deselect': { scope: 'box', group: 'boxes', keys: ['Escape'], description: d('boxDeselect'), shadows: ['image:close'] },
  'box:nudge-left': { scope: 'box', group: 'boxes', keys: ['ArrowLeft'], description: d('boxNudgeLeft'), shadows: ['image:previous'] },
  'box:nudge-right': { scope: 'box', group: 'boxes', keys: ['ArrowRight'], description: d('boxNudgeRight'), shadows: ['image:next'] },
  'box:nudge-up': { scope: 'box', group: 'boxes', keys: ['ArrowUp'], description: d('boxNudgeUp') },
  'box:nudge-down': { scope: 'box', group: 'boxes', keys: ['ArrowDown'], description: d('boxNudgeDown') },
  'box:nudge-left-10': { scope: 'box', group: 'boxes', keys: ['Shift+ArrowLeft'], description: d('boxNudgeLeft10') },
  'box:nudge-right-10': { scope: 'box', group: 'boxes', keys: ['Shift+ArrowRight'], description: d('boxNudgeRight10') },
  'box:nudge-up-10': { scope: 'box', group: 'boxes', keys: ['Shift+ArrowUp'], description: d('boxNudgeUp10') },
  'box:nudge-down-10': { scope: 'box', group: 'boxes', keys: ['Shift+ArrowDown'], description: d('boxNudgeDown10') },
  ...numbered('box:set-label', (n) => ({
    scope: 'box',
    group: 'boxes',
    keys: [String(n)],
    description: d('boxSetLabel'),
    values: { n },
    shadows: [`label:assign-${n}`],
  })),
} satisfies Record<string, CommandSpec>;

export type CommandId = keyof typeof defaultKeymap;
export type Keymap = Record<CommandId, CommandSpec>;
/** What a user changed: command id → its keys. */
export type KeymapOverrides = Partial<Record<CommandId, readonly string[]>>;

export const commandIds = Object.keys(defaultKeymap) as CommandId[];

export function isCommandId(value: string): value is CommandId {
  return Object.prototype.hasOwnProperty.call(defaultKeymap, value);
}

const MODIFIERS = ['Mod', 'Alt', 'Shift'] as const;
const NAMED_KEYS: Readonly<Record<string, string>> = {
  esc: 'Escape',
  escape: 'Escape',
  enter: 'Enter',
  return: 'Enter',
  tab: 'Tab',
  space: 'Space',
  ' ': 'Space',
  delete: 'Delete',
  del: 'Delete',
  backspace: 'Backspace',
  arrowleft: 'ArrowLeft',
  arrowright: 'ArrowRight',
  arrowup: 'ArrowUp',
  arrowdown: 'ArrowDown',
  left: 'ArrowLeft',
  right: 'ArrowRight',
  up: 'ArrowUp',
  down: 'ArrowDown',
  home: 'Home',
  end: 'End',
  pageup: 'PageUp',
  pagedown: 'PageDown',
};

/**
 * One spelling per chord: modifiers in the order Mod, Alt, Shift, then the key; letters upper
 * case. `ctrl+shift+z` → `Mod+Shift+Z`. Ctrl and Cmd are both `Mod`.
 */
export function normalizeChord(chord: string): string {
  const parts = chord === '+' ? ['+'] : chord.endsWith('++') ? [...chord.slice(0, -2).split('+'), '+'] : chord.split('+');
  const rawKey = parts.pop() ?? '';
  const mods = new Set<string>();
  for (const part of parts) {
    const lower = part.trim().toLowerCase();
    if (lower === 'mod' || lower === 'ctrl' || lower === 'control' || lower === 'cmd' || lower === 'meta') mods.add('Mod');
    else if (lower === 'alt' || lower === 'option') mods.add('Alt');
    else if (lower === 'shift') mods.add('Shift');
  }
  const key = rawKey.length === 1 ? rawKey.toUpperCase() : (NAMED_KEYS[rawKey.toLowerCase()] ?? rawKey);
  return [...MODIFIERS.filter((mod) => mods.has(mod)), key].join('+');
}

/** The fields of a KeyboardEvent the dispatcher reads. */
export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/**
 * The chords a key press can mean. Letters and digits come from the physical key (`KeyR`,
 * `Digit1`), so they work with any layout or input method (a Korean layout sends `ㄱ` for R, and
 * Shift+1 sends `!`); symbols come from the character (`?`, `+`), with Shift implied by it.
 */
export function chordsOf(press: KeyPress): string[] {
  const mods = [press.ctrlKey || press.metaKey ? 'Mod' : '', press.altKey ? 'Alt' : ''].filter(Boolean);
  const withShift = press.shiftKey ? [...mods, 'Shift'] : mods;
  const chords: string[] = [];
  const letter = /^Key([A-Z])$/.exec(press.code)?.[1];
  const digit = /^(?:Digit|Numpad)([0-9])$/.exec(press.code)?.[1];
  if (letter ?? digit) chords.push([...withShift, letter ?? digit].join('+'));
  else if (press.key.length > 1) chords.push(normalizeChord([...withShift, press.key].join('+')));
  else if (press.key === ' ') chords.push([...withShift, 'Space'].join('+'));
  else if (press.key.length === 1) chords.push([...mods, press.key].join('+'));
  return chords;
}

/** The default keymap with a user's changes laid over it. */
export function resolveKeymap(overrides: KeymapOverrides = {}): Keymap {
  const keymap = { ...defaultKeymap } as Keymap;
  for (const id of commandIds) {
    const keys = overrides[id];
    if (keys) keymap[id] = { ...defaultKeymap[id], keys: keys.map(normalizeChord) };
  }
  return keymap;
}

function scopesOverlap(a: Scope, b: Scope): boolean {
  return scopeChain[a].includes(b) || scopeChain[b].includes(a);
}

export interface KeyConflict {
  chord: string;
  commands: [CommandId, CommandId];
}

function declaresShadow(keymap: Keymap, narrow: CommandId, wide: CommandId): boolean {
  const spec = keymap[narrow];
  return spec.scope !== keymap[wide].scope && scopeChain[spec.scope].includes(keymap[wide].scope) && (spec.shadows ?? []).includes(wide);
}

/**
 * Keys bound twice where both commands could be live at once: same scope, or a scope and one it
 * sits in, unless the narrower command declares that it shadows the other.
 */
export function findConflicts(keymap: Keymap): KeyConflict[] {
  const conflicts: KeyConflict[] = [];
  const seen: { chord: string; id: CommandId }[] = [];
  for (const id of commandIds) {
    const chords = new Set(keymap[id].keys.map(normalizeChord));
    for (const chord of chords) {
      for (const other of seen) {
        if (other.chord !== chord || other.id === id) continue;
        if (!scopesOverlap(keymap[id].scope, keymap[other.id].scope)) continue;
        if (declaresShadow(keymap, id, other.id) || declaresShadow(keymap, other.id, id)) continue;
        conflicts.push({ chord, commands: [other.id, id] });
      }
      seen.push({ chord, id });
    }
  }
  return conflicts;
}

/** The commands bound to `chord` whose scopes overlap `scope` (for "already used by …"). */
export function commandsOnChord(keymap: Keymap, chord: string, scope: Scope, except?: CommandId): CommandId[] {
  const wanted = normalizeChord(chord);
  return commandIds.filter(
    (id) =>
      id !== except &&
      scopesOverlap(scope, keymap[id].scope) &&
      keymap[id].keys.some((key) => normalizeChord(key) === wanted) &&
      !(except && (declaresShadow(keymap, except, id) || declaresShadow(keymap, id, except))),
  );
}

/**
 * The command a key press runs: the narrowest active scope first; within a scope, the first
 * command whose keys match and that `isAvailable` accepts (a command with no handler is skipped,
 * so the next scope can take the key).
 */
export function commandForPress(
  keymap: Keymap,
  press: KeyPress,
  scope: Scope,
  isAvailable: (id: CommandId) => boolean = () => true,
): CommandId | undefined {
  const chords = chordsOf(press);
  for (const current of scopeChain[scope]) {
    for (const id of commandIds) {
      const spec = keymap[id];
      if (spec.scope !== current) continue;
      if (!spec.keys.some((key) => chords.includes(normalizeChord(key)))) continue;
      if (isAvailable(id)) return id;
    }
  }
  return undefined;
}

const MAC_SYMBOLS: Readonly<Record<string, string>> = { Mod: '⌘', Alt: '⌥', Shift: '⇧' };
const KEY_SYMBOLS: Readonly<Record<string, string>> = {
  ArrowLeft: '←',
  ArrowRight: '→',
  ArrowUp: '↑',
  ArrowDown: '↓',
  Escape: 'Esc',
  Delete: 'Del',
  Backspace: '⌫',
  Enter: '↵',
};

/** The parts of a chord as printed on keys: `Mod+Shift+Z` → ['Ctrl', 'Shift', 'Z'] (or ⌘ ⇧ Z). */
export function chordLabel(chord: string, isMac: boolean): string[] {
  const parts = normalizeChord(chord) === '+' ? ['+'] : normalizeChord(chord).split(/\+(?!$)/);
  return parts.map((part, index) => {
    if (index < parts.length - 1) return isMac ? (MAC_SYMBOLS[part] ?? part) : part === 'Mod' ? 'Ctrl' : part;
    return KEY_SYMBOLS[part] ?? part;
  });
}
