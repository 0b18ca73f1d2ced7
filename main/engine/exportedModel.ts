/**
 * Serving a model file over the Open Inference Protocol: its inputs and outputs read from the ONNX
 * graph itself (so what is declared is what runs), run as whole tensors by inference units in
 * worker threads (inferenceUnits.ts `runTensors`, behind their queue). `openModelRepository` reads an exported Triton
 * model repository (`<model_name>/config.pbtxt`, `<model_name>/<version>/model.onnx`) with no home
 * and no database, for `loupe serve --model`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describeModel, type OnnxValueInfo } from '../../native/onnx';
import { codedError } from '../errors';
import { openInferenceUnits, type InferenceUnits, type NamedTensors, type SharedQueue } from './inferenceUnits';
import { datatypeOfData, datatypeOfOnnx, type ServedModel, type ServedModels, type Tensor, type TensorData, type TensorSpec } from './servedModel';

export interface ModelFileOptions {
  name: string;
  version: string;
  /** Largest batch; 0 = no batch dim. */
  maxBatchSize: number;
  /** Worker threads with a session each (default 1). */
  units?: number;
  /** Intra-op threads per unit (default 0: ONNX Runtime's own choice, one per core). */
  threads?: number;
  /** The unit's script for a bundled Loupe (see inferenceUnits.ts). */
  entry?: string;
  /** Another model's queue the requests wait in (a running version's, inferenceUnits.ts); a queue of its own by default. */
  queue?: SharedQueue;
}

export interface ClosableServedModel extends ServedModel {
  close(): Promise<void>;
}

/** The protocol's specs of an ONNX graph's values: symbolic or unknown dims are -1. */
export function specsOfGraph(values: readonly OnnxValueInfo[], what: string): TensorSpec[] {
  return values.map((value) => {
    const datatype = value.dtype ? datatypeOfOnnx(value.dtype) : undefined;
    if (!datatype) throw new Error(`${what} "${value.name}" has the element type ${value.dtype ?? 'none'}, which the Open Inference Protocol here does not serve.`);
    return { name: value.name, datatype, shape: (value.shape ?? []).map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1)) };
  });
}

/** Serve the ONNX file at `modelPath` (loaded into `options.units` units before this resolves). */
export async function openServedModelFile(modelPath: string, options: ModelFileOptions): Promise<ClosableServedModel> {
  const description = await describeModel(modelPath);
  const inputs = specsOfGraph(description.inputs, 'Input');
  const outputs = specsOfGraph(description.outputs, 'Output');
  const units: InferenceUnits = await openInferenceUnits(modelPath, {
    units: options.units ?? 1,
    threads: options.threads ?? 0,
    ...(options.entry ? { entry: options.entry } : {}),
    ...(options.queue ? { queue: options.queue } : {}),
  });
  let ready = true;
  const hints = new Map(outputs.map((spec) => [spec.name, spec.datatype]));
  return {
    name: options.name,
    version: options.version,
    platform: 'onnxruntime_onnx',
    inputs,
    outputs,
    maxBatchSize: options.maxBatchSize,
    isReady: () => ready,
    async infer(tensors, wanted) {
      const feeds: NamedTensors = {};
      // The protocol layer has checked each tensor's datatype against the graph's, so its array is one ONNX Runtime takes.
      for (const tensor of tensors) feeds[tensor.name] = { data: tensor.data as NamedTensors[string]['data'], dims: tensor.shape };
      // One request of the units' queue (or the queue they share): refused with ProvisionedThroughputExceededException when it is full.
      const results = await units.runTensors(feeds, wanted);
      return Object.entries(results).map(([name, value]): Tensor => {
        const data = value.data as TensorData;
        return { name, datatype: datatypeOfData(data, hints.get(name)), shape: [...value.dims], data };
      });
    },
    async close() {
      ready = false;
      await units.close();
    },
  };
}

/** The model folders of a repository root (each with a config.pbtxt), or the folder itself when it is one. */
export function modelFolders(folder: string): string[] {
  if (existsSync(join(folder, 'config.pbtxt'))) return [folder];
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw codedError('ResourceNotFoundException', 'NotAFolderPath', { path: folder });
  }
  const found = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(folder, entry.name, 'config.pbtxt')))
    .map((entry) => join(folder, entry.name))
    .sort();
  if (found.length === 0) {
    throw codedError('InvalidParameterException', 'NoModelInRepository', { path: folder });
  }
  return found;
}

/** What serving needs from config.pbtxt: name, max_batch_size and default_model_filename (Triton's defaults otherwise). */
export function readModelConfig(modelFolder: string): { name: string; maxBatchSize: number; fileName: string } {
  const text = readFileSync(join(modelFolder, 'config.pbtxt'), 'utf8').replace(/#[^\n]*/g, '');
  // Top-level fields come before the first nested message in the files Loupe and Triton write; the
  // patterns are anchored at a line start so fields of nested messages (dims, kind) never match.
  const name = /^\s*name\s*:\s*"([^"]*)"/m.exec(text)?.[1] ?? basename(modelFolder);
  const maxBatchSize = Number(/^\s*max_batch_size\s*:\s*(\d+)/m.exec(text)?.[1] ?? 0);
  const fileName = /^\s*default_model_filename\s*:\s*"([^"]+)"/m.exec(text)?.[1] ?? 'model.onnx';
  if (basename(fileName) !== fileName) throw codedError('InvalidParameterException', 'ModelFileOutsideVersion', { folder: modelFolder });
  return { name, maxBatchSize, fileName };
}

/** The newest version folder (Triton's default policy: the highest number) holding the model file. */
export function latestVersion(modelFolder: string, fileName: string): string {
  const versions = readdirSync(modelFolder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name) && existsSync(join(modelFolder, entry.name, fileName)))
    .map((entry) => entry.name)
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw codedError('InvalidParameterException', 'NoModelVersionFolder', { folder: modelFolder, file: fileName });
  return versions[0]!;
}

export interface ModelRepository extends ServedModels {
  close(): Promise<void>;
}

/** Load every model of an exported repository (or one model folder); no home, no database. */
export async function openModelRepository(folder: string, options: { units?: number; threads?: number; entry?: string } = {}): Promise<ModelRepository> {
  const models = new Map<string, ClosableServedModel>();
  try {
    for (const modelFolder of modelFolders(folder)) {
      const config = readModelConfig(modelFolder);
      const version = latestVersion(modelFolder, config.fileName);
      if (models.has(config.name)) throw codedError('InvalidParameterException', 'DuplicateModelName', { folder, name: config.name });
      models.set(config.name, await openServedModelFile(join(modelFolder, version, config.fileName), { ...options, name: config.name, version, maxBatchSize: config.maxBatchSize }));
    }
  } catch (error) {
    await Promise.allSettled([...models.values()].map((model) => model.close()));
    throw error;
  }
  return {
    list: () => Promise.resolve([...models.values()]),
    get: (name) => Promise.resolve(models.get(name)),
    async close() {
      await Promise.allSettled([...models.values()].map((model) => model.close()));
    },
  };
}
