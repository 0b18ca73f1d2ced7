/**
 * The application menu. Reload and the developer tools exist only in an unpackaged build;
 * About reads the same GetAppInfo operation the renderer's About uses.
 */
import { mkdirSync } from 'node:fs';
import { app, dialog, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { AppInfo } from '../../preload/contract';
import type { Loupe } from '../api';
import { createLogger } from '../log';

const log = createLogger('app');

export interface MenuOptions {
  loupe: Loupe;
  getWindow: () => BrowserWindow | undefined;
  /** The folder holding loupe.log. */
  logFolder: string;
}

export function buildMenu({ loupe, getWindow, logFolder }: MenuOptions): Menu {
  const isMac = process.platform === 'darwin';
  const isDevelopment = !app.isPackaged;

  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    { label: 'File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(isDevelopment
          ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'About Loupe', click: () => void showAbout(loupe, getWindow()).catch(reportFailure('about')) },
        { label: 'Open Log Folder', click: () => void openLogFolder(logFolder).catch(reportFailure('open log folder')) },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}

async function showAbout(loupe: Loupe, window: BrowserWindow | undefined): Promise<void> {
  const result = await loupe.invoke('GetAppInfo', {});
  if (!result.ok) {
    log.error('about: GetAppInfo failed', { error: result.error });
    return;
  }
  // Our own handler's output, typed by the contract.
  const info = result.value as AppInfo;
  const versions = Object.entries(info.Versions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, version]) => `${name} ${version}`);
  const options = {
    type: 'info' as const,
    title: 'About Loupe',
    message: `${info.Name} ${info.Version}`,
    detail: [...versions, '', `Platform: ${info.Platform}`, `Home: ${info.Home}`].join('\n'),
    buttons: ['OK'],
  };
  await (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
}

async function openLogFolder(folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  const problem = await shell.openPath(folder);
  if (problem) log.warn('could not open the log folder', { folder, problem });
}

function reportFailure(item: string): (error: unknown) => void {
  return (error) => log.error(`menu: ${item} failed`, { error });
}
