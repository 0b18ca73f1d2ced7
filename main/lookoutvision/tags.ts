/**
 * Tags on Lookout for Vision projects and models, stored under the service's ARNs
 * (`arn:aws:lookoutvision:<region>:<account>:project/<name>`, `…:model/<project>/<version>`).
 */
import type { z } from 'zod';
import type { OutputOf } from '../../preload/contract';
import type * as lv from '../../preload/contract/lookoutvision';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { codedError } from '../errors';
import { lookoutVisionModelArn } from './models';
import { requireAnomalyProject } from './projects';

/** The ARN as stored, once the resource it names is known to exist. */
function requireResource(ctx: Context, arn: string): string {
  const match = /^arn:aws:lookoutvision:[^:]*:[^:]*:(project\/([^/]+)|model\/([^/]+)\/([^/]+))$/.exec(arn);
  if (!match) throw codedError('ValidationException', 'LfvNotAnArn', { arn });
  const notFound = () => codedError('ResourceNotFoundException', 'LfvResourceNotFound', { arn });
  const projectName = match[2] ?? match[3]!;
  let project;
  try {
    project = requireAnomalyProject(ctx, projectName);
  } catch {
    throw notFound();
  }
  if (match[4] !== undefined && !q.listVersions(ctx.db, project.id, { limit: 1_000_000 }).some((v) => v.name === match[4])) throw notFound();
  return match[4] !== undefined ? lookoutVisionModelArn(ctx, projectName, match[4]) : arn.replace(/^(arn:aws:lookoutvision:)[^:]*:[^:]*:/, `$1${ctx.identity.region}:${ctx.identity.account}:`);
}

export function tagResource(ctx: Context, input: z.output<typeof lv.TagResourceInput>): OutputOf<'LookoutVisionTagResource'> {
  const arn = requireResource(ctx, input.ResourceArn);
  const existing = q.listTags(ctx.db, arn);
  const added = input.Tags.filter((tag) => !(tag.Key in existing)).length;
  if (Object.keys(existing).length + added > 200) {
    throw codedError('ServiceQuotaExceededException', 'LfvTooManyTags', { max: 200 });
  }
  q.upsertTags(ctx.db, arn, Object.fromEntries(input.Tags.map((tag) => [tag.Key, tag.Value])));
  return {};
}

export function untagResource(ctx: Context, input: z.output<typeof lv.UntagResourceInput>): OutputOf<'LookoutVisionUntagResource'> {
  q.deleteTags(ctx.db, requireResource(ctx, input.ResourceArn), input.TagKeys);
  return {};
}

export function listTagsForResource(ctx: Context, input: z.output<typeof lv.ResourceArnInput>): OutputOf<'LookoutVisionListTagsForResource'> {
  const tags = q.listTags(ctx.db, requireResource(ctx, input.ResourceArn));
  return { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}
