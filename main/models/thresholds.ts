/**
 * Thresholds chosen for a model version, Loupe's own (the service has only the assumed ones, set
 * by training at each label's best F1). Once saved, DetectCustomLabels without MinConfidence
 * reports each label above its chosen threshold, and so do the Analyze panel, batch analysis and
 * the kiosk, which call it that way. The model file keeps the assumed ones, so the evaluation can
 * show both. Kept as a setting under the version's ARN (unique: it carries the creation time).
 */
import type { OutputOf } from '../../preload/contract';
import type { PutProjectVersionThresholdsInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { codedError } from '../errors';
import { createLogger } from '../log';

const log = createLogger('models');

const keyOf = (versionArn: string) => `thresholds:${versionArn}`;

/** The thresholds saved for a version, label → score in [0, 1]; empty when none were saved. */
export function chosenThresholds(ctx: Context, versionArn: string): Record<string, number> {
  const stored = q.readSetting(ctx.db, keyOf(versionArn));
  if (!stored || typeof stored !== 'object') return {};
  return Object.fromEntries(Object.entries(stored as Record<string, unknown>).filter((pair): pair is [string, number] => typeof pair[1] === 'number'));
}

/** Forget a deleted version's thresholds. */
export function forgetThresholds(ctx: Context, versionArn: string): void {
  q.deleteSetting(ctx.db, keyOf(versionArn));
}

export function putThresholds(ctx: Context, version: q.VersionRow, input: PutProjectVersionThresholdsInput): OutputOf<'PutProjectVersionThresholds'> {
  if (version.status === 'TRAINING_IN_PROGRESS' || version.status === 'TRAINING_FAILED' || !version.snapshotJson) {
    throw codedError('ResourceNotReadyException', 'ThresholdsNeedTrainedModel', { status: version.status });
  }
  const snapshot = JSON.parse(version.snapshotJson) as { train: { labels: string[]; boxes?: { label: string }[] }[] };
  const labels = new Set(snapshot.train.flatMap((sample) => [...sample.labels, ...(sample.boxes ?? []).map((box) => box.label)]));
  const unknown = Object.keys(input.Thresholds).filter((label) => !labels.has(label));
  if (unknown.length > 0) throw codedError('InvalidParameterException', 'ThresholdLabelUnknown', { unknown: unknown.join(', '), labels: [...labels].sort().join(', ') });
  q.writeSetting(ctx.db, keyOf(version.arn), input.Thresholds);
  log.info('thresholds saved', { version: version.arn, labels: Object.keys(input.Thresholds).length });
  return { Thresholds: chosenThresholds(ctx, version.arn) };
}
