/**
 * Project policies (PutProjectPolicy, ListProjectPolicies, DeleteProjectPolicy) with the guide's
 * rules (L14374–15785): required Effect, Principal, Action and Resource; the only action is
 * rekognition:CopyProjectVersion; no NotAction/NotResource/NotPrincipal; at most 5 per project;
 * only the latest revision is kept, and changing or deleting an older one is refused.
 * `copyAllowed` evaluates them for CopyProjectVersion: an explicit Deny wins.
 */
import { randomBytes } from 'node:crypto';
import type { OutputOf, ProjectPolicy } from '../../preload/contract';
import type { DeleteProjectPolicyInput, ListProjectPoliciesInput, PutProjectPolicyInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { apiError, type ServiceError } from '../errors';
import { epochSeconds, offsetPage } from '../paging';
import { requireProject } from './index';

export const MAX_POLICIES_PER_PROJECT = 5;
const COPY_ACTION = 'rekognition:CopyProjectVersion';

interface Statement {
  Effect: 'Allow' | 'Deny';
  Principal: unknown;
  Action: string | string[];
  Resource: string | string[];
}

function malformed(message: string): ServiceError {
  return apiError('MalformedPolicyDocumentException', message);
}

export function parsePolicy(document: string): Statement[] {
  let json: unknown;
  try {
    json = JSON.parse(document);
  } catch {
    throw malformed('The policy document is not valid JSON.');
  }
  const raw = (json as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (statements.length === 0) throw malformed('The policy document has no Statement.');
  return statements.map((statement: unknown, i) => {
    const s = statement as Record<string, unknown>;
    for (const forbidden of ['NotAction', 'NotResource', 'NotPrincipal']) {
      if (forbidden in s) throw malformed(`Statement ${i + 1}: ${forbidden} is not supported.`);
    }
    for (const required of ['Effect', 'Principal', 'Action', 'Resource']) {
      if (!(required in s)) throw malformed(`Statement ${i + 1} needs ${required}.`);
    }
    const effect = String(s.Effect).toLowerCase();
    if (effect !== 'allow' && effect !== 'deny') throw malformed(`Statement ${i + 1}: Effect must be Allow or Deny.`);
    const actions = ([] as unknown[]).concat(s.Action);
    if (!actions.every((a) => a === COPY_ACTION)) throw malformed(`Statement ${i + 1}: the only supported action is ${COPY_ACTION}.`);
    const resources = ([] as unknown[]).concat(s.Resource);
    if (!resources.every((r) => typeof r === 'string')) throw malformed(`Statement ${i + 1}: Resource must be ARNs.`);
    return { Effect: effect === 'allow' ? 'Allow' : 'Deny', Principal: s.Principal, Action: actions as string[], Resource: resources as string[] };
  });
}

function toPolicy(project: q.ProjectRow, row: q.PolicyRow): ProjectPolicy {
  return {
    ProjectArn: project.arn,
    PolicyName: row.name,
    PolicyRevisionId: row.revisionId,
    PolicyDocument: row.document,
    CreationTimestamp: epochSeconds(row.createdMs),
    LastUpdatedTimestamp: epochSeconds(row.updatedMs),
  };
}

export function putProjectPolicy(ctx: Context, input: PutProjectPolicyInput): OutputOf<'PutProjectPolicy'> {
  parsePolicy(input.PolicyDocument);
  const revisionId = randomBytes(16).toString('hex');
  transaction(ctx.db, () => {
    const project = requireProject(ctx, input.ProjectArn);
    const existing = q.findPolicy(ctx.db, project.id, input.PolicyName);
    if (existing && existing.revisionId !== input.PolicyRevisionId) {
      throw apiError(
        'InvalidPolicyRevisionIdException',
        `The policy ${input.PolicyName} has revision ${existing.revisionId}; pass it as PolicyRevisionId to change the policy.`,
      );
    }
    if (!existing && input.PolicyRevisionId !== undefined) {
      throw apiError('InvalidPolicyRevisionIdException', `There is no policy ${input.PolicyName} to revise; leave PolicyRevisionId out to create it.`);
    }
    if (!existing && q.listPolicies(ctx.db, project.id).length >= MAX_POLICIES_PER_PROJECT) {
      throw apiError('LimitExceededException', `A project can have at most ${MAX_POLICIES_PER_PROJECT} policies.`);
    }
    const now = ctx.now();
    q.putPolicy(ctx.db, {
      projectId: project.id,
      name: input.PolicyName,
      document: input.PolicyDocument,
      revisionId,
      createdMs: existing?.createdMs ?? now,
      updatedMs: now,
    });
  });
  return { PolicyRevisionId: revisionId };
}

export function listProjectPolicies(ctx: Context, input: ListProjectPoliciesInput): OutputOf<'ListProjectPolicies'> {
  const project = requireProject(ctx, input.ProjectArn);
  const all = q.listPolicies(ctx.db, project.id);
  const { page, next } = offsetPage(all, input.NextToken, input.MaxResults ?? 5);
  return { ProjectPolicies: page.map((row) => toPolicy(project, row)), ...next };
}

export function deleteProjectPolicy(ctx: Context, input: DeleteProjectPolicyInput): OutputOf<'DeleteProjectPolicy'> {
  transaction(ctx.db, () => {
    const project = requireProject(ctx, input.ProjectArn);
    const existing = q.findPolicy(ctx.db, project.id, input.PolicyName);
    if (!existing) throw apiError('ResourceNotFoundException', `The project ${project.name} has no policy ${input.PolicyName}; ListProjectPolicies lists its policies.`);
    if (input.PolicyRevisionId !== undefined && input.PolicyRevisionId !== existing.revisionId) {
      throw apiError('InvalidPolicyRevisionIdException', `PolicyRevisionId ${input.PolicyRevisionId} is not the current revision of ${input.PolicyName} (${existing.revisionId}); pass that one, or leave PolicyRevisionId out.`);
    }
    q.deletePolicy(ctx.db, project.id, input.PolicyName);
  });
  return {};
}

/** `*` in a Resource matches any run of characters. */
function resourceMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(arn);
}

/**
 * Whether the local caller (the one account of this workstation) may copy `versionArn` out of
 * `project`. No policy: allowed, as for same-account copies. With policies: a matching Deny
 * refuses; otherwise allowed.
 */
export function copyAllowed(ctx: Context, project: q.ProjectRow, versionArn: string): boolean {
  const statements = q.listPolicies(ctx.db, project.id).flatMap((row) => parsePolicy(row.document));
  return !statements.some(
    (s) => s.Effect === 'Deny' && ([] as string[]).concat(s.Resource).some((resource) => resourceMatches(resource, versionArn)),
  );
}
