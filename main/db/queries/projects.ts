import { sqlite, type Db } from '../handle';

export interface ProjectRow {
  id: number;
  name: string;
  arn: string;
  createdMs: number;
  status: 'CREATING' | 'CREATED' | 'DELETING';
  feature: 'CUSTOM_LABELS' | 'CONTENT_MODERATION' | 'ANOMALY_DETECTION';
  autoUpdate: 'ENABLED' | 'DISABLED' | null;
}

const columns = `id, name, arn, created_ms AS createdMs, status, feature, auto_update AS autoUpdate`;

export function insertProject(db: Db, project: Omit<ProjectRow, 'id'>): ProjectRow {
  const { lastInsertRowid } = sqlite(db)
    .prepare(
      `INSERT INTO projects (name, arn, created_ms, status, feature, auto_update)
       VALUES (@name, @arn, @createdMs, @status, @feature, @autoUpdate)`,
    )
    .run(project);
  return { id: Number(lastInsertRowid), ...project };
}

export function findProjectByArn(db: Db, arn: string): ProjectRow | undefined {
  return sqlite(db).prepare(`SELECT ${columns} FROM projects WHERE arn = ?`).get(arn) as ProjectRow | undefined;
}

export function findProjectById(db: Db, id: number): ProjectRow | undefined {
  return sqlite(db).prepare(`SELECT ${columns} FROM projects WHERE id = ?`).get(id) as ProjectRow | undefined;
}

export function findProjectByName(db: Db, name: string): ProjectRow | undefined {
  return sqlite(db).prepare(`SELECT ${columns} FROM projects WHERE name = ?`).get(name) as ProjectRow | undefined;
}

/** Projects in creation order, newest first, after the row `afterId` (keyset paging). */
export function listProjects(
  db: Db,
  options: { names?: string[]; features?: string[]; limit: number; beforeId?: number },
): ProjectRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (options.names) {
    where.push(`name IN (${options.names.map(() => '?').join(', ')})`);
    params.push(...options.names);
  }
  if (options.features) {
    where.push(`feature IN (${options.features.map(() => '?').join(', ')})`);
    params.push(...options.features);
  }
  if (options.beforeId !== undefined) {
    where.push('id < ?');
    params.push(options.beforeId);
  }
  const sql = `SELECT ${columns} FROM projects ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
               ORDER BY id DESC LIMIT ?`;
  return sqlite(db).prepare(sql).all(...params, options.limit) as ProjectRow[];
}

export function setProjectStatus(db: Db, id: number, status: ProjectRow['status']): void {
  sqlite(db).prepare('UPDATE projects SET status = ? WHERE id = ?').run(status, id);
}

export function listProjectsWithStatus(db: Db, statuses: ProjectRow['status'][]): ProjectRow[] {
  return sqlite(db).prepare(`SELECT ${columns} FROM projects WHERE status IN (${statuses.map(() => '?').join(', ')})`).all(...statuses) as ProjectRow[];
}

export function deleteProjectRow(db: Db, id: number): void {
  sqlite(db).prepare('DELETE FROM projects WHERE id = ?').run(id);
}

export function countProjectChildren(db: Db, id: number): { datasets: number; versions: number } {
  return sqlite(db)
    .prepare(
      `SELECT (SELECT count(*) FROM datasets WHERE project_id = @id) AS datasets,
              (SELECT count(*) FROM project_versions WHERE project_id = @id) AS versions`,
    )
    .get({ id }) as { datasets: number; versions: number };
}

export interface PolicyRow {
  id: number;
  projectId: number;
  name: string;
  document: string;
  revisionId: string;
  createdMs: number;
  updatedMs: number;
}

const policyColumns = `id, project_id AS projectId, name, document, revision_id AS revisionId, created_ms AS createdMs,
                       updated_ms AS updatedMs`;

export function listPolicies(db: Db, projectId: number): PolicyRow[] {
  return sqlite(db).prepare(`SELECT ${policyColumns} FROM project_policies WHERE project_id = ? ORDER BY name`).all(projectId) as PolicyRow[];
}

export function findPolicy(db: Db, projectId: number, name: string): PolicyRow | undefined {
  return sqlite(db).prepare(`SELECT ${policyColumns} FROM project_policies WHERE project_id = ? AND name = ?`).get(projectId, name) as
    | PolicyRow
    | undefined;
}

export function putPolicy(db: Db, row: Omit<PolicyRow, 'id'>): void {
  sqlite(db).prepare(
    `INSERT INTO project_policies (project_id, name, document, revision_id, created_ms, updated_ms)
     VALUES (@projectId, @name, @document, @revisionId, @createdMs, @updatedMs)
     ON CONFLICT (project_id, name) DO UPDATE SET document = excluded.document, revision_id = excluded.revision_id,
       updated_ms = excluded.updated_ms`,
  ).run(row);
}

export function deletePolicy(db: Db, projectId: number, name: string): void {
  sqlite(db).prepare('DELETE FROM project_policies WHERE project_id = ? AND name = ?').run(projectId, name);
}
