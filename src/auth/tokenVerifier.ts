import { errors, jwtVerify } from 'jose';
import { claimsProblem, viewerOf } from './tokenClaims';
import type { Viewer } from './viewer';

/** The request names no caller the API can trust. The message says why, never with the token. */
export class AuthenticationFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationFailed';
  }
}

export interface TokenVerifier {
  /** The caller of an `Authorization` header's bearer token; AuthenticationFailed otherwise. */
  verify(authorization: string | undefined): Promise<Viewer>;
}

const bearer = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*) *$/i;

/** Tokens whose signature was checked, by their exact text. */
const MAX_REMEMBERED_TOKENS = 10_000;

/**
 * Verifies HS256 tokens signed with the secret. The algorithm is pinned, so a
 * token with `alg: none` or any other algorithm is refused before its
 * signature is even looked at; `exp` and `nbf` are enforced when present.
 */
export function createTokenVerifier(secret: string, now: () => number = Date.now): TokenVerifier {
  const key = new TextEncoder().encode(secret);
  // A client sends the same token with every request: its HMAC is checked
  // once, then only its expiry. (The text is the key, so a token changed in
  // any way is verified afresh.)
  const remembered = new Map<string, { viewer: Viewer; expiresAtMs: number }>();
  return {
    async verify(authorization) {
      if (authorization === undefined || authorization.trim() === '')
        throw new AuthenticationFailed('an Authorization: Bearer <token> header is required');
      const match = bearer.exec(authorization);
      if (!match) throw new AuthenticationFailed('the Authorization header is not Bearer <JWT>');
      const token = match[1]!;
      const known = remembered.get(token);
      if (known !== undefined) {
        if (known.expiresAtMs > now()) return known.viewer;
        remembered.delete(token);
        throw new AuthenticationFailed('the token has expired');
      }
      let claims: Record<string, unknown>;
      try {
        ({ payload: claims } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          currentDate: new Date(now()),
        }));
      } catch (error) {
        if (error instanceof errors.JWTExpired)
          throw new AuthenticationFailed('the token has expired');
        throw new AuthenticationFailed('the token is invalid');
      }
      const problem = claimsProblem(claims);
      if (problem !== null) throw new AuthenticationFailed(`the token's claims: ${problem}`);
      const viewer = viewerOf(claims);
      if (remembered.size >= MAX_REMEMBERED_TOKENS) remembered.clear();
      const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : Infinity;
      remembered.set(token, { viewer, expiresAtMs: exp });
      return viewer;
    },
  };
}
