/**
 * Dataset entries with their image-level labels, boxes and errors. An entry is written whole
 * (the service's UpdateDatasetEntries replaces the line with the same source-ref), so `putEntry`
 * replaces its annotations and errors and bumps its revision.
 */
import type { EntryDraft, EntryError, EntryExtra, ImageLabel, BoxLabel } from '../entry';
import { sqlite, type Db } from '../handle';

export interface ImageFacts {
  path: string | null;
  contentHash: string | null;
  sizeBytes: number | null;
  width: number | null;
  height: number | null;
  depth: number | null;
  format: string | null;
}

export interface EntryRow extends ImageFacts {
  id: number;
  datasetId: number;
  sourceRef: string;
  createdMs: number;
  updatedMs: number;
  revision: number;
}

export interface StoredEntry extends EntryRow {
  draft: EntryDraft;
}

/** The statements entry writes use, from the database's statement cache (prepared once per text). */
function stmts(db: Db) {
  return {
    upsert: sqlite(db).prepare(
      `INSERT INTO entries (dataset_id, source_ref, path, content_hash, size_bytes, width, height, depth, format,
                            extra_json, created_ms, updated_ms)
       VALUES (@datasetId, @sourceRef, @path, @contentHash, @sizeBytes, @width, @height, @depth, @format,
               @extraJson, @nowMs, @nowMs)
       ON CONFLICT (dataset_id, source_ref) DO UPDATE SET
         path = excluded.path, content_hash = excluded.content_hash, size_bytes = excluded.size_bytes,
         width = excluded.width, height = excluded.height, depth = excluded.depth, format = excluded.format,
         extra_json = excluded.extra_json, updated_ms = excluded.updated_ms, revision = revision + 1
       RETURNING id`,
    ),
    clearLabels: sqlite(db).prepare('DELETE FROM entry_labels WHERE entry_id = ?'),
    clearBoxes: sqlite(db).prepare('DELETE FROM boxes WHERE entry_id = ?'),
    clearErrors: sqlite(db).prepare('DELETE FROM entry_errors WHERE entry_id = ?'),
    ensureLabel: sqlite(db).prepare(
      'INSERT INTO labels (dataset_id, name, created_ms) VALUES (?, ?, ?) ON CONFLICT (dataset_id, name) DO NOTHING',
    ),
    labelId: sqlite(db).prepare('SELECT id FROM labels WHERE dataset_id = ? AND name = ?'),
    insertLabel: sqlite(db).prepare(
      `INSERT OR REPLACE INTO entry_labels (entry_id, label_id, attribute, confidence, human_annotated, creation_date, job_name)
       VALUES (@entryId, @labelId, @attribute, @confidence, @humanAnnotated, @creationDate, @jobName)`,
    ),
    insertBox: sqlite(db).prepare(
      `INSERT INTO boxes (entry_id, label_id, ordinal, left_px, top_px, width_px, height_px, confidence, attribute,
                          human_annotated, creation_date, job_name)
       VALUES (@entryId, @labelId, @ordinal, @left, @top, @width, @height, @confidence, @attribute,
               @humanAnnotated, @creationDate, @jobName)`,
    ),
    insertError: sqlite(db).prepare(
      `INSERT INTO entry_errors (entry_id, level, attribute, annotation_index, code, message)
       VALUES (@entryId, @level, @attribute, @annotationIndex, @code, @message)`,
    ),
  };
}

/** Declare labels in a dataset (no-op for those it has); returns name → id. */
export function ensureLabels(db: Db, datasetId: number, names: Iterable<string>, nowMs: number): Map<string, number> {
  const s = stmts(db);
  const ids = new Map<string, number>();
  for (const name of names) {
    if (ids.has(name)) continue;
    s.ensureLabel.run(datasetId, name, nowMs);
    ids.set(name, (s.labelId.get(datasetId, name) as { id: number }).id);
  }
  return ids;
}

/** Insert or replace the entry with this source-ref, with all its annotations and errors. */
export function putEntry(db: Db, datasetId: number, draft: EntryDraft, image: ImageFacts, nowMs: number): number {
  const s = stmts(db);
  const extraJson = draft.extra ? JSON.stringify(draft.extra) : null;
  const { id } = s.upsert.get({
    datasetId,
    sourceRef: draft.sourceRef,
    path: image.path,
    contentHash: image.contentHash,
    sizeBytes: image.sizeBytes,
    width: image.width,
    height: image.height,
    depth: image.depth,
    format: image.format,
    extraJson,
    nowMs,
  }) as { id: number };
  s.clearLabels.run(id);
  s.clearBoxes.run(id);
  s.clearErrors.run(id);
  const labelIds = ensureLabels(db, datasetId, [...draft.labels, ...draft.boxes].map((a) => a.name), nowMs);
  for (const label of draft.labels) {
    s.insertLabel.run({ entryId: id, labelId: labelIds.get(label.name), ...metaColumns(label) });
  }
  draft.boxes.forEach((box, ordinal) => {
    s.insertBox.run({
      entryId: id,
      labelId: labelIds.get(box.name),
      ordinal,
      left: box.left,
      top: box.top,
      width: box.width,
      height: box.height,
      ...metaColumns(box),
    });
  });
  for (const error of draft.errors) {
    s.insertError.run({
      entryId: id,
      level: error.level,
      attribute: error.attribute ?? null,
      annotationIndex: error.annotationIndex ?? null,
      code: error.code,
      message: error.message,
    });
  }
  return id;
}

function metaColumns(a: ImageLabel | BoxLabel) {
  return {
    attribute: a.attribute,
    confidence: a.confidence ?? null,
    humanAnnotated: a.humanAnnotated ?? null,
    creationDate: a.creationDate ?? null,
    jobName: a.jobName ?? null,
  };
}

export interface EntryFilter {
  containsLabels?: string[];
  labeled?: boolean;
  sourceRefContains?: string;
  hasErrors?: boolean;
  afterId?: number;
  offset?: number;
  limit: number;
}

const entryColumns = `e.id, e.dataset_id AS datasetId, e.source_ref AS sourceRef, e.path, e.content_hash AS contentHash,
  e.size_bytes AS sizeBytes, e.width, e.height, e.depth, e.format, e.created_ms AS createdMs,
  e.updated_ms AS updatedMs, e.revision, e.extra_json AS extraJson`;

const isLabeled = `(EXISTS (SELECT 1 FROM entry_labels l WHERE l.entry_id = e.id)
                    OR EXISTS (SELECT 1 FROM boxes b WHERE b.entry_id = e.id))`;
/** Warnings are not errors: they do not count in ErrorEntries or the HasErrors filter. */
const hasErrors = `EXISTS (SELECT 1 FROM entry_errors x WHERE x.entry_id = e.id AND substr(x.code, 1, 8) <> 'WARNING_')`;

/** Entries in id order after `afterId` (or from `offset`), filtered as ListDatasetEntries filters. */
export function listEntries(db: Db, datasetId: number, filter: EntryFilter): StoredEntry[] {
  const { where, params } = entryWhere(datasetId, filter);
  const rows = sqlite(db)
    .prepare(`SELECT ${entryColumns} FROM entries e WHERE ${where.join(' AND ')} ORDER BY e.id LIMIT ? OFFSET ?`)
    .all(...params, filter.limit, filter.offset ?? 0) as (EntryRow & { extraJson: string | null })[];
  return hydrate(db, rows);
}

export function countMatchingEntries(db: Db, datasetId: number, filter: Omit<EntryFilter, 'limit'>): number {
  const { where, params } = entryWhere(datasetId, { ...filter, afterId: undefined });
  return (sqlite(db).prepare(`SELECT count(*) AS n FROM entries e WHERE ${where.join(' AND ')}`).get(...params) as { n: number }).n;
}

/** How many other entries of the dataset share each of these hashes. */
export function duplicateCounts(db: Db, datasetId: number, hashes: string[]): Map<string, number> {
  if (hashes.length === 0) return new Map();
  const rows = sqlite(db)
    .prepare(
      `SELECT content_hash AS hash, count(*) - 1 AS others FROM entries
       WHERE dataset_id = ? AND content_hash IN (${hashes.map(() => '?').join(', ')}) GROUP BY content_hash`,
    )
    .all(datasetId, ...hashes) as { hash: string; others: number }[];
  return new Map(rows.map((row) => [row.hash, row.others]));
}

function entryWhere(datasetId: number, filter: Omit<EntryFilter, 'limit'>): { where: string[]; params: unknown[] } {
  const where = ['e.dataset_id = ?'];
  const params: unknown[] = [datasetId];
  if (filter.containsLabels && filter.containsLabels.length > 0) {
    const marks = filter.containsLabels.map(() => '?').join(', ');
    where.push(`(EXISTS (SELECT 1 FROM entry_labels el JOIN labels n ON n.id = el.label_id
                         WHERE el.entry_id = e.id AND n.name IN (${marks}))
                 OR EXISTS (SELECT 1 FROM boxes bx JOIN labels n ON n.id = bx.label_id
                         WHERE bx.entry_id = e.id AND n.name IN (${marks})))`);
    params.push(...filter.containsLabels, ...filter.containsLabels);
  }
  if (filter.labeled !== undefined) where.push(filter.labeled ? isLabeled : `NOT ${isLabeled}`);
  if (filter.sourceRefContains !== undefined) {
    where.push(`instr(e.source_ref, ?) > 0`);
    params.push(filter.sourceRefContains);
  }
  if (filter.hasErrors !== undefined) where.push(filter.hasErrors ? hasErrors : `NOT ${hasErrors}`);
  if (filter.afterId !== undefined) {
    where.push('e.id > ?');
    params.push(filter.afterId);
  }
  return { where, params };
}

export function findEntry(db: Db, datasetId: number, sourceRef: string): StoredEntry | undefined {
  const rows = sqlite(db)
    .prepare(`SELECT ${entryColumns} FROM entries e WHERE e.dataset_id = ? AND e.source_ref = ?`)
    .all(datasetId, sourceRef) as (EntryRow & { extraJson: string | null })[];
  return hydrate(db, rows)[0];
}

function hydrate(db: Db, rows: (EntryRow & { extraJson: string | null })[]): StoredEntry[] {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const marks = ids.map(() => '?').join(', ');
  const labels = sqlite(db)
    .prepare(
      `SELECT el.entry_id AS entryId, n.name, el.attribute, el.confidence, el.human_annotated AS humanAnnotated,
              el.creation_date AS creationDate, el.job_name AS jobName
       FROM entry_labels el JOIN labels n ON n.id = el.label_id WHERE el.entry_id IN (${marks})
       ORDER BY el.rowid`,
    )
    .all(...ids) as (NullableMeta & { entryId: number; name: string })[];
  const boxes = sqlite(db)
    .prepare(
      `SELECT b.entry_id AS entryId, n.name, b.left_px AS "left", b.top_px AS top, b.width_px AS width,
              b.height_px AS height, b.attribute, b.confidence, b.human_annotated AS humanAnnotated,
              b.creation_date AS creationDate, b.job_name AS jobName
       FROM boxes b JOIN labels n ON n.id = b.label_id WHERE b.entry_id IN (${marks}) ORDER BY b.entry_id, b.ordinal`,
    )
    .all(...ids) as (NullableMeta & { entryId: number; name: string; left: number; top: number; width: number; height: number })[];
  const errors = sqlite(db)
    .prepare(
      `SELECT entry_id AS entryId, level, attribute, annotation_index AS annotationIndex, code, message
       FROM entry_errors WHERE entry_id IN (${marks}) ORDER BY id`,
    )
    .all(...ids) as (EntryError & { entryId: number; attribute: string | null; annotationIndex: number | null })[];

  return rows.map(({ extraJson, ...row }) => {
    const draft: EntryDraft = {
      sourceRef: row.sourceRef,
      labels: labels.filter((l) => l.entryId === row.id).map(({ entryId: _e, ...l }) => withoutNulls(l)),
      boxes: boxes.filter((b) => b.entryId === row.id).map(({ entryId: _e, ...b }) => withoutNulls(b)),
      errors: errors
        .filter((x) => x.entryId === row.id)
        .map(({ entryId: _e, ...x }) => withoutNulls(x) as EntryError),
      ...(row.width !== null && row.height !== null
        ? { imageSize: { width: row.width, height: row.height, depth: row.depth ?? 3 } }
        : {}),
      ...(extraJson ? { extra: JSON.parse(extraJson) as EntryExtra } : {}),
    };
    return { ...row, draft };
  });
}

type NullableMeta = {
  attribute: string;
  confidence: number | null;
  humanAnnotated: 'yes' | 'no' | null;
  creationDate: string | null;
  jobName: string | null;
};

function withoutNulls<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as { [K in keyof T]: Exclude<T[K], null> };
}

export interface LabelStatsRow {
  name: string;
  entryCount: number;
  boxCount: number;
  createdMs: number;
}

/** Every declared label with the images that use it and the images that have it on a box. */
export function labelStats(db: Db, datasetId: number, options: { afterName?: string; limit: number }): LabelStatsRow[] {
  return sqlite(db)
    .prepare(
      `SELECT n.name, n.created_ms AS createdMs,
              (SELECT count(DISTINCT entry_id) FROM (
                 SELECT entry_id FROM entry_labels WHERE label_id = n.id
                 UNION SELECT entry_id FROM boxes WHERE label_id = n.id)) AS entryCount,
              (SELECT count(DISTINCT entry_id) FROM boxes WHERE label_id = n.id) AS boxCount
       FROM labels n WHERE n.dataset_id = ? AND n.name > ? ORDER BY n.name LIMIT ?`,
    )
    .all(datasetId, options.afterName ?? '', options.limit) as LabelStatsRow[];
}

export function listLabelNames(db: Db, datasetId: number): string[] {
  return (sqlite(db).prepare('SELECT name FROM labels WHERE dataset_id = ? ORDER BY name').all(datasetId) as { name: string }[]).map(
    (row) => row.name,
  );
}

export function countEntries(db: Db, datasetId: number): number {
  return (sqlite(db).prepare('SELECT count(*) AS n FROM entries WHERE dataset_id = ?').get(datasetId) as { n: number }).n;
}

/** Move entries to another dataset of the same project (DistributeDatasetEntries). */
export function moveEntries(db: Db, entryIds: number[], toDatasetId: number, nowMs: number): void {
  const labelsOf = sqlite(db).prepare(
    `SELECT DISTINCT n.name FROM labels n WHERE n.id IN (
       SELECT label_id FROM entry_labels WHERE entry_id = ? UNION SELECT label_id FROM boxes WHERE entry_id = ?)`,
  );
  const move = sqlite(db).prepare('UPDATE entries SET dataset_id = ?, updated_ms = ?, revision = revision + 1 WHERE id = ?');
  const relabel = sqlite(db).prepare(
    `UPDATE entry_labels SET label_id = ? WHERE entry_id = ? AND label_id = (SELECT id FROM labels WHERE dataset_id = ? AND name = ?)`,
  );
  const rebox = sqlite(db).prepare(
    `UPDATE boxes SET label_id = ? WHERE entry_id = ? AND label_id = (SELECT id FROM labels WHERE dataset_id = ? AND name = ?)`,
  );
  const datasetOf = sqlite(db).prepare('SELECT dataset_id AS id FROM entries WHERE id = ?');
  for (const entryId of entryIds) {
    const from = (datasetOf.get(entryId) as { id: number }).id;
    const names = (labelsOf.all(entryId, entryId) as { name: string }[]).map((row) => row.name);
    const targetIds = ensureLabels(db, toDatasetId, names, nowMs);
    for (const name of names) {
      relabel.run(targetIds.get(name), entryId, from, name);
      rebox.run(targetIds.get(name), entryId, from, name);
    }
    move.run(toDatasetId, nowMs, entryId);
  }
}

/** Remove entries of one dataset with their labels, boxes and errors; returns how many went. */
export function deleteEntries(db: Db, datasetId: number, ids: number[]): number {
  let removed = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    removed += sqlite(db).prepare(`DELETE FROM entries WHERE dataset_id = ? AND id IN (${slice.map(() => '?').join(', ')})`).run(datasetId, ...slice).changes;
  }
  return removed;
}

export function findEntriesByIds(db: Db, datasetId: number, ids: number[]): StoredEntry[] {
  const found: StoredEntry[] = [];
  // SQLite caps bound parameters; read in slices.
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    const rows = sqlite(db)
      .prepare(`SELECT ${entryColumns} FROM entries e WHERE e.dataset_id = ? AND e.id IN (${slice.map(() => '?').join(', ')})`)
      .all(datasetId, ...slice) as (EntryRow & { extraJson: string | null })[];
    found.push(...hydrate(db, rows));
  }
  return found;
}

export function entryIdsWithLabel(db: Db, datasetId: number, name: string): number[] {
  return (
    sqlite(db)
      .prepare(
        `SELECT entry_id AS id FROM entry_labels WHERE label_id = (SELECT id FROM labels WHERE dataset_id = @d AND name = @n)
         UNION SELECT entry_id FROM boxes WHERE label_id = (SELECT id FROM labels WHERE dataset_id = @d AND name = @n)`,
      )
      .all({ d: datasetId, n: name }) as { id: number }[]
  ).map((row) => row.id);
}

/** Images that carry a label (as an image-level label or on a box) and the boxes that do. */
export function labelUsage(db: Db, datasetId: number, name: string): { ImageCount: number; BoxCount: number } {
  return sqlite(db)
    .prepare(
      `SELECT (SELECT count(*) FROM (
                 SELECT entry_id FROM entry_labels WHERE label_id = l.id UNION SELECT entry_id FROM boxes WHERE label_id = l.id)) AS ImageCount,
              (SELECT count(*) FROM boxes WHERE label_id = l.id) AS BoxCount
       FROM labels l WHERE l.dataset_id = ? AND l.name = ?`,
    )
    .get(datasetId, name) as { ImageCount: number; BoxCount: number } | undefined ?? { ImageCount: 0, BoxCount: 0 };
}

export function renameLabel(db: Db, datasetId: number, from: string, to: string, nowMs: number): void {
  const label = sqlite(db).prepare('SELECT id FROM labels WHERE dataset_id = ? AND name = ?').get(datasetId, from) as { id: number } | undefined;
  if (!label) return;
  sqlite(db).prepare('UPDATE labels SET name = ? WHERE id = ?').run(to, label.id);
  sqlite(db).prepare(
    `UPDATE entries SET revision = revision + 1, updated_ms = ? WHERE id IN (
       SELECT entry_id FROM entry_labels WHERE label_id = @id UNION SELECT entry_id FROM boxes WHERE label_id = @id)`.replace(
      /@id/g,
      String(label.id),
    ),
  ).run(nowMs);
}

export function deleteLabelRow(db: Db, datasetId: number, name: string): void {
  sqlite(db).prepare('DELETE FROM labels WHERE dataset_id = ? AND name = ?').run(datasetId, name);
}

/** Every entry of a dataset, in id order (read a thousand at a time). */
export function allEntries(db: Db, datasetId: number): StoredEntry[] {
  const all: StoredEntry[] = [];
  let afterId: number | undefined;
  for (;;) {
    const page = listEntries(db, datasetId, { ...(afterId === undefined ? {} : { afterId }), limit: 1000 });
    all.push(...page);
    if (page.length < 1000) return all;
    afterId = page.at(-1)!.id;
  }
}

/** Whether any dataset has an entry for the image at `path`. */
export function isImportedPath(db: Db, path: string): boolean {
  return sqlite(db).prepare('SELECT 1 FROM entries WHERE path = ? LIMIT 1').get(path) !== undefined;
}

/** Where an entry's image is and its content hash (null until probed); undefined for no such entry. */
export function findEntryImage(db: Db, entryId: number): { path: string | null; hash: string | null } | undefined {
  return sqlite(db).prepare('SELECT path, content_hash AS hash FROM entries WHERE id = ?').get(entryId) as
    | { path: string | null; hash: string | null }
    | undefined;
}
