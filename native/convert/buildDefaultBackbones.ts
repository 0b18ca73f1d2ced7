/**
 * Builds the default backbones into a folder at install time: `<id>.onnx` converted from the TF.js
 * weights in the nsfwjs package, and `<id>.json` beside it (see native/models builtBackbone.ts).
 * Idempotent: a backbone is rebuilt only when its file is missing or changed, or when the installed
 * nsfwjs version, the spec or CONVERTER_VERSION differ from what the sidecar records.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { builtBackbonePaths, DEFAULT_BACKBONES, readBuiltBackbone, sidecarJson, type ModelSpec } from '../models';
import { encodeModel } from '../onnx';
import { convertTfjsModel } from './convertTfjsModel';
import { loadNsfwjsModel, nsfwjsVersion, type NsfwjsModel } from './nsfwjsSource';

/** Bump when the converter's output changes for the same source, so installed models are rebuilt. */
export const CONVERTER_VERSION = 1;

export interface BuiltModel {
  id: string;
  path: string;
  sha256: string;
  /** false when the existing file was up to date and kept. */
  built: boolean;
}

export interface BuildOptions {
  /** Rebuild even when up to date. */
  force?: boolean;
  /** Which specs to build (default: DEFAULT_BACKBONES). */
  specs?: readonly ModelSpec[];
  /** Progress lines. */
  log?: (message: string) => void;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Write via a temporary file and a rename, so a reader never sees half a model. */
async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

async function isUpToDate(folder: string, spec: ModelSpec): Promise<string | undefined> {
  let existing;
  try {
    existing = await readBuiltBackbone(folder, spec.id);
  } catch {
    // An unreadable sidecar is rebuilt rather than trusted.
    return undefined;
  }
  if (!existing || existing.converterVersion !== CONVERTER_VERSION || JSON.stringify(existing.spec) !== JSON.stringify(spec)) return undefined;
  const actual = sha256(await readFile(existing.modelPath));
  return actual === existing.sha256 ? actual : undefined;
}

/** Convert one npm-sourced spec to ONNX bytes; the model's metadata carries the spec and licence. */
export async function convertBackbone(spec: ModelSpec): Promise<Uint8Array> {
  const source = spec.source;
  if (source.kind !== 'npm' || source.package !== 'nsfwjs') throw new Error(`${spec.id}: only backbones from the nsfwjs package are built here`);
  const artifacts = await loadNsfwjsModel(source.model as NsfwjsModel);
  if (artifacts.format !== source.format) throw new Error(`${spec.id}: nsfwjs ${source.model} is a ${artifacts.format}, the spec says ${source.format}`);
  const model = convertTfjsModel(artifacts, {
    inputName: spec.input.name,
    graphName: spec.id,
    producerVersion: `convert ${CONVERTER_VERSION}`,
    outputs: spec.outputs.map((output) => {
      if (!output.sourceLayer) throw new Error(`${spec.id}: output ${output.name} does not say which layer it comes from`);
      return { name: output.name, from: output.sourceLayer, pool: output.pooling };
    }),
    metadata: {
      'loupe.backbone': JSON.stringify(spec),
      licence: spec.licence,
      source: `${source.package}@${source.version} ${source.model} (${source.format})`,
    },
  });
  for (const output of spec.outputs) {
    const declared = model.graph.outputs.find((value) => value.name === output.name)?.shape;
    if (declared?.[1] !== output.size) throw new Error(`${spec.id}: output ${output.name} has shape [${declared?.join(', ')}], the spec says size ${output.size}`);
  }
  return encodeModel(model);
}

/** Build (or keep) each default backbone in `folder`; returns where each is and its SHA-256. */
export async function buildDefaultBackbones(folder: string, options: BuildOptions = {}): Promise<BuiltModel[]> {
  await mkdir(folder, { recursive: true });
  const results: BuiltModel[] = [];
  for (const registered of options.specs ?? DEFAULT_BACKBONES) {
    if (registered.source.kind !== 'npm') throw new Error(`${registered.id}: not built from a package`);
    const version = await nsfwjsVersion();
    if (version !== registered.source.version) {
      options.log?.(`${registered.id}: building from nsfwjs ${version}; the converter was checked against ${registered.source.version}`);
    }
    const spec: ModelSpec = { ...registered, source: { ...registered.source, version } };
    const paths = builtBackbonePaths(folder, spec.id);
    const current = options.force ? undefined : await isUpToDate(folder, spec);
    if (current) {
      results.push({ id: spec.id, path: paths.model, sha256: current, built: false });
      continue;
    }
    const started = performance.now();
    const bytes = await convertBackbone(spec);
    const digest = sha256(bytes);
    await writeAtomically(paths.model, bytes);
    await writeAtomically(paths.sidecar, sidecarJson(spec, digest, CONVERTER_VERSION));
    options.log?.(`${spec.id}: converted in ${Math.round(performance.now() - started)} ms (${(bytes.byteLength / 1e6).toFixed(1)} MB)`);
    results.push({ id: spec.id, path: paths.model, sha256: digest, built: true });
  }
  return results;
}
