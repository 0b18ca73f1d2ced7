/**
 * Typed operations and events for the rest of the renderer. The transport is picked once, when
 * this module loads; nothing outside renderer/api can tell which one it is.
 */
import type { EventName, Events, InputOf, OperationName, OutputOf } from '../../preload/contract/api';
import { initSession } from './session';
import { bridgeTransport, httpTransport, type Transport } from './transport';

const transport: Transport = window.loupe ? bridgeTransport(window.loupe) : httpTransport();
initSession(transport.kind === 'bridge');

/** `'bridge'` inside Electron, `'http'` when served by `loupe serve`. */
export const transportKind = transport.kind;

/** Runs an operation; resolves with its output or rejects with an ApiError. */
export function call<N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> {
  return transport.call(name, input) as Promise<OutputOf<N>>;
}

/** Subscribes to a contract event; returns the unsubscribe function. */
export function subscribe<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
  return transport.on(event, listener as (payload: unknown) => void);
}

const staleListeners = new Set<() => void>();

/**
 * Subscribes to "what the screens show may be stale": a ResourcesChanged event, a reconnected
 * event stream, or a mutation made from this window. Returns the unsubscribe function.
 */
export function onStale(listener: () => void): () => void {
  staleListeners.add(listener);
  const offEvent = subscribe('ResourcesChanged', listener);
  const offReconnect = transport.onReconnect(listener);
  return () => {
    staleListeners.delete(listener);
    offEvent();
    offReconnect();
  };
}

/** Tells every mounted query to fetch again (after a mutation, without waiting for the event). */
export function invalidateQueries(): void {
  for (const listener of staleListeners) listener();
}
