import { createHmac, randomBytes } from 'node:crypto';

/**
 * The OAuth half of the fake Shopify: the token endpoint of the
 * authorization code grant (`POST /{shop}/admin/oauth/access_token`), with
 * expiring offline tokens and rotating refresh tokens, checked the way
 * Shopify checks them: the app's client id and secret, a code issued for this
 * shop and used once, a refresh token of this shop used once. Every token it
 * issues works for its own shop only, and until it expires or the app is
 * uninstalled from the shop.
 *
 * The merchant's approval on Shopify's authorize page is `approve(shop)`:
 * it gives the callback query Shopify would send (code, hmac, host, shop,
 * state, timestamp), signed with the client secret.
 */

export interface FakeShopifyApp {
  clientId: string;
  clientSecret: string;
  /** Seconds an access token lasts; default 3600, as Shopify's expiring offline tokens. */
  accessTokenLifetimeS?: number;
}

export interface TokenRequest {
  shop: string;
  grant: 'authorization_code' | 'refresh_token' | 'unknown';
  status: number;
  /** Why it was refused, when it was. */
  error: string | undefined;
}

export interface FakeShopifyOAuth {
  /** The callback query Shopify sends after the merchant approved (hmac over the rest). */
  approve(shop: string, options: { state: string; scopes?: string[] }): URLSearchParams;
  /** The shop whose token this is, if it is valid now; undefined otherwise. */
  shopOf(token: string): string | undefined;
  /** app/uninstalled: every token of the shop stops working. */
  uninstall(shop: string): void;
  /** Revokes the shop's access tokens early (its refresh tokens still work). */
  revokeAccessTokens(shop: string): void;
  /** How long the tokens issued from now on last. */
  setAccessTokenLifetime(seconds: number): void;
  tokenRequests: TokenRequest[];
  /** Answers a request to /{shop}/admin/oauth/access_token. */
  handle(shop: string, body: string): { status: number; answer: Record<string, unknown> };
}

export function queryHmacOf(query: URLSearchParams, secret: string): string {
  const rest = [...query.entries()]
    .filter(([name]) => name !== 'hmac' && name !== 'signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha256', secret).update(new URLSearchParams(rest).toString()).digest('hex');
}

export function createFakeShopifyOAuth(app: FakeShopifyApp, now: () => number): FakeShopifyOAuth {
  let lifetimeMs = (app.accessTokenLifetimeS ?? 3600) * 1000;
  const codes = new Map<
    string,
    { shop: string; scopes: string[]; used: boolean; expiresAt: number }
  >();
  const accessTokens = new Map<string, { shop: string; expiresAt: number }>();
  const refreshTokens = new Map<string, { shop: string; scopes: string[]; used: boolean }>();
  const tokenRequests: TokenRequest[] = [];
  const secret = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

  function issue(shop: string, scopes: string[], expiring: boolean) {
    const accessToken = secret('shpat');
    accessTokens.set(accessToken, {
      shop,
      expiresAt: expiring ? now() + lifetimeMs : Number.POSITIVE_INFINITY,
    });
    if (!expiring) return { access_token: accessToken, scope: scopes.join(',') };
    const refreshToken = secret('shprt');
    refreshTokens.set(refreshToken, { shop, scopes, used: false });
    return {
      access_token: accessToken,
      expires_in: lifetimeMs / 1000,
      refresh_token: refreshToken,
      refresh_token_expires_in: 90 * 86_400,
      scope: scopes.join(','),
    };
  }

  return {
    tokenRequests,
    approve(shop, { state, scopes = ['read_orders', 'write_orders', 'read_products'] }) {
      const code = secret('code');
      codes.set(code, { shop, scopes, used: false, expiresAt: now() + 10 * 60_000 });
      const query = new URLSearchParams({
        code,
        host: Buffer.from(`admin.shopify.com/store/${shop.split('.')[0]}`).toString('base64url'),
        shop,
        state,
        timestamp: String(Math.floor(now() / 1000)),
      });
      query.set('hmac', queryHmacOf(query, app.clientSecret));
      return query;
    },
    shopOf(token) {
      const found = accessTokens.get(token);
      return found !== undefined && found.expiresAt > now() ? found.shop : undefined;
    },
    uninstall(shop) {
      for (const [token, owner] of accessTokens)
        if (owner.shop === shop) accessTokens.delete(token);
      for (const [token, owner] of refreshTokens)
        if (owner.shop === shop) refreshTokens.delete(token);
    },
    revokeAccessTokens(shop) {
      for (const [token, owner] of accessTokens)
        if (owner.shop === shop) accessTokens.delete(token);
    },
    setAccessTokenLifetime(seconds) {
      lifetimeMs = seconds * 1000;
    },
    handle(shop, body) {
      let fields: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(body);
        if (typeof parsed === 'object' && parsed !== null)
          fields = parsed as Record<string, unknown>;
      } catch {
        fields = Object.fromEntries(new URLSearchParams(body));
      }
      const refuse = (grant: TokenRequest['grant'], status: number, error: string) => {
        tokenRequests.push({ shop, grant, status, error });
        return { status, answer: { error: 'invalid_request', error_description: error } };
      };
      const grant: TokenRequest['grant'] =
        fields.grant_type === 'refresh_token'
          ? 'refresh_token'
          : typeof fields.code === 'string'
            ? 'authorization_code'
            : 'unknown';
      if (fields.client_id !== app.clientId || fields.client_secret !== app.clientSecret) {
        return refuse(grant, 401, 'the client id or secret is wrong');
      }
      if (grant === 'authorization_code') {
        const code = codes.get(fields.code as string);
        if (code === undefined || code.shop !== shop) return refuse(grant, 400, 'unknown code');
        if (code.used) return refuse(grant, 400, 'the code was used already');
        if (code.expiresAt <= now()) return refuse(grant, 400, 'the code expired');
        code.used = true;
        const expiring = fields.expiring === 1 || fields.expiring === '1';
        tokenRequests.push({ shop, grant, status: 200, error: undefined });
        return { status: 200, answer: issue(shop, code.scopes, expiring) };
      }
      if (grant === 'refresh_token') {
        const token = refreshTokens.get(String(fields.refresh_token));
        if (token === undefined || token.shop !== shop)
          return refuse(grant, 400, 'unknown refresh token');
        if (token.used) return refuse(grant, 400, 'the refresh token was used already');
        token.used = true;
        tokenRequests.push({ shop, grant, status: 200, error: undefined });
        return { status: 200, answer: issue(shop, token.scopes, true) };
      }
      return refuse(grant, 400, 'neither a code nor grant_type=refresh_token');
    },
  };
}
