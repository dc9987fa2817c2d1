import { SHOP_PLACEHOLDER } from '../shopAdminApiUrl';

/**
 * Shopify's OAuth token endpoint, `https://{shop}/admin/oauth/access_token`
 * (the template is SHOPIFY_OAUTH_URL + `/access_token`). fbt-sync asks for
 * expiring offline tokens (`expiring: 1`): an access token that lasts about
 * an hour, and a refresh token that Shopify replaces on every use.
 */

export interface ShopifyAppCredentials {
  /** SHOPIFY_API_KEY, the app's client id. */
  clientId: string;
  /** SHOPIFY_API_SECRET, the app's client secret. */
  clientSecret: string;
}

export interface ShopifyTokens {
  accessToken: string;
  /** Milliseconds since the epoch; null for a token that does not expire. */
  accessTokenExpiresAt: number | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: number | null;
  /** The scopes granted, as Shopify lists them. */
  scopes: string[];
}

/** Shopify refused or could not be reached; `refused` means asking again with the same grant will not help. */
export class ShopifyTokenError extends Error {
  constructor(
    message: string,
    readonly refused: boolean,
  ) {
    super(message);
    this.name = 'ShopifyTokenError';
  }
}

export function oauthUrl(
  template: string,
  shop: string,
  path: 'authorize' | 'access_token',
): string {
  return `${template.split(SHOP_PLACEHOLDER).join(shop).replace(/\/+$/, '')}/${path}`;
}

function readTokens(body: unknown, now: number): ShopifyTokens {
  const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const accessToken = answer.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new ShopifyTokenError('Shopify answered without an access_token', false);
  }
  const seconds = (value: unknown) =>
    typeof value === 'number' && Number.isFinite(value) && value > 0 ? now + value * 1000 : null;
  const refreshToken = answer.refresh_token;
  return {
    accessToken,
    accessTokenExpiresAt: seconds(answer.expires_in),
    refreshToken: typeof refreshToken === 'string' && refreshToken !== '' ? refreshToken : null,
    refreshTokenExpiresAt: seconds(answer.refresh_token_expires_in),
    scopes:
      typeof answer.scope === 'string'
        ? answer.scope
            .split(',')
            .map((scope) => scope.trim())
            .filter((scope) => scope !== '')
        : [],
  };
}

export interface ShopifyTokenEndpoint {
  /** Exchanges the code of an approved install for the shop's tokens. */
  exchangeCode(shop: string, code: string): Promise<ShopifyTokens>;
  /** A new access token, and a new refresh token: the one given stops working. */
  refresh(shop: string, refreshToken: string): Promise<ShopifyTokens>;
}

export function createShopifyTokenEndpoint({
  oauthUrlTemplate,
  credentials,
  timeoutMs = 10_000,
  now = () => Date.now(),
}: {
  oauthUrlTemplate: string;
  credentials: ShopifyAppCredentials;
  timeoutMs?: number;
  now?: () => number;
}): ShopifyTokenEndpoint {
  async function post(shop: string, body: Record<string, unknown>): Promise<ShopifyTokens> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(oauthUrl(oauthUrlTemplate, shop, 'access_token'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          client_id: credentials.clientId,
          client_secret: credentials.clientSecret,
          ...body,
        }),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new ShopifyTokenError(
        `Shopify's token endpoint for ${shop} could not be reached: ${(error as Error).message}`,
        false,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.status >= 400 && response.status < 500) {
      const answer = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
        string,
        unknown
      >;
      const described = answer.error_description ?? answer.error;
      const reason = typeof described === 'string' ? described : `HTTP ${response.status}`;
      throw new ShopifyTokenError(`Shopify refused the token request for ${shop}: ${reason}`, true);
    }
    if (response.status !== 200) {
      throw new ShopifyTokenError(
        `Shopify's token endpoint for ${shop} answered HTTP ${response.status}`,
        false,
      );
    }
    return readTokens(parsed, now());
  }

  return {
    exchangeCode: (shop, code) => post(shop, { code, expiring: 1 }),
    refresh: (shop, refreshToken) =>
      post(shop, { grant_type: 'refresh_token', refresh_token: refreshToken }),
  };
}
