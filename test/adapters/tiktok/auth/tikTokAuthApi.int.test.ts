import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTikTokAuthApi, expiryOf } from '../../../../src/adapters/tiktok/auth/tikTokAuthApi';
import { createFakeTikTokAuth, type FakeTikTokAuth } from '../../../support/fakeTikTokAuth';
import { type FakeTikTokShop, startFakeTikTokShop } from '../../../support/fakeTikTokShop';

const APP = { appKey: '7a1b2c', appSecret: 'auth-api-test-secret-0123456789' };
let auth: FakeTikTokAuth;
let fake: FakeTikTokShop;
beforeAll(async () => {
  auth = createFakeTikTokAuth(APP);
  fake = await startFakeTikTokShop({ ...APP, accessToken: 'TTP_unused', auth });
});
afterAll(() => fake.close());

const api = (appSecret = APP.appSecret) =>
  createTikTokAuthApi({ baseUrl: fake.baseUrl, appKey: APP.appKey, appSecret, timeoutMs: 2000 });
const grant = {
  shops: [{ id: '1', name: 'S', region: 'GB', cipher: 'GCP_x' }],
  grantedScopes: ['a'],
};

describe('expiryOf', () => {
  it('reads a Unix time in seconds, or a small number as seconds from now', () => {
    expect(expiryOf(1_760_000_000, 0, 'f').toISOString()).toBe('2025-10-09T08:53:20.000Z');
    expect(expiryOf('1760000000', 0, 'f').getTime()).toBe(1_760_000_000_000);
    expect(expiryOf(600, 1_000, 'f').getTime()).toBe(601_000);
    for (const bad of [0, -1, 'soon', null, undefined])
      expect(() => expiryOf(bad, 0, 'f')).toThrow('data.f is not a time');
  });
});

describe('the token endpoints', () => {
  it('exchange a code once, with app key, secret and grant type, and read both expiry forms', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const code = auth.issueAuthCode(grant);
    const tokens = await api().exchangeAuthCode(code);
    expect(auth.tokenRequests.at(-1)).toEqual({
      path: '/api/v2/token/get',
      query: {
        app_key: APP.appKey,
        app_secret: APP.appSecret,
        auth_code: code,
        grant_type: 'authorized_code',
      },
    });
    expect(tokens).toMatchObject({
      grantedScopes: ['a'],
      sellerBaseRegion: 'GB',
      openId: expect.any(String),
    });
    expect(tokens.accessTokenExpiresAt.getTime() / 1000).toBeGreaterThanOrEqual(nowS + 7 * 86_400);
    await expect(api().exchangeAuthCode(code)).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      retryable: false,
    });

    const short = await api().exchangeAuthCode(
      auth.issueAuthCode({ ...grant, accessTokenTtlS: 600, expiryForm: 'duration' }),
    );
    expect(Math.abs(short.accessTokenExpiresAt.getTime() - (Date.now() + 600_000))).toBeLessThan(
      5_000,
    );
  });

  it('refresh: the refresh token rotates and the old one is refused afterwards', async () => {
    const first = await api().exchangeAuthCode(auth.issueAuthCode(grant));
    const second = await api().refreshToken(first.refreshToken);
    expect(auth.tokenRequests.at(-1)!.query).toMatchObject({
      refresh_token: first.refreshToken,
      grant_type: 'refresh_token',
    });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await expect(api().refreshToken(first.refreshToken)).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    });
    await expect(api().refreshToken(second.refreshToken)).resolves.toMatchObject({
      grantedScopes: ['a'],
    });
  });

  it('a wrong app secret is refused, and no message carries the secret', async () => {
    const error = await api('wrong-secret')
      .exchangeAuthCode(auth.issueAuthCode(grant))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTH_FAILED' });
    expect(String((error as Error).message)).not.toContain('wrong-secret');
  });

  it('5xx and an unreachable endpoint are retryable', async () => {
    fake.inject({ kind: 'serverError' });
    await expect(api().refreshToken('x')).rejects.toMatchObject({
      code: 'SERVER_ERROR',
      retryable: true,
    });
    const gone = createTikTokAuthApi({ baseUrl: 'http://127.0.0.1:1', ...APP, timeoutMs: 1000 });
    const error = await gone.refreshToken('TTR_secret_value').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK', retryable: true });
    expect(String((error as Error).message)).not.toContain('TTR_secret_value');
  });
});
