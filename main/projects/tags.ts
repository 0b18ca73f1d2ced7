/** Tags on projects, datasets and model versions (TagResource, UntagResource, ListTagsForResource). */
import type { OutputOf } from '../../preload/contract';
import type { ListTagsForResourceInput, TagResourceInput, UntagResourceInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import { resourceKind } from '../arn';
import { transaction } from '../db';
import * as q from '../db/queries';
import { codedError, notFound } from '../errors';

/** The service allows 50 user tags per resource. */
export const MAX_TAGS_PER_RESOURCE = 50;

function requireResource(ctx: Context, arn: string): void {
  const kind = resourceKind(arn);
  const exists =
    (kind === 'project' && q.findProjectByArn(ctx.db, arn) !== undefined) ||
    (kind === 'dataset' && q.findDatasetByArn(ctx.db, arn) !== undefined) ||
    (kind === 'version' && q.versionArnExists(ctx.db, arn));
  if (!exists) throw notFound(kind ?? 'resource', arn);
}

export function tagResource(ctx: Context, input: TagResourceInput): OutputOf<'TagResource'> {
  transaction(ctx.db, () => {
    requireResource(ctx, input.ResourceArn);
    const merged = { ...q.listTags(ctx.db, input.ResourceArn), ...input.Tags };
    if (Object.keys(merged).length > MAX_TAGS_PER_RESOURCE) {
      throw codedError('ServiceQuotaExceededException', 'TooManyTags', { max: MAX_TAGS_PER_RESOURCE, count: Object.keys(merged).length });
    }
    q.upsertTags(ctx.db, input.ResourceArn, input.Tags);
  });
  ctx.events.resourcesChanged(input.ResourceArn);
  return {};
}

export function untagResource(ctx: Context, input: UntagResourceInput): OutputOf<'UntagResource'> {
  transaction(ctx.db, () => {
    requireResource(ctx, input.ResourceArn);
    q.deleteTags(ctx.db, input.ResourceArn, input.TagKeys);
  });
  ctx.events.resourcesChanged(input.ResourceArn);
  return {};
}

export function listTagsForResource(ctx: Context, input: ListTagsForResourceInput): OutputOf<'ListTagsForResource'> {
  requireResource(ctx, input.ResourceArn);
  return { Tags: q.listTags(ctx.db, input.ResourceArn) };
}
