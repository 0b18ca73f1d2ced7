/** Builders for tests: a Loupe on a fresh temporary home, and typed calls that unwrap envelopes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiErrorData, InputOf, OperationName, OutputOf } from '../../preload/contract';
import { openLoupe, type Loupe, type OpenLoupeOptions } from '../../main/api';

const made: string[] = [];

/** A new empty folder under the system's temporary folder, removed when the process exits. */
export function tempDir(prefix = 'loupe-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (made.length === 0) {
    process.once('exit', () => {
      for (const path of made) rmSync(path, { recursive: true, force: true, maxRetries: 2 });
    });
  }
  made.push(dir);
  return dir;
}

export interface TestLoupe extends Loupe {
  home: string;
  /** Call an operation and return its output, or throw with the error code in the message. */
  ok<N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>>;
  /** Call an operation that must fail, and return its error. */
  fails(name: OperationName, input: unknown): Promise<ApiErrorData>;
  dispose(): void;
}

export function aLoupe(options: OpenLoupeOptions = {}): TestLoupe {
  const home = options.home ?? tempDir();
  const loupe = openLoupe({ ...options, home });
  return {
    ...loupe,
    home,
    async ok(name, input) {
      const result = await loupe.invoke(name, input);
      if (!result.ok) throw new Error(`${name} failed: ${result.error.code}: ${result.error.message}`);
      return result.value as never;
    },
    async fails(name, input) {
      const result = await loupe.invoke(name, input);
      if (result.ok) throw new Error(`${name} succeeded but was expected to fail: ${JSON.stringify(result.value)}`);
      return result.error;
    },
    dispose() {
      loupe.close();
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A clock that moves forward 1 ms per call, so ARNs made in one test never collide. */
export function aClock(startMs = Date.UTC(2026, 0, 2, 3, 4, 5)): () => number {
  let now = startMs;
  return () => now++;
}
