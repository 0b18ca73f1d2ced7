/**
 * The running project versions as Open Inference Protocol models (main/server/inference.ts): each
 * RUNNING version is served as `servingModelName(project, version)`, version '1', running its
 * serving graph (engine/servingGraph.ts: the version's model.onnx with Loupe's preprocessing and
 * decoding as ONNX nodes, uint8 images in) — the same computation an export carries. The loaded
 * model owns it (LoadedModel.served): built and loaded into units of its own when the version starts
 * (`startServing`, before it is RUNNING), its requests waiting in the version's one queue with DetectCustomLabels'
 * (so both are refused alike when it is full), its units stopped when the version stops.
 */
import { join } from 'node:path';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import type { LoadedModel } from '../engine/engine';
import type { ServedModel, ServedModels } from '../engine/servedModel';
import { servingModelName } from '../engine/servingGraph';
import { createLogger } from '../log';
import { runningModels } from './runtime';

const log = createLogger('served-models');

interface Candidate {
  versionId: number;
  name: string;
  model: LoadedModel;
}

function candidates(ctx: Context): Candidate[] {
  const running = runningModels(ctx);
  if (running.size === 0) return [];
  const found: Candidate[] = [];
  for (const version of q.listVersionsWithStatus(ctx.db, ['RUNNING'])) {
    const model = running.get(version.id);
    const project = q.findProjectById(ctx.db, version.projectId);
    if (!model || !project) continue;
    found.push({ versionId: version.id, name: servingModelName(project.name, version.name), model });
  }
  return found;
}

/** The serving graph of `candidate`, loaded once per start of the version (the graph's file under the home's serving/). */
function servedOf(ctx: Context, candidate: Candidate): Promise<ServedModel> {
  const served = candidate.model.served({ name: candidate.name, file: join(ctx.home, 'serving', `${candidate.versionId}.onnx`) });
  served.catch((error: unknown) => log.warn('serving graph not served', { model: candidate.name, error }));
  return served;
}

/**
 * Start `model`'s serving graph with the model (StartProjectVersion), so the first /v2 request finds
 * its units running; a graph that cannot be built or loaded is logged and tried again when asked for.
 */
export async function startServing(ctx: Context, version: { id: number; projectId: number; name: string }, model: LoadedModel): Promise<void> {
  const project = q.findProjectById(ctx.db, version.projectId);
  if (!project) return;
  await servedOf(ctx, { versionId: version.id, name: servingModelName(project.name, version.name), model }).catch(() => undefined);
}

/** A served model whose metadata is the graph's (started with the model; loaded again on request if that failed). */
export function runningServedModels(ctx: Context): ServedModels {
  return {
    // A version whose graph cannot be served is left out of the list; asked for by name, it says why.
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
