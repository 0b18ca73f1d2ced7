import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateProjectCommand } from '@aws-sdk/client-rekognition';
import { rekognitionClient, startHarness, type Harness } from './harness';

/** Read the stream until `predicate` holds for the text so far. */
async function readUntil(body: ReadableStream<Uint8Array>, predicate: (text: string) => boolean): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (!predicate(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text;
}

describe('when the web UI listens to /events', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  it('receives ResourcesChanged after a CreateProject', async () => {
    const abort = new AbortController();
    const response = await fetch(`${harness.server.url}/events?token=${harness.server.sessionToken}`, {
      signal: abort.signal,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const body = response.body as ReadableStream<Uint8Array>;
    await readUntil(body, (text) => text.includes(': connected'));

    const client = rekognitionClient(harness, 'us-east-1');
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'watched' }));
    client.destroy();

    const text = await readUntil(body, (so) => so.includes('event: ResourcesChanged'));
    const match = /event: ResourcesChanged\ndata: (.*)\n\n/.exec(text);
    assert.ok(match, text);
    assert.deepEqual(JSON.parse(match[1] as string), { ResourceArns: [ProjectArn] });
    abort.abort();
  });

  it('unsubscribes from the event bus when the client goes away', async () => {
    const abort = new AbortController();
    const response = await fetch(`${harness.server.url}/events?token=${harness.server.sessionToken}`, {
      signal: abort.signal,
    });
    await readUntil(response.body as ReadableStream<Uint8Array>, (text) => text.includes(': connected'));
    const bus = harness.loupe.ctx.events as unknown as { emitter: { listenerCount(name: string): number } };
    assert.equal(bus.emitter.listenerCount('ResourcesChanged'), 1);
    abort.abort();
    for (let i = 0; i < 100 && bus.emitter.listenerCount('ResourcesChanged') > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(bus.emitter.listenerCount('ResourcesChanged'), 0);
  });

  it('refuses a wrong or missing token with 403', async () => {
    assert.equal((await fetch(`${harness.server.url}/events`)).status, 403);
    assert.equal((await fetch(`${harness.server.url}/events?token=nope`)).status, 403);
  });

});

describe('when the server closes with a client listening', () => {
  it('ends the stream', async () => {
    const own = await startHarness();
    const response = await fetch(`${own.server.url}/events?token=${own.server.sessionToken}`);
    const body = response.body as ReadableStream<Uint8Array>;
    await readUntil(body, (text) => text.includes(': connected'));
    await own.close();
    const rest = await readUntil(body, () => false);
    assert.equal(rest, '');
  });
});
