/**
 * Contract events over Server-Sent Events: `GET /events?token=<session token>` (EventSource
 * cannot send headers, so the token rides in the query). Each event is written as
 * `event: <Name>` + `data: <json>`; a comment every 15 s keeps proxies and idle timers from
 * closing the stream.
 */
import type { ServerResponse } from 'node:http';
import { eventNames, type EventName } from '../../preload/contract';
import type { EventBus } from '../api';

export const HEARTBEAT_MS = 15_000;
/** A client that stops reading is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export class EventStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly bus: EventBus) {}

  /** Turn `res` into a stream of the events `isShown` lets through (all by default) until the client goes away or `closeAll` is called. */
  attach(res: ServerResponse, isShown: (name: EventName, payload: unknown) => boolean = () => true): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    this.open.add(res);

    const write = (chunk: string): void => {
      if (res.writableEnded || res.destroyed) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        res.destroy();
        return;
      }
      res.write(chunk);
    };
    const unsubscribes = eventNames.map((name) =>
      this.bus.on(name, (payload) => {
        if (isShown(name, payload)) write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
      }),
    );
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    res.on('close', () => {
      clearInterval(heartbeat);
      for (const unsubscribe of unsubscribes) unsubscribe();
      this.open.delete(res);
    });
    // Tell EventSource how long to wait before reconnecting, and show the stream is live.
    write('retry: 2000\n: connected\n\n');
  }

  get size(): number {
    return this.open.size;
  }

  closeAll(): void {
    for (const res of this.open) res.end();
  }
}
