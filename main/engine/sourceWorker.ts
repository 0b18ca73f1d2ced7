import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running one of Loupe's TypeScript modules, from the sources (tests, the CLI,
 * `loupe serve`): a worker does not inherit the loader that compiles TypeScript, so the thread
 * registers tsx before it imports the module. A bundled Loupe starts its compiled scripts instead.
 */
export function sourceWorker(module: URL, options: WorkerOptions = {}): Worker {
  const code = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}
