/**
 * What the desktop shell adds to the page: a kiosk opens in a full-screen window of its own, and
 * that window closes itself when the kiosk is left. Under `loupe serve` neither exists; the kiosk is
 * a route in the same tab, made full screen by the browser.
 */

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
