import { randomBytes } from 'node:crypto';
import { TikTokRefusal } from './fakeTikTokShop';

/**
 * TikTok Shop's seller authorization, faked for the fake TikTok Shop
 * (startFakeTikTokShop({ auth })): the token endpoints (GET
 * /api/v2/token/get and /api/v2/token/refresh, unsigned, app_key and
 * app_secret in the query), and the access tokens they issue, which the Open
 * API then accepts, each for its own shops' ciphers only. An auth code works
 * once; a refresh token works once (it rotates), the old one is refused
 * afterwards, as is an expired or revoked one.
 */

export interface FakeSellerShop {
  id: string;
  name: string;
  region: string;
  cipher: string;
}

export interface FakeSellerGrant {
  shops: FakeSellerShop[];
  grantedScopes: string[];
  /** Seconds the access token lives (default 7 days). */
  accessTokenTtlS?: number;
  refreshTokenTtlS?: number;
  /** How `*_expire_in` is written: a Unix time (TikTok's documented form) or seconds from now. */
  expiryForm?: 'absolute' | 'duration';
}

export interface FakeTikTokAuth {
  /** A code TikTok would send to the callback after the seller approved this grant. */
  issueAuthCode(grant: FakeSellerGrant): string;
  /** The access token the Open API accepts, with the shop it was used for; undefined when not one of ours. */
  shopsOfAccessToken(token: string): FakeSellerShop[] | undefined;
  /** Tokens issued so far (secrets the test may look for in logs, events and answers). */
  issuedSecrets(): string[];
  /** Every refresh token issued for this grant stops working (revoked by the seller). */
  revokeAll(): void;
  tokenRequests: Array<{ path: string; query: Record<string, string> }>;
  /** TikTok's answer to a token request; throws TikTokRefusal. */
  answer(path: string, query: Record<string, string>): unknown;
}

export const TOKEN_GET = '/api/v2/token/get';
export const TOKEN_REFRESH = '/api/v2/token/refresh';

// Codes of TikTok's auth endpoints as public copies show them (a refusal is any non-zero code).
const INVALID_PARAMETER = 36009004;
const INVALID_AUTH_CODE = 36004004;
const INVALID_REFRESH_TOKEN = 36004005;

interface Issued {
  grant: FakeSellerGrant;
  accessExpiresAt: number;
}

export function createFakeTikTokAuth({
  appKey,
  appSecret,
  now = () => Date.now(),
}: {
  appKey: string;
  appSecret: string;
  now?: () => number;
}): FakeTikTokAuth {
  const codes = new Map<string, FakeSellerGrant>();
  const accessTokens = new Map<string, Issued>();
  const refreshTokens = new Map<
    string,
    { grant: FakeSellerGrant; usable: boolean; expiresAt: number }
  >();
  const secrets: string[] = [];
  const tokenRequests: FakeTikTokAuth['tokenRequests'] = [];

  function issue(grant: FakeSellerGrant): Record<string, unknown> {
    const accessToken = `TTP_${randomBytes(12).toString('base64url')}`;
    const refreshToken = `TTR_${randomBytes(12).toString('base64url')}`;
    const nowS = Math.floor(now() / 1000);
    const accessTtl = grant.accessTokenTtlS ?? 7 * 86_400;
    const refreshTtl = grant.refreshTokenTtlS ?? 60 * 86_400;
    accessTokens.set(accessToken, { grant, accessExpiresAt: (nowS + accessTtl) * 1000 });
    refreshTokens.set(refreshToken, { grant, usable: true, expiresAt: (nowS + refreshTtl) * 1000 });
    secrets.push(accessToken, refreshToken);
    const expiry = (ttl: number) => (grant.expiryForm === 'duration' ? ttl : nowS + ttl);
    return {
      access_token: accessToken,
      access_token_expire_in: expiry(accessTtl),
      refresh_token: refreshToken,
      refresh_token_expire_in: expiry(refreshTtl),
      open_id: 'open-id-of-the-seller',
      seller_name: grant.shops[0]?.name ?? 'Seller',
      seller_base_region: grant.shops[0]?.region ?? 'US',
      user_type: 0,
      granted_scopes: grant.grantedScopes,
    };
  }

  return {
    issueAuthCode(grant) {
      const code = `ROW_code_${randomBytes(9).toString('base64url')}`;
      codes.set(code, grant);
      return code;
    },
    shopsOfAccessToken(token) {
      const issued = accessTokens.get(token);
      if (issued === undefined || issued.accessExpiresAt <= now()) return undefined;
      return issued.grant.shops;
    },
    issuedSecrets: () => [...secrets],
    revokeAll() {
      for (const entry of refreshTokens.values()) entry.usable = false;
      accessTokens.clear();
    },
    tokenRequests,
    answer(path, query) {
      tokenRequests.push({ path, query });
      if (query.app_key !== appKey || query.app_secret !== appSecret) {
        throw new TikTokRefusal(200, INVALID_PARAMETER, 'Invalid app_key or app_secret.');
      }
      if (path === TOKEN_GET) {
        if (query.grant_type !== 'authorized_code') {
          throw new TikTokRefusal(200, INVALID_PARAMETER, 'grant_type must be authorized_code.');
        }
        const grant = codes.get(query.auth_code ?? '');
        if (grant === undefined) {
          throw new TikTokRefusal(200, INVALID_AUTH_CODE, 'The auth_code is invalid or was used.');
        }
        codes.delete(query.auth_code!);
        return issue(grant);
      }
      if (query.grant_type !== 'refresh_token') {
        throw new TikTokRefusal(200, INVALID_PARAMETER, 'grant_type must be refresh_token.');
      }
      const entry = refreshTokens.get(query.refresh_token ?? '');
      if (entry === undefined || !entry.usable || entry.expiresAt <= now()) {
        throw new TikTokRefusal(
          200,
          INVALID_REFRESH_TOKEN,
          'The refresh_token is invalid, expired or was already used.',
        );
      }
      entry.usable = false;
      return issue(entry.grant);
    },
  };
}
