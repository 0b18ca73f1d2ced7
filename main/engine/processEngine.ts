/**
 * The engine Loupe runs with: training in a separate process (trainingChild.ts), analysis in
 * this one. The job stays here — progress arrives as messages, cancelling asks the process to stop
 * between steps and kills it if it does not — and a training process that dies for any reason
 * fails its version with a message that says so, instead of leaving it in progress.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cancelledError, codedError, revivedError } from '../errors';
import { logFilePath } from '../log';
import type { Engine, TrainedModel, TrainOptions } from './engine';
import { createOnnxEngine, type OnnxEngineOptions } from './onnxEngine';
import type { FromTraining, SpawnTraining, TrainingChannel } from './trainingProtocol';

/** How long a cancelled training process gets to stop by itself before it is killed. */
const CANCEL_GRACE_MS = 5_000;

export interface ProcessEngineOptions extends OnnxEngineOptions {
  /** How to start a training process (default: fork trainingChild.ts with Node). */
  spawn?: SpawnTraining;
}

export function createProcessEngine(options: ProcessEngineOptions): Engine {
  const { spawn = forkTraining(), ...engine } = options;
  const local = createOnnxEngine(engine);
  return {
    train: (train) => trainInProcess(spawn, engine, train),
    load: (modelPath, settings) => local.load(modelPath, settings),
  };
}

function trainInProcess(spawn: SpawnTraining, engine: OnnxEngineOptions, train: TrainOptions): Promise<TrainedModel> {
  const { job, ...request } = train;
  job.throwIfCancelled();
  const channel = spawn();
  let exited: string | undefined;
  let settled = false;
  let pendingFinalize: { resolve: () => void; reject: (error: Error) => void } | undefined;

  return new Promise<TrainedModel>((resolve, reject) => {
    const fail = (error: Error) => {
      if (pendingFinalize) {
        pendingFinalize.reject(error);
        pendingFinalize = undefined;
      }
      if (!settled) {
        settled = true;
        reject(error);
      }
      stop();
    };
    const stop = () => {
      job.signal.removeEventListener('abort', onAbort);
      if (exited === undefined) channel.kill();
    };
    const onAbort = () => {
      if (exited !== undefined) return;
      channel.send({ type: 'cancel' });
      setTimeout(() => {
        if (exited === undefined) channel.kill();
      }, CANCEL_GRACE_MS).unref();
    };
    job.signal.addEventListener('abort', onAbort, { once: true });

    channel.onMessage((message: FromTraining) => {
      switch (message.type) {
        case 'progress':
          job.progress(message.update);
          return;
        case 'failed':
          fail(message.code ? revivedError(message.code, message.message, message.ref) : new Error(message.message));
          return;
        case 'finalized':
          pendingFinalize?.resolve();
          pendingFinalize = undefined;
          stop();
          return;
        case 'trained':
          if (settled) return;
          settled = true;
          resolve({
            modelPath: message.modelPath,
            provider: message.provider,
            predictions: message.predictions,
            finalize: ({ thresholds }) =>
              new Promise<void>((resolveFinalize, rejectFinalize) => {
                if (exited !== undefined) {
                  rejectFinalize(codedError('InternalServerError', 'TrainingProcessEnded', { how: String(exited) }));
                  return;
                }
                pendingFinalize = { resolve: resolveFinalize, reject: rejectFinalize };
                channel.send({ type: 'finalize', thresholds });
              }),
            discard: stop,
          });
          return;
      }
    });
    channel.onExit((how) => {
      exited = how;
      if (job.signal.aborted) fail(cancelledError());
      else fail(codedError('InternalServerError', 'TrainingProcessStopped', { how: String(how) }));
    });
    const logFile = logFilePath();
    channel.send({ type: 'train', engine, options: request, ...(logFile ? { logFile } : {}) });
  });
}

/**
 * Node's way: fork trainingChild with the same Node. From the TypeScript sources (tests, the CLI,
 * `loupe serve`) the child loads tsx first; a bundle passes the path of its compiled entry.
 */
export function forkTraining(entry?: string, execArgv?: string[]): SpawnTraining {
  return () => {
    const here = (import.meta as { url?: string }).url;
    if (!entry && !here) throw new Error('A bundled Loupe must say where its training process entry is.');
    const modulePath = entry ?? fileURLToPath(new URL('./trainingChild.ts', here));
    const argv = execArgv ?? (entry ? [] : ['--import', import.meta.resolve('tsx')]);
    const child = fork(modulePath, [], { execArgv: argv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const channel: TrainingChannel = {
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', (message) => listener(message as FromTraining)),
      onExit: (listener) => {
        child.once('exit', (code, signal) => listener(signal ? `signal ${signal}` : `exit code ${code ?? 0}`));
        child.once('error', (error) => listener(error.message));
      },
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
    return channel;
  };
}
