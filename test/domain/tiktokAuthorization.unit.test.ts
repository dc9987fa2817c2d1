import { describe, expect, it } from '@jest/globals';
import { eventCatalog, STORE_EVENT_TYPES } from '../../src/domain/eventCatalog';
import { storeDecider } from '../../src/domain/storeDecider';
import type { StoreEvent } from '../../src/domain/storeEvents';
import type {
  RecordTikTokAuthorization,
  RecordTikTokDeauthorization,
} from '../../src/domain/tiktokAuthorization';
import { deciderSpec } from '../support/deciderSpec';

const given = deciderSpec(storeDecider);
const CONNECTED_AT = '2026-12-01T09:00:00.000Z';
const NOW = '2026-12-04T10:00:00.000Z';
const LATER = '2026-12-04T11:00:00.000Z';

const connected: StoreEvent = {
  type: 'StoreConnected',
  data: {
    storeId: 's-1',
    name: 'Acme',
    tiktokShopId: '7494001',
    platform: 'SHOPIFY',
    shopDomain: 'acme.myshopify.com',
    plan: 'PRO',
    connectedAt: CONNECTED_AT,
    connectedBy: 'admin',
  },
};

const authorize = (
  grantedScopes: string[] = ['seller.order.info', 'seller.authorization.info'],
  overrides: Partial<RecordTikTokAuthorization['data']> = {},
): RecordTikTokAuthorization => ({
  type: 'RecordTikTokAuthorization',
  data: {
    tiktokShopId: '7494001',
    shopName: 'Acme Shop',
    region: 'US',
    grantedScopes,
    now: NOW,
    actor: 'tiktok-shop-authorization',
    ...overrides,
  },
});
const deauthorize = (
  overrides: Partial<RecordTikTokDeauthorization['data']> = {},
): RecordTikTokDeauthorization => ({
  type: 'RecordTikTokDeauthorization',
  data: {
    tiktokShopId: '7494001',
    reason: 'Shop_id 7494001 is deauthorized from your APP by merchant.',
    now: LATER,
    actor: 'tiktok-shop-webhook',
    ...overrides,
  },
});
const authorized = (grantedScopes = ['seller.authorization.info', 'seller.order.info']) =>
  storeDecider.decide(authorize(grantedScopes), storeDecider.evolve(null, connected));

describe('recording a TikTok Shop authorization', () => {
  it('records the shop, its name and region and the scopes, sorted, and nothing secret', () => {
    const when = given([connected]).when(
      authorize(['seller.order.info', ' seller.authorization.info', 'seller.order.info']),
    );
    when.then([
      {
        type: 'TikTokShopAuthorized',
        data: {
          storeId: 's-1',
          tiktokShopId: '7494001',
          shopName: 'Acme Shop',
          region: 'US',
          grantedScopes: ['seller.authorization.info', 'seller.order.info'],
          authorizedAt: NOW,
          authorizedBy: 'tiktok-shop-authorization',
        },
      },
    ]);
    expect(when.state()?.tiktokAuthorization).toEqual({
      state: 'AUTHORIZED',
      grantedScopes: ['seller.authorization.info', 'seller.order.info'],
      at: NOW,
    });
    expect(when.state()?.updatedAt).toBe(NOW);
  });

  it('leaves out a shop name and region TikTok did not give', () => {
    given([connected])
      .when(authorize(['seller.order.info'], { shopName: null, region: '  ' }))
      .then((events) => {
        expect(events).toHaveLength(1);
        expect(events[0]!.data).not.toHaveProperty('shopName');
        expect(events[0]!.data).not.toHaveProperty('region');
      });
  });

  it('appends nothing for the same scopes again, in any order', () => {
    given([connected, ...authorized()])
      .when(authorize(['seller.order.info', 'seller.authorization.info'], { now: LATER }))
      .thenNothingHappened();
  });

  it('records again when the scopes changed, or after a deauthorization', () => {
    given([connected, ...authorized()])
      .when(authorize(['seller.order.info'], { now: LATER }))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['TikTokShopAuthorized']));
    const revoked = storeDecider.decide(
      deauthorize(),
      [connected, ...authorized()].reduce(storeDecider.evolve, null),
    );
    const when = given([connected, ...authorized(), ...revoked]).when(
      authorize(undefined, { now: '2026-12-05T08:00:00.000Z' }),
    );
    expect(when.state()?.tiktokAuthorization?.state).toBe('AUTHORIZED');
  });

  it("refuses another shop's authorization, bad scopes and an unknown store", () => {
    given([connected])
      .when(authorize(undefined, { tiktokShopId: '7494999' }))
      .thenThrows('INVALID_INPUT', ['tiktokShopId']);
    given([connected])
      .when(authorize(['ok', '']))
      .thenThrows('INVALID_INPUT', ['grantedScopes']);
    given([connected])
      .when(authorize(['bad\u0000scope']))
      .thenThrows('INVALID_INPUT', ['grantedScopes']);
    given([connected])
      .when(authorize(undefined, { shopName: 'x'.repeat(201) }))
      .thenThrows('INVALID_INPUT', ['shopName']);
    given([]).when(authorize()).thenThrows('NOT_FOUND', ['storeId']);
  });
});

describe('recording a TikTok Shop deauthorization', () => {
  it('records it once, keeping the scopes the store had', () => {
    const when = given([connected, ...authorized()]).when(deauthorize());
    when.then([
      {
        type: 'TikTokShopDeauthorized',
        data: {
          storeId: 's-1',
          tiktokShopId: '7494001',
          reason: 'Shop_id 7494001 is deauthorized from your APP by merchant.',
          deauthorizedAt: LATER,
          deauthorizedBy: 'tiktok-shop-webhook',
        },
      },
    ]);
    expect(when.state()?.tiktokAuthorization).toEqual({
      state: 'DEAUTHORIZED',
      grantedScopes: ['seller.authorization.info', 'seller.order.info'],
      at: LATER,
    });
  });

  it('appends nothing when the store is already deauthorized (a redelivered webhook)', () => {
    const state = [connected, ...authorized()].reduce(storeDecider.evolve, null);
    const revoked = storeDecider.decide(deauthorize(), state);
    given([connected, ...authorized(), ...revoked])
      .when(deauthorize({ now: '2026-12-04T12:00:00.000Z' }))
      .thenNothingHappened();
  });

  it('records the revocation of a store that used the global token (never authorized on its own)', () => {
    const when = given([connected]).when(deauthorize());
    expect(when.state()?.tiktokAuthorization).toEqual({
      state: 'DEAUTHORIZED',
      grantedScopes: [],
      at: LATER,
    });
  });

  it('appends nothing for a revocation TikTok sent before the latest authorization', () => {
    given([connected, ...authorized()])
      .when(deauthorize({ notifiedAt: '2026-12-04T09:59:59.000Z' }))
      .thenNothingHappened();
    given([connected, ...authorized()])
      .when(deauthorize({ notifiedAt: '2026-12-04T10:30:00.000Z' }))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['TikTokShopDeauthorized']));
  });

  it("refuses another shop's deauthorization and an empty reason", () => {
    given([connected, ...authorized()])
      .when(deauthorize({ tiktokShopId: '1' }))
      .thenThrows('INVALID_INPUT', ['tiktokShopId']);
    given([connected, ...authorized()])
      .when(deauthorize({ reason: '  ' }))
      .thenThrows('INVALID_INPUT', ['reason']);
  });
});

it('catalogs both events in the store stream, and no event field names a token or a cipher', () => {
  expect(STORE_EVENT_TYPES).toEqual(
    expect.arrayContaining(['TikTokShopAuthorized', 'TikTokShopDeauthorized']),
  );
  expect(eventCatalog.TikTokShopAuthorized.stream).toBe('store');
  const state = [connected, ...authorized()].reduce(storeDecider.evolve, null);
  const events = [...authorized(), ...storeDecider.decide(deauthorize(), state)];
  for (const event of events) {
    expect(Object.keys(event.data).join(' ')).not.toMatch(/token|cipher|secret/i);
  }
});
