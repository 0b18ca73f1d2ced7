/**
 * Keys a kiosk window keeps from the application menu: with its accelerators live, Ctrl+Q / Cmd+Q
 * quits, Ctrl+M minimises, F11 leaves full screen, Ctrl+W closes — and the kiosk is left without
 * its PIN. In a kiosk window only the PIN leaves, so any chord with Control, Meta (Cmd) or Alt and
 * every function key stops before the menu sees it; plain keys (digits for the PIN, Enter,
 * Escape, arrows) still reach the page. Plain Node: no Electron here, so it is tested directly.
 */
export interface KeyInput {
  type: string;
  key: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
}

export function isKioskBlockedKey(input: KeyInput): boolean {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return false;
  if (input.control || input.meta || input.alt) return true;
  return /^F\d{1,2}$/.test(input.key);
}
