/**
 * The training process: one CreateProjectVersion's training, run by the ONNX Runtime engine in a
 * process of its own (see processEngine.ts). It receives one `train` message, reports progress,
 * answers `trained` with the test predictions, waits for `finalize` (the thresholds evaluation
 * chose) and answers `finalized`; `cancel` stops it between steps. It holds no database and no
 * state of its own beyond the files it writes, so killing it at any moment loses nothing saved.
 *
 * Started by Node's fork (messages over process.send) or as an Electron utility process (messages
 * over process.parentPort); nothing here depends on which.
 */
import { cancelledError, ServiceError } from '../errors';
import type { JobHandle } from '../core/progress';
import { configureLogFile, createLogger } from '../log';
import type { TrainedModel } from './engine';
import { createOnnxEngine } from './onnxEngine';
import type { FromTraining, ToTraining } from './trainingProtocol';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const log = createLogger('training-process');
const parentPort = (process as { parentPort?: ParentPort }).parentPort;

function post(message: FromTraining): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onMessage(listener: (message: ToTraining) => void): void {
  if (parentPort) parentPort.on('message', (event) => listener(event.data as ToTraining));
  else process.on('message', (message) => listener(message as ToTraining));
}

const controller = new AbortController();
let trained: TrainedModel | undefined;
let started = false;

async function train(request: Extract<ToTraining, { type: 'train' }>): Promise<void> {
  if (request.logFile) configureLogFile(request.logFile);
  const job: JobHandle = {
    id: 0,
    signal: controller.signal,
    progress: (update) => post({ type: 'progress', update }),
    throwIfCancelled: () => {
      if (controller.signal.aborted) throw cancelledError();
    },
  };
  trained = await createOnnxEngine(request.engine).train({ ...request.options, job });
  post({ type: 'trained', modelPath: trained.modelPath, provider: trained.provider, predictions: trained.predictions });
}

function failed(error: unknown): void {
  if (error instanceof ServiceError) post({ type: 'failed', code: error.code, message: error.message, ...(error.ref ? { ref: error.ref } : {}) });
  else {
    log.error('training failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

onMessage((message) => {
  switch (message.type) {
    case 'train':
      if (started) return;
      started = true;
      train(message).catch(failed);
      return;
    case 'cancel':
      controller.abort(cancelledError());
      return;
    case 'finalize':
      if (!trained) {
        post({ type: 'failed', message: 'There is no trained model to finish.' });
        return;
      }
      trained.finalize({ thresholds: message.thresholds }).then(() => post({ type: 'finalized' }), failed);
      return;
  }
});

// Forked by Node: when Loupe goes away, so does its training.
if (!parentPort) process.on('disconnect', () => process.exit(1));
