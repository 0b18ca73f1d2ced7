/**
 * The service's entry operations: ListDatasetEntries (JSON lines with their errors, filtered and
 * paged), ListDatasetLabels, UpdateDatasetEntries (upsert by source-ref, as a background update)
 * and DistributeDatasetEntries (a stratified 20% of TRAIN into an empty TEST).
 */
import { createHash } from 'node:crypto';
import type { OutputOf } from '../../preload/contract';
import type {
  DistributeDatasetEntriesInput,
  ListDatasetEntriesInput,
  ListDatasetLabelsInput,
  ListEntriesInput,
  UpdateDatasetEntriesInput,
} from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { apiError, codedError } from '../errors';
import { decodeNameToken, decodePageToken, encodeNameToken, encodePageToken, keysetPage } from '../paging';
import { DATASET_FILE_CODES } from '../../preload/contract/codes';
import { requireDataset, requireIdleDataset } from './guards';
import { startIngest, type Dropped } from './ingest';
import { DATASET_LIMITS } from './limits';
import { parseJsonLine } from './manifest/parse';
import { toJsonLine } from './manifest/serialize';
import { createResolver } from './sources';
import type { EntryDraft } from '../db/entry';

export function listDatasetEntries(ctx: Context, input: ListDatasetEntriesInput): OutputOf<'ListDatasetEntries'> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  const limit = input.MaxResults ?? 100;
  const rows = q.listEntries(ctx.db, dataset.id, {
    ...(input.ContainsLabels ? { containsLabels: input.ContainsLabels } : {}),
    ...(input.Labeled === undefined ? {} : { labeled: input.Labeled }),
    ...(input.SourceRefContains === undefined ? {} : { sourceRefContains: input.SourceRefContains }),
    ...(input.HasErrors === undefined ? {} : { hasErrors: input.HasErrors }),
    ...(!input.NextToken ? {} : { afterId: decodePageToken(input.NextToken) }),
    limit: limit + 1,
  });
  const { page, next } = keysetPage(rows, limit, (last) => encodePageToken(last.id));
  return { DatasetEntries: page.map((row) => JSON.stringify(toJsonLine(row.draft, { withErrors: true, onlyKnown: true }))), ...next };
}

/** The gallery's view of entries: random access by offset, with counts and duplicates. */
export function listEntries(ctx: Context, input: ListEntriesInput): OutputOf<'ListEntries'> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  const filter = {
    ...(input.ContainsLabels ? { containsLabels: input.ContainsLabels } : {}),
    ...(input.Labeled === undefined ? {} : { labeled: input.Labeled }),
    ...(input.SourceRefContains === undefined ? {} : { sourceRefContains: input.SourceRefContains }),
    ...(input.HasErrors === undefined ? {} : { hasErrors: input.HasErrors }),
  };
  const rows = q.listEntries(ctx.db, dataset.id, { ...filter, offset: input.Offset ?? 0, limit: input.MaxResults ?? 200 });
  const duplicates = q.duplicateCounts(
    ctx.db,
    dataset.id,
    rows.flatMap((row) => (row.contentHash ? [row.contentHash] : [])),
  );
  return {
    TotalCount: q.countMatchingEntries(ctx.db, dataset.id, filter),
    Entries: rows.map((row) => ({
      EntryId: row.id,
      SourceRef: row.sourceRef,
      FileName: row.sourceRef.split(/[\\/]/).pop() ?? row.sourceRef,
      ...(row.width === null ? {} : { Width: row.width }),
      ...(row.height === null ? {} : { Height: row.height }),
      ...(row.format === null ? {} : { Format: row.format }),
      ...(row.sizeBytes === null ? {} : { SizeBytes: row.sizeBytes }),
      ...(row.contentHash === null ? {} : { ContentHash: row.contentHash }),
      DuplicateCount: row.contentHash ? (duplicates.get(row.contentHash) ?? 0) : 0,
      Labels: [...new Set(row.draft.labels.map((l) => l.name))],
      Boxes: row.draft.boxes.map((b) => ({ Label: b.name, Left: b.left, Top: b.top, Width: b.width, Height: b.height })),
      Errors: row.draft.errors.map((e) => ({ Code: e.code, Message: e.message, Level: e.level })),
      Revision: row.revision,
    })),
  };
}

export function listDatasetLabels(ctx: Context, input: ListDatasetLabelsInput): OutputOf<'ListDatasetLabels'> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  const limit = input.MaxResults ?? 100;
  const after = !input.NextToken ? undefined : decodeNameToken(input.NextToken);
  const rows = q.labelStats(ctx.db, dataset.id, { ...(after === undefined ? {} : { afterName: after }), limit: limit + 1 });
  const { page, next } = keysetPage(rows, limit, (last) => encodeNameToken(last.name));
  return {
    DatasetLabelDescriptions: page.map((row) => ({
      LabelName: row.name,
      LabelStats: { EntryCount: row.entryCount, BoundingBoxCount: row.boxCount },
      CreationTimestamp: row.createdMs / 1000,
    })),
    ...next,
  };
}

/** `Changes.GroundTruth` is a blob: base64 over JSON; the raw JSON lines are accepted too. */
export function decodeGroundTruth(blob: string): string {
  const trimmed = blob.replace(/^\uFEFF/, '').trimStart();
  const text = trimmed.startsWith('{') ? blob : Buffer.from(blob, 'base64').toString('utf8');
  if (Buffer.byteLength(text) > DATASET_LIMITS.maxChangesBytes) {
    throw apiError('ValidationException', "Value at 'Changes.GroundTruth' failed to satisfy constraint: Member must be at most 5 MB.");
  }
  return text;
}

/** Split manifest text into parsed drafts and dropped lines (1-based line numbers, as the guide counts). */
export function parseManifestText(text: string): { drafts: EntryDraft[]; dropped: Dropped[] } {
  const drafts: EntryDraft[] = [];
  const dropped: Dropped[] = [];
  // A byte-order mark (Windows editors write one) is not part of the first line.
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = parseJsonLine(line);
    if (parsed.ok) drafts.push(parsed.entry);
    else dropped.push({ where: `line ${index + 1}`, code: parsed.code, message: parsed.message });
  });
  return { drafts, dropped };
}

export function updateDatasetEntries(ctx: Context, input: UpdateDatasetEntriesInput): OutputOf<'UpdateDatasetEntries'> {
  const dataset = requireIdleDataset(ctx, input.DatasetArn);
  const text = decodeGroundTruth(input.Changes.GroundTruth);
  const parsed = parseManifestText(text);
  if (parsed.drafts.length === 0 && parsed.dropped.length === 0) {
    throw apiError('InvalidParameterException', 'Changes.GroundTruth holds no JSON lines.');
  }
  startIngest(ctx, dataset, 'update', 'UpdateDatasetEntries', async () => ({ ...parsed, resolver: createResolver(ctx), manifestRules: true }));
  return {};
}

export function distributeDatasetEntries(
  ctx: Context,
  input: DistributeDatasetEntriesInput,
): OutputOf<'DistributeDatasetEntries'> {
  const [first, second] = input.Datasets.map((d) => requireIdleDataset(ctx, d.Arn)) as [q.DatasetRow, q.DatasetRow];
  if (first.projectId !== second.projectId) {
    throw apiError('InvalidParameterException', `The datasets must belong to the same project: ${first.arn} and ${second.arn} do not.`);
  }
  const train = first.type === 'TRAIN' ? first : second;
  const test = first.type === 'TEST' ? first : second;
  if (train.type !== 'TRAIN' || test.type !== 'TEST') {
    throw apiError('InvalidParameterException', `Datasets must be the project’s TRAIN and TEST datasets; both given are ${first.type}.`);
  }
  if (q.countEntries(ctx.db, test.id) > 0) {
    throw codedError('InvalidParameterException', 'TestDatasetNotEmpty', { dataset: test.arn, count: q.countEntries(ctx.db, test.id) });
  }
  const nowMs = ctx.now();
  const entries = splitItems(ctx, train.id);
  const chosen = chooseTestEntries(entries, train.arn);
  transaction(ctx.db, () => {
    if (!chosen) {
      const message = DATASET_FILE_CODES.ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_DISTRIBUTE;
      q.setDatasetStatus(ctx.db, train.id, 'UPDATE_FAILED', message, 'CLIENT_ERROR', nowMs);
      q.setDatasetStatus(ctx.db, test.id, 'UPDATE_FAILED', message, 'CLIENT_ERROR', nowMs);
      return;
    }
    q.moveEntries(ctx.db, chosen, test.id, nowMs);
    const message = `${chosen.length} of ${entries.length} entries moved to the test dataset.`;
    q.setDatasetStatus(ctx.db, train.id, 'UPDATE_COMPLETE', message, 'SUCCESS', nowMs);
    q.setDatasetStatus(ctx.db, test.id, 'UPDATE_COMPLETE', message, 'SUCCESS', nowMs);
  });
  const project = q.findProjectById(ctx.db, train.projectId);
  ctx.events.resourcesChanged(train.arn, test.arn, ...(project ? [project.arn] : []));
  return {};
}

interface SplitItem {
  id: number;
  labels: string[];
}

function splitItems(ctx: Context, datasetId: number): SplitItem[] {
  return q.allEntries(ctx.db, datasetId).map((row) => ({
    id: row.id,
    labels: [...new Set([...row.draft.labels, ...row.draft.boxes].map((a) => a.name))],
  }));
}

/**
 * A stratified 20%: every label ends up on both sides (or the split is refused), each label sends
 * about a fifth of its images to test, and the rest is filled at random. Deterministic for a
 * dataset, so the same request gives the same split.
 */
export function chooseTestEntries(items: SplitItem[], seed: string): number[] | undefined {
  const shuffled = seededShuffle(items, seed);
  const labelCount = new Map<string, number>();
  for (const item of items) for (const label of item.labels) labelCount.set(label, (labelCount.get(label) ?? 0) + 1);
  if ([...labelCount.values()].some((n) => n < 2)) return undefined;

  const inTest = new Map<string, number>();
  const selected = new Set<number>();
  const canMove = (item: SplitItem) =>
    !selected.has(item.id) && item.labels.every((l) => labelCount.get(l)! - (inTest.get(l) ?? 0) > 1);
  const move = (item: SplitItem) => {
    selected.add(item.id);
    for (const label of item.labels) inTest.set(label, (inTest.get(label) ?? 0) + 1);
  };

  const byRarity = [...labelCount.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  for (const [label, count] of byRarity) {
    const wanted = Math.max(1, Math.round(count * DATASET_LIMITS.distributeShare));
    for (const item of shuffled) {
      if ((inTest.get(label) ?? 0) >= wanted) break;
      if (item.labels.includes(label) && canMove(item)) move(item);
    }
  }
  const target = Math.round(items.length * DATASET_LIMITS.distributeShare);
  for (const item of shuffled) {
    if (selected.size >= target) break;
    if (canMove(item)) move(item);
  }
  const everyLabelOnBothSides = [...labelCount.entries()].every(([l, n]) => (inTest.get(l) ?? 0) >= 1 && n - (inTest.get(l) ?? 0) >= 1);
  return everyLabelOnBothSides ? [...selected].sort((a, b) => a - b) : undefined;
}

function seededShuffle<T>(items: T[], seed: string): T[] {
  const copy = [...items];
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0) || 1;
  const random = () => {
    // xorshift32: small, fast and good enough to spread a split.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
