/**
 * The bench's raw baseline for parallel units: a worker thread with one ONNX Runtime session (one
 * intra-op thread) that runs prebuilt tensors on request — no decoding, no preprocessing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSession, type TensorInput } from '../../native/ort';

export interface RawUnitSetup {
  modelPath: string;
  output: string;
  tensors: Record<string, TensorInput>[];
}

const port = parentPort!;
const setup = workerData as RawUnitSetup;
createSession(setup.modelPath, { threads: 1, name: 'raw-unit' }).then(({ session }) => {
  port.on('message', (i: number | 'close') => {
    if (i === 'close') {
      void session.release().then(() => port.close());
      return;
    }
    void session.run(setup.tensors[i % setup.tensors.length]!, { outputs: [setup.output] }).then(() => port.postMessage(i));
  });
  port.postMessage('ready');
});
