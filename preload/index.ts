/**
 * The sandboxed preload, bundled to dist/app/preload.cjs: exposes `window.loupe` (LoupeBridge)
 * built from the contract's operation and event names, plus the path of a dropped file. It refuses
 * names the contract does not list and holds no other logic; main/app checks the sender and
 * main/api validates the input.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { LoupeBridge, Result } from './contract';
import { EVENT_NAMES, isPickPurpose, KIOSK_ROUTE, OPERATION_NAMES, SHELL_CHANNELS } from './contract/names';

const operations = new Set<string>(OPERATION_NAMES);
const events = new Set<string>(EVENT_NAMES);

const bridge: LoupeBridge = {
  call(name: string, input: unknown): Promise<Result<unknown>> {
    if (typeof name !== 'string' || !operations.has(name)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'UnknownOperationException', message: `Operation ${String(name)} is not supported by Loupe.` },
      });
    }
    return ipcRenderer.invoke(name, input) as Promise<Result<unknown>>;
  },

  on(event: string, listener: (payload: unknown) => void): () => void {
    if (typeof event !== 'string' || !events.has(event)) throw new Error(`Unknown Loupe event: ${String(event)}`);
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function.');
    const channel = `event:${event}`;
    // The renderer never sees the IPC event object, only the payload.
    const wrapper = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, wrapper);
    return () => {
      ipcRenderer.removeListener(channel, wrapper);
    };
  },

  pathForFile: (file: File): string => webUtils.getPathForFile(file),

  openKiosk(route: string): Promise<void> {
    if (typeof route !== 'string' || !KIOSK_ROUTE.test(route)) return Promise.reject(new Error(`Not a kiosk route: ${String(route)}`));
    return ipcRenderer.invoke(SHELL_CHANNELS.openKiosk, route) as Promise<void>;
  },

  closeKiosk: (): Promise<void> => ipcRenderer.invoke(SHELL_CHANNELS.closeKiosk) as Promise<void>,

  pickPath(purpose: string): Promise<string | null> {
    if (!isPickPurpose(purpose)) return Promise.reject(new Error(`Not something Loupe picks: ${String(purpose)}`));
    return ipcRenderer.invoke(SHELL_CHANNELS.pickPath, purpose) as Promise<string | null>;
  },
};

contextBridge.exposeInMainWorld('loupe', bridge);
