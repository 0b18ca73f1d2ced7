/**
 * The desktop shell's kiosk windows: `shell:openKiosk` from the main window opens (or focuses) a
 * full-screen window on a kiosk route; `shell:closeKiosk` from a kiosk window closes it — its page
 * asks only after the PIN, when one is set. Every request is checked: a trusted sender, a route
 * the contract allows; nothing else reaches a window.
 */
import { app, ipcMain, type BrowserWindow } from 'electron';
import { KIOSK_ROUTE, SHELL_CHANNELS } from '../../preload/contract/names';
import { createLogger } from '../log';
import { isTrustedSender } from './ipc';
import { createKioskWindow } from './window';

const log = createLogger('kiosk');

export interface KioskWindows {
  /** The open kiosk windows. */
  windows(): BrowserWindow[];
  dispose(): void;
}

export function registerKioskWindows(options: { preload: string; mainWindow: () => BrowserWindow | undefined }): KioskWindows {
  const open = new Map<string, { window: BrowserWindow; allowClose(): void }>();

  ipcMain.handle(SHELL_CHANNELS.openKiosk, (event, route: unknown) => {
    const main = options.mainWindow();
    if (!main || !isTrustedSender(event, [main])) {
      log.warn('kiosk refused: untrusted sender');
      throw new Error('This caller may not open a kiosk window.');
    }
    if (typeof route !== 'string' || !KIOSK_ROUTE.test(route)) throw new Error('Not a kiosk route.');
    const existing = open.get(route);
    if (existing && !existing.window.isDestroyed()) {
      existing.window.show();
      existing.window.focus();
      return;
    }
    const kiosk = createKioskWindow({ preload: options.preload, route });
    open.set(route, kiosk);
    kiosk.window.on('closed', () => open.delete(route));
    log.info('kiosk opened', { route });
  });

  ipcMain.handle(SHELL_CHANNELS.closeKiosk, (event) => {
    const entry = [...open.values()].find((kiosk) => !kiosk.window.isDestroyed() && kiosk.window.webContents.id === event.sender.id);
    if (!entry || !isTrustedSender(event, [entry.window])) throw new Error('Only a kiosk window may close itself.');
    entry.allowClose();
    entry.window.close();
  });

  // Quitting the app closes the kiosks too.
  const onQuit = () => {
    for (const kiosk of open.values()) kiosk.allowClose();
  };
  app.on('before-quit', onQuit);

  return {
    windows: () => [...open.values()].map((kiosk) => kiosk.window).filter((window) => !window.isDestroyed()),
    dispose: () => {
      ipcMain.removeHandler(SHELL_CHANNELS.openKiosk);
      ipcMain.removeHandler(SHELL_CHANNELS.closeKiosk);
      app.off('before-quit', onQuit);
    },
  };
}
