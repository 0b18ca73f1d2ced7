/**
 * The IPC transport: one `ipcMain.handle` per operation of the contract (the channel is the
 * operation's name), each a thin adapter over `loupe.invoke`, plus every contract event pushed
 * to the window as `event:<Name>`. The one thing it adds is the sender check: only the main frame
 * of our window, showing our `app://` origin, may call.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { eventNames, operationNames, type ApiErrorData, type Result } from '../../preload/contract';
import type { Loupe } from '../api';
import { createLogger } from '../log';
import { isAppUrl } from './appProtocol';

const log = createLogger('ipc');

/** Register the handlers and event forwarding; the returned function undoes both. */
export function registerIpc(loupe: Loupe, getWindow: () => BrowserWindow | undefined): () => void {
  for (const name of operationNames) {
    ipcMain.handle(name, async (event, input: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, getWindow())) {
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
      const window = getWindow();
      if (window && !window.isDestroyed()) window.webContents.send(`event:${name}`, payload);
    }),
  );

  return () => {
    for (const name of operationNames) ipcMain.removeHandler(name);
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | undefined): boolean {
  if (!window || window.isDestroyed() || event.sender.id !== window.webContents.id) return false;
  const frame = event.senderFrame;
  // A null frame has navigated away or been destroyed since it sent the message.
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

function failure(code: ApiErrorData['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}
