import { parseJsonKeepingBigIntegers } from '../parseJsonKeepingBigIntegers';
import { TikTokApiError } from '../TikTokApiError';

/*
 * TikTok Shop's token endpoints (Get Access Token, Refresh Access Token).
 * Verified against public copies of the documentation and community SDKs
 * (search corpus "code": go-tiktok's AccessTokenResponse, Epur/ext-sdk's
 * GetTokenResponse, an integration's notes "Get Access Token: GET
 * https://auth.tiktok-shops.com/api/v2/token/get, grant_type=authorized_code"
 * and "Refresh: GET .../api/v2/token/refresh"):
 * - both are GETs on the auth host (not the Open API host), unsigned, with
 *   app_key and app_secret in the query; the code exchange takes auth_code
 *   and grant_type=authorized_code, the refresh refresh_token and
 *   grant_type=refresh_token;
 * - the answer is {code: 0, message, data: {access_token,
 *   access_token_expire_in, refresh_token, refresh_token_expire_in, open_id,
 *   seller_name, seller_base_region, user_type, granted_scopes}};
 * - `*_expire_in` is an absolute Unix time in seconds by most sources, a
 *   duration in seconds by some: both are read (see expiryOf).
 * - a refresh may rotate the refresh token or give the same one back.
 */
export const TOKEN_GET_PATH = '/api/v2/token/get';
export const TOKEN_REFRESH_PATH = '/api/v2/token/refresh';

/** Tokens TikTok granted, with when they stop working. Secrets: never log one. */
export interface TikTokTokenGrant {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  openId: string;
  sellerName: string;
  sellerBaseRegion: string;
  grantedScopes: string[];
}

export interface TikTokAuthApi {
  /** The tokens for the code TikTok sent to the callback (single use). */
  exchangeAuthCode(authCode: string): Promise<TikTokTokenGrant>;
  /** New tokens for a refresh token; the old refresh token may stop working. */
  refreshToken(refreshToken: string): Promise<TikTokTokenGrant>;
}

export interface TikTokAuthApiOptions {
  /** e.g. https://auth.tiktok-shops.com, or a fake's address in tests. */
  baseUrl: string;
  appKey: string;
  appSecret: string;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * Below this, an `*_expire_in` is read as seconds from now: an absolute Unix
 * time of 2001 or earlier is no expiry TikTok would send, and a duration of
 * 31 years is none either.
 */
const ABSOLUTE_SECONDS_FROM = 1_000_000_000;

/** When a token expires, from TikTok's `*_expire_in` (absolute seconds, or seconds from now). */
export function expiryOf(value: unknown, nowMs: number, field: string): Date {
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new TikTokApiError(
      'UNEXPECTED_RESPONSE',
      `the token answer's data.${field} is not a time`,
    );
  }
  return new Date(seconds >= ABSOLUTE_SECONDS_FROM ? seconds * 1000 : nowMs + seconds * 1000);
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function grantOf(data: unknown, nowMs: number): TikTokTokenGrant {
  if (!isObject(data))
    throw new TikTokApiError('UNEXPECTED_RESPONSE', 'the token answer has no data');
  const text = (field: string, required: boolean): string => {
    const value = data[field];
    if (typeof value === 'string' && value !== '') return value;
    if (required) {
      throw new TikTokApiError('UNEXPECTED_RESPONSE', `the token answer has no data.${field}`);
    }
    return '';
  };
  const scopes = data.granted_scopes;
  return {
    accessToken: text('access_token', true),
    accessTokenExpiresAt: expiryOf(data.access_token_expire_in, nowMs, 'access_token_expire_in'),
    refreshToken: text('refresh_token', true),
    refreshTokenExpiresAt: expiryOf(data.refresh_token_expire_in, nowMs, 'refresh_token_expire_in'),
    openId: text('open_id', false),
    sellerName: text('seller_name', false),
    sellerBaseRegion: text('seller_base_region', false),
    grantedScopes: Array.isArray(scopes)
      ? scopes.filter((scope): scope is string => typeof scope === 'string')
      : [],
  };
}

export function createTikTokAuthApi({
  baseUrl,
  appKey,
  appSecret,
  timeoutMs = 10_000,
  now = () => Date.now(),
}: TikTokAuthApiOptions): TikTokAuthApi {
  const origin = baseUrl.replace(/\/+$/, '');

  async function tokenRequest(path: string, parameters: Record<string, string>) {
    const query = new URLSearchParams({ app_key: appKey, app_secret: appSecret, ...parameters });
    const signal = AbortSignal.timeout(timeoutMs);
    let httpStatus: number;
    let text: string;
    try {
      const response = await fetch(`${origin}${path}?${query.toString()}`, {
        headers: { accept: 'application/json' },
        signal,
      });
      httpStatus = response.status;
      text = await response.text();
    } catch (error) {
      // The URL holds the app secret and the code or refresh token: never in a message.
      throw new TikTokApiError(
        signal.aborted ? 'TIMEOUT' : 'NETWORK',
        signal.aborted
          ? `TikTok Shop's token endpoint did not answer within ${timeoutMs} ms`
          : "TikTok Shop's token endpoint could not be reached",
        { cause: error },
      );
    }
    let answer: unknown;
    try {
      answer = parseJsonKeepingBigIntegers(text);
    } catch {
      answer = undefined;
    }
    const envelope = isObject(answer) ? answer : {};
    const code = typeof envelope.code === 'number' ? envelope.code : Number(envelope.code);
    const message = typeof envelope.message === 'string' ? envelope.message.slice(0, 200) : '';
    const details = { httpStatus, tikTokCode: Number.isSafeInteger(code) ? code : undefined };
    if (httpStatus === 429) {
      throw new TikTokApiError('RATE_LIMITED', 'TikTok Shop token endpoint: HTTP 429', details);
    }
    if (httpStatus >= 500) {
      throw new TikTokApiError(
        'SERVER_ERROR',
        `TikTok Shop token endpoint: HTTP ${httpStatus}`,
        details,
      );
    }
    if (!Number.isSafeInteger(code)) {
      throw new TikTokApiError(
        'UNEXPECTED_RESPONSE',
        `TikTok Shop token endpoint answered HTTP ${httpStatus} without a JSON code`,
        details,
      );
    }
    if (code !== 0) {
      // A refused code, or an expired or revoked refresh token: asking again will not help.
      throw new TikTokApiError(
        'AUTH_FAILED',
        `TikTok Shop refused the token request with code ${code}${message === '' ? '' : `: ${message}`}`,
        details,
      );
    }
    return grantOf(envelope.data, now());
  }

  return {
    exchangeAuthCode: (authCode) =>
      tokenRequest(TOKEN_GET_PATH, { auth_code: authCode, grant_type: 'authorized_code' }),
    refreshToken: (refreshToken) =>
      tokenRequest(TOKEN_REFRESH_PATH, {
        refresh_token: refreshToken,
        grant_type: 'refresh_token',
      }),
  };
}
