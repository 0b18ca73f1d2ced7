/**
 * What the desktop shell adds to the page: a kiosk opens in a full-screen window of its own, and
 * that window closes itself when the kiosk is left. Under `loupe serve` neither exists; the kiosk is
 * a route in the same tab, made full screen by the browser. The desktop app also has the system's
 * open dialog for files and folders.
 */
import type { PickPurpose } from '../../preload/contract/names';

/** Whether kiosks open in a window of their own (the desktop app). */
export function canOpenKioskWindow(): boolean {
  return typeof window.loupe?.openKiosk === 'function';
}

/** Open `route` (`/kiosk/<project>/<version>`) in the desktop app's kiosk window. */
export function openKioskWindow(route: string): Promise<void> {
  if (!window.loupe?.openKiosk) return Promise.reject(new Error('Kiosk windows exist only in the desktop app.'));
  return window.loupe.openKiosk(route);
}

/** Whether this page is a kiosk window of the desktop app (it was opened with `?window=kiosk`). */
export function isKioskWindow(): boolean {
  return typeof window.loupe?.closeKiosk === 'function' && new URLSearchParams(window.location.search).get('window') === 'kiosk';
}

/** Close this kiosk window (the caller has checked the PIN). */
export function closeKioskWindow(): Promise<void> {
  if (!window.loupe?.closeKiosk) return Promise.reject(new Error('Kiosk windows exist only in the desktop app.'));
  return window.loupe.closeKiosk();
}

/** Whether the system's open dialog is at hand (the desktop app); a browser uses upload fields instead. */
export function canPickPaths(): boolean {
  return typeof window.loupe?.pickPath === 'function';
}

/** The desktop app's open dialog for `purpose`; the chosen path, or null when the user cancelled. */
export function pickPath(purpose: PickPurpose): Promise<string | null> {
  if (!window.loupe?.pickPath) return Promise.reject(new Error('The open dialog exists only in the desktop app.'));
  return window.loupe.pickPath(purpose);
}
