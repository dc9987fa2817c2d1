import { createTikTokShopClient } from '../src/adapters/tiktok/createTikTokShopClient';
import { reconcileStore, type ReconcileResult } from '../src/adapters/tiktok/reconcileStore';
import { createDomainEventStore } from '../src/commands/domainEventStore';
import { startFakeTikTokShop, tikTokOrderJson } from '../test/support/fakeTikTokShop';
import { connectStoreTwoDaysAgo } from '../test/support/reconcileScenario';
import { benchLog, type BenchServer } from './support/benchDatabase';
import type { Row, Section } from './support/report';

const credentials = {
  appKey: 'bench-app-key',
  appSecret: 'bench-app-secret-0123456789abcdef',
  accessToken: 'TTP_bench_token',
};
const STATUSES = ['UNPAID', 'AWAITING_SHIPMENT', 'AWAITING_COLLECTION', 'IN_TRANSIT', 'CANCELLED'];
const PAGE_SIZE = 100;

/**
 * Reconciliation's rate: orders checked per second by `reconcileStore`
 * against a local fake of TikTok Shop's Search Orders (signed requests,
 * pages of 100), once when every order is missing (each recorded through
 * the webhook's commands) and once when every order is known (the steady
 * state of a 15-minute schedule re-reading a 16 h overlap: each order's
 * stream read and folded, nothing appended). Baseline: fetching the same
 * pages from the same fake with the same client, without applying them.
 */
export async function reconcileBench(server: BenchServer, quick: boolean): Promise<Section> {
  const total = quick ? 2_000 : 20_000;
  const database = await server.freshDatabase(12);
  const eventStore = createDomainEventStore(database.db, undefined, database.pool);
  const fake = await startFakeTikTokShop(credentials);
  const client = createTikTokShopClient({ baseUrl: fake.baseUrl, ...credentials });
  const rows: Row[] = [];
  try {
    const storeId = await connectStoreTwoDaysAgo(eventStore, '7494000000000009999');
    // Updated over the last 10 hours: inside a first run's window and the next one's overlap.
    const start = Math.floor(Date.now() / 1000) - 10 * 3600;
    for (let i = 0; i < total; i++) {
      const createTime = start + Math.floor((i * 9 * 3600) / total);
      fake.addOrder(
        tikTokOrderJson({
          id: `5795${String(i).padStart(14, '0')}`,
          status: STATUSES[i % STATUSES.length]!,
          fulfillmentType: i % 2 === 0 ? 'FULFILLMENT_BY_SELLER' : 'FULFILLMENT_BY_TIKTOK',
          createTime,
          updateTime: createTime + 60,
          items: [
            { sellerSku: 'MUG-RED', salePrice: '12.50', quantity: 2 },
            { sellerSku: 'CAP-BLUE', salePrice: '9.90', quantity: 1 },
          ],
        }),
      );
    }

    /** Every page of the window from the fake, mapped, not applied. */
    const fetchOnly = async (): Promise<number> => {
      const lt = Math.floor(Date.now() / 1000) - 60;
      const t0 = performance.now();
      let found = 0;
      let pageToken: string | undefined;
      do {
        const page = await client.searchOrders({
          updateTimeGe: start - 3600,
          updateTimeLt: lt,
          pageSize: PAGE_SIZE,
          pageToken,
        });
        found += page.orders.length;
        pageToken = page.nextPageToken;
      } while (pageToken !== undefined);
      if (found !== total) throw new Error(`the fetch found ${found} orders, not ${total}`);
      return found / ((performance.now() - t0) / 1000);
    };
    const reconcile = async (): Promise<{ perSecond: number; result: ReconcileResult }> => {
      const t0 = performance.now();
      const result = await reconcileStore(
        {
          db: database.db,
          url: database.url,
          eventStore,
          client,
          log: benchLog,
          pageSize: PAGE_SIZE,
        },
        { storeId },
      );
      if (result.outcome !== 'completed' || result.found !== total) {
        throw new Error(`reconcile did not check every order: ${JSON.stringify(result)}`);
      }
      return { perSecond: result.found / ((performance.now() - t0) / 1000), result };
    };

    await fetchOnly(); // warm the fake, the client and the JIT
    const bareBefore = await fetchOnly();
    const missing = await reconcile();
    const bareBetween = await fetchOnly();
    const known = await reconcile();
    const bareAfter = await fetchOnly();
    const pages = Math.ceil(total / PAGE_SIZE);
    const row = (name: string, perSecond: number, bare: number, note: string): Row => ({
      case: name,
      unit: 'orders checked/s',
      value: perSecond,
      baseline: { name: 'the same pages fetched and mapped, not applied', value: bare },
      ratio: perSecond / bare,
      note,
    });
    rows.push(
      row(
        `first reconcile, ${total.toLocaleString('en-US')} orders all missing (webhooks lost)`,
        missing.perSecond,
        (bareBefore + bareBetween) / 2,
        `${missing.result.outcome === 'completed' ? missing.result.recorded : 0} recorded through the webhook's commands, ${pages} pages of ${PAGE_SIZE}`,
      ),
      row(
        `next reconcile, the same ${total.toLocaleString('en-US')} orders all known (nothing to append)`,
        known.perSecond,
        (bareBetween + bareAfter) / 2,
        `${known.result.outcome === 'completed' ? known.result.recorded + known.result.statusChanges : 0} events' worth of changes; each order's stream read and decided`,
      ),
    );
  } finally {
    await fake.close();
  }
  return {
    name: 'reconcile',
    description:
      "Orders checked per second by reconcileStore against a local fake of TikTok Shop's Search Orders 202309 (signed POSTs, pages of 100, the fake in the same process): a first run where every order is missing and is recorded through the webhook's idempotent commands, then a run over the same window where every order is known and nothing is appended (what each scheduled run does over its 16 h overlap). Baseline: the same pages fetched and mapped by the same client without applying them, measured before, between and after.",
    rows,
  };
}
