/**
 * The one place that knows how operations reach the backend: the preload's `window.loupe` inside
 * Electron, HTTP to the page's own origin when the page is served by `loupe serve`.
 */
import type { EventName, LoupeBridge, OperationName } from '../../preload/contract/api';
import { ApiError, codedApiError, networkError } from './ApiError';
import { errorFromBody, expireSession, getToken, isKioskSession, readJson, subscribeSession } from './session';
import { targetOf } from './services';

declare global {
  interface Window {
    /** Set by Electron's preload; absent in a plain browser. */
    loupe?: LoupeBridge;
  }
}

export interface Transport {
  readonly kind: 'bridge' | 'http';
  call(name: OperationName, input: unknown): Promise<unknown>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
  /** Called after the event stream comes back from an outage, when events may have been missed. */
  onReconnect(listener: () => void): () => void;
}

export function bridgeTransport(bridge: LoupeBridge): Transport {
  return {
    kind: 'bridge',
    async call(name, input) {
      const result = await bridge.call(name, input ?? {});
      if (result.ok) return result.value;
      throw new ApiError(result.error.code, result.error.message, result.error.messageCode, result.error.messageParams);
    },
    on: (event, listener) => bridge.on(event, listener),
    onReconnect: () => () => undefined,
  };
}

export function httpTransport(): Transport {
  const events = new EventStream();
  return {
    kind: 'http',
    async call(name, input) {
      const token = getToken();
      // A kiosk's requests carry its HttpOnly cookie (same origin), not a token.
      if (!token && !isKioskSession()) {
        expireSession();
        throw codedApiError('MissingAuthenticationTokenException', 'SignInToContinue');
      }
      let response: Response;
      try {
        response = await fetch('/', {
          method: 'POST',
          headers: {
            'X-Amz-Target': targetOf(name),
            'Content-Type': 'application/x-amz-json-1.1',
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(input ?? {}),
        });
      } catch (error) {
        throw networkError(error);
      }
      const body = await readJson<Record<string, unknown>>(response);
      if (response.ok) return body;
      if (response.status === 403) expireSession();
      throw errorFromBody(response, body);
    },
    on: (event, listener) => events.on(event, listener),
    onReconnect: (listener) => events.onReconnect(listener),
  };
}

const RETRY_MS = 3000;
/** Stands for the kiosk cookie where the stream remembers which credential it opened with. */
const KIOSK_STREAM = '\u0000kiosk';

/**
 * One shared Server-Sent Events connection, opened while anyone listens. EventSource retries a
 * dropped connection by itself but gives up on an HTTP error, so a closed stream is reopened here.
 */
class EventStream {
  private source: EventSource | null = null;
  private token: string | null = null;
  private hadError = false;
  private retryTimer: number | undefined;
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly listening = new Set<EventName>();

  constructor() {
    // A new token (signing in again) needs a new stream; signing out closes it.
    subscribeSession(() => {
      if (this.listenerCount() > 0) this.connect();
      else this.close();
    });
  }

  on(event: EventName, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    this.connect();
    this.listen(event);
    return () => {
      set.delete(listener);
      if (this.listenerCount() === 0) this.close();
    };
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  private listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  private connect(): void {
    const token = getToken() ?? (isKioskSession() ? KIOSK_STREAM : null);
    if (this.source && this.token === token) return;
    this.close();
    if (!token) return;
    this.token = token;
    // The kiosk's stream is opened by its cookie and carries only the events a kiosk may see.
    const source = new EventSource(token === KIOSK_STREAM ? '/events' : `/events?token=${encodeURIComponent(token)}`);
    this.source = source;
    this.listening.clear();
    for (const name of this.listeners.keys()) this.listen(name);
    source.addEventListener('open', () => {
      if (!this.hadError) return;
      this.hadError = false;
      for (const listener of this.reconnectListeners) listener();
    });
    source.addEventListener('error', () => {
      this.hadError = true;
      if (source.readyState !== EventSource.CLOSED) return;
      this.close();
      this.retryTimer = window.setTimeout(() => {
        if (this.listenerCount() > 0) this.connect();
      }, RETRY_MS);
    });
  }

  /** EventSource delivers named events only to listeners of that name: add one per event in use. */
  private listen(name: EventName): void {
    const source = this.source;
    if (!source || this.listening.has(name)) return;
    this.listening.add(name);
    source.addEventListener(name, (event) => this.dispatch(name, (event as MessageEvent<string>).data));
  }

  private dispatch(name: EventName, data: string): void {
    let payload: unknown;
    try {
      payload = data ? JSON.parse(data) : {};
    } catch {
      payload = {};
    }
    for (const listener of this.listeners.get(name) ?? []) listener(payload);
  }

  private close(): void {
    window.clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = null;
    this.token = null;
  }
}
