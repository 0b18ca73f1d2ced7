/**
 * A kiosk on the factory floor: `loupe serve --kiosk-model <arn>` prints a link that opens the
 * kiosk screen for that one model, and the browser that opens it may analyse images with that
 * model and nothing else — no credentials, no settings, no other project or model.
 *
 * Why a one-time code and a cookie, not the token in the link: the printed link ends up in shell
 * history, screenshots, chat messages and the kiosk browser's history. It carries only a code
 * (`/#kiosk-code=…`, in the fragment, so it is never sent in a request line or logged) that the
 * page trades once at `POST /kiosk/session` for the kiosk token; a second use, or a use after
 * KIOSK_CODE_TTL_MS, is refused. The token then lives in an HttpOnly, SameSite=Strict cookie
 * (Secure over HTTPS, with the `__Host-` prefix so no other name can set it): page script cannot
 * read it, so nothing injected into the page can carry it off, and other sites cannot send it
 * (SameSite, plus the server's Origin check on every POST and the JSON 1.1 content type that
 * needs a CORS preflight Loupe never grants). The token is valid for the server's lifetime.
 * Cookies are not kept apart by port: another server on the same host name sees it, so a kiosk
 * browser should browse Loupe only.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { EventName } from '../../preload/contract';
import { codedError } from '../errors';
import { readBody } from './body';
import { parseJsonBody, sendError, sendJson } from './json11';
import { constantTimeEqual } from './sigv4';

/** An unused kiosk link is good for this long after the server starts. */
export const KIOSK_CODE_TTL_MS = 60 * 60_000;
const MAX_KIOSK_BODY_BYTES = 4 * 1024;

export interface KioskGrant {
  token: string;
  projectVersionArn: string;
  projectName: string;
  versionName: string;
  /** `arn:…:project/<name>/` — every ARN of the model's project starts so. */
  projectArnPrefix: string;
  code: string;
  codeExpiresMs: number;
  codeUsed: boolean;
}

const VERSION_ARN = /^(arn:aws:rekognition:[^:]+:[^:]+:project\/([^/]+)\/)version\/([^/]+)\/\d+$/;

export function createKioskGrant(projectVersionArn: string, nowMs: number): KioskGrant {
  const parts = VERSION_ARN.exec(projectVersionArn);
  if (!parts) throw new Error(`--kiosk-model needs a model version ARN (arn:aws:rekognition:…:project/<name>/version/<name>/<ms>), got ${projectVersionArn}.`);
  return {
    token: randomBytes(32).toString('base64url'),
    projectVersionArn,
    projectArnPrefix: parts[1]!,
    projectName: parts[2]!,
    versionName: parts[3]!,
    code: randomBytes(24).toString('base64url'),
    codeExpiresMs: nowMs + KIOSK_CODE_TTL_MS,
    codeUsed: false,
  };
}

/** The route of the kiosk screen in the web UI (renderer/lib/routes.ts kioskPath). */
export function kioskRoute(grant: KioskGrant): string {
  return `/kiosk/${encodeURIComponent(grant.projectName)}/${encodeURIComponent(grant.versionName)}`;
}

export function kioskCookieName(secure: boolean): string {
  return secure ? '__Host-loupe-kiosk' : 'loupe-kiosk';
}

/** Whether the request carries this grant's cookie. */
export function hasKioskCookie(headers: IncomingHttpHeaders, grant: KioskGrant | undefined, secure: boolean): boolean {
  if (!grant) return false;
  const name = kioskCookieName(secure);
  for (const part of (headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name && constantTimeEqual(part.slice(eq + 1).trim(), grant.token)) return true;
  }
  return false;
}

type Check = (input: Record<string, unknown>, grant: KioskGrant) => boolean;

const only = (input: Record<string, unknown>, keys: readonly string[]) => Object.keys(input).every((key) => keys.includes(key));
const isExactly = (value: unknown, expected: string) => Array.isArray(value) && value.length === 1 && value[0] === expected;

/**
 * What the kiosk screen calls, and nothing more: analyse with the model, read that model's
 * project, version and evaluation (its labels), the language, and check the exit PIN.
 */
const KIOSK_OPERATIONS: Record<string, Check> = {
  // Bytes only: an S3Object would let the kiosk read files from the folders Loupe maps.
  DetectCustomLabels: (input, grant) =>
    only(input, ['ProjectVersionArn', 'Image', 'MinConfidence', 'MaxResults']) &&
    input.ProjectVersionArn === grant.projectVersionArn &&
    typeof input.Image === 'object' &&
    input.Image !== null &&
    only(input.Image as Record<string, unknown>, ['Bytes']),
  DescribeEvaluation: (input, grant) => only(input, ['ProjectVersionArn']) && input.ProjectVersionArn === grant.projectVersionArn,
  DescribeProjects: (input, grant) => only(input, ['ProjectNames', 'MaxResults']) && isExactly(input.ProjectNames, grant.projectName),
  DescribeProjectVersions: (input, grant) =>
    only(input, ['ProjectArn', 'VersionNames', 'MaxResults']) &&
    typeof input.ProjectArn === 'string' &&
    input.ProjectArn.startsWith(grant.projectArnPrefix) &&
    /^\d+$/.test(input.ProjectArn.slice(grant.projectArnPrefix.length)) &&
    isExactly(input.VersionNames, grant.versionName),
  GetSettings: (input) => only(input, []),
  VerifyKioskPin: (input) => only(input, ['Pin']),
};

/** Refuse what a kiosk may not do. */
export function checkKioskCall(grant: KioskGrant, operation: string, input: Record<string, unknown>): void {
  const check = Object.hasOwn(KIOSK_OPERATIONS, operation) ? KIOSK_OPERATIONS[operation] : undefined;
  if (!check?.(input, grant)) {
    throw codedError('AccessDeniedException', 'KioskOperationDenied', { model: grant.projectVersionArn, operation });
  }
}

/**
 * The events a kiosk page may follow: a changed language or PIN, and changes to its own model
 * (started, stopped) — a ResourcesChanged that names only that model and its project.
 */
export function isKioskEvent(grant: KioskGrant): (name: EventName, payload: unknown) => boolean {
  const isOwn = (arn: string) =>
    arn === grant.projectVersionArn || (arn.startsWith(grant.projectArnPrefix) && /^\d+$/.test(arn.slice(grant.projectArnPrefix.length)));
  return (name, payload) => {
    if (name === 'SettingsChanged') return true;
    if (name !== 'ResourcesChanged') return false;
    const arns = (payload as { ResourceArns?: unknown }).ResourceArns;
    return Array.isArray(arns) && arns.length > 0 && arns.every((arn) => typeof arn === 'string' && isOwn(arn));
  };
}

/**
 * `POST /kiosk/session {Code}` trades the link's one-time code for the kiosk cookie and answers
 * `{ProjectVersionArn, Route}`; `DELETE /kiosk/session` (leaving the kiosk) drops the cookie.
 */
export async function handleKioskSession(req: IncomingMessage, res: ServerResponse, grant: KioskGrant | undefined, secure: boolean, nowMs: number): Promise<void> {
  const name = kioskCookieName(secure);
  const attributes = `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  if (req.method === 'DELETE') {
    res.setHeader('Set-Cookie', `${name}=; ${attributes}; Max-Age=0`);
    sendJson(res, 200, {}, 'application/json');
    return;
  }
  const input = parseJsonBody(await readBody(req, MAX_KIOSK_BODY_BYTES));
  if (typeof input.Code !== 'string') {
    sendError(res, 'ValidationException', 'Send {"Code": "..."} from the kiosk link.');
    return;
  }
  if (!grant || grant.codeUsed || nowMs > grant.codeExpiresMs || !constantTimeEqual(input.Code, grant.code)) {
    sendError(
      res,
      'AccessDeniedException',
      'This kiosk link is not valid: it was already used, has expired, or belongs to another start of Loupe. Start `loupe serve --kiosk-model` again for a new one.',
    );
    return;
  }
  grant.codeUsed = true;
  res.setHeader('Set-Cookie', `${name}=${grant.token}; ${attributes}`);
  res.setHeader('Cache-Control', 'no-store');
  sendJson(res, 200, { ProjectVersionArn: grant.projectVersionArn, Route: kioskRoute(grant) }, 'application/json');
}
