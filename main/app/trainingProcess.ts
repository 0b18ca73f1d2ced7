/**
 * Training in the app: an Electron utility process running the bundled training entry
 * (dist/app/training.cjs, built from main/engine/trainingChild.ts). It is Chromium's own kind
 * of child process — no Node-as-app mode needed, killed with the app — and speaks the same
 * messages as Node's fork, by structured clone.
 */
import { utilityProcess } from 'electron';
import type { FromTraining, SpawnTraining, ToTraining } from '../engine/trainingProtocol';

export function utilityProcessTraining(entry: string): SpawnTraining {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Loupe training', stdio: 'inherit' });
    // Messages wait until the process has started.
    let queue: ToTraining[] | undefined = [];
    let alive = true;
    child.once('spawn', () => {
      for (const message of queue ?? []) child.postMessage(message);
      queue = undefined;
    });
    child.once('exit', () => {
      alive = false;
    });
    return {
      send: (message) => {
        if (!alive) return;
        if (queue) queue.push(message);
        else child.postMessage(message);
      },
      onMessage: (listener) => child.on('message', (message: FromTraining) => listener(message)),
      onExit: (listener) => child.once('exit', (code) => listener(`exit code ${code}`)),
      kill: () => {
        if (alive) child.kill();
      },
    };
  };
}
