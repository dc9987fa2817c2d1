import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createTikTokShopClients } from '../../../../src/adapters/tiktok/auth/tikTokShopClients';
import type { TikTokTokenKeeper } from '../../../../src/adapters/tiktok/auth/tikTokTokenKeeper';
import { GET_ORDER_DETAIL_PATH } from '../../../../src/adapters/tiktok/createTikTokShopClient';
import type { TikTokAuthorization } from '../../../../src/domain/tiktokAuthorization';
import {
  type FakeTikTokShop,
  startFakeTikTokShop,
  tikTokOrderJson,
} from '../../../support/fakeTikTokShop';

const APP = { appKey: '7a1b2c', appSecret: 'clients-test-secret-0123456789' };
const GLOBAL = 'TTP_global_one_store_token';
let fake: FakeTikTokShop;
beforeAll(async () => {
  fake = await startFakeTikTokShop({ ...APP, accessToken: GLOBAL });
  fake.addOrder(tikTokOrderJson({ id: '5771', items: [{ salePrice: '1.00', quantity: 1 }] }));
});
afterAll(() => fake.close());

const authorizations: Record<string, TikTokAuthorization | null> = {
  never: null,
  revoked: { state: 'DEAUTHORIZED', grantedScopes: [], at: '2026-12-01T00:00:00.000Z' },
};
const noOwnTokens: TikTokTokenKeeper = {
  accessFor: () => Promise.resolve(undefined),
  refreshIfDue: () => Promise.resolve('not_due'),
};
const clients = (fallbackAccessToken: string | undefined) =>
  createTikTokShopClients({
    baseUrl: fake.baseUrl,
    ...APP,
    timeoutMs: 2000,
    keeper: noOwnTokens,
    fallbackAccessToken,
    authorizationOf: (storeId) => Promise.resolve(authorizations[storeId]),
  });

it('a store that never authorized on its own uses the global token, without a cipher', async () => {
  const order = await clients(GLOBAL).forStore('never').getOrderDetail({ orderId: '5771' });
  expect(order.orderId).toBe('5771');
  const sent = fake.requests.filter((r) => r.path === GET_ORDER_DETAIL_PATH).at(-1)!;
  expect(sent.headers['x-tts-access-token']).toBe(GLOBAL);
  expect(sent.query.shop_cipher).toBeUndefined();
});

it('a revoked store, or any store without the global token, fails NOT_AUTHORIZED (retryable) and sends nothing', async () => {
  const before = fake.requests.length;
  for (const [fallback, storeId] of [
    [GLOBAL, 'revoked'],
    [undefined, 'never'],
    [undefined, 'revoked'],
  ] as const) {
    await expect(
      clients(fallback).forStore(storeId).getOrderDetail({ orderId: '5771' }),
    ).rejects.toMatchObject({
      code: 'NOT_AUTHORIZED',
      retryable: true,
      message: expect.stringContaining(`/auth/tiktok-shop?store=${storeId}`),
    });
  }
  expect(fake.requests.length).toBe(before);
});
