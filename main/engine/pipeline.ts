/**
 * One pipeline per use case, from an image to the service's answer: `toInputs` decodes and cuts the
 * image as the model file's metadata says, the model runs on each of its inputs, `read` turns the
 * outputs into an Analysis (scores per label, or boxes in the image's pixels), and `customLabels`
 * applies the thresholds and gives the service's result shape. Training's test set
 * (`predictSamples`, through the written file) and DetectCustomLabels (through the inference
 * units) run the same pipeline, so what is evaluated is what runs.
 */
import type { CustomLabel } from '../../preload/contract';
import { toModelBatch, type ModelSpec, type RgbPixels } from '../../native/models';
import { createSession } from '../../native/ort';
import type { JobHandle } from '../core/progress';
import { LEGACY_CROP, prepareInput } from './classifierView';
import type { Analysis, Sample } from './engine';
import type { ClassifierMetadata } from './modelFile';

/** One image made ready for the model: the inputs to run, and how their outputs (one per input, in order) read. */
export interface PreparedImage {
  pixels: RgbPixels[];
  read(outputs: readonly Float32Array[]): Analysis;
}

export interface Pipeline {
  /** The model file's image input and the output `read` takes. */
  input: ModelSpec['input'];
  output: string;
  /** `size`: the oriented image's size when the caller has read it already. */
  toInputs(image: string | Buffer, size?: { width: number; height: number }): Promise<PreparedImage>;
}

/** A classifier's pipeline: the image in the view its file records, one input, a score per label. */
export function classifierPipeline(metadata: ClassifierMetadata): Pipeline {
  const view = metadata.view ?? { fit: 'crop' as const, crop: LEGACY_CROP, features: [], mirror: true };
  return {
    input: metadata.input,
    output: metadata.output,
    async toInputs(image, size) {
      const rgb = await prepareInput(image, view, metadata.input);
      return {
        pixels: [rgb],
        read: ([scores]) => ({
          scores: Object.fromEntries(metadata.labels.map((label, j) => [label, scores![j]!])),
          width: size?.width ?? rgb.width,
          height: size?.height ?? rgb.height,
        }),
      };
    },
  };
}

/** Images (and model inputs) per run of the written file on the test set. */
const BATCH = 16;

/**
 * What you evaluate is what you ship: every sample through the model file at `modelPath`, a batch
 * of images at a time, their inputs run together; the analysis of each by entry id.
 */
export async function predictSamples(
  model: string | Uint8Array,
  pipeline: Pipeline,
  samples: readonly Sample[],
  options: { job: JobHandle; threads?: number | undefined; phase?: string },
): Promise<Map<number, Analysis>> {
  const { job, threads } = options;
  const phase = options.phase ?? 'testing';
  const spec = { input: pipeline.input } as ModelSpec;
  job.progress({ phase, done: 0, total: samples.length });
  const predictions = new Map<number, Analysis>();
  const { session } = await createSession(model, { ...(threads ? { threads } : {}), name: 'model' });
  try {
    const run = async (inputs: readonly RgbPixels[]): Promise<Float32Array[]> => {
      const outputs: Float32Array[] = [];
      for (let start = 0; start < inputs.length; start += BATCH) {
        const batch = inputs.slice(start, start + BATCH);
        const data = (await session.run({ [spec.input.name]: toModelBatch(batch, spec) }))[pipeline.output]!.data as Float32Array;
        const size = data.length / batch.length;
        batch.forEach((_, i) => outputs.push(data.subarray(i * size, (i + 1) * size)));
      }
      return outputs;
    };
    for (let start = 0; start < samples.length; start += BATCH) {
      job.throwIfCancelled();
      const group = samples.slice(start, start + BATCH);
      const prepared = await Promise.all(group.map((sample) => pipeline.toInputs(sample.path, { width: sample.width, height: sample.height })));
      const outputs = await run(prepared.flatMap((image) => image.pixels));
      let at = 0;
      group.forEach((sample, i) => {
        const count = prepared[i]!.pixels.length;
        predictions.set(sample.entryId, prepared[i]!.read(outputs.slice(at, at + count)));
        at += count;
      });
      job.progress({ phase, done: start + group.length, total: samples.length });
    }
  } finally {
    await session.release();
  }
  return predictions;
}

export interface CustomLabelsOptions {
  /** Per label: the thresholds saved on the version over the assumed ones in the model file. */
  thresholds: Record<string, number>;
  /** The service's MinConfidence (0–100): one cut-off for every label instead of the thresholds; 0 keeps everything. */
  minConfidence?: number | undefined;
  maxResults?: number | undefined;
}

/**
 * DetectCustomLabels' answer from an analysis: the labels and boxes above their threshold (or
 * MinConfidence), an anomaly model's verdict as one label, confidences in percent, boxes as ratios
 * of the image's size, most confident first.
 */
export function customLabels(analysis: Analysis, options: CustomLabelsOptions): CustomLabel[] {
  const { thresholds, minConfidence, maxResults } = options;
  const keep = (name: string, score: number) => (minConfidence === undefined ? score >= (thresholds[name] ?? 0) : score * 100 >= minConfidence);
  const labels: CustomLabel[] = [];
  if (analysis.anomaly) {
    // An anomaly model answers with one image-level label, its verdict at the model's threshold.
    const { isAnomalous, confidence } = analysis.anomaly;
    if (minConfidence === undefined || confidence * 100 >= minConfidence) labels.push({ Name: isAnomalous ? 'anomaly' : 'normal', Confidence: confidence * 100 });
  }
  for (const [name, score] of Object.entries(analysis.scores ?? {})) {
    if (keep(name, score)) labels.push({ Name: name, Confidence: score * 100 });
  }
  for (const box of analysis.boxes ?? []) {
    if (!keep(box.label, box.confidence)) continue;
    labels.push({
      Name: box.label,
      Confidence: box.confidence * 100,
      Geometry: {
        BoundingBox: {
          Width: box.width / analysis.width,
          Height: box.height / analysis.height,
          Left: box.left / analysis.width,
          Top: box.top / analysis.height,
        },
      },
    });
  }
  labels.sort((a, b) => b.Confidence - a.Confidence);
  return maxResults === undefined ? labels : labels.slice(0, maxResults);
}
