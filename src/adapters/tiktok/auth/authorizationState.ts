import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * The `state` the authorization page carries to TikTok and back: the store,
 * a nonce (also in a cookie of the browser that started, so a link made for
 * someone else's browser is refused) and an expiry, signed with a key of its
 * own derived from AUTH_SECRET. Nothing in it is secret, only unforgeable.
 */
export interface AuthorizationState {
  storeId: string;
  nonce: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export const AUTHORIZATION_STATE_TTL_MS = 10 * 60 * 1000;

/** A key for states only: a signed state is never a valid API token, nor the other way round. */
export function authorizationStateKey(authSecret: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', authSecret, 'fbt-sync', 'tiktok-shop authorization state', 32),
  );
}

const mac = (key: Buffer, payload: string) =>
  createHmac('sha256', key).update(payload).digest('base64url');

export function signAuthorizationState(state: AuthorizationState, key: Buffer): string {
  const payload = Buffer.from(
    JSON.stringify({ s: state.storeId, n: state.nonce, e: state.expiresAt }),
  ).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

export type ReadState =
  | { ok: true; state: AuthorizationState }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

export function readAuthorizationState(text: string, key: Buffer, nowMs: number): ReadState {
  const [payload, signature, ...rest] = text.split('.');
  if (payload === undefined || signature === undefined || rest.length > 0 || payload === '') {
    return { ok: false, reason: 'malformed' };
  }
  const expected = Buffer.from(mac(key, payload));
  const received = Buffer.from(signature);
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    return { ok: false, reason: 'forged' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const { s, n, e } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof s !== 'string' || typeof n !== 'string' || typeof e !== 'number') {
    return { ok: false, reason: 'malformed' };
  }
  if (e <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, state: { storeId: s, nonce: n, expiresAt: e } };
}
