import type { DatasetStats, DatasetStatus, DatasetStatusMessageCode } from '../../../preload/contract';
import { sqlite, type Db } from '../handle';

export interface DatasetRow {
  id: number;
  projectId: number;
  type: 'TRAIN' | 'TEST';
  arn: string;
  createdMs: number;
  updatedMs: number;
  status: DatasetStatus;
  statusMessage: string;
  statusMessageCode: DatasetStatusMessageCode;
}

const columns = `id, project_id AS projectId, type, arn, created_ms AS createdMs, updated_ms AS updatedMs,
                 status, status_message AS statusMessage, status_message_code AS statusMessageCode`;

export function insertDataset(db: Db, dataset: Omit<DatasetRow, 'id'>): DatasetRow {
  const { lastInsertRowid } = sqlite(db)
    .prepare(
      `INSERT INTO datasets (project_id, type, arn, created_ms, updated_ms, status, status_message, status_message_code)
       VALUES (@projectId, @type, @arn, @createdMs, @updatedMs, @status, @statusMessage, @statusMessageCode)`,
    )
    .run(dataset);
  return { id: Number(lastInsertRowid), ...dataset };
}

export function findDatasetByArn(db: Db, arn: string): DatasetRow | undefined {
  return sqlite(db).prepare(`SELECT ${columns} FROM datasets WHERE arn = ?`).get(arn) as DatasetRow | undefined;
}

export function findDatasetOfType(db: Db, projectId: number, type: 'TRAIN' | 'TEST'): DatasetRow | undefined {
  return sqlite(db).prepare(`SELECT ${columns} FROM datasets WHERE project_id = ? AND type = ?`).get(projectId, type) as
    | DatasetRow
    | undefined;
}

export function listDatasetsOfProject(db: Db, projectId: number): DatasetRow[] {
  return sqlite(db).prepare(`SELECT ${columns} FROM datasets WHERE project_id = ? ORDER BY type DESC`).all(projectId) as DatasetRow[];
}

export function setDatasetStatus(
  db: Db,
  id: number,
  status: DatasetStatus,
  statusMessage: string,
  statusMessageCode: DatasetStatusMessageCode,
  updatedMs: number,
): void {
  sqlite(db).prepare(
    `UPDATE datasets SET status = ?, status_message = ?, status_message_code = ?, updated_ms = ? WHERE id = ?`,
  ).run(status, statusMessage, statusMessageCode, updatedMs, id);
}

/** The dataset changed without a status change (a watched folder wrote to it). */
export function touchDataset(db: Db, id: number, updatedMs: number): void {
  sqlite(db).prepare('UPDATE datasets SET updated_ms = MAX(updated_ms, ?) WHERE id = ?').run(updatedMs, id);
}

export function deleteDatasetRow(db: Db, id: number): void {
  sqlite(db).prepare('DELETE FROM datasets WHERE id = ?').run(id);
}

export function datasetStats(db: Db, id: number): DatasetStats {
  return sqlite(db)
    .prepare(
      `SELECT
         (SELECT count(*) FROM entries e WHERE e.dataset_id = @id
            AND (EXISTS (SELECT 1 FROM entry_labels l WHERE l.entry_id = e.id)
                 OR EXISTS (SELECT 1 FROM boxes b WHERE b.entry_id = e.id)))           AS LabeledEntries,
         (SELECT count(*) FROM entries WHERE dataset_id = @id)                         AS TotalEntries,
         (SELECT count(*) FROM labels WHERE dataset_id = @id)                          AS TotalLabels,
         (SELECT count(*) FROM entries e WHERE e.dataset_id = @id
            AND EXISTS (SELECT 1 FROM entry_errors x WHERE x.entry_id = e.id
                        AND substr(x.code, 1, 8) <> 'WARNING_'))                AS ErrorEntries`,
    )
    .get({ id }) as DatasetStats;
}

/** Datasets an import, a copy or a deletion was writing to (at start-up: those a stopped run left). */
export function listBusyDatasets(db: Db): { arn: string; status: string }[] {
  return sqlite(db)
    .prepare(`SELECT arn, status FROM datasets WHERE status IN ('CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'DELETE_IN_PROGRESS')`)
    .all() as { arn: string; status: string }[];
}
