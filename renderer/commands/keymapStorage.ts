/**
 * The user's key changes, kept in localStorage on this machine (per origin: the Electron window and
 * each `loupe serve` address keep their own). Only chords for known commands are read back.
 */
import { isCommandId, normalizeChord, resolveKeymap, type CommandId, type Keymap, type KeymapOverrides } from './keymap';

const STORAGE_KEY = 'loupe.keymap.v1';

export function loadKeymapOverrides(): KeymapOverrides {
  let text: string | null = null;
  try {
    text = window.localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled by privacy settings: the defaults apply.
    return {};
  }
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A damaged entry is ignored (and replaced by the next change), never fatal.
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const overrides: KeymapOverrides = {};
  for (const [id, keys] of Object.entries(parsed)) {
    if (!isCommandId(id) || !Array.isArray(keys)) continue;
    overrides[id] = keys.filter((key): key is string => typeof key === 'string' && key.length > 0).map(normalizeChord);
  }
  return overrides;
}

export function saveKeymapOverrides(overrides: KeymapOverrides): void {
  try {
    if (Object.keys(overrides).length === 0) window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, JSON.stringify(overrides));
  } catch {
    // Without storage a change lasts as long as the page; the overlay still shows it.
  }
}

type Listener = () => void;
const listeners = new Set<Listener>();
let overrides: KeymapOverrides | null = null;
let keymap: Keymap | null = null;

/** The keymap in force (defaults plus this machine's changes). */
export function currentKeymap(): Keymap {
  if (!keymap) {
    overrides ??= loadKeymapOverrides();
    keymap = resolveKeymap(overrides);
  }
  return keymap;
}

export function currentOverrides(): KeymapOverrides {
  overrides ??= loadKeymapOverrides();
  return overrides;
}

export function subscribeKeymap(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function publish(next: KeymapOverrides): void {
  overrides = next;
  keymap = resolveKeymap(next);
  saveKeymapOverrides(next);
  for (const listener of listeners) listener();
}

/** Binds `keys` to `id` (an empty list unbinds it). */
export function setCommandKeys(id: CommandId, keys: readonly string[]): void {
  publish({ ...currentOverrides(), [id]: keys.map(normalizeChord) });
}

export function resetCommandKeys(id?: CommandId): void {
  if (!id) {
    publish({});
    return;
  }
  const { [id]: _removed, ...rest } = currentOverrides();
  publish(rest);
}
