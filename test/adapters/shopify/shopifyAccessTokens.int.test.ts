import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createShopifyAccessTokens } from '../../../src/adapters/shopify/auth/shopifyAccessTokens';
import { createShopifyTokenEndpoint } from '../../../src/adapters/shopify/auth/shopifyTokenEndpoint';
import { createCredentialVault } from '../../../src/credentials/credentialVault';
import { PlatformError } from '../../../src/sync/platformPort';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { type FakeShopify, startFakeShopify } from '../../support/fakeShopify';

const APP = { clientId: 'client-1', clientSecret: 'secret-1' };
const SHOP = 'tokens.myshopify.com';
const store = { storeId: 'store-1', shopDomain: SHOP, connection: 'INSTALLED' as const };

let database: TestDatabase;
let fake: FakeShopify;
beforeAll(async () => {
  database = await createTestDatabase(4);
  fake = await startFakeShopify({ app: APP });
});
afterAll(async () => {
  await fake.close();
  await database.drop();
});

function keeper(vaultKey: Buffer, fallbackToken?: string) {
  return createShopifyAccessTokens({
    vault: createCredentialVault(database.db, vaultKey),
    endpoint: createShopifyTokenEndpoint({
      oauthUrlTemplate: fake.oauthUrl,
      credentials: { clientId: APP.clientId, clientSecret: APP.clientSecret },
    }),
    fallbackToken,
  });
}

async function installedTokens(lifetimeS: number) {
  const endpoint = createShopifyTokenEndpoint({
    oauthUrlTemplate: fake.oauthUrl,
    credentials: APP,
  });
  fake.oauth!.setAccessTokenLifetime(lifetimeS);
  const code = fake.oauth!.approve(SHOP, { state: 's' }).get('code')!;
  const tokens = await endpoint.exchangeCode(SHOP, code);
  fake.oauth!.setAccessTokenLifetime(3600);
  return { ...tokens, shop: SHOP };
}

describe("a store's own Shopify tokens", () => {
  const key = randomBytes(32);

  it('two processes refreshing a lapsing token at once keep one: one refresh, one token, both use it', async () => {
    const first = await installedTokens(60);
    await keeper(key).save(store.storeId, first);
    const before = fake.oauth!.tokenRequests.length;

    const [a, b] = [keeper(key), keeper(key)];
    const [tokenA, tokenB] = await Promise.all([a.tokenFor(store), b.tokenFor(store)]);

    const refreshes = fake.oauth!.tokenRequests.slice(before);
    expect(refreshes.filter((request) => request.status === 200)).toHaveLength(1);
    expect(tokenA).toBe(tokenB);
    expect(tokenA).not.toBe(first.accessToken);
    expect(fake.oauth!.shopOf(tokenA)).toBe(SHOP);
    // What the vault keeps is the winner's: a third process reads it without refreshing.
    const count = fake.oauth!.tokenRequests.length;
    expect(await keeper(key).tokenFor(store)).toBe(tokenA);
    expect(fake.oauth!.tokenRequests.length).toBe(count);
  });

  it('a token far from lapsing is used as it is; no refresh', async () => {
    const fresh = await installedTokens(3600);
    await keeper(key).save('store-2', fresh);
    const count = fake.oauth!.tokenRequests.length;
    expect(await keeper(key).tokenFor({ ...store, storeId: 'store-2' })).toBe(fresh.accessToken);
    expect(fake.oauth!.tokenRequests.length).toBe(count);
  });

  it('without a token of its own: the one-store token, else NOT_CONNECTED naming the install URL; uninstalled: NOT_CONNECTED even with the fallback', async () => {
    const none = { storeId: 'store-3', shopDomain: SHOP, connection: null };
    expect(await keeper(key, 'shpat_global').tokenFor(none)).toBe('shpat_global');
    expect(await keeper(key, 'shpat_global').notReadyFor(none)).toBeNull();
    const error = await keeper(key)
      .tokenFor(none)
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ kind: 'NOT_CONNECTED', retryable: true });
    expect((error as Error).message).toContain('/auth/shopify?shop=tokens.myshopify.com');
    const uninstalled = { ...none, connection: 'UNINSTALLED' as const };
    expect(await keeper(key, 'shpat_global').notReadyFor(uninstalled)).toContain('uninstalled');
    await expect(keeper(key, 'shpat_global').tokenFor(uninstalled)).rejects.toMatchObject({
      kind: 'NOT_CONNECTED',
    });
  });
});
