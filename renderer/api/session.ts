/**
 * Who the page is signed in as, over HTTP. `loupe serve` prints a URL carrying a session token in
 * its hash (`/#token=…`); the page keeps the token in sessionStorage (gone with the tab) and takes
 * it out of the address bar. Without one, or when the server stops accepting it, the page asks
 * for the access keys and trades them for a token at `POST /session`.
 *
 * A kiosk link (`loupe serve --kiosk-model`, `/#kiosk-code=…`) carries a one-time code instead: the
 * page trades it at `POST /kiosk/session` for an HttpOnly cookie the page never sees, and shows
 * only that model's kiosk screen (`kiosk`); requests then carry the cookie, not a token
 * (main/server/kiosk.ts says why). Leaving the kiosk drops the cookie.
 *
 * Inside Electron the preload bridge needs no session: the state is always `bridge`.
 */
import { ApiError, codedApiError, networkError } from './ApiError';

export type SessionState =
  | { status: 'bridge' }
  | { status: 'signed-in'; token: string }
  /** The kiosk of one model; `route` is null while the link's code is being traded. */
  | { status: 'kiosk'; route: string | null }
  | { status: 'signed-out'; expired: boolean; kioskLinkRefused?: boolean };

const TOKEN_KEY = 'loupe.sessionToken';
/** The kiosk screen's route, kept while the tab lives: the cookie itself cannot be read. */
const KIOSK_KEY = 'loupe.kioskRoute';

let state: SessionState = { status: 'signed-out', expired: false };
const listeners = new Set<() => void>();

function setState(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function getSessionState(): SessionState {
  return state;
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getToken(): string | null {
  return state.status === 'signed-in' ? state.token : null;
}

/**
 * Called once before the first render: decides between the bridge and HTTP, and moves a token
 * found in the address bar (`#token=…`, also `#/route?token=…`) into sessionStorage.
 */
export function initSession(hasBridge: boolean): void {
  if (hasBridge) {
    setState({ status: 'bridge' });
    return;
  }
  const kioskCode = takeKioskCodeFromAddress();
  if (kioskCode) {
    setState({ status: 'kiosk', route: null });
    void openKiosk(kioskCode);
    return;
  }
  const kioskRoute = readStored(KIOSK_KEY);
  if (kioskRoute) {
    setState({ status: 'kiosk', route: kioskRoute });
    return;
  }
  const fromAddress = takeTokenFromAddress();
  if (fromAddress) writeStoredToken(fromAddress);
  const token = fromAddress ?? readStoredToken();
  setState(token ? { status: 'signed-in', token } : { status: 'signed-out', expired: false });
  // A link with a token opened in a tab that already shows Loupe changes only the hash. This
  // listener is added before the router's, so the router never sees the token as a route.
  window.addEventListener('hashchange', () => {
    const next = takeTokenFromAddress();
    if (!next || next === getToken()) return;
    writeStoredToken(next);
    setState({ status: 'signed-in', token: next });
  });
}

function takeTokenFromAddress(): string | null {
  const hash = window.location.hash.replace(/^#/, '');
  if (!hash.includes('token=')) return null;
  const queryStart = hash.indexOf('?');
  const route = hash.startsWith('/') ? (queryStart >= 0 ? hash.slice(0, queryStart) : hash) : '/';
  const params = new URLSearchParams(hash.startsWith('/') ? hash.slice(queryStart + 1) : hash);
  const token = params.get('token');
  params.delete('token');
  const rest = hash.startsWith('/') ? params.toString() : '';
  const cleanHash = `#${route}${rest ? `?${rest}` : ''}`;
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${cleanHash}`);
  return token && token.length > 0 ? token : null;
}

/** `#kiosk-code=…`: taken out of the address bar at once, so it is neither kept nor shown. */
function takeKioskCodeFromAddress(): string | null {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const code = params.get('kiosk-code');
  if (code === null) return null;
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}#/`);
  return code.length > 0 ? code : null;
}

async function openKiosk(code: string): Promise<void> {
  try {
    const response = await fetch('/kiosk/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ Code: code }),
    });
    const body = await readJson<{ Route?: unknown }>(response);
    if (!response.ok || typeof body.Route !== 'string' || !body.Route.startsWith('/kiosk/')) throw new Error(`kiosk link refused (${response.status})`);
    writeStored(KIOSK_KEY, body.Route);
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}#${body.Route}`);
    setState({ status: 'kiosk', route: body.Route });
  } catch {
    // Used, expired or from an earlier start: the page says so and offers the sign-in form.
    setState({ status: 'signed-out', expired: false, kioskLinkRefused: true });
  }
}

export function isKioskSession(): boolean {
  return state.status === 'kiosk';
}

/** Leave the kiosk (after its PIN): the server drops the cookie and the page asks for the keys. */
export async function leaveKiosk(): Promise<void> {
  writeStored(KIOSK_KEY, null);
  try {
    await fetch('/kiosk/session', { method: 'DELETE' });
  } finally {
    setState({ status: 'signed-out', expired: false });
  }
}

function readStored(key: string): string | null {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, value);
  } catch {
    // Without storage the kiosk lasts as long as this page.
  }
}

function readStoredToken(): string | null {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    // Storage can be disabled by the browser's privacy settings; the page then asks for keys.
    return null;
  }
}

function writeStoredToken(token: string | null): void {
  try {
    if (token === null) window.sessionStorage.removeItem(TOKEN_KEY);
    else window.sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // See readStoredToken: without storage the token lives only as long as this page.
  }
}

/** The server refused the token (403): forget it and show the sign-in screen. */
export function expireSession(): void {
  if (state.status === 'kiosk') {
    writeStored(KIOSK_KEY, null);
    setState({ status: 'signed-out', expired: true, kioskLinkRefused: true });
    return;
  }
  if (state.status !== 'signed-in') return;
  writeStoredToken(null);
  setState({ status: 'signed-out', expired: true });
}

export function signOut(): void {
  if (state.status === 'bridge') return;
  writeStoredToken(null);
  setState({ status: 'signed-out', expired: false });
}

interface SessionResponse {
  Token?: unknown;
  __type?: unknown;
  Message?: unknown;
  message?: unknown;
}

/** Trades the API access keys for a session token. Throws ApiError when the keys are refused. */
export async function signIn(accessKeyId: string, secretAccessKey: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch('/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey }),
    });
  } catch (error) {
    throw networkError(error);
  }
  const body = await readJson<SessionResponse>(response);
  if (!response.ok) throw errorFromBody(response, body);
  if (typeof body.Token !== 'string' || body.Token.length === 0) {
    throw codedApiError('InvalidResponse', 'NoSessionTokenReturned');
  }
  writeStoredToken(body.Token);
  setState({ status: 'signed-in', token: body.Token });
}

/** Parses a JSON body, tolerating an empty one. */
export async function readJson<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (text.trim() === '') return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw codedApiError('InvalidResponse', 'ResponseNotJson', { status: response.status });
  }
}

/** `{"__type": "ns#Name", "Message": "…"}` → ApiError(Name, …). */
export function errorFromBody(
  response: Response,
  body: { __type?: unknown; Message?: unknown; message?: unknown; MessageCode?: unknown; MessageParams?: unknown },
): ApiError {
  const type = typeof body.__type === 'string' ? body.__type : '';
  const code = type.includes('#') ? type.slice(type.lastIndexOf('#') + 1) : type;
  const message =
    typeof body.Message === 'string' ? body.Message : typeof body.message === 'string' ? body.message : response.statusText;
  const messageCode = typeof body.MessageCode === 'string' ? body.MessageCode : undefined;
  const messageParams = isParams(body.MessageParams) ? body.MessageParams : undefined;
  return new ApiError(code || fallbackCode(response.status), message, messageCode, messageParams);
}

function isParams(value: unknown): value is Record<string, string | number> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === 'string' || typeof item === 'number')
  );
}

function fallbackCode(status: number): string {
  if (status === 403) return 'AccessDeniedException';
  if (status >= 500) return 'InternalServerError';
  return 'ValidationException';
}
