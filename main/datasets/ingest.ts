/**
 * Every way into a dataset ends here: drafts (from a manifest, a folder, files, COCO, …) are
 * resolved to image files, probed (format, oriented size, hash), checked against the guide's
 * image limits, and written in one transaction — so a failed or cancelled import leaves the
 * dataset exactly as it was. The dataset moves through CREATE_* or UPDATE_* as the service's does.
 */
import { ImageDecodeError, probeImage, type ImageProbe } from '../../native/preprocess';
import { mapLimited } from '../../preload/contract/async';
import { checkImageLimits, IMAGE_LIMITS } from '../../preload/contract/imageLimits';
import type { DatasetStatus } from '../../preload/contract';
import type { Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { DATASET_FILE_CODES, ENTRY_CODES, entryMessage, type DatasetFileCode } from '../../preload/contract/codes';
import type { EntryDraft } from '../db/entry';
import { DATASET_LIMITS, labelNameProblem } from './limits';
import type { SourceResolver } from './sources';
import { startJob, type JobHandle } from '../jobs';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError } from '../errors';
import { createLogger } from '../log';
import { describeImport, formatMessage, type ImportCounts, type MessageCode } from '../../preload/contract/messages';
import { makeCopy, missingCopies, remakeCopies } from './downscaled';

const log = createLogger('datasets');

/** Images probed at once: sharp decodes on libuv's thread pool. */
const PROBE_CONCURRENCY = 8;

/** A line or record that could not become an entry (terminal content error), for the report. */
export interface Dropped {
  where: string;
  code: string;
  message: string;
}

export interface IngestInput {
  drafts: EntryDraft[];
  /** Lines or records already left out by the parser. */
  dropped: Dropped[];
  /** Labels to declare even when no image uses them (COCO categories, a class list). */
  labels?: string[];
  resolver: SourceResolver;
  /** Files already located (folder and file imports): source-ref → path, no resolution needed. */
  knownPaths?: Map<string, string>;
  /**
   * The manifest rule: more than 20% of lines in error fails the whole import (L3212). Folder and
   * file imports keep every file, bad ones with their error, so one bad file never stops them.
   */
  manifestRules?: boolean;
  /** Files the walk left out because they are not images, by kind (folders.ts `fileKind`). */
  skippedFiles?: Record<string, number>;
  /**
   * The app's own flows (folder and file imports, no boxes to rescale) turn camera images beyond the
   * service's limits into copies that fit, in this folder; the guide's paths (manifests,
   * annotations) keep the guide's errors.
   */
  downscaleFolder?: string;
}

export class DatasetFileError extends ServiceError {
  /**
   * `file`: the user's manifest (its s3:// name). The message keeps the service's words (it is the
   * dataset's StatusMessage); the coded sentence names the file, for the UI and the log.
   */
  constructor(readonly fileCode: DatasetFileCode, detail?: string, file?: string) {
    const reason = detail ? `${DATASET_FILE_CODES[fileCode]} ${detail}` : DATASET_FILE_CODES[fileCode];
    // The guide's sentence has a code of its own (`reasonCode`); what was measured follows it (`reasonDetail`).
    const params = { reason, reasonCode: DATASET_FILE_MESSAGES[fileCode], ...(detail ? { reasonDetail: detail } : {}) };
    super('InvalidParameterException', reason, { ref: file ? { Code: 'ManifestRefused', Params: { file, ...params } } : { Code: 'DatasetFileRefused', Params: params } });
  }
}

/** The coded sentence (messages.ts) of each of the guide's dataset-file errors: the same English. */
export const DATASET_FILE_MESSAGES: Record<DatasetFileCode, MessageCode> = {
  ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT: 'ManifestUnreadable',
  ERROR_MANIFEST_EMPTY: 'ManifestEmpty',
  ERROR_MANIFEST_SIZE_TOO_LARGE: 'ManifestTooBig',
  ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM: 'ManifestTooManyRows',
  ERROR_INVALID_PERMISSIONS_MANIFEST_S3_BUCKET: 'ManifestNoPermission',
  ERROR_TOO_MANY_RECORDS_IN_ERROR: 'ManifestTooManyErrors',
  ERROR_MANIFEST_TOO_MANY_LABELS: 'TooManyLabelsToTrain',
  ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_DISTRIBUTE: 'ManifestTooFewToDistribute',
};

export interface IngestResult {
  written: number;
  dropped: Dropped[];
  invalidImages: number;
  skippedFiles: Record<string, number>;
}

/**
 * Start an import into `dataset` as a job. `prepare` runs inside the job (reading a manifest,
 * walking a folder) and returns what to ingest. Returns the job id at once.
 */
export function startIngest(
  ctx: Context,
  dataset: q.DatasetRow,
  mode: 'create' | 'update',
  kind: string,
  prepare: (job: JobHandle) => Promise<IngestInput>,
): number {
  const inProgress: DatasetStatus = mode === 'create' ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS';
  const project = q.findProjectById(ctx.db, dataset.projectId);
  q.setDatasetStatus(ctx.db, dataset.id, inProgress, '', 'SUCCESS', ctx.now());
  ctx.events.resourcesChanged(dataset.arn, ...(project ? [project.arn] : []));
  const setStatus = (status: DatasetStatus, message: string, code: 'SUCCESS' | 'CLIENT_ERROR' | 'SERVICE_ERROR') => {
    q.setDatasetStatus(ctx.db, dataset.id, status, message, code, ctx.now());
    ctx.events.resourcesChanged(dataset.arn, ...(project ? [project.arn] : []));
  };
  return startJob(
    ctx,
    {
      kind,
      resourceArn: dataset.arn,
      onFailure: (error, cancelled) => {
        if (cancelled) {
          // Nothing was written: the dataset is as it was before the import.
          setStatus(mode === 'create' ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE', formatMessage('ImportCancelled'), 'SUCCESS');
          return;
        }
        const clientError = error instanceof ServiceError;
        setStatus(
          mode === 'create' ? 'CREATE_FAILED' : 'UPDATE_FAILED',
          error instanceof Error ? error.message : String(error),
          clientError ? 'CLIENT_ERROR' : 'SERVICE_ERROR',
        );
      },
    },
    async (job) => {
      const input = await prepare(job);
      const result = await ingest(ctx, dataset, input, job);
      const summary = importCounts(result);
      setStatus(mode === 'create' ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE', describeImport(summary), 'SUCCESS');
      if (summary.skipped > 0) log.info('import skipped files that are not images', { dataset: dataset.arn, job: job.id, skipped: result.skippedFiles });
      return { Code: 'ImportSummary', Params: { ...summary } };
    },
  );
}

/** What the import did, in numbers, for its summary (worded by describeImport and the UI). */
function importCounts(result: IngestResult): ImportCounts {
  const shown = result.dropped.slice(0, 5).map((d) => `${d.where}: ${d.code}`);
  const kinds = Object.entries(result.skippedFiles).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return {
    written: result.written,
    invalid: result.invalidImages,
    dropped: result.dropped.length,
    firstDropped: `${shown.join('; ')}${result.dropped.length > 5 ? '; …' : ''}`,
    skipped: kinds.reduce((sum, [, count]) => sum + count, 0),
    skippedKinds: kinds.map(([kind, count]) => (count > 1 ? `${kind} ×${count}` : kind)).join(', '),
  };
}

/** Probe, validate and write `input` into `dataset`. Throws DatasetFileError for terminal errors. */
export async function ingest(ctx: Context, dataset: q.DatasetRow, input: IngestInput, job?: JobHandle): Promise<IngestResult> {
  const dropped = [...input.dropped];
  const unique = new Map<string, EntryDraft>();
  for (const draft of input.drafts) {
    if (unique.has(draft.sourceRef)) {
      dropped.push({ where: draft.sourceRef, code: 'ERROR_DUPLICATE_SOURCE_REF', message: 'The source-ref value appears more than once.' });
    } else unique.set(draft.sourceRef, draft);
  }
  const drafts = [...unique.values()];
  for (const draft of drafts) keepValidLabels(draft);
  const declaredLabels = input.labels?.filter((name) => labelNameProblem(name) === undefined);
  const totalLines = drafts.length + dropped.length;
  if (totalLines > DATASET_LIMITS.maxManifestLines) throw new DatasetFileError('ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM');

  // Checked before any image is read: a manifest with too many labels fails at once.
  const incoming = new Set([...(declaredLabels ?? []), ...drafts.flatMap((d) => [...d.labels, ...d.boxes].map((a) => a.name))]);
  const labelCount = new Set([...q.listLabelNames(ctx.db, dataset.id), ...incoming]).size;
  if (labelCount > DATASET_LIMITS.maxLabels) {
    throw new DatasetFileError('ERROR_MANIFEST_TOO_MANY_LABELS', `The dataset would have ${labelCount} labels; the limit is 250.`);
  }

  job?.progress({ phase: 'reading images', done: 0, total: drafts.length });
  const facts = await probeAll(drafts, input.resolver, input.knownPaths, job, input.downscaleFolder);
  const invalidImages = facts.filter((f) => f.invalid).length;
  const errorShare = totalLines > 0 ? (dropped.length + invalidImages) / totalLines : 0;
  if (input.manifestRules && errorShare > DATASET_LIMITS.maxInvalidLineShare) {
    throw new DatasetFileError(
      'ERROR_TOO_MANY_RECORDS_IN_ERROR',
      `${dropped.length + invalidImages} of ${totalLines} lines are in error (at most 20% may be). ${firstFailures(dropped, drafts, facts)}`,
    );
  }
  const copies = facts.flatMap((f) => (f.copiedFrom && f.image.path ? [{ path: f.image.path, original: f.copiedFrom }] : []));
  for (let missing = missingCopies(copies); missing.length > 0; missing = missingCopies(copies)) await remakeCopies(missing);
  job?.throwIfCancelled();
  job?.progress({ phase: 'saving', done: drafts.length, total: drafts.length });
  const nowMs = ctx.now();
  transaction(ctx.db, () => {
    if (declaredLabels) q.ensureLabels(ctx.db, dataset.id, declaredLabels, nowMs);
    drafts.forEach((draft, i) => q.putEntry(ctx.db, dataset.id, draft, facts[i]!.image, nowMs));
  });
  return { written: drafts.length, dropped, invalidImages, skippedFiles: input.skippedFiles ?? {} };
}

/** The first few lines in error with their codes, so a failed import says where to look. */
function firstFailures(dropped: Dropped[], drafts: EntryDraft[], facts: Facts[]): string {
  const invalid = drafts
    .filter((_, i) => facts[i]!.invalid)
    .map((draft) => ({ where: draft.sourceRef, code: draft.errors.find((e) => !e.code.startsWith('WARNING_'))?.code ?? 'ERROR_INVALID_IMAGE', message: draft.errors[0]?.message ?? '' }));
  const failures = [...dropped, ...invalid];
  const shown = failures.slice(0, 5).map((f) => `${f.where}: ${f.code} (${f.message})`);
  return `First: ${shown.join('; ')}${failures.length > shown.length ? `; and ${failures.length - shown.length} more` : ''}.`;
}

interface Facts {
  image: q.ImageFacts;
  invalid: boolean;
  /** The user's file, when `image` is its downscaled copy. */
  copiedFrom?: string;
}

async function probeAll(
  drafts: EntryDraft[],
  resolver: SourceResolver,
  knownPaths: Map<string, string> | undefined,
  job?: JobHandle,
  downscaleFolder?: string,
): Promise<Facts[]> {
  let done = 0;
  return mapLimited(drafts, PROBE_CONCURRENCY, async (draft) => {
    job?.throwIfCancelled();
    const facts = await probeDraft(draft, resolver, knownPaths, downscaleFolder);
    job?.progress({ done: ++done });
    return facts;
  });
}

const NO_IMAGE: q.ImageFacts = { path: null, contentHash: null, sizeBytes: null, width: null, height: null, depth: null, format: null };

/** Probe one draft's image and record image-level errors on the draft itself. */
export async function probeDraft(
  draft: EntryDraft,
  resolver: SourceResolver,
  knownPaths?: Map<string, string>,
  downscaleFolder?: string,
): Promise<Facts> {
  const invalidImage = (detail: string): Facts => {
    draft.errors.push({ level: 'image', code: 'ERROR_INVALID_IMAGE', message: `${ENTRY_CODES.ERROR_INVALID_IMAGE} ${detail}` });
    return { image: NO_IMAGE, invalid: true };
  };
  const known = knownPaths?.get(draft.sourceRef);
  let resolved = known === undefined ? resolver.resolve(draft.sourceRef) : ({ ok: true, path: known } as const);
  if (!resolved.ok) return invalidImage(resolved.reason);
  const original: ImageProbe = await probeImage(resolved.path);
  const large = downscaleFolder && isBeyondLimits(original) ? await downscaledCopy(resolved.path, original, downscaleFolder) : undefined;
  if (large && !large.ok) {
    draft.errors.push({ level: 'image', code: large.code, message: `${ENTRY_CODES[large.code]} ${large.message}` });
    const image = { ...NO_IMAGE, path: resolved.path, contentHash: original.sha256 ?? null, sizeBytes: original.sizeBytes ?? null };
    return { image, invalid: large.code === 'ERROR_INVALID_IMAGE' };
  }
  // A downscaled copy stands in for the original: the entry keeps the user's source-ref, its
  // pixels, size and hash are the copy's.
  const probe = large ? large.probe : original;
  const copiedFrom = large ? resolved.path : undefined;
  if (large) resolved = { ok: true, path: large.path };
  const image: q.ImageFacts = probe.ok
    ? {
        path: resolved.path,
        contentHash: probe.sha256,
        sizeBytes: probe.sizeBytes,
        width: probe.width,
        height: probe.height,
        depth: probe.depth,
        format: probe.format,
      }
    : { ...NO_IMAGE, path: resolved.path, contentHash: probe.sha256 ?? null, sizeBytes: probe.sizeBytes ?? null };
  if (probe.ok) dropBoxesOffImage(draft, probe.width, probe.height);
  const problem = checkImageLimits(probe, 'dataset');
  if (problem) {
    draft.errors.push({ level: 'image', code: problem.code, message: problem.message });
    // An image of the wrong size still exists and can be fixed; an unreadable one counts as missing.
    return { image, invalid: problem.code === 'ERROR_INVALID_IMAGE', ...(copiedFrom ? { copiedFrom } : {}) };
  }
  return { image, invalid: false, ...(copiedFrom ? { copiedFrom } : {}) };
}

/** Whether an image is beyond the service's limits only by its size: too many pixels, a side over 4096 px, over 15 MB. */
function isBeyondLimits(probe: ImageProbe): boolean {
  if (!probe.ok) return probe.reason === 'too-many-pixels';
  return Math.max(probe.width, probe.height) > IMAGE_LIMITS.maxSidePx || probe.sizeBytes > IMAGE_LIMITS.maxFileBytes;
}

/**
 * The copy of a large image that fits the limits, named by the original's hash (so importing it
 * again reuses it), or why the image is too large even for that.
 */
async function downscaledCopy(
  path: string,
  original: ImageProbe,
  folder: string,
): Promise<{ ok: true; path: string; probe: ImageProbe } | { ok: false; code: 'ERROR_INVALID_IMAGE' | 'ERROR_INVALID_IMAGE_DIMENSION'; message: string }> {
  const format = original.ok ? original.format : /\.png$/i.test(path) ? 'png' : 'jpeg';
  const target = join(folder, `${original.sha256}.${format === 'png' ? 'png' : 'jpg'}`);
  try {
    // A copy made before copies were held to the byte limit too is made again.
    if (!existsSync(target) || statSync(target).size > IMAGE_LIMITS.maxFileBytes) await makeCopy(path, target);
  } catch (error) {
    if (error instanceof ImageDecodeError && error.reason === 'too-many-pixels') {
      return { ok: false, code: 'ERROR_INVALID_IMAGE_DIMENSION', message: `The image is too large: ${error.detail}.` };
    }
    if (error instanceof ImageDecodeError) return { ok: false, code: 'ERROR_INVALID_IMAGE', message: `The image cannot be read: ${error.detail}.` };
    throw error;
  }
  const probe = await probeImage(target);
  log.info('image downscaled at import', { source: path, width: probe.ok ? probe.width : undefined, height: probe.ok ? probe.height : undefined, sizeBytes: probe.sizeBytes });
  return { ok: true, path: target, probe };
}

/**
 * Boxes are checked against the decoded image, turned the way its EXIF orientation says, not
 * against the line's declared image_size: a 500×500 box on a 128×128 image, or one drawn in the
 * unrotated frame of a rotated photo, is off frame (ERROR_INVALID_BOUNDING_BOX) and left out; an
 * attribute left with no box gets ERROR_NO_VALID_ANNOTATIONS, as the parser does.
 */
function dropBoxesOffImage(draft: EntryDraft, width: number, height: number): void {
  const offFrame = (box: EntryDraft['boxes'][number]) => box.left < 0 || box.top < 0 || box.left + box.width > width || box.top + box.height > height;
  if (!draft.boxes.some(offFrame)) return;
  for (const attribute of new Set(draft.boxes.map((box) => box.attribute))) {
    const boxes = draft.boxes.filter((box) => box.attribute === attribute);
    if (!boxes.some(offFrame)) continue;
    const extra = ((draft.extra ??= {}).attributes ??= {})[attribute] ??= {};
    // Kept boxes fill, in order, the places of the line's annotations the parser did not drop.
    const taken = new Set((extra.dropped ?? []).map((d) => d.index));
    let slot = 0;
    for (const box of boxes) {
      while (taken.has(slot)) slot++;
      const index = slot++;
      if (!offFrame(box)) continue;
      const classId = Object.entries(extra.classMap ?? {}).find(([, name]) => name === box.name)?.[0];
      const annotation = { class_id: classId === undefined ? undefined : Number(classId), left: box.left, top: box.top, width: box.width, height: box.height };
      (extra.dropped ??= []).push({ index, annotation, confidence: box.confidence ?? 1 });
      draft.errors.push({
        level: 'annotation',
        code: 'ERROR_INVALID_BOUNDING_BOX',
        message: `${ENTRY_CODES.ERROR_INVALID_BOUNDING_BOX} The image is ${width}×${height} px.`,
        attribute,
        annotationIndex: index,
      });
    }
    draft.boxes = draft.boxes.filter((box) => box.attribute !== attribute || !offFrame(box));
    if (!draft.boxes.some((box) => box.attribute === attribute)) {
      draft.errors.push({ level: 'label_attribute', code: 'ERROR_NO_VALID_ANNOTATIONS', message: ENTRY_CODES.ERROR_NO_VALID_ANNOTATIONS, attribute });
    }
  }
}

/**
 * Labels whose name cannot be a label (empty, NUL, a lone surrogate: labelNameProblem) and labels
 * past the 50 an image may have are left out of the entry with an error on their attribute,
 * whichever importer made the draft; so are boxes with such a name.
 */
function keepValidLabels(draft: EntryDraft): void {
  const refuse = (attribute: string, why: string) =>
    draft.errors.push({
      level: 'label_attribute',
      code: 'ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT',
      message: `${entryMessage('ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT', attribute)} ${why[0]!.toUpperCase()}${why.slice(1)}.`,
      attribute,
    });
  const keptLabels = [];
  for (const label of draft.labels) {
    const problem = labelNameProblem(label.name);
    if (problem) refuse(label.attribute, problem);
    else if (keptLabels.length >= DATASET_LIMITS.maxLabelsPerImage) refuse(label.attribute, `an image has at most ${DATASET_LIMITS.maxLabelsPerImage} image-level labels`);
    else keptLabels.push(label);
  }
  draft.labels = keptLabels;
  const badBoxes = draft.boxes.filter((box) => labelNameProblem(box.name) !== undefined);
  for (const attribute of new Set(badBoxes.map((box) => box.attribute))) refuse(attribute, labelNameProblem(badBoxes.find((b) => b.attribute === attribute)!.name)!);
  draft.boxes = draft.boxes.filter((box) => !badBoxes.includes(box));
}
