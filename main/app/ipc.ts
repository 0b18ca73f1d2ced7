/**
 * The IPC transport: one `ipcMain.handle` per operation of the contract (the channel is the
 * operation's name), each a thin adapter over `loupe.invoke`, plus every contract event pushed
 * to the windows as `event:<Name>`. The one thing it adds is the sender check: only the main frame
 * of one of our windows (the main window, a kiosk window), showing our `app://` origin, may call.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { eventNames, operationNames, type ApiErrorData, type Result } from '../../preload/contract';
import type { Loupe } from '../api';
import { createLogger } from '../log';
import { isAppUrl } from './appProtocol';

const log = createLogger('ipc');

/** Register the handlers and event forwarding; the returned function undoes both. */
export function registerIpc(loupe: Loupe, getWindows: () => BrowserWindow[]): () => void {
  for (const name of operationNames) {
    ipcMain.handle(name, async (event, input: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, getWindows())) {
        log.warn('call refused: untrusted sender', { operation: name, url: event.senderFrame?.url.slice(0, 200) });
        return failure('AccessDeniedException', 'This caller may not use the Loupe API.');
      }
      try {
        return await loupe.invoke(name, input);
      } catch (error) {
        // invoke returns failures as envelopes; reaching here is a bug, reported like one.
        log.error('invoke threw', { operation: name, error });
        return failure('InternalServerError', 'Loupe experienced an internal error. The log has the details.');
      }
    });
  }

  const unsubscribes = eventNames.map((name) =>
    loupe.ctx.events.on(name, (payload) => {
      for (const window of getWindows()) {
        if (!window.isDestroyed()) window.webContents.send(`event:${name}`, payload);
      }
    }),
  );

  return () => {
    for (const name of operationNames) ipcMain.removeHandler(name);
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

/** Only the main frame of one of our windows, showing our `app://` origin. */
export function isTrustedSender(event: IpcMainInvokeEvent, windows: BrowserWindow[]): boolean {
  if (!windows.some((window) => !window.isDestroyed() && event.sender.id === window.webContents.id)) return false;
  const frame = event.senderFrame;
  // A null frame has navigated away or been destroyed since it sent the message.
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

function failure(code: ApiErrorData['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}
