/**
 * A trained classification head: its weights (learnt on standardised features), the feature
 * standardisation, and the two ways to use it — `predict` on features, and `toInferenceGraph`,
 * which appends the head to a graph that already computes the backbone's features so that
 * backbone + head become one ONNX model.
 *
 * Standardisation is folded into the first layer on export: with x̂ = (x − μ) / σ,
 *   x̂·W1 + b1 = x·(W1 / σ) + (b1 − (μ / σ)·W1),
 * so the exported head takes the backbone's raw features.
 */
import { buildModel, encodeModel, GraphBuilder, type ValueRef } from '../onnx';
import { createSession, type Provider } from '../ort';
import { headParameterNames, type HeadKind } from './headGraphs';

/** What model metadata records about a head (JSON-serialisable). */
export interface HeadSpec {
  kind: HeadKind;
  /** Hidden-layer width; 0 = a linear head. */
  hidden: number;
  classes: number;
  /** Feature width the head takes. */
  features: number;
}

/** W1, b1 (and W2, b2 for a hidden head), row-major float32: W1 [D, H or C], W2 [H, C]. */
export type HeadParameters = Record<string, Float32Array>;

/** Per-feature mean and standard deviation of the training features. */
export interface Standardisation {
  mean: Float32Array;
  std: Float32Array;
}

/** A head as plain data (typed arrays survive structured cloning to and from a worker). */
export interface HeadModelData {
  spec: HeadSpec;
  parameters: HeadParameters;
  standardisation: Standardisation;
}

export interface PredictOptions {
  providers?: readonly Provider[];
  threads?: number;
  /** Rows per run (default 4096). */
  batchSize?: number;
}

export interface InferenceGraphOptions {
  /** Prefix of the initializer and node names the head adds (default 'head'). */
  prefix?: string;
}

/** Shape of each parameter of a head. */
export function parameterDims(spec: HeadSpec, name: string): number[] {
  const width = spec.hidden > 0 ? spec.hidden : spec.classes;
  switch (name) {
    case 'W1':
      return [spec.features, width];
    case 'b1':
      return [width];
    case 'W2':
      return [spec.hidden, spec.classes];
    case 'b2':
      return [spec.classes];
    default:
      throw new Error(`unknown head parameter ${name}`);
  }
}

export class HeadModel {
  readonly spec: HeadSpec;
  /** Weights on standardised features (as trained). */
  readonly parameters: HeadParameters;
  readonly standardisation: Standardisation;

  constructor(data: HeadModelData) {
    const { spec, parameters, standardisation } = data;
    for (const name of headParameterNames(spec.hidden)) {
      const values = parameters[name];
      const length = parameterDims(spec, name).reduce((count, dim) => count * dim, 1);
      if (!values || values.length !== length) throw new RangeError(`head parameter ${name} must hold ${length} values`);
    }
    if (standardisation.mean.length !== spec.features || standardisation.std.length !== spec.features) {
      throw new RangeError(`standardisation must hold ${spec.features} means and deviations`);
    }
    this.spec = { ...spec };
    this.parameters = parameters;
    this.standardisation = standardisation;
  }

  static fromData(data: HeadModelData): HeadModel {
    return new HeadModel(data);
  }

  toData(): HeadModelData {
    return { spec: this.headSpec(), parameters: this.parameters, standardisation: this.standardisation };
  }

  /** kind, hidden, classes, features — for model metadata. */
  headSpec(): HeadSpec {
    return { ...this.spec };
  }

  /** The parameters with the standardisation folded into the first layer: the head on raw features. */
  foldedParameters(): HeadParameters {
    const { features } = this.spec;
    const W1 = this.parameters.W1 as Float32Array;
    const b1 = this.parameters.b1 as Float32Array;
    const width = b1.length;
    const { mean, std } = this.standardisation;
    const foldedW1 = new Float32Array(W1.length);
    const bias = Float64Array.from(b1);
    for (let d = 0; d < features; d++) {
      const scale = 1 / (std[d] as number);
      const shift = (mean[d] as number) * scale;
      const row = d * width;
      for (let j = 0; j < width; j++) {
        const w = W1[row + j] as number;
        foldedW1[row + j] = w * scale;
        bias[j] = (bias[j] as number) - shift * w;
      }
    }
    const folded: HeadParameters = { W1: foldedW1, b1: Float32Array.from(bias) };
    if (this.spec.hidden > 0) {
      folded.W2 = Float32Array.from(this.parameters.W2 as Float32Array);
      folded.b2 = Float32Array.from(this.parameters.b2 as Float32Array);
    }
    return folded;
  }

  /**
   * Appends the head to `builder` after `input` (the backbone's features, [batch, D] or anything
   * that flattens to it) and returns the probabilities [batch, C] (softmax or sigmoid). The caller
   * declares the output.
   */
  toInferenceGraph(builder: GraphBuilder, input: ValueRef, options: InferenceGraphOptions = {}): ValueRef {
    const prefix = options.prefix ?? 'head';
    const folded = this.foldedParameters();
    const weight = (name: string) => builder.initializer(builder.uniqueName(`${prefix}/${name}`), folded[name] as Float32Array, parameterDims(this.spec, name));
    const op = (type: string, inputs: ValueRef[], attributes: Record<string, number> = {}) =>
      builder.op(type, inputs, attributes, { name: builder.uniqueName(`${prefix}/${type}`) });
    const x = op('Flatten', [input], { axis: 1 });
    let logits = op('Gemm', [x, weight('W1'), weight('b1')]);
    if (this.spec.hidden > 0) logits = op('Gemm', [op('Relu', [logits]), weight('W2'), weight('b2')]);
    return this.spec.kind === 'softmax' ? op('Softmax', [logits], { axis: 1 }) : op('Sigmoid', [logits]);
  }

  /** The head alone as an ONNX model: `features` [batch, D] → `probabilities` [batch, C]. */
  toModel(): Uint8Array {
    const g = new GraphBuilder(`${this.spec.kind}_head`);
    const features = g.input('features', 'float32', ['batch', this.spec.features]);
    g.output(this.toInferenceGraph(g, features), 'float32', ['batch', this.spec.classes], 'probabilities');
    return encodeModel(buildModel(g, { metadata: { head: JSON.stringify(this.headSpec()) } }));
  }

  /** Probabilities N×C (row-major) for raw features N×D, computed by the exported head in ONNX Runtime. */
  async predict(features: Float32Array, options: PredictOptions = {}): Promise<Float32Array> {
    const { features: dims, classes } = this.spec;
    if (features.length % dims !== 0) throw new RangeError(`features hold ${features.length} values, not a multiple of ${dims}`);
    const rows = features.length / dims;
    const probabilities = new Float32Array(rows * classes);
    if (rows === 0) return probabilities;
    const { session } = await createSession(this.toModel(), {
      providers: options.providers ?? ['cpu'],
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      name: `${this.spec.kind} head`,
    });
    try {
      const chunk = Math.max(1, options.batchSize ?? 4096);
      for (let start = 0; start < rows; start += chunk) {
        const count = Math.min(chunk, rows - start);
        const out = await session.run({ features: { data: features.subarray(start * dims, (start + count) * dims), dims: [count, dims] } });
        probabilities.set(out.probabilities?.data as Float32Array, start * classes);
      }
    } finally {
      await session.release();
    }
    return probabilities;
  }
}
