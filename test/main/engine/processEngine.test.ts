/**
 * Training runs in a process of its own: the version trains there and comes back finished; a
 * training process that dies fails its version with a message that says so; cancelling stops the
 * process. Real child processes, real ONNX Runtime, real SQLite; needs the built backbones.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { createProcessEngine, forkTraining } from '../../../main/engine/processEngine';
import type { FromTraining, SpawnTraining, TrainingChannel } from '../../../main/engine/trainingProtocol';
import { classFolder } from '../../support/classes';
import { aClock, aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

const MODELS = join(import.meta.dirname, '../../../dist/models');
const modelsBuilt = existsSync(join(MODELS, 'nsfwjs-mobilenet-v2-140.onnx'));
/** The training entry as the app ships it (npm run build:app). */
const BUNDLE = join(import.meta.dirname, '../../../dist/app/training.cjs');

interface Spawned {
  channel: TrainingChannel;
  messages: FromTraining[];
  exited: Promise<string>;
}

/** forkTraining, watched: every message and the way each process ended. */
function watchedSpawn(
  onMessage: (message: FromTraining, spawned: Spawned) => void = () => undefined,
  fork: SpawnTraining = forkTraining(),
): { spawn: SpawnTraining; spawned: Spawned[] } {
  const spawned: Spawned[] = [];
  return {
    spawned,
    spawn: () => {
      const channel = fork();
      let ended!: (how: string) => void;
      const record: Spawned = { channel, messages: [], exited: new Promise((resolve) => (ended = resolve)) };
      channel.onExit(ended);
      channel.onMessage((message) => {
        record.messages.push(message);
        onMessage(message, record);
      });
      spawned.push(record);
      return channel;
    },
  };
}

describe('training in its own process', { skip: modelsBuilt ? false : 'dist/models is not built: run npm run build:models' }, () => {
  let images: string;
  before(async () => {
    images = await classFolder(join(tempDir(), 'images'), 14, 0);
  });

  async function project(loupe: TestLoupe): Promise<string> {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'patterns' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    await waitForJob(loupe.ctx, (await loupe.ok('ImportFolder', { DatasetArn, Folder: images })).JobId);
    return ProjectArn;
  }

  async function trained(loupe: TestLoupe, ProjectArn: string) {
    const { ProjectVersionArn } = await loupe.ok('CreateProjectVersion', { ProjectArn, VersionName: 'v1' });
    const { Jobs } = await loupe.ok('ListJobs', { ResourceArn: ProjectVersionArn });
    await waitForJob(loupe.ctx, Jobs[0]!.JobId);
    const { ProjectVersionDescriptions } = await loupe.ok('DescribeProjectVersions', { ProjectArn, VersionNames: ['v1'] });
    return ProjectVersionDescriptions[0]!;
  }

  let loupe: TestLoupe | undefined;
  after(() => loupe?.dispose());

  it('trains a version in a child process, reporting progress, and ends the process when the model is finished', async () => {
    const { spawn, spawned } = watchedSpawn();
    loupe = aLoupe({ now: aClock(), engine: createProcessEngine({ modelsDir: MODELS, spawn }) });
    const version = await trained(loupe, await project(loupe));
    assert.equal(version.Status, 'TRAINING_COMPLETED', version.StatusMessage);
    assert.ok(version.EvaluationResult!.F1Score! >= 0.9);
    assert.equal(spawned.length, 1);
    const [child] = spawned;
    const phases = new Set(child!.messages.flatMap((m) => (m.type === 'progress' && m.update.phase ? [m.update.phase] : [])));
    assert.ok(phases.has('embedding images') && phases.has('training') && phases.has('testing'), [...phases].join(', '));
    assert.deepEqual(
      child!.messages.filter((m) => m.type !== 'progress').map((m) => m.type),
      ['trained', 'finalized'],
    );
    assert.match(await child!.exited, /signal|exit code/);
    loupe.dispose();
    loupe = undefined;
  });

  it('fails the version with a clear message when the training process dies', async () => {
    const { spawn } = watchedSpawn((message, { channel }) => {
      if (message.type === 'progress' && message.update.phase === 'embedding images') channel.kill();
    });
    loupe = aLoupe({ now: aClock(), engine: createProcessEngine({ modelsDir: MODELS, spawn }) });
    const version = await trained(loupe, await project(loupe));
    assert.equal(version.Status, 'TRAINING_FAILED');
    assert.equal(version.StatusMessage, 'The training process stopped unexpectedly (signal SIGKILL). Train the version again.');
    const { Jobs } = await loupe.ok('ListJobs', { ResourceArn: version.ProjectVersionArn! });
    assert.deepEqual([Jobs[0]!.MessageCode, Jobs[0]!.MessageParams], ['TrainingProcessStopped', { how: 'signal SIGKILL' }], 'coded, for the UI to word in Korean');
    loupe.dispose();
    loupe = undefined;
  });

  it('stops the training process when the job is cancelled', async () => {
    let cancelled = false;
    const { spawn, spawned } = watchedSpawn((message) => {
      if (cancelled || message.type !== 'progress' || message.update.phase !== 'embedding images') return;
      cancelled = true;
      void loupe!.ok('ListJobs', { Active: true }).then(({ Jobs }) => loupe!.ok('CancelJob', { JobId: Jobs[0]!.JobId }));
    });
    loupe = aLoupe({ now: aClock(), engine: createProcessEngine({ modelsDir: MODELS, spawn }) });
    const version = await trained(loupe, await project(loupe));
    assert.equal(version.Status, 'TRAINING_FAILED');
    assert.equal(version.StatusMessage, 'Training was cancelled.');
    assert.ok(spawned[0]!.messages.some((m) => m.type === 'failed' && m.code === 'CancelledException' && m.ref?.Code === 'JobCancelledError'), 'the process stopped by itself, and said so in a coded sentence');
    assert.match(await spawned[0]!.exited, /signal|exit code/);
  });

  it('trains with the bundled entry the app ships', { skip: existsSync(BUNDLE) ? false : 'dist/app is not built: run npm run build:app' }, async () => {
    const { spawn, spawned } = watchedSpawn(undefined, forkTraining(BUNDLE));
    loupe?.dispose();
    loupe = aLoupe({ now: aClock(), engine: createProcessEngine({ modelsDir: MODELS, spawn }) });
    const version = await trained(loupe, await project(loupe));
    assert.equal(version.Status, 'TRAINING_COMPLETED', version.StatusMessage);
    assert.deepEqual(
      spawned[0]!.messages.filter((m) => m.type !== 'progress').map((m) => m.type),
      ['trained', 'finalized'],
    );
  });
});
