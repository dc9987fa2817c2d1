import { gzipSync } from 'node:zlib';
import type { Response } from 'playwright-core';
import { signToken } from '../src/auth/signToken';
import type { CommandContext } from '../src/commands/commandContext';
import { createDomainEventStore } from '../src/commands/domainEventStore';
import { recordTikTokOrder } from '../src/commands/orderCommands';
import { connectStore, updateFbtSyncRules } from '../src/commands/storeCommands';
import { launchChromium } from '../test/admin/browser';
import { AUTH_SECRET, startServe } from './endToEnd';
import type { BenchServer } from './support/benchDatabase';
import type { Row, Section } from './support/report';
import { runConcurrently } from './support/stats';

/** Seller-fulfilled orders (one in ten) are synced by the sandbox; the FBT ones wait, BLOCKED. */
const SELLER_EVERY = 10;

/**
 * The admin app as a person meets it: a store of 10,000 orders (recorded
 * through the commands, then projected by a `serve` process that syncs the
 * seller-fulfilled ones to the sandbox), and headless Chromium opening its
 * Orders page in a fresh browser context each time (nothing cached). Timed
 * from navigation until the first row and the counts are on screen; the
 * first-load size is what that page loads (HTML, JS, CSS), gzipped.
 */
export async function adminBench(server: BenchServer, quick: boolean): Promise<Section> {
  const orders = quick ? 1_000 : 10_000;
  const loads = quick ? 3 : 7;
  const database = await server.freshDatabase(8);
  const context: CommandContext = {
    eventStore: createDomainEventStore(database.db),
    now: () => new Date(),
    metadata: { correlationId: 'bench-admin-seed', actor: 'bench' },
  };
  const { state } = await connectStore(context, {
    name: 'Bench Outfitters',
    tiktokShopId: 'bench-admin-1',
    platform: 'SHOPIFY',
    plan: 'PRO',
    shopDomain: 'bench-outfitters.myshopify.com',
  });
  const storeId = state!.storeId;
  await updateFbtSyncRules(context, {
    storeId,
    mode: 'WAIT_FOR_AWAITING_COLLECTION',
    orderTag: 'FBT',
  });
  const start = Date.UTC(2026, 9, 1);
  await runConcurrently(8, orders, async (i) => {
    await recordTikTokOrder(context, {
      storeId,
      tiktokOrderId: `bench-${String(i).padStart(6, '0')}`,
      fulfillmentType: i % SELLER_EVERY === 0 ? 'FULFILLED_BY_SELLER' : 'FULFILLED_BY_TIKTOK',
      status: 'AWAITING_SHIPMENT',
      lineItems: [
        { sku: `SKU-${i % 40}`, title: 'Bench item', quantity: 1 + (i % 3), unitPrice: '12.50' },
      ],
      currency: 'USD',
      placedAt: new Date(start + i * 60_000).toISOString(),
    });
  });

  const serve = await startServe(database.url);
  const browser = await launchChromium();
  try {
    const token = await signToken(AUTH_SECRET, { role: 'admin', sub: 'bench' }, '1h');
    // The projections and the sync reactor catch up with the seeded log first.
    for (;;) {
      const response = await fetch(`${serve.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: `query ($id: ID!) { projections { lag } store(id: $id) { orderCounts { pending } } }`,
          variables: { id: storeId },
        }),
      });
      const { data } = (await response.json()) as {
        data: {
          projections: Array<{ lag: number }>;
          store: { orderCounts: { pending: number } } | null;
        };
      };
      if (
        data.store &&
        data.store.orderCounts.pending === 0 &&
        data.projections.every((p) => p.lag === 0)
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const timesMs: number[] = [];
    let firstLoadBytes = 0;
    let firstLoadGzip = 0;
    for (let run = 0; run < loads; run++) {
      const page = await (
        await browser.newContext({ viewport: { width: 1280, height: 860 } })
      ).newPage();
      await page.addInitScript(
        `sessionStorage.setItem('fbt-sync.token', ${JSON.stringify(token)})`,
      );
      const assets: Response[] = [];
      page.on('response', (r) => {
        if (['document', 'script', 'stylesheet'].includes(r.request().resourceType()))
          assets.push(r);
      });
      const t0 = performance.now();
      await page.goto(`${serve.url}/admin/stores/${storeId}/orders`);
      await page.locator('tbody tr').first().waitFor();
      await page.locator('[data-count="ALL"]').waitFor();
      timesMs.push(performance.now() - t0);
      if (run === 0)
        for (const asset of assets) {
          const body = await asset.body();
          firstLoadBytes += (await asset.request().sizes()).responseBodySize;
          firstLoadGzip += gzipSync(body, { level: 9 }).length;
        }
      await page.context().close();
    }
    const sorted = [...timesMs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const rows: Row[] = [
      {
        case: `admin app first load (HTML + JS + CSS of the Orders page), gzip; ${(firstLoadBytes / 1024).toFixed(1)} KiB as sent (brotli)`,
        unit: 'KiB',
        value: Math.round((firstLoadGzip / 1024) * 10) / 10,
      },
      {
        case: `navigation → first row and counts on the Orders page, ${orders.toLocaleString('en')} orders, fresh browser context, median of ${loads} (each: ${timesMs.map((t) => t.toFixed(0)).join(', ')} ms)`,
        unit: 'ms',
        value: Math.round(median),
      },
    ];
    return {
      name: 'admin',
      description: `The admin app in headless Chromium (Debian's /usr/bin/chromium, playwright-core) against a \`serve\` process on a store of ${orders.toLocaleString('en')} orders recorded through the commands (nine in ten FBT orders, BLOCKED under WAIT_FOR_AWAITING_COLLECTION; the rest synced to the sandbox). Each load opens the Orders page in a new browser context (no HTTP cache, token in sessionStorage) and is timed from navigation until the first order row and the status counts are visible. The first-load size is the page's HTML, JS and CSS gzipped (gzip -9, as npm run build writes them beside the files); the server sends the brotli copies to a browser that takes them, which is what “as sent” counts.`,
      rows,
    };
  } finally {
    await browser.close();
    await serve.stop();
  }
}
