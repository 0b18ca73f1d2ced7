import { EventEmitter } from 'node:events';
import type { EventName, Events } from '../../preload/contract';

/** Typed fan-out of contract events to every transport's subscribers (IPC, SSE). */
export class EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    this.emitter.emit(event, payload);
  }

  /** Subscribe; the returned function unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  resourcesChanged(...arns: string[]): void {
    this.emit('ResourcesChanged', { ResourceArns: arns });
  }
}
