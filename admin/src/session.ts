/** Who signed in, as the token says (the server checks the signature; this only shapes the screens). */
export type Session =
  | { token: string; role: 'admin'; sub: string }
  | { token: string; role: 'store'; sub: string; storeId: string };

const KEY = 'fbt-sync.token';

/** The claims of a JWT, unverified; null when it is not one. */
export function sessionOf(token: string): Session | null {
  const payload = token.trim().split('.')[1];
  if (payload === undefined) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as Record<string, unknown>;
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    if (claims.role === 'admin') return { token: token.trim(), role: 'admin', sub };
    if (claims.role === 'store' && typeof claims.storeId === 'string')
      return { token: token.trim(), role: 'store', sub, storeId: claims.storeId };
    return null;
  } catch {
    return null;
  }
}

/** Kept for the browser tab only: closing it signs out. */
export function savedSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  return token === null ? null : sessionOf(token);
}

export function saveSession(session: Session | null): void {
  if (session === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, session.token);
}
