import type { OrderSyncStatus } from '../src/domain/orderVocabulary';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../src/db/schema';
import { readOrderCounts } from '../src/projections/read/readOrderCounts';
import { type OrderKey, readOrderPages } from '../src/projections/read/readOrderPages';
import type { BenchServer } from './support/benchDatabase';
import type { Row, Section } from './support/report';
import { measurement, type Measurement } from './support/stats';

const STORE = 'bench-store-measured';
const PAGE = 20;

/**
 * Fills the Orders view with `orders` rows of one store (and a tenth as many
 * of another), statuses mixed as in a live shop (5% BLOCKED), placed every 20
 * seconds, and the counts that go with them; then gathers statistics.
 */
async function fill(db: Kysely<Database>, orders: number): Promise<void> {
  await sql`
    INSERT INTO orders (id, store_id, tiktok_order_id, fulfillment_type, platform, applied_mode, order_tag,
      tiktok_status, sync_status, blocked_reason, failure_reason, sync_attempts, attempts_since_request,
      attempt_in_flight, sync_plan, next_attempt_at, platform_order_id, platform_order_status, tags,
      inventory_deducted_from, line_items, currency, total_amount, placed_at, synced_at, updated_at, version)
    SELECT md5(s || ':' || n), s, n::text,
      CASE WHEN n % 5 < 3 THEN 'FULFILLED_BY_TIKTOK' ELSE 'FULFILLED_BY_SELLER' END, 'SHOPIFY',
      CASE WHEN n % 5 < 3 THEN 'WAIT_FOR_AWAITING_COLLECTION' END, 'FBT',
      CASE WHEN n % 20 = 0 THEN 'AWAITING_SHIPMENT' WHEN n % 25 = 4 THEN 'CANCELLED' ELSE 'IN_TRANSIT' END,
      CASE WHEN n % 20 = 0 THEN 'BLOCKED' WHEN n % 20 IN (1, 2) THEN 'PENDING' WHEN n % 50 = 3 THEN 'FAILED'
           WHEN n % 25 = 4 THEN 'CANCELLED' ELSE 'SYNCED' END,
      CASE WHEN n % 20 = 0 THEN 'FBT order held under WAIT_FOR_AWAITING_COLLECTION until TikTok Shop reports AWAITING_COLLECTION (now AWAITING_SHIPMENT)' END,
      CASE WHEN n % 50 = 3 THEN 'Shopify has no product variant with SKU "MUG-9"' END,
      1, 1, NULL,
      '{"platformOrderStatus":"FULFILLED","inventoryBehaviour":"BYPASS","inventoryLocation":"TIKTOK_SHOP","tags":["FBT"]}'::jsonb,
      NULL, 'gid://shopify/Order/' || n, 'FULFILLED', '["FBT"]'::jsonb, 'TIKTOK_SHOP',
      '[{"sku":"MUG","title":"Mug","quantity":2,"unitPrice":"12.50"},{"sku":"CAP","title":null,"quantity":1,"unitPrice":"9.99"}]'::jsonb,
      'USD', 34.99, timestamptz '2026-01-01' + n * interval '20 seconds',
      timestamptz '2026-01-01' + n * interval '20 seconds' + interval '1 minute',
      timestamptz '2026-01-01' + n * interval '20 seconds' + interval '1 minute', 5
    FROM (VALUES (${STORE}::text, ${orders}::int), ('bench-store-other', ${Math.ceil(orders / 10)}::int)) AS stores(s, total),
      generate_series(1, total) AS n`.execute(db);
  await sql`INSERT INTO order_counts (store_id, sync_status, count)
    SELECT store_id, sync_status, count(*) FROM orders GROUP BY store_id, sync_status`.execute(db);
  await sql`VACUUM ANALYZE orders`.execute(db);
  await sql`VACUUM ANALYZE order_counts`.execute(db);
  // Write the fill's dirty pages out now, so that a checkpoint does not write
  // them (a gigabyte at 1M orders) while the queries are timed.
  await sql`CHECKPOINT`.execute(db);
}

async function time(runs: number, query: () => Promise<unknown>): Promise<Measurement> {
  for (let i = 0; i < 20; i++) await query();
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await query();
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return measurement(latencies, Number(process.hrtime.bigint() - started) / 1e9);
}

/**
 * The Orders view's queries as the API runs them (a page of 20 with
 * totalCount: readOrderPages + readOrderCounts), at 10k, 100k and 1M orders
 * in the store: the BLOCKED filter, page 1, and page 500 (by cursor). The
 * baseline of each is the same query at 10k orders: the view must stay flat.
 */
export async function orderQueriesBench(server: BenchServer, quick: boolean): Promise<Section> {
  const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const runs = quick ? 100 : 300;
  const results = new Map<string, Map<number, Measurement>>();
  for (const size of sizes) {
    const database = await server.freshDatabase(4);
    const { db } = database;
    await fill(db, size);
    // Page 500's cursor: the sort key of the 9,980th order, newest first.
    const boundary = await db
      .selectFrom('orders')
      .select(['placed_at', 'id'])
      .where('store_id', '=', STORE)
      .orderBy('placed_at', 'desc')
      .orderBy('id', 'desc')
      .offset(499 * PAGE - 1)
      .limit(1)
      .executeTakeFirstOrThrow();
    const after: OrderKey = { placedAt: boundary.placed_at, id: boundary.id };
    const page = async (filter: { syncStatus?: OrderSyncStatus[] }, from?: OrderKey) => {
      const [rows, counts] = await Promise.all([
        readOrderPages(db, [STORE], { filter, limit: PAGE + 1, after: from }),
        readOrderCounts(db, [STORE]),
      ]);
      if ((rows.get(STORE)?.length ?? 0) === 0 || counts.size === 0) throw new Error('empty page');
    };
    const cases: Array<[string, () => Promise<void>]> = [
      ['BLOCKED filter, page 1', () => page({ syncStatus: ['BLOCKED'] })],
      ['page 1', () => page({})],
      ['page 500 (by cursor)', () => page({}, after)],
    ];
    for (const [name, query] of cases) {
      const byName = results.get(name) ?? new Map<number, Measurement>();
      byName.set(size, await time(runs, query));
      results.set(name, byName);
    }
    await database.close();
  }

  const rows: Row[] = [];
  for (const [name, bySize] of results) {
    const base = bySize.get(sizes[0]!)!;
    for (const size of sizes) {
      const m = bySize.get(size)!;
      const largest = size === sizes[sizes.length - 1];
      rows.push({
        case: `${name}, ${PAGE} orders with totalCount, store of ${size.toLocaleString('en-US')} orders`,
        unit: 'ms p50',
        value: m.p50Ms,
        p50Ms: m.p50Ms,
        p99Ms: m.p99Ms,
        baseline: {
          name: `the same at ${sizes[0]!.toLocaleString('en-US')} orders`,
          value: base.p50Ms,
          p50Ms: base.p50Ms,
          p99Ms: base.p99Ms,
        },
        ratio: base.p50Ms / m.p50Ms,
        ...(largest && size >= 1_000_000
          ? { target: '1M within 1.5x of 10k (ratio >= 0.67)', met: m.p50Ms <= 1.5 * base.p50Ms }
          : {}),
      });
    }
  }
  return {
    name: 'order-queries',
    description:
      'The Orders view as the API reads it (readOrderPages + readOrderCounts, one client, after warm-up), as the store grows from 10k to 1M orders. Latencies in ms; the ratio is the 10k latency over this one (1.00x: flat).',
    rows,
  };
}
