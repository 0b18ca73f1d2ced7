/** TF.js as the reference the converter is checked against: the pure-JS CPU backend, quiet. */
import * as tf from '@tensorflow/tfjs';
import { encodeModel, type OnnxModel } from '../../../native/onnx';
import { createSession, type TensorOutput } from '../../../native/ort';
import type { TfjsArtifacts } from '../../../native/convert';

export { tf };

let ready: Promise<void> | undefined;

/** The CPU backend (no tfjs-node here); production mode skips its debug checks and the Node.js hint. */
export function tfReady(): Promise<void> {
  ready ??= (async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    await tf.ready();
  })();
  return ready;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** TF.js artifacts as the in-memory IO handler takes them. */
export function ioArtifacts(artifacts: TfjsArtifacts): tf.io.ModelArtifacts {
  const { weightData } = artifacts;
  return {
    format: artifacts.format,
    modelTopology: artifacts.modelTopology,
    weightSpecs: artifacts.weightSpecs as tf.io.WeightsManifestEntry[],
    weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer,
  };
}

/** Runs a converted model on ONNX Runtime (CPU) through native/ort. */
export async function runOnnx(model: OnnxModel, input: Float32Array, dims: number[], threads = 2): Promise<Record<string, TensorOutput>> {
  const { session } = await createSession(encodeModel(model), { providers: ['cpu'], threads, name: model.graph.name });
  try {
    return await session.run({ [session.inputs[0]?.name ?? 'image']: { data: input, dims } });
  } finally {
    await session.release();
  }
}

/** Largest |a − b| and largest |b| (the reference's scale). */
export function difference(actual: ArrayLike<number>, expected: ArrayLike<number>): { maxAbs: number; scale: number } {
  if (actual.length !== expected.length) throw new Error(`${actual.length} values against ${expected.length}`);
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return { maxAbs, scale };
}
