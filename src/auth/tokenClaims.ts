import type { Viewer } from './viewer';

export const MAX_SUB_LENGTH = 200;
export const MAX_STORE_ID_LENGTH = 100;

/** Why a token's claims do not name a caller; null when they do. */
export function claimsProblem(claims: Record<string, unknown>): string | null {
  const { sub, role, storeId } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUB_LENGTH)
    return `sub must be a string of 1 to ${MAX_SUB_LENGTH} characters`;
  if (role === 'admin') return null;
  if (role !== 'store') return 'role must be "admin" or "store"';
  if (typeof storeId !== 'string' || storeId.length === 0 || storeId.length > MAX_STORE_ID_LENGTH)
    return `a store token needs a storeId of 1 to ${MAX_STORE_ID_LENGTH} characters`;
  return null;
}

/** The caller the claims name; call claimsProblem first. */
export function viewerOf(claims: Record<string, unknown>): Viewer {
  const sub = claims.sub as string;
  return claims.role === 'admin'
    ? { role: 'admin', sub }
    : { role: 'store', sub, storeId: claims.storeId as string };
}
