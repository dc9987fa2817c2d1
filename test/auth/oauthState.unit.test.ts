import { describe, expect, it } from '@jest/globals';
import {
  cookieValue,
  nonceCookie,
  signState,
  stateKey,
  verifyState,
} from '../../src/auth/oauthState';

describe("an authorization's signed state", () => {
  const key = stateKey('a-service-secret-of-at-least-32-chars!!', 'shopify');
  const state = { storeId: 's-1', target: 'acme.myshopify.com', nonce: 'n0nce', expiresAt: 2_000 };

  it('comes back as it was made, with its cookie, before it lapses', () => {
    expect(verifyState(key, signState(key, state), 'n0nce', 1_000)).toEqual({ ok: true, state });
  });

  it('is refused when forged, altered, lapsed, signed with another key or from another browser', () => {
    const signed = signState(key, state);
    const [payload, signature] = signed.split('.');
    const altered = Buffer.from(JSON.stringify(['s-2', state.target, 'n0nce', 2_000])).toString(
      'base64url',
    );
    const refusals = [
      verifyState(key, `${altered}.${signature}`, 'n0nce', 1_000),
      verifyState(key, `${payload}.${signature!.slice(1)}x`, 'n0nce', 1_000),
      verifyState(key, signed, 'n0nce', 2_000),
      verifyState(
        stateKey('another-secret-of-at-least-32-chars!!!!', 'shopify'),
        signed,
        'n0nce',
        1_000,
      ),
      verifyState(
        stateKey('a-service-secret-of-at-least-32-chars!!', 'tiktok'),
        signed,
        'n0nce',
        1_000,
      ),
      verifyState(key, signed, undefined, 1_000),
      verifyState(key, signed, 'other', 1_000),
      verifyState(key, 'garbage', 'n0nce', 1_000),
      verifyState(key, null, 'n0nce', 1_000),
    ];
    for (const refusal of refusals) expect(refusal.ok).toBe(false);
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(cookieValue('a=1; fbt_shopify_oauth=xyz; b=2', 'fbt_shopify_oauth')).toBe('xyz');
    expect(cookieValue('a=1', 'fbt_shopify_oauth')).toBeUndefined();
    expect(cookieValue(undefined, 'fbt_shopify_oauth')).toBeUndefined();
  });
});

describe('the key of a state', () => {
  it('is derived per use: never the service secret itself, and not the same for two uses', () => {
    const secret = 'a-service-secret-of-at-least-32-chars!!';
    expect(stateKey(secret, 'shopify').equals(Buffer.from(secret))).toBe(false);
    expect(stateKey(secret, 'shopify')).toHaveLength(32);
    expect(stateKey(secret, 'shopify').equals(stateKey(secret, 'tiktok-shop'))).toBe(false);
  });

  it("keeps the nonce in an HttpOnly, SameSite=Lax cookie of the routes' path, Secure over https", () => {
    expect(nonceCookie('n', 'v', { path: '/auth/x', secure: false })).toBe(
      'n=v; Path=/auth/x; Max-Age=600; HttpOnly; SameSite=Lax',
    );
    expect(nonceCookie('n', 'v', { path: '/auth/x', secure: true })).toMatch(/; Secure$/);
  });
});
