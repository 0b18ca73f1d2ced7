import type { ProjectVersionStatus } from '../../../preload/contract';
import type { Db } from '../index';

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
  return db
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

export function listVersionArnsOfProject(db: Db, projectId: number): { id: number; arn: string; status: ProjectVersionStatus }[] {
  return db.prepare('SELECT id, arn, status FROM project_versions WHERE project_id = ?').all(projectId) as {
    id: number;
    arn: string;
    status: ProjectVersionStatus;
  }[];
}

export function deleteVersionRow(db: Db, id: number): void {
  db.prepare('DELETE FROM project_versions WHERE id = ?').run(id);
}

export function versionArnExists(db: Db, arn: string): boolean {
  return db.prepare('SELECT 1 FROM project_versions WHERE arn = ?').get(arn) !== undefined;
}
