import { SignJWT } from 'jose';
import type { Viewer } from './viewer';

/** How long `fbt-sync token` tokens last unless told otherwise. */
export const DEFAULT_TOKEN_LIFETIME = '30d';

/** A duration jose understands and a person reads at a glance: 90m, 12h, 30d, 2w. */
export const TOKEN_LIFETIME_SHAPE = /^[1-9]\d{0,5}(s|m|h|d|w)$/;

/** An HS256 JWT for the viewer, expiring after `expiresIn` (e.g. "30d"). */
export function signToken(secret: string, viewer: Viewer, expiresIn: string): Promise<string> {
  const claims =
    viewer.role === 'admin' ? { role: 'admin' } : { role: 'store', storeId: viewer.storeId };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(viewer.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
