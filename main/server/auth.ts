/**
 * Who may call the API: a request signed with SigV4 against the local credentials (SDKs, CLI),
 * or the web UI holding the session token (`Authorization: Bearer <token>`). The web UI gets the
 * token from whoever started the server (the `loupe serve` URL) or by signing in with the local
 * credentials through `POST /session`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { apiError, codedError } from '../errors';
import type { KioskGrant } from './kiosk';
import type { Credentials } from '../home';
import { readBody } from './body';
import { parseJsonBody, sendError, sendJson } from './json11';
import {
  checkSigV4Claim,
  constantTimeEqual,
  verifySigV4,
  type SigV4Claim,
  type SignableRequest,
} from './sigv4';

const MAX_SESSION_BODY_BYTES = 16 * 1024;

export type Caller = { kind: 'session' } | { kind: 'kiosk' } | { kind: 'sigv4'; claim: SigV4Claim };

/** 32 random bytes, base64url: the web UI's bearer token for this server's lifetime. */
export function createSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Identify the caller from the headers alone, before the body is read. */
export function identifyCaller(
  headers: IncomingHttpHeaders,
  credentials: Credentials,
  sessionToken: string,
  nowMs: number,
  kiosk?: KioskGrant,
  hasKioskCookie = false,
): Caller {
  const authorization = headers.authorization;
  if (!authorization && hasKioskCookie) return { kind: 'kiosk' };
  if (!authorization) {
    throw apiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) {
    if (kiosk && isSessionToken(bearer[1], kiosk.token)) return { kind: 'kiosk' };
    if (!isSessionToken(bearer[1] as string, sessionToken)) {
      throw codedError('UnrecognizedClientException', 'SessionTokenInvalid');
    }
    return { kind: 'session' };
  }
  const amzDate = headers['x-amz-date'];
  return {
    kind: 'sigv4',
    claim: checkSigV4Claim(authorization, Array.isArray(amzDate) ? amzDate[0] : amzDate, credentials, nowMs),
  };
}

/**
 * A caller of the Open Inference Protocol (/v2): SigV4 with the local keys, scoped to `rekognition`
 * as every API call is, or `Authorization: Bearer <token>` for clients that cannot sign (Triton's and
 * KServe's clients, curl): the web UI's session token or a token that may only run inference.
 */
export function identifyInferenceCaller(headers: IncomingHttpHeaders, credentials: Credentials, tokens: readonly string[], nowMs: number): Caller {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (bearer) {
    if (!tokens.some((token) => isSessionToken(bearer[1], token))) {
      throw apiError('UnrecognizedClientException', 'The bearer token is not valid for this Loupe server: use the inference token loupe serve printed.');
    }
    return { kind: 'session' };
  }
  const caller = identifyCaller(headers, credentials, '', nowMs);
  requireSigningService(caller, 'rekognition');
  return caller;
}

/**
 * A signature is good for the service it was made for: one scoped to s3 or sts is refused by the
 * Rekognition JSON API, as the service refuses it, so a signed request cannot be replayed to
 * another endpoint's operations.
 */
export function requireSigningService(caller: Caller, service: string): void {
  if (caller.kind === 'sigv4' && caller.claim.service !== service) {
    throw apiError('InvalidSignatureException', `Credential should be scoped to correct service: '${service}'.`);
  }
}

/** Finish what `identifyCaller` started, now that the body is here. */
export async function verifyCaller(caller: Caller, request: SignableRequest, credentials: Credentials): Promise<void> {
  if (caller.kind === 'sigv4') await verifySigV4(caller.claim, request, credentials);
}

export function isSessionToken(candidate: string | null | undefined, sessionToken: string): boolean {
  return typeof candidate === 'string' && constantTimeEqual(candidate, sessionToken);
}

/** `POST /session` `{AccessKeyId, SecretAccessKey}` → `{Token}` for the web UI's sign-in form. */
export async function handleSignIn(
  req: IncomingMessage,
  res: ServerResponse,
  credentials: Credentials,
  sessionToken: string,
): Promise<void> {
  const input = parseJsonBody(await readBody(req, MAX_SESSION_BODY_BYTES));
  const { AccessKeyId, SecretAccessKey } = input;
  if (typeof AccessKeyId !== 'string' || typeof SecretAccessKey !== 'string') {
    sendError(res, 'ValidationException', 'Send {"AccessKeyId": "...", "SecretAccessKey": "..."} as JSON.');
    return;
  }
  // Compare both, always, so the answer takes as long whichever one is wrong.
  const keyMatches = constantTimeEqual(AccessKeyId, credentials.AccessKeyId);
  const secretMatches = constantTimeEqual(SecretAccessKey, credentials.SecretAccessKey);
  if (!(keyMatches && secretMatches)) {
    sendError(
      res,
      'UnrecognizedClientException',
      'The access key ID or secret access key is not the one this Loupe uses. Settings › API shows them.',
    );
    return;
  }
  sendJson(res, 200, { Token: sessionToken }, 'application/json');
}
