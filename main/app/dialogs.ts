/**
 * The desktop app's open dialog: `shell:pickPath` from the main window shows the system's dialog
 * for one of the contract's purposes (an annotation file or folder, an images folder, a manifest,
 * a watched folder) and answers the path the user chose, or null. The purpose is checked against
 * the contract's list and the sender against our window; the renderer never names a filter or a
 * starting folder, and the path goes on to the operation that takes it (which validates it again).
 */
import { dialog, ipcMain, type BrowserWindow } from 'electron';
import { isPickPurpose, PICK_PURPOSES, SHELL_CHANNELS } from '../../preload/contract/names';
import { createLogger } from '../log';
import { isTrustedSender } from './ipc';

const log = createLogger('dialogs');

export function registerDialogs(options: { mainWindow: () => BrowserWindow | undefined }): () => void {
  ipcMain.handle(SHELL_CHANNELS.pickPath, async (event, purpose: unknown): Promise<string | null> => {
    const main = options.mainWindow();
    if (!main || !isTrustedSender(event, [main])) {
      log.warn('open dialog refused: untrusted sender');
      throw new Error('This caller may not open a dialog.');
    }
    if (!isPickPurpose(purpose)) throw new Error('Not something Loupe picks.');
    const { kind, extensions } = PICK_PURPOSES[purpose];
    const result = await dialog.showOpenDialog(main, {
      properties: kind === 'folder' ? ['openDirectory'] : ['openFile'],
      ...(extensions.length > 0 ? { filters: [{ name: extensions.map((extension) => extension.toUpperCase()).join(', '), extensions: [...extensions] }, { name: '*', extensions: ['*'] }] } : {}),
    });
    const chosen = result.canceled ? undefined : result.filePaths[0];
    log.info('open dialog', { purpose, chosen: chosen !== undefined });
    return chosen ?? null;
  });
  return () => ipcMain.removeHandler(SHELL_CHANNELS.pickPath);
}
