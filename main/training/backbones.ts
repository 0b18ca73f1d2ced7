/**
 * The backbone registry as the app sees it: the built-in backbones (built at install into
 * dist/models) and the ones a user registered (an ONNX file and its spec, copied into
 * `<home>/backbones` after native/models checks that the file fits the spec). The default one —
 * a setting — is what training uses; a better backbone drops in here.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import {
  builtBackbonePaths,
  DEFAULT_BACKBONE_ID,
  DEFAULT_BACKBONES,
  inputDims,
  ModelSpecError,
  parseModelSpec,
  readBuiltBackbone,
  sidecarJson,
  validateBackbone,
  type BuiltBackbone,
  type ModelSpec,
} from '../../native/models';
import { createSession } from '../../native/ort';
import type { Backbone, OutputOf } from '../../preload/contract';
import type { RegisterBackboneInput, SetDefaultBackboneInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { apiError, codedError } from '../errors';
import { writeAtomically } from '../files';

const SETTING = 'backbone';

export function registeredBackboneDir(ctx: Context): string {
  return join(ctx.home, 'backbones');
}

export function defaultBackboneId(ctx: Context): string {
  const chosen = q.readSetting(ctx.db, SETTING);
  return typeof chosen === 'string' ? chosen : DEFAULT_BACKBONE_ID;
}

/** A backbone by id, from the built-in folder or the registered ones. */
export async function findBackbone(modelsDir: string, home: string, id: string): Promise<BuiltBackbone | undefined> {
  return (await readBuiltBackbone(modelsDir, id)) ?? (await readBuiltBackbone(join(home, 'backbones'), id));
}

function toBackbone(built: BuiltBackbone, source: 'BUILT_IN' | 'REGISTERED', defaultId: string): Backbone {
  const { spec } = built;
  const downloaded = source === 'REGISTERED' && spec.source.kind === 'download' ? spec.source : undefined;
  return {
    Id: spec.id,
    Title: spec.title,
    Licence: spec.licence,
    Source: downloaded ? 'DOWNLOADED' : source,
    ...(downloaded ? { SourceUrl: downloaded.url } : {}),
    InputWidth: spec.input.width,
    InputHeight: spec.input.height,
    Outputs: spec.outputs.map((o) => ({ Name: o.name, Size: o.size, Role: o.role })),
    Default: spec.id === defaultId,
  };
}

export async function listBackbones(ctx: Context): Promise<OutputOf<'ListBackbones'>> {
  const { modelsDir } = ctx;
  const defaultId = defaultBackboneId(ctx);
  const builtIn = (await Promise.all(DEFAULT_BACKBONES.map((spec) => readBuiltBackbone(modelsDir, spec.id)))).filter(
    (b): b is BuiltBackbone => b !== undefined,
  );
  const folder = registeredBackboneDir(ctx);
  const ids = (await readdir(folder).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  const registered = (await Promise.all(ids.map((id) => readBuiltBackbone(folder, id).catch(() => undefined)))).filter(
    (b): b is BuiltBackbone => b !== undefined,
  );
  return {
    Backbones: [...builtIn.map((b) => toBackbone(b, 'BUILT_IN', defaultId)), ...registered.map((b) => toBackbone(b, 'REGISTERED', defaultId))],
  };
}

export async function registerBackbone(ctx: Context, input: RegisterBackboneInput): Promise<OutputOf<'RegisterBackbone'>> {
  if (!isAbsolute(input.ModelFile)) throw codedError('InvalidParameterException', 'NotAbsolutePath', { field: 'ModelFile', path: input.ModelFile });
  let spec;
  try {
    spec = parseModelSpec({ ...input.Spec, source: { kind: 'file', originalName: input.ModelFile.split(/[\\/]/).pop() } });
  } catch (error) {
    if (error instanceof ModelSpecError) throw codedError('InvalidParameterException', 'BackboneSpecInvalid', { problems: error.problems.join('; ') });
    throw error;
  }
  if (DEFAULT_BACKBONES.some((builtIn) => builtIn.id === spec.id)) {
    throw codedError('ResourceAlreadyExistsException', 'BackboneIdTaken', { id: spec.id });
  }
  const bytes = await readFile(input.ModelFile).catch(() => {
    throw codedError('InvalidParameterException', 'FileCannotBeRead', { path: input.ModelFile });
  });
  return { Backbone: await saveBackbone(ctx, spec, bytes) };
}

/**
 * Check `bytes` against `spec` and ONNX Runtime, then write `<id>.onnx` and its sidecar (with the
 * SHA-256 of what is saved) into `<home>/backbones`. With `runBatches`, the model also runs on
 * zero images in batches of those sizes and must give every feature output as [batch, size].
 */
export async function saveBackbone(ctx: Context, spec: ModelSpec, bytes: Uint8Array, options: { runBatches?: number[] } = {}): Promise<Backbone> {
  const check = await validateBackbone(bytes, spec);
  if (!check.ok) throw codedError('InvalidParameterException', 'BackboneMismatch', { problems: check.problems.join('; ') });
  // Its inputs and outputs fit; ONNX Runtime must also accept the graph itself.
  let session;
  try {
    ({ session } = await createSession(bytes, { providers: ['cpu'], name: spec.id }));
  } catch (error) {
    throw codedError('InvalidParameterException', 'BackboneNotLoadable', { reason: (error as Error).message });
  }
  try {
    for (const batch of options.runBatches ?? []) {
      const dims = inputDims(spec, batch);
      const zeros = new Float32Array(dims.reduce((count, dim) => count * dim, 1));
      let outputs;
      try {
        outputs = await session.run({ [spec.input.name]: { data: zeros, dims } });
      } catch (error) {
        throw codedError('InvalidParameterException', 'BackboneBatchFails', { batch, reason: (error as Error).message });
      }
      for (const feature of spec.outputs) {
        const got = outputs[feature.name]?.dims ?? [];
        if (got.length !== 2 || got[0] !== batch || got[1] !== feature.size) {
          throw codedError('InvalidParameterException', 'BackboneOutputShape', { output: feature.name, got: got.join(', '), batch, size: feature.size });
        }
      }
    }
  } finally {
    await session.release();
  }
  const saved = { ...spec, fileName: `${spec.id}.onnx` };
  const paths = builtBackbonePaths(registeredBackboneDir(ctx), spec.id);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await writeAtomically(paths.model, bytes);
  await writeAtomically(paths.sidecar, sidecarJson(saved, sha256, 0));
  return toBackbone({ spec: saved, sha256, converterVersion: 0, modelPath: paths.model }, 'REGISTERED', defaultBackboneId(ctx));
}

export async function setDefaultBackbone(ctx: Context, input: SetDefaultBackboneInput): Promise<OutputOf<'SetDefaultBackbone'>> {
  if (!(await findBackbone(ctx.modelsDir, ctx.home, input.Id))) {
    throw apiError('ResourceNotFoundException', `No backbone ${input.Id} is built or registered.`);
  }
  q.writeSetting(ctx.db, SETTING, input.Id);
  return {};
}
