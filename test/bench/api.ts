/** Operation latency in-process against the same operation over HTTP with the real AWS SDK. */
import { rmSync } from 'node:fs';
import { DescribeProjectsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { openLoupe } from '../../main/api';
import { startServer } from '../../main/server';
import { tempDir } from '../support/loupe';
import { percentile } from './index';

const CALLS = 500;

export async function benchApi(): Promise<Record<string, string | number>[]> {
  const home = tempDir('loupe-bench-');
  const loupe = openLoupe({ home });
  const server = await startServer({ loupe, port: 0 });
  try {
    for (let i = 0; i < 20; i++) await loupe.invoke('CreateProject', { ProjectName: `project-${i}` });
    const client = new RekognitionClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: loupe.ctx.credentials.AccessKeyId, secretAccessKey: loupe.ctx.credentials.SecretAccessKey },
    });
    const time = async (fn: () => Promise<unknown>) => {
      for (let i = 0; i < 20; i++) await fn();
      const samples: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const start = performance.now();
        await fn();
        samples.push(performance.now() - start);
      }
      return samples;
    };
    const inProcess = await time(() => loupe.invoke('DescribeProjects', {}));
    const overHttp = await time(() => client.send(new DescribeProjectsCommand({})));
    client.destroy();
    const row = (path: string, samples: number[]) => ({
      path,
      calls: samples.length,
      'p50 ms': percentile(samples, 50),
      'p95 ms': percentile(samples, 95),
    });
    return [row('DescribeProjects (20 projects) in-process', inProcess), row('same over HTTP, AWS SDK v3, SigV4', overHttp)];
  } finally {
    await server.close();
    loupe.close();
    rmSync(home, { recursive: true, force: true });
  }
}
