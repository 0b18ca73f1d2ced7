/**
 * The main window and the rules every web page in the app lives under: sandboxed, isolated,
 * no Node, only our own `app://` origin, no permissions, no remote content. The rules follow
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security).
 */
import { BrowserWindow, shell, type Session, type WebContents, type WebPreferences } from 'electron';
import { createLogger } from '../log';
import { isKioskBlockedKey } from './kioskKeys';
import { APP_ENTRY_URL, isAppUrl } from './appProtocol';
import { IMAGE_SCHEME } from './imageProtocol';
import { loadWindowState, minimumWindowSize, trackWindowState } from './windowState';

const log = createLogger('app');

/** Schemes a page may request; everything else (http, https, ws, file, ftp…) is cancelled. */
const allowedRequestSchemes = new Set(['app:', `${IMAGE_SCHEME}:`, 'data:', 'blob:', 'devtools:']);

/**
 * The only permissions Loupe's own pages get: full screen (the kiosk view) and the file-system
 * access a user grants by picking a folder (the kiosk's watched folder). Nothing else, and
 * nothing for any other origin.
 */
const GRANTED = new Set(['fullscreen', 'fileSystem']);

function isOwnPage(url: string | undefined): boolean {
  return url !== undefined && url !== '' && isAppUrl(url);
}

/** Lock a session down: no devices, no network, no permissions beyond GRANTED for app:// pages. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    const allowed = GRANTED.has(permission) && isOwnPage(details.requestingUrl ?? contents.getURL());
    if (!allowed) log.warn('permission request denied', { permission });
    callback(allowed);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => GRANTED.has(permission) && isOwnPage(requestingOrigin));
  session.setDevicePermissionHandler(() => false);

  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = allowedRequestSchemes.has(schemeOf(details.url));
    if (!allowed) log.warn('request blocked', { url: details.url.slice(0, 200) });
    callback({ cancel: !allowed });
  });
  // The content security policy travels on every app:// response (appProtocol.ts); no other
  // origin ever answers, since every other scheme is cancelled above.
}

/**
 * Applied to every WebContents the app creates (app 'web-contents-created'): no navigation away
 * from our origin, no new windows, no <webview>. https links open in the user's browser.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    openExternally(event.url);
  });
  // will-navigate covers the main frame; this covers frames inside it.
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame && !isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** What every window of the app runs under: sandboxed, isolated, no Node, our preload only. */
function securePreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    // A file dropped outside a drop zone must not replace the app with a file:// page.
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

export interface MainWindowOptions {
  /** The bundled preload script (dist/app/preload.cjs). */
  preload: string;
  /** Where the window's bounds are remembered. */
  stateFile: string;
}

export function createMainWindow({ preload, stateFile }: MainWindowOptions): BrowserWindow {
  const state = loadWindowState(stateFile);
  const window = new BrowserWindow({
    ...state.bounds,
    minWidth: minimumWindowSize.width,
    minHeight: minimumWindowSize.height,
    title: 'Loupe',
    show: false,
    webPreferences: securePreferences(preload),
  });
  trackWindowState(window, stateFile);
  window.once('ready-to-show', () => {
    if (state.isMaximized) window.maximize();
    window.show();
  });
  window.webContents.on('render-process-gone', (_event, details) => {
    log.error('renderer gone', { reason: details.reason, exitCode: details.exitCode });
  });
  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => {
    log.error('window failed to load', { url: APP_ENTRY_URL, error });
  });
  return window;
}

function openExternally(url: string): void {
  if (schemeOf(url) !== 'https:') return;
  shell.openExternal(url).catch((error: unknown) => log.warn('could not open link', { url, error }));
}

function schemeOf(url: string): string {
  const colon = url.indexOf(':');
  return colon < 0 ? '' : url.slice(0, colon + 1).toLowerCase();
}

/**
 * The kiosk: one running model's verdict view for the factory floor, in a window of its own that
 * covers the screen (Electron's kiosk mode: no window controls, no leaving full screen by key).
 * It closes only when its page asks (after the PIN, when one is set: `allowClose`) or when the app
 * quits. The page knows it is the kiosk window by `?window=kiosk`.
 */
export function createKioskWindow({ preload, route }: { preload: string; route: string }): { window: BrowserWindow; allowClose(): void } {
  let closable = false;
  const window = new BrowserWindow({
    title: 'Loupe kiosk',
    show: false,
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    backgroundColor: '#000000',
    webPreferences: securePreferences(preload),
  });
  window.setMenuBarVisibility(false);
  window.setMinimizable(false);
  window.on('close', (event) => {
    if (!closable) event.preventDefault();
  });
  // Preventing the input here also keeps it from the application menu's accelerators.
  window.webContents.on('before-input-event', (event, input) => {
    if (isKioskBlockedKey(input)) event.preventDefault();
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.on('render-process-gone', (_event, details) => {
    log.error('kiosk renderer gone', { reason: details.reason, exitCode: details.exitCode });
  });
  const url = `${APP_ENTRY_URL}?window=kiosk#${route}`;
  window.loadURL(url).catch((error: unknown) => log.error('kiosk window failed to load', { url, error }));
  return {
    window,
    allowClose: () => {
      closable = true;
    },
  };
}
