import { EventEmitter } from 'node:events';
import type { EventName, Events } from '../../preload/contract';

/**
 * Events domains send each other inside one Loupe, never to a transport: a domain announces what
 * happened, and the one that cares subscribes (datasets never call watch/, watch/ listens).
 */
export interface InternalEvents {
  /** A dataset row is gone (its watched folders went with it). */
  DatasetDeleted: { datasetId: number };
}

type BusEvents = Events & InternalEvents;
type BusEventName = EventName | keyof InternalEvents;

/** Typed fan-out of contract events to every transport's subscribers (IPC, SSE), and of internal events between domains. */
export class EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  emit<E extends BusEventName>(event: E, payload: BusEvents[E]): void {
    this.emitter.emit(event, payload);
  }

  /** Subscribe; the returned function unsubscribes. */
  on<E extends BusEventName>(event: E, listener: (payload: BusEvents[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  resourcesChanged(...arns: string[]): void {
    this.emit('ResourcesChanged', { ResourceArns: arns });
  }
}
