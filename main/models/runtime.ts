/**
 * Running models: the loaded model of each RUNNING version, by version id. Its inference units,
 * their one back-pressure queue and their scaling between MinInferenceUnits and MaxInferenceUnits
 * are the engine's (main/engine/inferenceUnits.ts); this domain starts and stops them and records
 * the units in service (usage.ts).
 */
import { perContext, type Context } from '../core/context';
import type { LoadedModel } from '../engine/engine';

/** The running models of a Loupe, by version id. */
export const runningModels = perContext(() => new Map<number, LoadedModel>());

/** Stop every model (Loupe is closing). */
export async function closeRunningModels(ctx: Context): Promise<void> {
  const models = runningModels(ctx);
  await Promise.allSettled([...models.values()].map((model) => model.close()));
  models.clear();
}
