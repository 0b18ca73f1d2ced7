/**
 * One loaded model on one execution provider. Inputs are checked against the model's own metadata
 * before they reach ONNX Runtime, whose messages name neither the model nor the provider; its
 * failures are wrapped with both and with every input's name, dtype and dims (STYLE §6).
 */
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { messageOf, OrtError, type InputSummary } from './errors';

export type Provider = 'cuda' | 'dml' | 'coreml' | 'cpu';

export type InputData = Float32Array | BigInt64Array | Int32Array | Uint8Array;
export type OutputData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array | Uint16Array | Int16Array;

/** A tensor going in: row-major `data` of shape `dims`. */
export interface TensorInput {
  data: InputData;
  dims: readonly number[];
}

/** A tensor coming out: row-major `data` of shape `dims`. */
export interface TensorOutput {
  data: OutputData;
  dims: number[];
}

/** A model input or output as the model declares it; strings in `shape` are symbolic dims ('batch'). */
export interface ValueSpec {
  name: string;
  dtype: string;
  /** null = the model does not say (non-tensor values, unknown rank). */
  shape: (number | string)[] | null;
}

export interface RunOptions {
  /** Compute only these outputs (default: all). */
  outputs?: readonly string[];
}

function dtypeOf(data: InputData): 'float32' | 'int64' | 'int32' | 'uint8' {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'uint8';
  return 'int32';
}

/** The dtype for messages, naming whatever a caller passed by mistake (a Float64Array, an array). */
function describeData(data: unknown): string {
  if (data instanceof Float32Array || data instanceof BigInt64Array || data instanceof Int32Array || data instanceof Uint8Array) return dtypeOf(data);
  return data === undefined || data === null ? 'missing' : (data as object).constructor?.name ?? typeof data;
}

function specsOf(metadata: readonly InferenceSession.ValueMetadata[]): ValueSpec[] {
  return metadata.map((value) =>
    value.isTensor
      ? // ONNX Runtime reports an unknown shape and a scalar alike as []; neither is checked.
        { name: value.name, dtype: value.type, shape: value.shape.length > 0 ? [...value.shape] : null }
      : { name: value.name, dtype: 'non-tensor', shape: null },
  );
}

function describeSpec(spec: ValueSpec): string {
  return `${spec.name} ${spec.dtype} [${spec.shape ? spec.shape.join(', ') : '?'}]`;
}

export class OrtSession {
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  private released = false;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly session: InferenceSession,
    /** The model's name in errors and logs. */
    readonly name: string,
    /** The execution provider this session runs on. */
    readonly provider: Provider,
  ) {
    this.inputs = specsOf(session.inputMetadata);
    this.outputs = specsOf(session.outputMetadata);
  }

  /** Run the model on `inputs` (all of the model's inputs, by name); returns the outputs by name. Throws OrtError. */
  async run(inputs: Record<string, TensorInput>, options: RunOptions = {}): Promise<Record<string, TensorOutput>> {
    const summary: InputSummary[] = Object.entries(inputs).map(([name, input]) => ({
      name,
      dtype: describeData(input?.data),
      dims: input?.dims ? [...input.dims] : [],
    }));
    if (this.released) throw this.error('released', 'the session was released', summary);
    this.checkInputs(inputs, summary);
    const fetches = options.outputs ? [...options.outputs] : undefined;
    if (fetches) {
      const known = new Set(this.outputs.map((output) => output.name));
      const unknown = fetches.filter((name) => !known.has(name));
      if (unknown.length > 0) {
        throw this.error('bad-input', `no output named ${unknown.join(', ')}; outputs are ${this.outputs.map(describeSpec).join(', ')}`, summary);
      }
    }
    const feeds: Record<string, Tensor> = {};
    for (const [name, input] of Object.entries(inputs)) feeds[name] = new Tensor(dtypeOf(input.data), input.data, [...input.dims]);
    const running = fetches ? this.session.run(feeds, fetches) : this.session.run(feeds);
    this.pending.add(running);
    let results: InferenceSession.ReturnType;
    try {
      results = await running;
    } catch (error) {
      throw this.error('run-failed', messageOf(error), summary, error);
    } finally {
      this.pending.delete(running);
    }
    const outputs: Record<string, TensorOutput> = {};
    for (const [name, value] of Object.entries(results)) {
      const tensor = value as Tensor;
      outputs[name] = { data: tensor.data as OutputData, dims: [...tensor.dims] };
    }
    return outputs;
  }

  /** Free the native session once the runs in flight are done; later calls to run() throw. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await Promise.allSettled([...this.pending]);
    await this.session.release();
  }

  private checkInputs(inputs: Record<string, TensorInput>, summary: InputSummary[]): void {
    const expected = new Map(this.inputs.map((spec) => [spec.name, spec]));
    const expectedList = this.inputs.map(describeSpec).join(', ');
    for (const name of Object.keys(inputs)) {
      if (!expected.has(name)) throw this.error('bad-input', `the model has no input named "${name}"; its inputs are ${expectedList}`, summary);
    }
    const symbols = new Map<string, { size: number; input: string }>();
    for (const spec of this.inputs) {
      const input = inputs[spec.name];
      if (!input) throw this.error('bad-input', `missing input ${describeSpec(spec)}`, summary);
      if (!(input.data instanceof Float32Array || input.data instanceof BigInt64Array || input.data instanceof Int32Array || input.data instanceof Uint8Array)) {
        throw this.error('bad-input', `input "${spec.name}" must be a Float32Array, BigInt64Array, Int32Array or Uint8Array`, summary);
      }
      const dtype = dtypeOf(input.data);
      if (spec.dtype !== dtype) throw this.error('bad-input', `input "${spec.name}" must be ${spec.dtype}, not ${dtype}`, summary);
      const dims = [...input.dims];
      if (dims.some((dim) => !Number.isInteger(dim) || dim < 0)) {
        throw this.error('bad-input', `input "${spec.name}" has invalid dims [${dims.join(', ')}]`, summary);
      }
      const count = dims.reduce((product, dim) => product * dim, 1);
      if (count !== input.data.length) {
        throw this.error('bad-input', `input "${spec.name}" has ${input.data.length} values for dims [${dims.join(', ')}] (${count})`, summary);
      }
      if (!spec.shape) continue;
      if (spec.shape.length !== dims.length) {
        throw this.error('bad-input', `input "${spec.name}" must have rank ${spec.shape.length} ([${spec.shape.join(', ')}]), not ${dims.length}`, summary);
      }
      spec.shape.forEach((want, axis) => {
        const got = dims[axis] as number;
        if (typeof want === 'number' && want >= 0 && want !== got) {
          throw this.error('bad-input', `input "${spec.name}" must have dims [${spec.shape?.join(', ')}]: axis ${axis} is ${got}, not ${want}`, summary);
        }
        if (typeof want === 'string' && want !== '') {
          const seen = symbols.get(want);
          if (seen && seen.size !== got) {
            throw this.error('bad-input', `dim "${want}" is ${seen.size} in input "${seen.input}" but ${got} in input "${spec.name}"`, summary);
          }
          symbols.set(want, { size: got, input: spec.name });
        }
      });
    }
  }

  private error(kind: 'bad-input' | 'run-failed' | 'released', message: string, inputs: InputSummary[], cause?: unknown): OrtError {
    return new OrtError(kind, message, { model: this.name, provider: this.provider, inputs, cause });
  }
}
