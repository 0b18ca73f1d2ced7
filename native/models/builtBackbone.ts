/**
 * A backbone built into a folder: `<id>.onnx` and, beside it, `<id>.json` holding its spec (with the
 * source version it was built from), the model file's SHA-256 and the converter version. The build
 * (native/convert) writes the pair; the app reads it back here.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseModelSpec, type ModelSpec } from './modelSpec';

export interface BuiltBackbone {
  spec: ModelSpec;
  /** Hex SHA-256 of the .onnx file when it was written. */
  sha256: string;
  converterVersion: number;
  /** Absolute path of the .onnx file. */
  modelPath: string;
}

/** Where a backbone's model and sidecar live in `folder`. */
export function builtBackbonePaths(folder: string, id: string): { model: string; sidecar: string } {
  return { model: join(folder, `${id}.onnx`), sidecar: join(folder, `${id}.json`) };
}

/** The sidecar's JSON text for a built model. */
export function sidecarJson(spec: ModelSpec, sha256: string, converterVersion: number): string {
  return `${JSON.stringify({ spec, sha256, converterVersion }, null, 2)}\n`;
}

/** The backbone built in `folder` under `id`, or undefined when its model or sidecar is missing. Throws ModelSpecError on a bad sidecar. */
export async function readBuiltBackbone(folder: string, id: string): Promise<BuiltBackbone | undefined> {
  const paths = builtBackbonePaths(folder, id);
  let text: string;
  try {
    text = await readFile(paths.sidecar, 'utf8');
    await stat(paths.model);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const json = JSON.parse(text) as { spec?: unknown; sha256?: unknown; converterVersion?: unknown };
  const spec = parseModelSpec(json.spec);
  if (typeof json.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(json.sha256)) throw new Error(`${paths.sidecar}: sha256 is missing`);
  return { spec, sha256: json.sha256, converterVersion: Number(json.converterVersion ?? 0), modelPath: paths.model };
}
