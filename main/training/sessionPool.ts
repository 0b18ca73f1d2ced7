/**
 * Inference units as parallel ONNX Runtime sessions of one model file: each analysis borrows a
 * free session and gives it back, waiting when all are busy. Classification and detection
 * models load the same way.
 */
import { createSession, type OrtSession } from '../../native/ort';

export interface SessionPool {
  provider: string;
  /** Run `fn` with a session of its own. */
  use<T>(fn: (session: OrtSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openSessionPool(modelPath: string, options: { workers: number; threads?: number }): Promise<SessionPool> {
  const sessions: OrtSession[] = [];
  let provider = 'cpu';
  try {
    for (let i = 0; i < options.workers; i++) {
      const created = await createSession(modelPath, { threads: options.threads ?? 1, name: 'model' });
      sessions.push(created.session);
      provider = created.provider;
    }
  } catch (error) {
    await Promise.allSettled(sessions.map((s) => s.release()));
    throw error;
  }
  const free = [...sessions];
  const waiting: ((session: OrtSession) => void)[] = [];
  const acquire = () => new Promise<OrtSession>((resolve) => (free.length > 0 ? resolve(free.pop()!) : waiting.push(resolve)));
  const release = (session: OrtSession) => {
    const next = waiting.shift();
    if (next) next(session);
    else free.push(session);
  };
  return {
    provider,
    async use(fn) {
      const session = await acquire();
      try {
        return await fn(session);
      } finally {
        release(session);
      }
    },
    async close() {
      await Promise.allSettled(sessions.map((s) => s.release()));
    },
  };
}
