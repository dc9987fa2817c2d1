import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The `state` of an authorization request: which store it is for, the shop
 * it was sent to, a nonce also kept in the browser's cookie, and when it
 * lapses, signed so that a callback can trust it without a table. A state
 * forged, altered, expired or from another browser is refused.
 */

export interface OAuthState {
  storeId: string;
  /** The shop (or account) the request was sent to. */
  target: string;
  nonce: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Ten minutes: long enough to log in and approve, short enough not to linger. */
export const STATE_LIFETIME_MS = 10 * 60_000;

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function signature(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** A key of its own for each use, derived from the service's secret. */
export function stateKey(serviceSecret: string, purpose: string): Buffer {
  return createHmac('sha256', serviceSecret).update(`fbt-sync oauth state: ${purpose}`).digest();
}

export function signState(key: Buffer, state: OAuthState): string {
  const payload = Buffer.from(
    JSON.stringify([state.storeId, state.target, state.nonce, state.expiresAt]),
  ).toString('base64url');
  return `${payload}.${signature(key, payload)}`;
}

export type StateCheck = { ok: true; state: OAuthState } | { ok: false; problem: string };

export function verifyState(
  key: Buffer,
  text: string | null | undefined,
  nonceCookie: string | undefined,
  now: number,
): StateCheck {
  if (typeof text !== 'string' || text.length > 2000) return { ok: false, problem: 'no state' };
  const [payload, signed, ...rest] = text.split('.');
  if (payload === undefined || signed === undefined || rest.length > 0) {
    return { ok: false, problem: 'the state is not one fbt-sync made' };
  }
  if (!sameText(signature(key, payload), signed)) {
    return { ok: false, problem: 'the state is not one fbt-sync made' };
  }
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, problem: 'the state is not one fbt-sync made' };
  }
  if (
    !Array.isArray(fields) ||
    fields.length !== 4 ||
    typeof fields[0] !== 'string' ||
    typeof fields[1] !== 'string' ||
    typeof fields[2] !== 'string' ||
    typeof fields[3] !== 'number'
  ) {
    return { ok: false, problem: 'the state is not one fbt-sync made' };
  }
  const state: OAuthState = {
    storeId: fields[0],
    target: fields[1],
    nonce: fields[2],
    expiresAt: fields[3],
  };
  if (state.expiresAt <= now) {
    return { ok: false, problem: 'the authorization took too long; start it again' };
  }
  if (nonceCookie === undefined || !sameText(nonceCookie, state.nonce)) {
    return {
      ok: false,
      problem: 'the authorization was started in another browser (its cookie is missing)',
    };
  }
  return { ok: true, state };
}

/** The Set-Cookie that keeps a state's nonce in the browser that started, for the routes under `path`. */
export function nonceCookie(
  name: string,
  nonce: string,
  { path, secure }: { path: string; secure: boolean },
): string {
  return `${name}=${nonce}; Path=${path}; Max-Age=${STATE_LIFETIME_MS / 1000}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
