/**
 * The bench's HTTP caller, in a process of its own as an application calling Loupe is: it receives
 * blocks of DetectCustomLabels calls to make with the AWS SDK v3 (SigV4-signed, keep-alive) and
 * answers with each call's milliseconds, measured here, where the caller waits.
 */
import { readFileSync } from 'node:fs';
import { DetectCustomLabelsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';

export interface ClientSetup {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  versionArn: string;
  probes: string[];
}

export type ClientRequest = { type: 'setup'; setup: ClientSetup } | { type: 'block'; first: number; count: number };
export type ClientReply = { type: 'ready' } | { type: 'block'; latencies: number[]; ms: number } | { type: 'error'; message: string };

let client: RekognitionClient | undefined;
let setup: ClientSetup | undefined;
let probes: Buffer[] = [];

const reply = (message: ClientReply) => process.send!(message);

process.on('message', (message: ClientRequest) => {
  void (async () => {
    if (message.type === 'setup') {
      setup = message.setup;
      probes = setup.probes.map((path) => readFileSync(path));
      client = new RekognitionClient({
        endpoint: setup.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: setup.accessKeyId, secretAccessKey: setup.secretAccessKey },
      });
      reply({ type: 'ready' });
      return;
    }
    const latencies: number[] = [];
    const start = performance.now();
    for (let i = message.first; i < message.first + message.count; i++) {
      const t = performance.now();
      await client!.send(new DetectCustomLabelsCommand({ ProjectVersionArn: setup!.versionArn, Image: { Bytes: probes[i % probes.length]! }, MinConfidence: 0 }));
      latencies.push(performance.now() - t);
    }
    reply({ type: 'block', latencies, ms: performance.now() - start });
  })().catch((error: unknown) => reply({ type: 'error', message: String(error) }));
});
process.on('disconnect', () => {
  client?.destroy();
  process.exit(0);
});
