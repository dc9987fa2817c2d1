import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import {
  queryHmac,
  shopDomainFrom,
  verifyQueryHmac,
  verifyWebhookHmac,
  webhookHmac,
} from '../../../src/adapters/shopify/auth/shopifyHmac';

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
