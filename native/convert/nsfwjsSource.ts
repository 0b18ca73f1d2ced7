/**
 * Reads a TF.js model shipped inside the nsfwjs package. nsfwjs bundles each model.json and weight
 * shard as a CommonJS module (model.min.js: the model.json object; group1-shardNofM.min.js: the
 * shard's bytes in base64) behind its `nsfwjs/models/<name>` entry points, which load them lazily;
 * the converter uses those entry points and never TensorFlow.js itself.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { formatOf, type TfjsArtifacts, type WeightSpec } from './tfjsArtifacts';

export type NsfwjsModel = 'mobilenet_v2' | 'mobilenet_v2_mid';

/** nsfwjs's model definition (dist/esm/core.d.ts ModelDefinition), as much of it as is read here. */
interface ModelDefinition {
  numOfWeightBundles: number;
  modelJson: () => Promise<{ default: unknown }>;
  weightBundles: (() => Promise<{ default: unknown }>)[];
}

const ENTRY_POINTS: Record<NsfwjsModel, () => Promise<ModelDefinition>> = {
  mobilenet_v2: async () => (await import('nsfwjs/models/mobilenet_v2')).MobileNetV2Model as unknown as ModelDefinition,
  mobilenet_v2_mid: async () => (await import('nsfwjs/models/mobilenet_v2_mid')).MobileNetV2MidModel as unknown as ModelDefinition,
};

/** The installed nsfwjs version (its package.json is not exported, so it is found beside the entry point). */
export async function nsfwjsVersion(): Promise<string> {
  let folder = dirname(createRequire(import.meta.url).resolve('nsfwjs'));
  for (;;) {
    try {
      const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'nsfwjs' && manifest.version) return manifest.version;
    } catch {
      // No package.json at this level (dist/ folders); keep walking up.
    }
    const parent = dirname(folder);
    if (parent === folder) throw new Error('cannot find the installed nsfwjs package.json');
    folder = parent;
  }
}

/** Topology and weights of one of nsfwjs's models. */
export async function loadNsfwjsModel(model: NsfwjsModel): Promise<TfjsArtifacts> {
  const definition = await ENTRY_POINTS[model]();
  const modelJson = (await definition.modelJson()).default as {
    format?: string;
    modelTopology?: Record<string, unknown>;
    weightsManifest?: { paths: string[]; weights: WeightSpec[] }[];
  };
  if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) throw new Error(`nsfwjs ${model}: model.json has no topology or weights manifest`);
  const shards = new Map<string, Uint8Array>();
  for (const [index, load] of definition.weightBundles.entries()) {
    const base64 = (await load()).default;
    if (typeof base64 !== 'string') throw new Error(`nsfwjs ${model}: weight shard ${index + 1} is not base64 text`);
    shards.set(`group1-shard${index + 1}of${definition.numOfWeightBundles}`, Buffer.from(base64, 'base64'));
  }
  const parts: Uint8Array[] = [];
  const weightSpecs: WeightSpec[] = [];
  for (const group of modelJson.weightsManifest) {
    for (const path of group.paths) {
      const shard = shards.get(path);
      if (!shard) throw new Error(`nsfwjs ${model}: weight shard ${path} is missing`);
      parts.push(shard);
    }
    weightSpecs.push(...group.weights);
  }
  return { format: formatOf(modelJson), modelTopology: modelJson.modelTopology, weightSpecs, weightData: Buffer.concat(parts) };
}
