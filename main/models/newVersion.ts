/**
 * A new version row in a project — trained, copied or imported alike: its name must be new in the
 * project, its ARN has the service's shape, and its files go to OutputConfig's bucket and prefix
 * (Loupe's own bucket by default). Call inside the caller's transaction.
 */
import type { ProjectVersionStatus } from '../../preload/contract';
import type { Context } from '../core/context';
import { versionArn } from '../arn';
import * as q from '../db/queries';
import { codedError } from '../errors';
import { DEFAULT_OUTPUT_BUCKET } from './output';

export interface NewVersion {
  project: q.ProjectRow;
  name: string;
  createdMs: number;
  status: ProjectVersionStatus;
  statusMessage: string;
  outputConfig?: { S3Bucket?: string | undefined; S3KeyPrefix?: string | undefined } | undefined;
  kmsKeyId?: string | undefined;
  description?: string | undefined;
  sourceVersionArn?: string | undefined;
  tags?: Record<string, string> | undefined;
}

export function insertNewVersion(ctx: Context, version: NewVersion): q.VersionRow {
  const { project, name } = version;
  if (q.findVersionByName(ctx.db, project.id, name)) {
    throw codedError('ResourceInUseException', 'VersionNameTaken', { project: project.name, name });
  }
  const arn = versionArn(project.arn, name, version.createdMs);
  q.insertVersion(ctx.db, {
    projectId: project.id,
    name,
    arn,
    createdMs: version.createdMs,
    status: version.status,
    statusMessage: version.statusMessage,
    description: version.description ?? null,
    outputBucket: version.outputConfig?.S3Bucket ?? DEFAULT_OUTPUT_BUCKET,
    outputPrefix: version.outputConfig?.S3KeyPrefix ?? '',
    kmsKeyId: version.kmsKeyId ?? null,
    sourceVersionArn: version.sourceVersionArn ?? null,
  });
  if (version.tags) q.upsertTags(ctx.db, arn, version.tags);
  return q.findVersionByArn(ctx.db, arn)!;
}
