/** What can go wrong with an ONNX Runtime session, said with the model, the provider and the inputs. */

export type OrtFailure =
  /** No requested execution provider could be used on this machine. */
  | 'provider-unavailable'
  /** The model file is unreadable or invalid for every provider tried. */
  | 'model-load'
  /** The inputs do not match the model (names, dtypes, dims): a caller's bug. */
  | 'bad-input'
  /** ONNX Runtime failed while running the model. */
  | 'run-failed'
  /** The session was used after release(). */
  | 'released';

/** One input as the error shows it: `features float32 [2, 1280]`. */
export interface InputSummary {
  name: string;
  dtype: string;
  dims: number[];
}

export interface OrtErrorDetails {
  /** The model's name as the caller gave it (a model version, a backbone id) or its file path. */
  model: string;
  provider?: string;
  inputs?: InputSummary[];
  cause?: unknown;
}

export class OrtError extends Error {
  override name = 'OrtError';
  readonly model: string;
  readonly provider: string | undefined;
  readonly inputs: InputSummary[] | undefined;

  constructor(
    readonly kind: OrtFailure,
    message: string,
    details: OrtErrorDetails,
  ) {
    const where = details.provider ? ` on ${details.provider}` : '';
    const inputs = details.inputs?.length ? `; inputs: ${details.inputs.map(describeInput).join(', ')}` : '';
    super(`${details.model}${where}: ${message}${inputs}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.model = details.model;
    this.provider = details.provider;
    this.inputs = details.inputs;
  }
}

export function describeInput(input: InputSummary): string {
  return `${input.name} ${input.dtype} [${input.dims.join(', ')}]`;
}

/** The message of whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
