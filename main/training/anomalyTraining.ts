/**
 * Training an anomaly-detection project's version (a Lookout for Vision model, or CreateProjectVersion
 * on a project whose feature is ANOMALY_DETECTION): the version's datasets as they are now — images
 * labelled `normal` are the good ones, `anomaly` ones are optional — through the anomaly pipeline
 * (main/engine/anomalyEngine.ts), the test set scored through the written file, the evaluation
 * stored with the version. TRAINING_IN_PROGRESS → TRAINING_COMPLETED | TRAINING_FAILED.
 */
import { join } from 'node:path';
import type { Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { ANOMALY_EVALUATION_FILE, ANOMALY_MANIFEST_FILE, trainAnomalyVersion, type AnomalyEvaluation } from '../engine/anomalyEngine';
import { createResolver, type SourceResolver } from '../datasets/sources';
import { MESSAGES } from '../../preload/contract/messages';
import { codedError, ServiceError } from '../errors';
import { startJob } from '../jobs';
import { createLogger } from '../log';
import { outputLocation } from '../models/output';

const log = createLogger('training');

export const ANOMALY_FEATURE = 'ANOMALY_DETECTION';
export const NORMAL = 'normal';
export const ANOMALY = 'anomaly';
/** Lookout for Vision's segmentation attribute: a mask image per anomalous image. */
const MASK_ATTRIBUTE = 'anomaly-mask-ref';

/** The class of an entry: its `normal` or `anomaly` label, if it has one. */
export function classOf(entry: q.StoredEntry): 'normal' | 'anomaly' | undefined {
  const names = entry.draft.labels.map((label) => label.name);
  return names.includes(ANOMALY) ? ANOMALY : names.includes(NORMAL) ? NORMAL : undefined;
}

/** The next Lookout for Vision model version of a project: 1, 2, 3… (its versions' highest number plus one). */
export function nextModelVersion(ctx: Context, project: q.ProjectRow): string {
  const numbered = q.listVersions(ctx.db, project.id, { limit: 1_000_000 }).map((v) => Number(v.name)).filter(Number.isInteger);
  return String(Math.max(0, ...numbered) + 1);
}

/** The evaluation stored with a trained anomaly version (per-image results left in its file). */
export function anomalyEvaluationOf(ctx: Context, version: q.VersionRow): AnomalyEvaluation | undefined {
  const stored = q.findEvaluation(ctx.db, version.id);
  return stored?.summaryJson ? (JSON.parse(stored.summaryJson) as AnomalyEvaluation) : undefined;
}

/**
 * A segmentation manifest's mask for an entry (`anomaly-mask-ref`, an s3:// or absolute path
 * resolved as source-refs are) and its background colour (`anomaly-mask-ref-metadata`'s
 * internal-color-map, the class named BACKGROUND); nothing when the line has none or it does not resolve.
 */
export function maskOf(entry: q.StoredEntry, resolver: SourceResolver): { mask?: string; maskBackground?: [number, number, number]; classes?: { name: string; colour: [number, number, number] }[] } {
  // The manifest importer keeps the segmentation attribute it does not model as the line had it.
  const kept = entry.draft.extra?.attributes?.[MASK_ATTRIBUTE];
  const [ref, metadata] = kept?.invalid ?? [kept?.value ?? entry.draft.extra?.top?.[MASK_ATTRIBUTE], kept?.meta ?? entry.draft.extra?.top?.[`${MASK_ATTRIBUTE}-metadata`]];
  if (typeof ref !== 'string') return {};
  const resolved = resolver.resolve(ref);
  if (!resolved.ok) {
    log.warn('an anomaly mask does not resolve', { sourceRef: entry.sourceRef, reason: resolved.reason });
    return {};
  }
  const colourMap = (metadata as { 'internal-color-map'?: Record<string, { 'class-name'?: string; 'hex-color'?: string }> } | undefined)?.['internal-color-map'];
  const rgbOf = (colour: string | undefined) => {
    const hex = colour && /^#?([0-9a-f]{6})$/i.exec(colour)?.[1];
    return hex ? ([0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number]) : undefined;
  };
  const entries = Object.values(colourMap ?? {});
  const background = rgbOf(entries.find((c) => /^background$/i.test(c['class-name'] ?? ''))?.['hex-color']);
  // The anomaly classes the colour map names (each with a colour), the background left out.
  const classes = entries.flatMap((c) => {
    const colour = rgbOf(c['hex-color']);
    const name = c['class-name']?.trim();
    return name && colour && !/^background$/i.test(name) ? [{ name, colour }] : [];
  });
  return { mask: resolved.path, ...(background ? { maskBackground: background } : {}), ...(classes.length > 0 ? { classes } : {}) };
}

/** Starts the job that trains `version` (already TRAINING_IN_PROGRESS) from the datasets' entries. */
export function startAnomalyTraining(
  ctx: Context,
  project: q.ProjectRow,
  version: q.VersionRow,
  trainEntries: q.StoredEntry[],
  testEntries: q.StoredEntry[],
): void {
  startJob(
    ctx,
    {
      kind: 'CreateProjectVersion',
      resourceArn: version.arn,
      onFailure: (error, cancelled) => {
        const message = cancelled ? MESSAGES.TrainingCancelled : error instanceof ServiceError ? error.message : MESSAGES.TrainingInternalError;
        q.updateVersion(ctx.db, version.id, { status: 'TRAINING_FAILED', statusMessage: message, trainingEndMs: ctx.now() });
        ctx.events.resourcesChanged(version.arn, project.arn);
      },
    },
    async (job) => {
      const startedMs = ctx.now();
      const output = outputLocation(ctx, version, project.name);
      const trainingOf = (anomalyClass: string) => trainEntries.filter((e) => e.path && classOf(e) === anomalyClass);
      const goodEntries = trainingOf(NORMAL);
      const good = goodEntries.map((e) => e.path!);
      const resolver = createResolver(ctx);
      if (good.length < 2) throw codedError('ValidationException', 'TooFewNormalImages', { count: good.length });
      const anomalousEntries = trainingOf(ANOMALY);
      // What it learns from, by content: a later retrain can tell whether it only adds images, and build on this one.
      const goodHashes = goodEntries.map((e) => e.contentHash);
      const anomalousHashes = anomalousEntries.map((e) => e.contentHash);
      const hashes = [...goodHashes, ...anomalousHashes].every((hash) => hash !== null) ? { good: goodHashes as string[], anomalous: anomalousHashes as string[] } : undefined;
      const earlier = q.latestTrainedVersion(ctx.db, project.id, version.id);
      const trained = await trainAnomalyVersion({
        ...(hashes ? { hashes } : {}),
        ...(earlier?.modelPath ? { earlier: { name: earlier.name, modelPath: earlier.modelPath } } : {}),
        good,
        anomalous: anomalousEntries.map((e) => e.path!),
        anomalousMasks: anomalousEntries.map((e) => {
          const found = maskOf(e, resolver);
          return found.mask ? { mask: found.mask, ...(found.maskBackground ? { maskBackground: found.maskBackground } : {}), ...(found.classes ? { classes: found.classes } : {}) } : undefined;
        }),
        test: testEntries.filter((e) => e.path && classOf(e)).map((e) => ({ path: e.path!, sourceRef: e.sourceRef, anomalous: classOf(e) === ANOMALY, ...maskOf(e, resolver) })),
        outputDir: output.folder,
        modelsDir: ctx.modelsDir,
        signal: job.signal,
        onProgress: (p) => job.progress(p),
      });
      const endMs = ctx.now();
      transaction(ctx.db, () => {
        q.putEvaluation(ctx.db, {
          versionId: version.id,
          f1Score: trained.evaluation.f1 ?? 0,
          summaryPath: join(output.folder, ANOMALY_EVALUATION_FILE),
          manifestPath: join(output.folder, ANOMALY_MANIFEST_FILE),
          summaryJson: JSON.stringify({ ...trained.evaluation, results: [] }),
          createdMs: endMs,
        });
        q.updateVersion(ctx.db, version.id, {
          status: 'TRAINING_COMPLETED',
          statusMessage: 'The model is ready to run.',
          trainingEndMs: endMs,
          billableTrainingMs: endMs - startedMs,
          executionProvider: 'cpu',
          modelPath: trained.modelPath,
        });
      });
      ctx.events.resourcesChanged(version.arn, project.arn);
      log.info('anomaly model trained', { version: version.arn, auroc: trained.evaluation.imageAuroc, seconds: trained.evaluation.trainingSeconds });
      return { Code: 'AnomalyTrainingFinished', Params: { auroc: trained.evaluation.imageAuroc?.toFixed(3) ?? 'n/a', count: trained.evaluation.testImages } } as const;
    },
  );
}
