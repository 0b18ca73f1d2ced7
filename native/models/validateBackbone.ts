/**
 * Does an ONNX file fit its spec? Checked from the file's declared inputs and outputs (native/onnx's
 * reader, no session), so a user registering a backbone hears what is wrong before any training.
 */
import { describeModel, OnnxDecodeError, type Dim, type OnnxValueInfo } from '../onnx';
import { inputDims, type ModelSpec } from './modelSpec';

export interface BackboneCheck {
  ok: boolean;
  /** Why the file cannot be used with this spec (empty when ok). */
  problems: string[];
  /** What works but may disappoint (e.g. a batch size fixed at 1). */
  warnings: string[];
}

const shapeText = (shape: Dim[] | undefined) => (shape ? `[${shape.join(', ')}]` : 'an unknown shape');

/** Check `model` (bytes or a path) against `spec`: input name, dtype and dims; every feature output's name, dtype and [batch, size]. */
export async function validateBackbone(model: Uint8Array | string, spec: ModelSpec): Promise<BackboneCheck> {
  const problems: string[] = [];
  const warnings: string[] = [];
  let description;
  try {
    description = await describeModel(model);
  } catch (error) {
    if (error instanceof OnnxDecodeError) return { ok: false, problems: [error.message], warnings };
    throw error;
  }
  const byName = (list: OnnxValueInfo[], name: string) => list.find((value) => value.name === name);

  const input = byName(description.inputs, spec.input.name);
  const others = description.inputs.filter((value) => value.name !== spec.input.name).map((value) => value.name);
  if (input && others.length > 0) problems.push(`the model has inputs the spec does not feed: ${others.join(', ')}`);
  if (!input) {
    problems.push(`the model has no input named "${spec.input.name}" (its inputs: ${description.inputs.map((value) => value.name).join(', ') || 'none'})`);
  } else {
    const expected = inputDims(spec, 1);
    if (input.dtype !== 'float32') problems.push(`input "${input.name}" is ${input.dtype ?? 'not a tensor'}, not float32`);
    if (!input.shape || input.shape.length !== 4) {
      problems.push(`input "${input.name}" has ${shapeText(input.shape)}; a ${spec.input.layout} image input has rank 4`);
    } else {
      const [batch] = input.shape;
      if (batch === 1) warnings.push(`input "${input.name}" has its batch size fixed at 1, so images run one at a time`);
      else if (typeof batch === 'number') problems.push(`input "${input.name}" has its batch size fixed at ${batch}`);
      input.shape.slice(1).forEach((dim, i) => {
        const want = expected[i + 1] as number;
        if (typeof dim === 'number' && dim !== want) {
          problems.push(`input "${input.name}" is ${shapeText(input.shape)}; the spec (${spec.input.layout}, ${spec.input.width} × ${spec.input.height}) needs [batch, ${expected.slice(1).join(', ')}]`);
        }
      });
    }
  }

  for (const feature of spec.outputs) {
    const output = byName(description.outputs, feature.name);
    if (!output) {
      problems.push(`the model has no output named "${feature.name}" (its outputs: ${description.outputs.map((value) => value.name).join(', ') || 'none'})`);
      continue;
    }
    if (output.dtype !== 'float32') problems.push(`output "${feature.name}" is ${output.dtype ?? 'not a tensor'}, not float32`);
    if (!output.shape) {
      warnings.push(`output "${feature.name}" does not declare its shape; its size is checked on the first run`);
    } else if (output.shape.length !== 2 || (typeof output.shape[1] === 'number' && output.shape[1] !== feature.size)) {
      problems.push(`output "${feature.name}" is ${shapeText(output.shape)}; the spec needs [batch, ${feature.size}]`);
    }
  }
  return { ok: problems.length === 0, problems: [...new Set(problems)], warnings };
}
