/**
 * Labeling: the dataset's label list (add, rename, delete, copy) and the annotations of entries
 * (image-level labels in bulk, boxes). Every edit is saved as it happens, refuses to overwrite an
 * entry that changed since the editor loaded it, and returns what it replaced so the editor can
 * undo it with the same operation.
 *
 * One rule for deleting a label that images use (the console is inconsistent, L4313 vs L4618):
 * the label and every annotation that carries it go, after the user confirms; undo puts them back.
 */
import type { AnnotationChange, EntryAnnotations, OutputOf } from '../../preload/contract';
import type {
  AssignImageLabelsInput,
  CopyLabelsInput,
  CreateLabelsInput,
  DeleteLabelInput,
  DescribeLabelUsageInput,
  PutEntryAnnotationsInput,
  RenameLabelInput,
} from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import { requireDataset } from '../datasets';
import type { BoxLabel, EntryDraft, ImageLabel } from '../db/entry';
import { loupeLabel } from '../datasets/folders';
import { DATASET_LIMITS } from '../datasets/limits';
import { DEFAULT_BOX_ATTRIBUTE } from '../datasets/manifest/serialize';
import { transaction } from '../db';
import * as q from '../db/queries';
import { codedError } from '../errors';

type Box = EntryAnnotations['Boxes'][number];

export function annotationsOf(entry: q.StoredEntry): EntryAnnotations {
  return {
    EntryId: entry.id,
    Labels: [...new Set(entry.draft.labels.map((l) => l.name))],
    Boxes: entry.draft.boxes.map((b) => ({ Label: b.name, Left: b.left, Top: b.top, Width: b.width, Height: b.height })),
  };
}

/** Give `entry` exactly these labels and boxes, keeping the metadata of what stays. */
function withAnnotations(entry: q.StoredEntry, labels: string[], boxes: Box[], nowIso: string): EntryDraft {
  const draft = entry.draft;
  const keptLabels: ImageLabel[] = [...new Set(labels)].map(
    (name) => draft.labels.find((l) => l.name === name) ?? loupeLabel(name, nowIso),
  );
  const group = draft.boxes[0];
  const meta = group
    ? { attribute: group.attribute, humanAnnotated: group.humanAnnotated, creationDate: group.creationDate, jobName: group.jobName }
    : { attribute: DEFAULT_BOX_ATTRIBUTE, humanAnnotated: 'yes' as const, creationDate: nowIso, jobName: undefined };
  const keptBoxes: BoxLabel[] = boxes.map((box) => {
    const same = draft.boxes.find(
      (b) => b.name === box.Label && b.left === box.Left && b.top === box.Top && b.width === box.Width && b.height === box.Height,
    );
    if (same) return same;
    return withoutUndefined({
      name: box.Label,
      left: box.Left,
      top: box.Top,
      width: box.Width,
      height: box.Height,
      confidence: 1,
      ...meta,
    });
  });
  // An edited entry has been looked at: validation results about its old annotations no longer apply.
  const attributes = draft.extra?.attributes
    ? Object.fromEntries(
        Object.entries(draft.extra.attributes).map(([key, value]) => {
          const { invalid: _invalid, dropped: _dropped, ...rest } = value;
          return [key, rest];
        }),
      )
    : undefined;
  return {
    sourceRef: draft.sourceRef,
    ...(draft.imageSize ? { imageSize: draft.imageSize } : {}),
    labels: keptLabels,
    boxes: keptBoxes,
    errors: draft.errors.filter((e) => e.code === 'ERROR_INVALID_IMAGE' || e.code === 'ERROR_INVALID_IMAGE_DIMENSION'),
    ...(draft.extra ? { extra: { ...draft.extra, ...(attributes ? { attributes } : {}) } } : {}),
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function checkBoxes(entry: q.StoredEntry, boxes: Box[]): void {
  for (const box of boxes) {
    if (box.Width <= DATASET_LIMITS.minBoxSidePx || box.Height <= DATASET_LIMITS.minBoxSidePx) {
      throw codedError('InvalidParameterException', 'BoxTooSmall', { min: DATASET_LIMITS.minBoxSidePx });
    }
    const width = entry.width ?? Number.POSITIVE_INFINITY;
    const height = entry.height ?? Number.POSITIVE_INFINITY;
    const slack = 0.5;
    if (box.Left < -slack || box.Top < -slack || box.Left + box.Width > width + slack || box.Top + box.Height > height + slack) {
      throw codedError('InvalidParameterException', 'BoxOffImage', { width, height });
    }
  }
}

function loadEntries(ctx: Context, datasetId: number, ids: number[]): Map<number, q.StoredEntry> {
  const entries = new Map(q.findEntriesByIds(ctx.db, datasetId, ids).map((entry) => [entry.id, entry]));
  const missing = ids.filter((id) => !entries.has(id));
  if (missing.length > 0) {
    throw codedError('ResourceNotFoundException', 'NoSuchEntriesHere', { ids: missing.slice(0, 5).join(', ') });
  }
  return entries;
}

/** Write the new drafts, checking the label limit; returns the change for the caller. */
function save(ctx: Context, dataset: q.DatasetRow, updates: { entry: q.StoredEntry; draft: EntryDraft }[]): AnnotationChange {
  const nowMs = ctx.now();
  const incoming = new Set(updates.flatMap(({ draft }) => [...draft.labels, ...draft.boxes].map((a) => a.name)));
  const total = new Set([...q.listLabelNames(ctx.db, dataset.id), ...incoming]).size;
  if (total > DATASET_LIMITS.maxLabels) {
    throw codedError('LimitExceededException', 'TooManyLabels', { max: DATASET_LIMITS.maxLabels });
  }
  const change: AnnotationChange = { Entries: [], Before: [] };
  for (const { entry, draft } of updates) {
    change.Before.push(annotationsOf(entry));
    q.putEntry(ctx.db, dataset.id, draft, entry, nowMs);
    change.Entries.push({ EntryId: entry.id, Revision: entry.revision + 1 });
  }
  return change;
}

function changed(ctx: Context, dataset: q.DatasetRow): void {
  const project = q.findProjectById(ctx.db, dataset.projectId);
  ctx.events.resourcesChanged(dataset.arn, ...(project ? [project.arn] : []));
}

export function putEntryAnnotations(ctx: Context, input: PutEntryAnnotationsInput): OutputOf<'PutEntryAnnotations'> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  const nowIso = new Date(ctx.now()).toISOString();
  const result = transaction(ctx.db, () => {
    const entries = loadEntries(ctx, dataset.id, input.Entries.map((e) => e.EntryId));
    const updates = input.Entries.map((wanted) => {
      const entry = entries.get(wanted.EntryId)!;
      if (wanted.ExpectedRevision !== undefined && wanted.ExpectedRevision !== entry.revision) {
        throw codedError('ConflictException', 'EntryChanged', { file: entry.sourceRef, revision: entry.revision, expected: wanted.ExpectedRevision });
      }
      checkBoxes(entry, wanted.Boxes);
      return { entry, draft: withAnnotations(entry, wanted.Labels, wanted.Boxes, nowIso) };
    });
    return save(ctx, dataset, updates);
  });
  changed(ctx, dataset);
  return result;
}

export function assignImageLabels(ctx: Context, input: AssignImageLabelsInput): OutputOf<'AssignImageLabels'> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  const add = input.Add ?? [];
  const remove = new Set(input.Remove ?? []);
  const nowIso = new Date(ctx.now()).toISOString();
  const result = transaction(ctx.db, () => {
    const entries = loadEntries(ctx, dataset.id, [...new Set(input.EntryIds)]);
    const updates = [...entries.values()].flatMap((entry) => {
      const current = annotationsOf(entry);
      const labels = [...current.Labels.filter((l) => !remove.has(l)), ...add.filter((l) => !current.Labels.includes(l))];
      if (labels.length === current.Labels.length && labels.every((l) => current.Labels.includes(l))) return [];
      return [{ entry, draft: withAnnotations(entry, labels, current.Boxes, nowIso) }];
    });
    if (add.length > 0) q.ensureLabels(ctx.db, dataset.id, add, ctx.now());
    return save(ctx, dataset, updates);
  });
  changed(ctx, dataset);
  return result;
}

export function createLabels(ctx: Context, input: CreateLabelsInput): OutputOf<'CreateLabels'> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  const added = transaction(ctx.db, () => {
    const existing = new Set(q.listLabelNames(ctx.db, dataset.id));
    const added = [...new Set(input.Labels.map((l) => l.trim()))].filter((l) => l !== '' && !existing.has(l));
    if (existing.size + added.length > DATASET_LIMITS.maxLabels) {
      throw codedError('LimitExceededException', 'TooManyLabels', { max: DATASET_LIMITS.maxLabels });
    }
    q.ensureLabels(ctx.db, dataset.id, added, ctx.now());
    return added;
  });
  changed(ctx, dataset);
  return { Added: added };
}

export function renameLabel(ctx: Context, input: RenameLabelInput): OutputOf<'RenameLabel'> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  transaction(ctx.db, () => {
    if (!q.listLabelNames(ctx.db, dataset.id).includes(input.LabelName)) {
      throw codedError('ResourceNotFoundException', 'NoSuchLabel', { label: input.LabelName });
    }
    if (input.NewLabelName !== input.LabelName && q.listLabelNames(ctx.db, dataset.id).includes(input.NewLabelName)) {
      throw codedError('ResourceAlreadyExistsException', 'LabelExists', { label: input.NewLabelName });
    }
    q.renameLabel(ctx.db, dataset.id, input.LabelName, input.NewLabelName, ctx.now());
  });
  changed(ctx, dataset);
  return {};
}

export function describeLabelUsage(ctx: Context, input: DescribeLabelUsageInput): OutputOf<'DescribeLabelUsage'> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  return q.labelUsage(ctx.db, dataset.id, input.LabelName);
}

export function deleteLabel(ctx: Context, input: DeleteLabelInput): OutputOf<'DeleteLabel'> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  const nowIso = new Date(ctx.now()).toISOString();
  const result = transaction(ctx.db, () => {
    if (!q.listLabelNames(ctx.db, dataset.id).includes(input.LabelName)) {
      throw codedError('ResourceNotFoundException', 'NoSuchLabel', { label: input.LabelName });
    }
    const usage = q.labelUsage(ctx.db, dataset.id, input.LabelName);
    const ids = q.entryIdsWithLabel(ctx.db, dataset.id, input.LabelName);
    const entries = ids.length > 0 ? loadEntries(ctx, dataset.id, ids) : new Map<number, q.StoredEntry>();
    const updates = [...entries.values()].map((entry) => {
      const current = annotationsOf(entry);
      return {
        entry,
        draft: withAnnotations(
          entry,
          current.Labels.filter((l) => l !== input.LabelName),
          current.Boxes.filter((b) => b.Label !== input.LabelName),
          nowIso,
        ),
      };
    });
    const change = save(ctx, dataset, updates);
    q.deleteLabelRow(ctx.db, dataset.id, input.LabelName);
    return { ...change, ...usage };
  });
  changed(ctx, dataset);
  return result;
}

export function copyLabels(ctx: Context, input: CopyLabelsInput): OutputOf<'CopyLabels'> {
  const source = requireDataset(ctx, input.SourceDatasetArn);
  return createLabelsFrom(ctx, input.DatasetArn, q.listLabelNames(ctx.db, source.id));
}

function createLabelsFrom(ctx: Context, datasetArn: string, labels: string[]): { Added: string[] } {
  if (labels.length === 0) return { Added: [] };
  return createLabels(ctx, { DatasetArn: datasetArn, Labels: labels });
}
