import { isLabelText } from '../../preload/contract/schemas';

/**
 * The service's limits for datasets, in one table (guide L3221–3243, L4642, L16457–16517).
 * Validation, importers and the UI read them from here.
 */
export const DATASET_LIMITS = {
  /** Bytes of one manifest file (L3224). */
  maxManifestBytes: 1024 * 1024 * 1024,
  /** JSON lines of one manifest (L3225). */
  maxManifestLines: 250_000,
  /** Characters of one JSON line (L4642). */
  maxJsonLineChars: 100_000,
  /** Distinct labels in a dataset (L16464). */
  maxLabels: 250,
  /** Labels a classification dataset needs, and a detection dataset (L16462–16463). */
  minLabelsClassification: 2,
  minLabelsDetection: 1,
  /** Characters of a label name (L7085). */
  maxLabelNameChars: 256,
  /** Image-level labels on one image (L16474). */
  maxLabelsPerImage: 50,
  /** Bounding boxes on one image (L16477). */
  maxBoxesPerImage: 50,
  /** A box must be larger than this many pixels on each side (L6714). */
  minBoxSidePx: 1,
  /** Share of lines that may be in error before the whole manifest fails (L3212). */
  maxInvalidLineShare: 0.2,
  /** Share of TRAIN entries DistributeDatasetEntries moves to TEST (L12604). */
  distributeShare: 0.2,
  /** Test labels that must also be training labels (L3240). */
  minLabelOverlap: 0.5,
  /** Bytes of one UpdateDatasetEntries `Changes.GroundTruth` (API reference). */
  maxChangesBytes: 5 * 1024 * 1024,
} as const;

/**
 * Why `name` cannot be a label, or undefined when it can: not empty or blank, at most 256
 * characters, no control characters (NUL and the like), no lone surrogates. Every way a label
 * enters (the contract's LabelName, manifests, COCO, VOC, YOLO, CSV) is held to it.
 */
export function labelNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'a label name cannot be empty';
  if (name.length > DATASET_LIMITS.maxLabelNameChars) return `a label name has at most ${DATASET_LIMITS.maxLabelNameChars} characters`;
  if (!isLabelText(name)) return 'a label name must be text without control characters or lone surrogates';
  return undefined;
}
