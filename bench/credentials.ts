import { createShopifyAccessTokens } from '../src/adapters/shopify/auth/shopifyAccessTokens';
import { createShopifyTokenEndpoint } from '../src/adapters/shopify/auth/shopifyTokenEndpoint';
import { createShopifyPlatform } from '../src/adapters/shopify/createShopifyPlatform';
import { createCredentialVault } from '../src/credentials/credentialVault';
import { randomBytes } from 'node:crypto';
import { startFakeShopify } from '../test/support/fakeShopify';
import type { BenchServer } from './support/benchDatabase';
import type { Row, Section } from './support/report';
import { measurement, runConcurrently } from './support/stats';

const APP = { clientId: 'bench-client', clientSecret: 'bench-client-secret' };
const STORES = 20;
const CONCURRENCY = 16;

/**
 * What per-store credentials cost a sync: the Shopify platform's findOrder
 * (one Admin API query to the fake Shopify) with each store's own token,
 * read from the vault (a row read and an AES-256-GCM open, then kept by the
 * process for up to a minute), against
 * the same call with the one-store SHOPIFY_ACCESS_TOKEN, measured before and
 * after. 20 stores on 20 shops, installed through the fake's OAuth endpoint.
 */
export async function credentialsBench(server: BenchServer, quick: boolean): Promise<Section> {
  const total = quick ? 400 : 8_000;
  const database = await server.freshDatabase(CONCURRENCY + 2);
  const fake = await startFakeShopify({
    app: APP,
    maximumAvailable: 1e9,
    restoreRate: 1e9,
  });
  try {
    const endpoint = createShopifyTokenEndpoint({
      oauthUrlTemplate: fake.oauthUrl,
      credentials: APP,
    });
    const tokens = createShopifyAccessTokens({
      vault: createCredentialVault(database.db, randomBytes(32)),
      endpoint,
      fallbackToken: undefined,
    });
    const stores = Array.from({ length: STORES }, (_, i) => ({
      storeId: `bench-store-${i}`,
      shopDomain: `bench-${i}.myshopify.com`,
      connection: 'INSTALLED' as const,
    }));
    for (const store of stores) {
      const code = fake.oauth!.approve(store.shopDomain, { state: 'bench' }).get('code')!;
      const granted = await endpoint.exchangeCode(store.shopDomain, code);
      await tokens.save(store.storeId, { ...granted, shop: store.shopDomain });
    }
    const own = createShopifyPlatform({ adminApiUrl: fake.url, tokens });
    const global = createShopifyPlatform({ adminApiUrl: fake.url, accessToken: fake.accessToken });

    const run = async (platform: typeof own) => {
      const { latenciesMs, seconds } = await runConcurrently(CONCURRENCY, total, async (index) => {
        await platform.findOrder(stores[index % STORES]!, `5800${index}`);
      });
      return measurement(latenciesMs, seconds);
    };
    await run(global); // warm both paths up
    await run(own);
    const before = await run(global);
    const measured = await run(own);
    const after = await run(global);
    const refused = fake.requests.filter((request) => request.outcome !== 'ok').length;
    if (refused > 0) throw new Error(`the fake Shopify refused ${refused} requests`);
    const baseline = {
      perSecond: (before.perSecond + after.perSecond) / 2,
      p50Ms: (before.p50Ms + after.p50Ms) / 2,
      p99Ms: (before.p99Ms + after.p99Ms) / 2,
    };
    const rows: Row[] = [
      {
        case: `findOrder on ${STORES} shops, ${CONCURRENCY} at once, each store's own token from the vault`,
        unit: 'calls/s',
        value: measured.perSecond,
        p50Ms: measured.p50Ms,
        p99Ms: measured.p99Ms,
        baseline: {
          name: 'the same calls with the one-store token',
          value: baseline.perSecond,
          p50Ms: baseline.p50Ms,
          p99Ms: baseline.p99Ms,
        },
        ratio: measured.perSecond / baseline.perSecond,
        note: `${total.toLocaleString('en-US')} calls per run; the baseline is the mean of a run before and one after`,
      },
    ];
    return {
      name: 'credentials',
      description:
        "What per-store tokens cost a platform call: Shopify findOrder against a local fake Shopify with each store's own token (read from the vault and opened, then kept by the process for up to 60 s) beside the one-store token. Without that keeping, the same run measured 606 calls/s against 901 (0.67x).",
      rows,
    };
  } finally {
    await fake.close();
  }
}
