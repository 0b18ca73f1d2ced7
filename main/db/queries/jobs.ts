import type { JobStatus } from '../../../preload/contract';
import { sqlite, type Db } from '../handle';

export interface JobRow {
  id: number;
  kind: string;
  resourceArn: string | null;
  status: JobStatus;
  phase: string | null;
  progress: number;
  message: string | null;
  messageCode: string | null;
  messageParamsJson: string | null;
  inputJson: string | null;
  createdMs: number;
  updatedMs: number;
  finishedMs: number | null;
}

const columns = `id, kind, resource_arn AS resourceArn, status, phase, progress, message, message_code AS messageCode,
                 message_params_json AS messageParamsJson, input_json AS inputJson,
                 created_ms AS createdMs, updated_ms AS updatedMs, finished_ms AS finishedMs`;

export function insertJob(db: Db, job: { kind: string; resourceArn: string | null; inputJson: string | null; nowMs: number }): number {
  const { lastInsertRowid } = sqlite(db)
    .prepare(
      `INSERT INTO jobs (kind, resource_arn, status, input_json, created_ms, updated_ms)
       VALUES (@kind, @resourceArn, 'running', @inputJson, @nowMs, @nowMs)`,
    )
    .run(job);
  return Number(lastInsertRowid);
}

export function updateJob(
  db: Db,
  id: number,
  fields: {
    status?: JobStatus;
    phase?: string | null;
    progress?: number;
    message?: string | null;
    /** Set together with `message` when it is one of Loupe's coded sentences. */
    messageCode?: string | null;
    messageParamsJson?: string | null;
    nowMs: number;
    finished?: boolean;
  },
): void {
  sqlite(db).prepare(
    `UPDATE jobs SET status = coalesce(@status, status), phase = coalesce(@phase, phase),
            progress = coalesce(@progress, progress), message = coalesce(@message, message),
            message_code = CASE WHEN @message IS NULL THEN message_code ELSE @messageCode END,
            message_params_json = CASE WHEN @message IS NULL THEN message_params_json ELSE @messageParamsJson END,
            updated_ms = @nowMs, finished_ms = CASE WHEN @finished THEN @nowMs ELSE finished_ms END
     WHERE id = @id`,
  ).run({
    id,
    status: fields.status ?? null,
    phase: fields.phase ?? null,
    progress: fields.progress ?? null,
    message: fields.message ?? null,
    messageCode: fields.messageCode ?? null,
    messageParamsJson: fields.messageParamsJson ?? null,
    nowMs: fields.nowMs,
    finished: fields.finished ? 1 : 0,
  });
}

export function findJob(db: Db, id: number): JobRow | undefined {
  return sqlite(db).prepare(`SELECT ${columns} FROM jobs WHERE id = ?`).get(id) as JobRow | undefined;
}

export function listJobs(db: Db, filter: { resourceArn?: string; active?: boolean; limit: number }): JobRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.resourceArn !== undefined) {
    where.push('resource_arn = ?');
    params.push(filter.resourceArn);
  }
  if (filter.active !== undefined) where.push(filter.active ? `status IN ('queued', 'running')` : `status NOT IN ('queued', 'running')`);
  return sqlite(db)
    .prepare(`SELECT ${columns} FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
    .all(...params, filter.limit) as JobRow[];
}

/** Jobs a previous run of Loupe left unfinished. */
export function listUnfinishedJobs(db: Db): JobRow[] {
  return sqlite(db).prepare(`SELECT ${columns} FROM jobs WHERE status IN ('queued', 'running')`).all() as JobRow[];
}
