/**
 * A version's model file: one ONNX file (backbone and head) that says in its metadata, under
 * `loupe`, what it is — use case, labels, assumed thresholds, input, output and, for detectors, how
 * to decode the output — with a JSON signature beside it for tools that do not read ONNX metadata.
 *
 * Training writes the file before testing (evaluation runs the very file that ships) and writes it
 * again, with the signature, once the test set has set the assumed thresholds.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeModel, encodeModel, type OnnxModel } from '../../native/onnx';
import type { ModelSpec } from '../../native/models';
import type { TrainingChoices } from '../../preload/contract';
import { codedError } from '../errors';
import { writeAtomically } from '../files';

const METADATA_KEY = 'loupe';
export const MODEL_FILE = 'model.onnx';
export const SIGNATURE_FILE = 'signature.json';

/**
 * The settings that training chose for what the model sees, and the candidates it chose among, each
 * with the figure it was judged by (a validation score, or the measure a rule reads).
 */
export type ModelChoices = TrainingChoices;

interface CommonMetadata {
  format: 1;
  labels: string[];
  /** Label → assumed threshold (0–1); empty until the test set has been scored. */
  thresholds: Record<string, number>;
  backbone: string;
  input: ModelSpec['input'];
  output: string;
  /** What training chose and among which candidates (absent in older models). */
  choices?: ModelChoices;
}

export type { TrainingChoices };
export interface ClassifierMetadata extends CommonMetadata {
  useCase: 'IMAGE_LEVEL_LABELS';
  multiLabel: boolean;
  /**
   * How an image becomes `input` (classifierView.ts): the pipeline decodes and crops, stretches or
   * letterboxes it to the input's size; tiles, pooling and mirroring are inside the graph. Absent in
   * older models: the central crop of 87.5 % of the shorter side.
   */
  view?: { fit: 'crop' | 'stretch' | 'letterbox'; crop?: number; tiles?: { count: number; length: number; along: 'width' | 'height'; pooling: 'mean' | 'max' | 'confident' }; side?: number; features: string[]; mirror: boolean };
}

export interface DetectorMetadata extends CommonMetadata {
  useCase: 'OBJECT_LOCALIZATION';
  multiLabel: false;
  detection: {
    /** The feature map's columns and rows; each cell covers imageWidth / mapWidth pixels. */
    mapWidth: number;
    mapHeight: number;
    featureStride: number;
    featureLayer: string;
    /** A stride-8 head's context (DetectionHead.context): the backbone output whose map it is cut from, and that map's stride. */
    contextLayer?: string;
    contextStride?: number;
    /** [C + 4, H, W]: sigmoid heat per label, then offset x, offset y, width, height in cells. */
    layout: 'heat-offset-size';
    minScore: number;
    topK: number;
    nmsIou: number;
    /** How an image reaches the input: stretched to it, so the map covers the whole image. */
    resize: 'stretch';
    /** Whether the model averages each image's output with its mirror's (absent in older models: no). */
    mirrorAveraged?: boolean;
    /**
     * Analyse by tiles: squares of `side` pixels of the original image, neighbours overlapping by
     * `overlap` pixels, each stretched to the input; the tiles' boxes merged by NMS (native/detect
     * tiles.ts). Absent: the whole image is the one input.
     */
    tiling?: { side: number; overlap: number };
  };
}

export type ModelMetadata = ClassifierMetadata | DetectorMetadata;

export interface WrittenModel {
  path: string;
  /** Write the file again with the assumed thresholds, and the signature beside it. */
  finalize(thresholds: Record<string, number>): Promise<void>;
}

/** `<outputDir>/model.onnx`: `model` with `metadata` (thresholds still empty). */
export async function writeModelFile(outputDir: string, model: OnnxModel, metadata: ModelMetadata): Promise<WrittenModel> {
  await mkdir(outputDir, { recursive: true });
  const path = join(outputDir, MODEL_FILE);
  await writeAtomically(path, encodeModel(withMetadata(model, metadata)));
  return {
    path,
    finalize: async (thresholds) => {
      const final: ModelMetadata = { ...metadata, thresholds };
      await writeAtomically(path, encodeModel(withMetadata(model, final)));
      await writeAtomically(join(outputDir, SIGNATURE_FILE), `${JSON.stringify(modelSignature(final), null, 2)}\n`);
    },
  };
}

/** What a model file says it is; InvalidParameterException when it is not a Loupe model. */
export async function readModelMetadata(path: string): Promise<ModelMetadata> {
  const raw = (await describeModel(path)).metadata[METADATA_KEY];
  if (!raw) throw codedError('InvalidParameterException', 'NotALoupeModel', { path });
  return JSON.parse(raw) as ModelMetadata;
}

function withMetadata(model: OnnxModel, metadata: ModelMetadata): OnnxModel {
  return { ...model, metadata: { ...model.metadata, [METADATA_KEY]: JSON.stringify(metadata) } };
}

/** The JSON signature beside a model file: what goes in, what comes out, with which thresholds. */
export function modelSignature(metadata: ModelMetadata) {
  const { input } = metadata;
  const output =
    metadata.useCase === 'OBJECT_LOCALIZATION'
      ? { name: metadata.output, labels: metadata.labels, layout: metadata.detection.layout, mapWidth: metadata.detection.mapWidth, mapHeight: metadata.detection.mapHeight }
      : { name: metadata.output, labels: metadata.labels, activation: metadata.multiLabel ? 'sigmoid' : 'softmax' };
  return {
    format: metadata.format,
    useCase: metadata.useCase,
    multiLabel: metadata.multiLabel,
    inputs: [{ name: input.name, layout: input.layout, width: input.width, height: input.height, colourOrder: input.colourOrder, scale: input.scale, mean: input.mean, std: input.std }],
    outputs: [output],
    ...(metadata.useCase === 'OBJECT_LOCALIZATION' ? { detection: metadata.detection } : {}),
    // How an image becomes the input (fit, crop; tiles, pooling and mirroring are in the graph).
    ...(metadata.useCase === 'IMAGE_LEVEL_LABELS' && metadata.view ? { view: metadata.view } : {}),
    thresholds: metadata.thresholds,
    backbone: metadata.backbone,
    ...(metadata.choices ? { choices: metadata.choices } : {}),
  };
}
