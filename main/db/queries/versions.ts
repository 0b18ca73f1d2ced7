import type { ProjectVersionStatus } from '../../../preload/contract';
import { sqlite, type Db } from '../handle';

export interface VersionSummaryRow {
  projectId: number;
  name: string;
  status: ProjectVersionStatus;
  statusMessage: string;
  f1Score: number | null;
  versionCount: number;
}

/** The newest version of each project with the project's version count (Projects screen). */
export function latestVersionPerProject(db: Db): VersionSummaryRow[] {
  return sqlite(db)
    .prepare(
      `SELECT v.project_id AS projectId, v.name, v.status, v.status_message AS statusMessage,
              e.f1_score AS f1Score,
              (SELECT count(*) FROM project_versions c WHERE c.project_id = v.project_id) AS versionCount
       FROM project_versions v
       LEFT JOIN evaluations e ON e.version_id = v.id
       WHERE v.id = (SELECT max(id) FROM project_versions m WHERE m.project_id = v.project_id)`,
    )
    .all() as VersionSummaryRow[];
}

/**
 * Per project, the trained version with the best F1 that can still run (trained, running,
 * stopped, copied), newest first among equals: what the project list offers as its model.
 */
export function bestUsableVersionPerProject(db: Db): Omit<VersionSummaryRow, 'versionCount'>[] {
  return sqlite(db)
    .prepare(
      `SELECT projectId, name, status, statusMessage, f1Score FROM (
         SELECT v.project_id AS projectId, v.name, v.status, v.status_message AS statusMessage, e.f1_score AS f1Score,
                row_number() OVER (PARTITION BY v.project_id ORDER BY e.f1_score DESC, v.id DESC) AS rank
         FROM project_versions v JOIN evaluations e ON e.version_id = v.id
         WHERE e.f1_score IS NOT NULL
           AND v.status IN ('TRAINING_COMPLETED', 'STARTING', 'RUNNING', 'STOPPING', 'STOPPED', 'COPYING_COMPLETED'))
       WHERE rank = 1`,
    )
    .all() as Omit<VersionSummaryRow, 'versionCount'>[];
}

export function listVersionArnsOfProject(db: Db, projectId: number): { id: number; arn: string; status: ProjectVersionStatus }[] {
  return sqlite(db).prepare('SELECT id, arn, status FROM project_versions WHERE project_id = ?').all(projectId) as {
    id: number;
    arn: string;
    status: ProjectVersionStatus;
  }[];
}

export function deleteVersionRow(db: Db, id: number): void {
  sqlite(db).prepare('DELETE FROM project_versions WHERE id = ?').run(id);
}

export function versionArnExists(db: Db, arn: string): boolean {
  return sqlite(db).prepare('SELECT 1 FROM project_versions WHERE arn = ?').get(arn) !== undefined;
}

export interface VersionRow {
  id: number;
  projectId: number;
  name: string;
  arn: string;
  createdMs: number;
  status: ProjectVersionStatus;
  statusMessage: string;
  description: string | null;
  outputBucket: string | null;
  outputPrefix: string | null;
  kmsKeyId: string | null;
  trainingEndMs: number | null;
  billableTrainingMs: number | null;
  minInferenceUnits: number | null;
  maxInferenceUnits: number | null;
  executionProvider: string | null;
  modelPath: string | null;
  snapshotJson: string | null;
  manifestSummaryJson: string | null;
  sourceVersionArn: string | null;
}

const versionColumns = `id, project_id AS projectId, name, arn, created_ms AS createdMs, status, status_message AS statusMessage,
  description, output_bucket AS outputBucket, output_prefix AS outputPrefix, kms_key_id AS kmsKeyId,
  training_end_ms AS trainingEndMs, billable_training_ms AS billableTrainingMs,
  min_inference_units AS minInferenceUnits, max_inference_units AS maxInferenceUnits,
  execution_provider AS executionProvider, model_path AS modelPath, snapshot_json AS snapshotJson,
  manifest_summary_json AS manifestSummaryJson, source_version_arn AS sourceVersionArn`;

export function insertVersion(
  db: Db,
  row: Pick<VersionRow, 'projectId' | 'name' | 'arn' | 'createdMs' | 'status' | 'statusMessage'> &
    Partial<Pick<VersionRow, 'description' | 'outputBucket' | 'outputPrefix' | 'kmsKeyId' | 'sourceVersionArn'>>,
): number {
  const { lastInsertRowid } = sqlite(db)
    .prepare(
      `INSERT INTO project_versions (project_id, name, arn, created_ms, status, status_message, description, output_bucket,
                                     output_prefix, kms_key_id, source_version_arn)
       VALUES (@projectId, @name, @arn, @createdMs, @status, @statusMessage, @description, @outputBucket, @outputPrefix,
               @kmsKeyId, @sourceVersionArn)`,
    )
    .run({ description: null, outputBucket: null, outputPrefix: null, kmsKeyId: null, sourceVersionArn: null, ...row });
  return Number(lastInsertRowid);
}

const updatable: Record<string, string> = {
  status: 'status',
  statusMessage: 'status_message',
  trainingEndMs: 'training_end_ms',
  billableTrainingMs: 'billable_training_ms',
  minInferenceUnits: 'min_inference_units',
  maxInferenceUnits: 'max_inference_units',
  executionProvider: 'execution_provider',
  modelPath: 'model_path',
  snapshotJson: 'snapshot_json',
  manifestSummaryJson: 'manifest_summary_json',
};

export function updateVersion(db: Db, id: number, fields: Partial<VersionRow>): void {
  const entries = Object.entries(fields).filter(([key]) => key in updatable);
  if (entries.length === 0) return;
  sqlite(db).prepare(`UPDATE project_versions SET ${entries.map(([key]) => `${updatable[key]} = @${key}`).join(', ')} WHERE id = @id`).run({
    ...Object.fromEntries(entries),
    id,
  });
}

export function findVersionByArn(db: Db, arn: string): VersionRow | undefined {
  return sqlite(db).prepare(`SELECT ${versionColumns} FROM project_versions WHERE arn = ?`).get(arn) as VersionRow | undefined;
}

export function findVersionByName(db: Db, projectId: number, name: string): VersionRow | undefined {
  return sqlite(db).prepare(`SELECT ${versionColumns} FROM project_versions WHERE project_id = ? AND name = ?`).get(projectId, name) as
    | VersionRow
    | undefined;
}

export function listVersions(db: Db, projectId: number, options: { names?: string[]; beforeId?: number; limit: number }): VersionRow[] {
  const where = ['project_id = ?'];
  const params: unknown[] = [projectId];
  if (options.names) {
    where.push(`name IN (${options.names.map(() => '?').join(', ')})`);
    params.push(...options.names);
  }
  if (options.beforeId !== undefined) {
    where.push('id < ?');
    params.push(options.beforeId);
  }
  return sqlite(db)
    .prepare(`SELECT ${versionColumns} FROM project_versions WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`)
    .all(...params, options.limit) as VersionRow[];
}

/** The project's newest version before `beforeId` that has a model file (trained, running, stopped, copied). */
export function latestTrainedVersion(db: Db, projectId: number, beforeId: number): VersionRow | undefined {
  return sqlite(db)
    .prepare(
      `SELECT ${versionColumns} FROM project_versions
       WHERE project_id = ? AND id < ? AND model_path IS NOT NULL
         AND status IN ('TRAINING_COMPLETED', 'STARTING', 'RUNNING', 'STOPPING', 'STOPPED', 'COPYING_COMPLETED')
       ORDER BY id DESC LIMIT 1`,
    )
    .get(projectId, beforeId) as VersionRow | undefined;
}

export function listVersionsWithStatus(db: Db, statuses: string[]): VersionRow[] {
  return sqlite(db)
    .prepare(`SELECT ${versionColumns} FROM project_versions WHERE status IN (${statuses.map(() => '?').join(', ')})`)
    .all(...statuses) as VersionRow[];
}

export interface EvaluationRow {
  versionId: number;
  f1Score: number | null;
  summaryPath: string | null;
  manifestPath: string | null;
  summaryJson: string | null;
  createdMs: number;
}

export function putEvaluation(db: Db, row: EvaluationRow): void {
  sqlite(db).prepare(
    `INSERT INTO evaluations (version_id, f1_score, summary_path, manifest_path, summary_json, created_ms)
     VALUES (@versionId, @f1Score, @summaryPath, @manifestPath, @summaryJson, @createdMs)
     ON CONFLICT (version_id) DO UPDATE SET f1_score = excluded.f1_score, summary_path = excluded.summary_path,
       manifest_path = excluded.manifest_path, summary_json = excluded.summary_json, created_ms = excluded.created_ms`,
  ).run(row);
}

export function findEvaluation(db: Db, versionId: number): EvaluationRow | undefined {
  return sqlite(db)
    .prepare(
      `SELECT version_id AS versionId, f1_score AS f1Score, summary_path AS summaryPath, manifest_path AS manifestPath,
              summary_json AS summaryJson, created_ms AS createdMs FROM evaluations WHERE version_id = ?`,
    )
    .get(versionId) as EvaluationRow | undefined;
}

export function openUsageInterval(db: Db, versionId: number, startMs: number, units: number): void {
  sqlite(db).prepare('INSERT INTO usage_intervals (version_id, start_ms, inference_units) VALUES (?, ?, ?)').run(versionId, startMs, units);
}

export function closeUsageIntervals(db: Db, versionId: number, endMs: number): void {
  sqlite(db).prepare('UPDATE usage_intervals SET end_ms = ? WHERE version_id = ? AND end_ms IS NULL').run(endMs, versionId);
}

export interface UsageIntervalRow {
  versionId: number;
  startMs: number;
  endMs: number | null;
  units: number;
}

/** Units in service over time, for the versions given (every version when none is). */
export function listUsageIntervals(db: Db, versionIds: readonly number[] | undefined): UsageIntervalRow[] {
  const rows = sqlite(db)
    .prepare('SELECT version_id AS versionId, start_ms AS startMs, end_ms AS endMs, inference_units AS units FROM usage_intervals ORDER BY version_id, start_ms')
    .all() as UsageIntervalRow[];
  return versionIds ? rows.filter((row) => versionIds.includes(row.versionId)) : rows;
}

export interface UsageCountRow {
  versionId: number;
  day: string;
  images: number;
  errors: number;
}

/** One more analysed image or failed request for the version on that UTC day. */
export function countUsage(db: Db, versionId: number, day: string, images: number, errors: number): void {
  sqlite(db).prepare(
    `INSERT INTO usage_counts (version_id, day, images, errors) VALUES (?, ?, ?, ?)
     ON CONFLICT (version_id, day) DO UPDATE SET images = images + excluded.images, errors = errors + excluded.errors`,
  ).run(versionId, day, images, errors);
}

export function listUsageCounts(db: Db, versionIds: readonly number[] | undefined): UsageCountRow[] {
  const rows = sqlite(db).prepare('SELECT version_id AS versionId, day, images, errors FROM usage_counts ORDER BY version_id, day').all() as UsageCountRow[];
  return versionIds ? rows.filter((row) => versionIds.includes(row.versionId)) : rows;
}

/** Every version's id, ARN and project, for reports across projects. */
export function listVersionArns(db: Db): { id: number; arn: string; projectId: number }[] {
  return sqlite(db).prepare('SELECT id, arn, project_id AS projectId FROM project_versions ORDER BY id').all() as { id: number; arn: string; projectId: number }[];
}

/** How many versions are being copied into the project `projectArn` now. */
export function countCopiesInto(db: Db, projectArn: string): number {
  const row = sqlite(db)
    .prepare(`SELECT count(*) AS n FROM project_versions v JOIN projects p ON p.id = v.project_id WHERE p.arn = ? AND v.status = 'COPYING_IN_PROGRESS'`)
    .get(projectArn) as { n: number };
  return row.n;
}
