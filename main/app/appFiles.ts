import { join } from 'node:path';

/**
 * Where the app finds its own files, from app.getAppPath() (the checkout, or resources/app.asar
 * once installed). The packaging test (test/e2e/packaging.test.ts) checks an installer has each
 * one where this says. Imports no Electron.
 */
export function appFiles(appRoot: string) {
  return {
    renderer: join(appRoot, 'dist', 'renderer'),
    preload: join(appRoot, 'dist', 'app', 'preload.cjs'),
    models: join(appRoot, 'dist', 'models'),
    /** Run by an Electron utility process, which reads it from inside the archive. */
    training: join(appRoot, 'dist', 'app', 'training.cjs'),
    /** Inference units are worker threads, whose script cannot be read from inside app.asar. */
    inference: join(appRoot, 'dist', 'app', 'inference.cjs').replace(/app\.asar([\\/])/, 'app.asar.unpacked$1'),
  };
}
