import type { Db } from '../index';

export interface ProjectRow {
  id: number;
  name: string;
  arn: string;
  createdMs: number;
  status: 'CREATING' | 'CREATED' | 'DELETING';
  feature: 'CUSTOM_LABELS' | 'CONTENT_MODERATION';
  autoUpdate: 'ENABLED' | 'DISABLED' | null;
}

const columns = `id, name, arn, created_ms AS createdMs, status, feature, auto_update AS autoUpdate`;

export function insertProject(db: Db, project: Omit<ProjectRow, 'id'>): ProjectRow {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO projects (name, arn, created_ms, status, feature, auto_update)
       VALUES (@name, @arn, @createdMs, @status, @feature, @autoUpdate)`,
    )
    .run(project);
  return { id: Number(lastInsertRowid), ...project };
}

export function findProjectByArn(db: Db, arn: string): ProjectRow | undefined {
  return db.prepare(`SELECT ${columns} FROM projects WHERE arn = ?`).get(arn) as ProjectRow | undefined;
}

export function findProjectById(db: Db, id: number): ProjectRow | undefined {
  return db.prepare(`SELECT ${columns} FROM projects WHERE id = ?`).get(id) as ProjectRow | undefined;
}

export function findProjectByName(db: Db, name: string): ProjectRow | undefined {
  return db.prepare(`SELECT ${columns} FROM projects WHERE name = ?`).get(name) as ProjectRow | undefined;
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
  return db.prepare(sql).all(...params, options.limit) as ProjectRow[];
}

export function deleteProjectRow(db: Db, id: number): void {
  db.prepare('DELETE FROM projects WHERE id = ?').run(id);
}

export function countProjectChildren(db: Db, id: number): { datasets: number; versions: number } {
  return db
    .prepare(
      `SELECT (SELECT count(*) FROM datasets WHERE project_id = @id) AS datasets,
              (SELECT count(*) FROM project_versions WHERE project_id = @id) AS versions`,
    )
    .get({ id }) as { datasets: number; versions: number };
}
