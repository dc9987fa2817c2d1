import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import {
  queryHmac,
  shopDomainFrom,
  verifyQueryHmac,
  verifyWebhookHmac,
  webhookHmac,
} from '../../../src/adapters/shopify/auth/shopifyHmac';
import { cookieValue, signState, stateKey, verifyState } from '../../../src/auth/oauthState';

const SECRET = 'hush';

describe("Shopify's HMAC of a query", () => {
  // Shopify's documented example: the query without hmac, sorted, as a query string.
  it('is the hex HMAC-SHA256 of the other parameters, sorted by name, as a query string', () => {
    const query = new URLSearchParams(
      'shop=acme.myshopify.com&timestamp=1337178173&code=0907a61c0c8d55e99db179b68161bc00&hmac=x',
    );
    const expected = createHmac('sha256', SECRET)
      .update('code=0907a61c0c8d55e99db179b68161bc00&shop=acme.myshopify.com&timestamp=1337178173')
      .digest('hex');
    expect(queryHmac(query, SECRET)).toBe(expected);
    query.set('hmac', expected);
    expect(verifyQueryHmac(query, SECRET)).toBe(true);
  });

  it('refuses a changed parameter, another secret, a missing or repeated hmac', () => {
    const query = new URLSearchParams({ shop: 'acme.myshopify.com', timestamp: '1' });
    query.set('hmac', queryHmac(query, SECRET));
    expect(verifyQueryHmac(query, 'other')).toBe(false);
    const changed = new URLSearchParams(query);
    changed.set('shop', 'evil.myshopify.com');
    expect(verifyQueryHmac(changed, SECRET)).toBe(false);
    const repeated = new URLSearchParams(query);
    repeated.append('hmac', 'x');
    expect(verifyQueryHmac(repeated, SECRET)).toBe(false);
    const none = new URLSearchParams(query);
    none.delete('hmac');
    expect(verifyQueryHmac(none, SECRET)).toBe(false);
  });
});

describe("a Shopify webhook's X-Shopify-Hmac-Sha256", () => {
  it('is the base64 HMAC-SHA256 of the exact body; anything else is refused', () => {
    const body = Buffer.from('{"id":1}');
    const header = createHmac('sha256', SECRET).update(body).digest('base64');
    expect(webhookHmac(body, SECRET)).toBe(header);
    expect(verifyWebhookHmac(body, header, SECRET)).toBe(true);
    expect(verifyWebhookHmac(Buffer.from('{"id": 1}'), header, SECRET)).toBe(false);
    expect(verifyWebhookHmac(body, undefined, SECRET)).toBe(false);
    expect(verifyWebhookHmac(body, [header, header], SECRET)).toBe(false);
    expect(verifyWebhookHmac(body, '', SECRET)).toBe(false);
  });
});

describe('a shop domain', () => {
  it('is a myshopify.com host name and nothing else', () => {
    expect(shopDomainFrom(' Acme-Store.MyShopify.com ')).toBe('acme-store.myshopify.com');
    for (const bad of [
      'acme.com',
      'acme.myshopify.com.evil.com',
      'evil.com/acme.myshopify.com',
      'user@acme.myshopify.com',
      'acme.myshopify.com:443',
      '-acme.myshopify.com',
      '',
      null,
    ]) {
      expect(shopDomainFrom(bad)).toBeNull();
    }
  });
});

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
