/**
 * What training and analysis need from the compute engine (native/), as an interface: the
 * domains here stay plain and testable, and main/api wires in the ONNX Runtime engine.
 */
import type { BoxPx } from '../../native/metrics';
import type { JobHandle } from '../core/progress';
import type { ClosableServedModel } from './exportedModel';

export type UseCase = 'IMAGE_LEVEL_LABELS' | 'OBJECT_LOCALIZATION' | 'NOT_DETERMINED';

/** A sample to train or test on: one image with the labels and boxes the use case keeps. */
export interface Sample {
  entryId: number;
  sourceRef: string;
  path: string;
  contentHash: string;
  width: number;
  height: number;
  labels: string[];
  boxes: { label: string; left: number; top: number; width: number; height: number }[];
}

export interface TrainOptions {
  useCase: Exclude<UseCase, 'NOT_DETERMINED'>;
  multiLabel: boolean;
  labels: string[];
  train: Sample[];
  test: Sample[];
  /** Where the model file goes. */
  outputDir: string;
  /** Features and other per-image caches, shared between versions. */
  cacheDir: string;
  /** The backbone to train on (the registry's default when absent). */
  backboneId?: string;
  /** The project's newest trained version before this one: what it chose may be built on (earlierChoices.ts). */
  earlier?: EarlierVersion;
  job: JobHandle;
}

/** A version trained before, as training may build on it: its name, its model file and what it was trained on. */
export interface EarlierVersion {
  name: string;
  modelPath: string;
  train: Pick<Sample, 'contentHash' | 'labels' | 'boxes'>[];
}

/** An anomaly model's answer for one image (main/engine/anomalyEngine.ts). */
export interface AnomalyVerdict {
  /** The image score, in the model's distance units; anomalous at or above `threshold`. */
  score: number;
  threshold: number;
  isAnomalous: boolean;
  /** How sure the verdict is, 0.5–1. */
  confidence: number;
  /** The held-out good images' median score (where a heat map starts to colour). */
  normalMedian: number;
  /** The anomaly map on the model's view grid, row-major [mapHeight, mapWidth], same units as `score`. */
  map: Float32Array;
  mapWidth: number;
  mapHeight: number;
  /** Where the model has classes (learnt from masks) and the image is anomalous: their names and colours… */
  classes?: { name: string; colour: string }[];
  /** …and each pixel of the map's grid named by its patch's nearest class (index + 1). */
  classMap?: Uint8Array;
}

/** What a model says about one image: scores per label (classification), boxes in image pixels, or an anomaly verdict. */
export interface Analysis {
  scores?: Record<string, number>;
  boxes?: (BoxPx & { label: string; confidence: number })[];
  anomaly?: AnomalyVerdict;
  /** The analysed image's oriented size in pixels. */
  width: number;
  height: number;
}

export interface TrainedModel {
  modelPath: string;
  /** The execution provider the training ran on (cpu, cuda, dml, coreml). */
  provider: string;
  /** The model's analysis of each test sample, by entry id. */
  predictions: Map<number, Analysis>;
  /** Write the assumed thresholds (and anything else known after evaluation) into the model file. */
  finalize(metadata: { thresholds: Record<string, number> }): Promise<void>;
  /** Give up on the model without finalizing it (evaluation failed): frees what training still holds. */
  discard?(): void;
}

export interface LoadedModel {
  provider: string;
  labels: string[];
  thresholds: Record<string, number>;
  useCase: Exclude<UseCase, 'NOT_DETERMINED'> | 'ANOMALY_DETECTION';
  /** Inference units in service now: MinInferenceUnits, more while requests queue, up to MaxInferenceUnits. */
  readonly unitsInService: number;
  /**
   * Analyse encoded image bytes (PNG or JPEG); `size` is the oriented image's size when the caller
   * has already read it from the header. Waits in the model's one queue; refused with
   * ProvisionedThroughputExceededException when it is full. Throws ImageDecodeError for bytes
   * that do not decode.
   */
  analyze(image: Buffer, size?: { width: number; height: number }): Promise<Analysis>;
  /**
   * The model as the Open Inference Protocol serves it: its serving graph (servingGraph.ts, written
   * to `file`) on inference units of its own, loaded on first use, whose requests wait in this
   * model's one queue with the images analysed; stopped (and `file` removed) when the model closes.
   */
  served(options: { name: string; file: string }): Promise<ClosableServedModel>;
  close(): Promise<void>;
}

export interface LoadOptions {
  /** Inference units in service at the start and after idling. */
  minUnits: number;
  /** Inference units started: the most in service while requests queue. */
  maxUnits: number;
  /** Told the units in service after each scale up or down. */
  onScaled?: (units: number) => void;
}

export interface Engine {
  train(options: TrainOptions): Promise<TrainedModel>;
  /** Load a model file for analysis on `maxUnits` inference units. */
  load(modelPath: string, options: LoadOptions): Promise<LoadedModel>;
}
