/**
 * The running project versions as Open Inference Protocol models (main/server/inference.ts): each
 * RUNNING version is served as `servingModelName(project, version)`, version '1', running its
 * serving graph (engine/servingGraph.ts: the version's model.onnx with Loupe's preprocessing and
 * decoding as ONNX nodes, uint8 images in) — the same computation an export carries. The graph is
 * built and loaded into units of its own the first time the model is asked for, and its requests
 * wait in the version's queue with DetectCustomLabels' (RunningModel.admit), so both are refused
 * alike when it is full. The units stop when the version stops.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Context } from '../core/context';
import { perContext } from '../core/context';
import * as q from '../db/queries';
import { openServedModelFile, type ClosableServedModel } from '../engine/exportedModel';
import type { ServedModel, ServedModels } from '../engine/servedModel';
import { servingGraphOf, servingModelName } from '../engine/servingGraph';
import { readFile } from 'node:fs/promises';
import { ServiceError } from '../errors';
import { createLogger } from '../log';
import { runningModels, type RunningModel } from './runtime';

const log = createLogger('served-models');

interface Entry {
  running: RunningModel;
  served: Promise<ClosableServedModel>;
}

/** Loaded serving graphs by version id, each tied to the RunningModel it was made for. */
const loaded = perContext(() => new Map<number, Entry>());

interface Candidate {
  versionId: number;
  name: string;
  modelPath: string;
  running: RunningModel;
}

function candidates(ctx: Context): Candidate[] {
  const running = runningModels(ctx);
  if (running.size === 0) return [];
  const found: Candidate[] = [];
  for (const version of q.listVersionsWithStatus(ctx.db, ['RUNNING'])) {
    const model = running.get(version.id);
    const project = q.findProjectById(ctx.db, version.projectId);
    if (!model || !project || !version.modelPath) continue;
    found.push({ versionId: version.id, name: servingModelName(project.name, version.name), modelPath: version.modelPath, running: model });
  }
  return found;
}

/** The serving graph of `candidate`, loaded once per start of the version. */
function servedOf(ctx: Context, candidate: Candidate): Promise<ClosableServedModel> {
  const cache = loaded(ctx);
  const entry = cache.get(candidate.versionId);
  if (entry && entry.running === candidate.running) return entry.served;
  const file = join(ctx.home, 'serving', `${candidate.versionId}.onnx`);
  const served = (async () => {
    const graph = servingGraphOf(await readFile(candidate.modelPath));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, graph.onnx);
    const model = await openServedModelFile(file, {
      name: candidate.name,
      version: '1',
      maxBatchSize: graph.maxBatchSize,
      units: candidate.running.minUnits,
      threads: 1,
      admit: (work) => candidate.running.admit(work),
    });
    if (runningModels(ctx).get(candidate.versionId) !== candidate.running) {
      // The version stopped while its graph loaded.
      await model.close();
      rmSync(file, { force: true });
      throw new ServiceError('ResourceNotReadyException', `Model '${candidate.name}' has stopped.`);
    }
    candidate.running.attach({
      close: async () => {
        cache.delete(candidate.versionId);
        await model.close();
        rmSync(file, { force: true });
      },
    });
    log.info('serving graph loaded', { model: candidate.name });
    return model;
  })();
  served.catch((error: unknown) => {
    log.error('serving graph failed to load', { model: candidate.name, error });
    if (cache.get(candidate.versionId)?.served === served) cache.delete(candidate.versionId);
  });
  cache.set(candidate.versionId, { running: candidate.running, served });
  return served;
}

/** A served model whose metadata is the graph's; loading it the first time a client asks. */
export function runningServedModels(ctx: Context): ServedModels {
  return {
    // A version whose graph cannot be served (a tiled detector, say) is left out of the list; asked for by name, it says why.
    list: async () => {
      const settled = await Promise.allSettled(candidates(ctx).map((candidate) => servedOf(ctx, candidate)));
      return settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    },
    get: async (name): Promise<ServedModel | undefined> => {
      const candidate = candidates(ctx).find((found) => found.name === name);
      return candidate ? servedOf(ctx, candidate) : undefined;
    },
  };
}
