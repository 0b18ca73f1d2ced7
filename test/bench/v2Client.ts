/**
 * The serving bench's HTTP caller, in a worker thread of its own as a client process would be:
 * binary-data /v2 infer requests (the JSON header, then the batch's bytes), `inFlight` at once,
 * timed here. Each message `{ count, inFlight }` is answered with `{ ms, latencies }`.
 */
import { parentPort, workerData } from 'node:worker_threads';

export interface V2ClientSetup {
  url: string;
  token: string;
  /** Request bodies to cycle through and the JSON header's length in each. */
  bodies: { body: Uint8Array; headerLength: number }[];
}

const port = parentPort!;
const setup = workerData as V2ClientSetup;
let sent = 0;

async function call(): Promise<void> {
  const { body, headerLength } = setup.bodies[sent++ % setup.bodies.length]!;
  const response = await fetch(setup.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${setup.token}`, 'content-type': 'application/octet-stream', 'inference-header-content-length': String(headerLength) },
    body: body as Uint8Array<ArrayBuffer>,
  });
  const answer = await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`/v2 answered ${response.status}: ${Buffer.from(answer).toString('utf8').slice(0, 300)}`);
}

port.on('message', (message: { count: number; inFlight: number } | 'close') => {
  if (message === 'close') return port.close();
  void (async () => {
    const latencies: number[] = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: message.inFlight }, async () => {
        while (next < message.count) {
          next++;
          const t = performance.now();
          await call();
          latencies.push(performance.now() - t);
        }
      }),
    );
    port.postMessage({ ms: performance.now() - start, latencies });
  })().catch((error: unknown) => port.postMessage({ error: String(error) }));
});
port.postMessage('ready');
