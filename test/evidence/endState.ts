import { setTimeout as delay } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/db/schema';
import type { GraphqlClient } from '../support/graphqlClient';
import {
  expectedEnd,
  type Rules,
  type SentOrder,
  type Store,
  type SyncStatus,
} from '../support/loadGenerator';

/**
 * Where the orders ended, read as an outsider would: the Orders view through
 * the API, the sandbox platform's tables, the event log. And the checks of
 * the decision table against what the load generator knows it sent.
 */

export interface OrderView {
  id: string;
  tiktokOrderId: string;
  fulfillmentType: string;
  tiktokStatus: string;
  syncStatus: SyncStatus;
  blockedReason: string | null;
  failureReason: string | null;
  syncAttempts: number;
  appliedFbtSyncMode: string | null;
  platformOrderId: string | null;
  platformOrderStatus: string | null;
  tags: string[];
  inventoryDeductedFrom: string | null;
  version: number;
}

const ORDER_FIELDS = `id tiktokOrderId fulfillmentType tiktokStatus syncStatus blockedReason
  failureReason syncAttempts appliedFbtSyncMode platformOrderId platformOrderStatus tags
  inventoryDeductedFrom version`;

const STORE_ORDERS = `query StoreOrders($id: ID!, $after: String) {
  store(id: $id) {
    orders(first: 100, after: $after) {
      edges { node { ${ORDER_FIELDS} } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const STORE_DEDUCTIONS = `query StoreDeductions($id: ID!) {
  store(id: $id) { version fbtSyncRules { mode orderTag } inventoryDeductions { sku location quantity } }
}`;

const PROJECTIONS = `query { projections { name position lag } }`;

/** Every order of the stores, from the Orders view, keyed by store id and TikTok order id. */
export async function readOrderViews(
  client: GraphqlClient,
  stores: Store[],
): Promise<Map<string, OrderView>> {
  const views = new Map<string, OrderView>();
  for (const store of stores) {
    let after: string | null = null;
    for (;;) {
      const { store: page }: { store: { orders: OrderPage } | null } = await client.request(
        STORE_ORDERS,
        { id: store.id, after },
      );
      if (page === null) throw new Error(`store ${store.key} not found`);
      for (const { node } of page.orders.edges)
        views.set(`${store.id}/${node.tiktokOrderId}`, node);
      if (!page.orders.pageInfo.hasNextPage) break;
      after = page.orders.pageInfo.endCursor;
    }
  }
  return views;
}

interface OrderPage {
  edges: Array<{ node: OrderView }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface StoreView {
  version: number;
  fbtSyncRules: Rules;
  inventoryDeductions: Array<{ sku: string; location: string; quantity: number }>;
}

export async function readStoreView(client: GraphqlClient, store: Store): Promise<StoreView> {
  const { store: view } = await client.request<{ store: StoreView | null }>(STORE_DEDUCTIONS, {
    id: store.id,
  });
  if (view === null) throw new Error(`store ${store.key} not found`);
  return view;
}

/** The events of the projections not applied yet, summed, as the API reports them. */
export async function projectionLag(client: GraphqlClient): Promise<number> {
  const { projections } = await client.request<{ projections: Array<{ lag: number }> }>(
    PROJECTIONS,
  );
  return projections.reduce((sum, p) => sum + p.lag, 0);
}

export async function syncQueueLength(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM sync_queue`.execute(db);
  return rows[0]!.n;
}

interface SandboxOrder {
  id: string;
  store_id: string;
  source_identifier: string;
  order_id: string;
  status: string;
  tags: string[];
  inventory_behaviour: string;
}

/** Per order stream: how often it was synced, and where its inventory was deducted. */
interface OrderEffects {
  synced: number;
  alreadyOnPlatform: number;
  locations: string[];
}

export interface Facts {
  views: Map<string, OrderView>;
  /** Keyed by store id and source identifier (the TikTok order id). */
  sandboxOrders: Map<string, SandboxOrder[]>;
  /** Keyed by order id. */
  effects: Map<string, OrderEffects>;
  /** store id / sku -> quantity on the sandbox platform. */
  sandboxStock: Map<string, number>;
  storeViews: Map<string, StoreView>;
}

export async function readFacts(
  db: Kysely<Database>,
  client: GraphqlClient,
  stores: Store[],
): Promise<Facts> {
  const views = await readOrderViews(client, stores);
  const sandbox = await sql<SandboxOrder>`
    SELECT id::text AS id, store_id, source_identifier, order_id, status, tags, inventory_behaviour
    FROM sandbox_orders`.execute(db);
  const sandboxOrders = new Map<string, SandboxOrder[]>();
  for (const row of sandbox.rows) {
    const key = `${row.store_id}/${row.source_identifier}`;
    sandboxOrders.set(key, [...(sandboxOrders.get(key) ?? []), row]);
  }
  const effects = await sql<{
    order_id: string;
    synced: number;
    already: number;
    locations: string[] | null;
  }>`
    SELECT substr(stream_id, 7) AS order_id,
      count(*) FILTER (WHERE type = 'OrderSynced')::int AS synced,
      count(*) FILTER (WHERE type = 'OrderSynced' AND (data->>'alreadyOnPlatform')::boolean)::int AS already,
      array_agg(data->>'location') FILTER (WHERE type = 'InventoryDeducted') AS locations
    FROM events WHERE starts_with(stream_id, 'order-') GROUP BY stream_id`.execute(db);
  const stock = await sql<{ store_id: string; sku: string; quantity: number }>`
    SELECT store_id, sku, quantity FROM sandbox_inventory`.execute(db);
  const storeViews = new Map<string, StoreView>();
  for (const store of stores) storeViews.set(store.id, await readStoreView(client, store));
  return {
    views,
    sandboxOrders,
    effects: new Map(
      effects.rows.map((r) => [
        r.order_id,
        { synced: r.synced, alreadyOnPlatform: r.already, locations: r.locations ?? [] },
      ]),
    ),
    sandboxStock: new Map(stock.rows.map((r) => [`${r.store_id}/${r.sku}`, r.quantity])),
    storeViews,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Every way the end state departs from the decision table, one line each
 * (empty when it all holds). `orders` are the orders the generator got an
 * answer for; orders it never got one for are left out by the caller.
 */
export function mismatches(orders: SentOrder[], facts: Facts, stores: Store[]): string[] {
  const problems: string[] = [];
  const expectedStock = new Map<string, number>();
  const expectedDeductions = new Map<string, number>();
  const known = new Set<string>();
  for (const order of orders) {
    const key = `${order.store.id}/${order.tiktokOrderId}`;
    // An order with a message never answered may or may not exist: its history is not known.
    if (order.unknown || order.orderId === null || order.placedUnder === null) {
      if (order.orderId !== null || order.unknown) known.add(key);
      continue;
    }
    known.add(key);
    const expected = expectedEnd({ ...order, placedUnder: order.placedUnder });
    const view = facts.views.get(key);
    const label = `order ${order.tiktokOrderId} (${order.store.key}; ${expected.why})`;
    const problem = (what: string) => problems.push(`${label}: ${what}`);
    if (view === undefined) {
      problem('not in the Orders view');
      continue;
    }
    if (view.tiktokStatus !== expected.tiktokStatus)
      problem(`tiktokStatus ${view.tiktokStatus}, expected ${expected.tiktokStatus}`);
    if (!expected.syncStatus.includes(view.syncStatus))
      problem(
        `syncStatus ${view.syncStatus}, expected ${expected.syncStatus.join(' or ')} (failureReason ${view.failureReason})`,
      );
    if (view.appliedFbtSyncMode !== expected.appliedFbtSyncMode)
      problem(
        `appliedFbtSyncMode ${view.appliedFbtSyncMode}, expected ${expected.appliedFbtSyncMode}`,
      );
    if (view.syncStatus === 'BLOCKED' && !view.blockedReason?.includes('AWAITING_COLLECTION'))
      problem(`blockedReason ${view.blockedReason} does not name AWAITING_COLLECTION`);

    const onPlatform = facts.sandboxOrders.get(key) ?? [];
    const effects = facts.effects.get(order.orderId) ?? {
      synced: 0,
      alreadyOnPlatform: 0,
      locations: [],
    };
    if (effects.synced > 1) problem(`${effects.synced} OrderSynced events`);
    if (effects.locations.length > 1)
      problem(
        `${effects.locations.length} InventoryDeducted events (${effects.locations.join(', ')})`,
      );
    if (onPlatform.length > 1) problem(`${onPlatform.length} orders on the sandbox platform`);

    if (view.syncStatus === 'SYNCED') {
      const want = expected.synced;
      if (view.platformOrderStatus !== want.platformOrderStatus)
        problem(
          `platformOrderStatus ${view.platformOrderStatus}, expected ${want.platformOrderStatus}`,
        );
      if (view.inventoryDeductedFrom !== want.inventoryDeductedFrom)
        problem(
          `inventoryDeductedFrom ${view.inventoryDeductedFrom}, expected ${want.inventoryDeductedFrom}`,
        );
      if (!same(view.tags, want.tags))
        problem(`tags ${JSON.stringify(view.tags)}, expected ${JSON.stringify(want.tags)}`);
      if (effects.synced !== 1) problem(`SYNCED with ${effects.synced} OrderSynced events`);
      if (!same(effects.locations, [want.inventoryDeductedFrom]))
        problem(
          `InventoryDeducted at ${JSON.stringify(effects.locations)}, expected [${want.inventoryDeductedFrom}]`,
        );
      const row = onPlatform[0];
      if (row === undefined) {
        problem('SYNCED but not on the sandbox platform');
      } else {
        if (row.order_id !== order.orderId) problem(`sandbox order names order ${row.order_id}`);
        if (row.status !== want.platformOrderStatus)
          problem(`sandbox status ${row.status}, expected ${want.platformOrderStatus}`);
        if (!same(row.tags, want.tags)) problem(`sandbox tags ${JSON.stringify(row.tags)}`);
        if (row.inventory_behaviour !== want.inventoryBehaviour)
          problem(
            `sandbox inventoryBehaviour ${row.inventory_behaviour}, expected ${want.inventoryBehaviour}`,
          );
        if (view.platformOrderId === null || !view.platformOrderId.endsWith(`/${row.id}`))
          problem(`platformOrderId ${view.platformOrderId} is not sandbox order ${row.id}`);
      }
      for (const item of order.lineItems) {
        if (want.inventoryBehaviour === 'DECREMENT_OBEYING_POLICY') {
          const k = `${order.store.id}/${item.sku}`;
          expectedStock.set(k, (expectedStock.get(k) ?? 0) - item.quantity);
        }
        const d = `${order.store.id}/${item.sku}/${want.inventoryDeductedFrom}`;
        expectedDeductions.set(d, (expectedDeductions.get(d) ?? 0) + item.quantity);
      }
    } else {
      if (onPlatform.length > 0) problem(`${view.syncStatus} but on the sandbox platform`);
      if (effects.synced > 0 || effects.locations.length > 0)
        problem(
          `${view.syncStatus} with ${effects.synced} OrderSynced, ${effects.locations.length} InventoryDeducted`,
        );
      if (
        view.platformOrderId !== null ||
        view.inventoryDeductedFrom !== null ||
        view.tags.length > 0
      )
        problem(
          `${view.syncStatus} with platform fields ${view.platformOrderId} ${view.inventoryDeductedFrom} ${JSON.stringify(view.tags)}`,
        );
    }
  }

  const storeIds = new Set(stores.map((s) => s.id));
  for (const key of facts.views.keys()) {
    if (storeIds.has(key.split('/')[0]!) && !known.has(key))
      problems.push(`order ${key} in the view, never sent`);
  }
  for (const [key, rows] of facts.sandboxOrders) {
    if (storeIds.has(key.split('/')[0]!) && !known.has(key))
      problems.push(`${rows.length} sandbox order(s) ${key} for no order sent`);
  }
  for (const [key, quantity] of facts.sandboxStock) {
    if (!storeIds.has(key.split('/')[0]!)) continue;
    if ((expectedStock.get(key) ?? 0) !== quantity)
      problems.push(`sandbox stock ${key} is ${quantity}, expected ${expectedStock.get(key) ?? 0}`);
  }
  for (const [key, quantity] of expectedStock) {
    if (!facts.sandboxStock.has(key))
      problems.push(`sandbox stock ${key} missing, expected ${quantity}`);
  }
  for (const store of stores) {
    const view = facts.storeViews.get(store.id);
    const actual = new Map(
      (view?.inventoryDeductions ?? []).map((d) => [
        `${store.id}/${d.sku}/${d.location}`,
        d.quantity,
      ]),
    );
    const wanted = [...expectedDeductions].filter(([k]) => k.startsWith(`${store.id}/`));
    for (const [k, q] of wanted) {
      if (actual.get(k) !== q)
        problems.push(`inventoryDeductions ${k} is ${actual.get(k)}, expected ${q}`);
    }
    for (const [k, q] of actual) {
      if (!expectedDeductions.has(k) && q !== 0)
        problems.push(`inventoryDeductions ${k} is ${q}, expected none`);
    }
  }
  return problems;
}

/** Streams whose versions are not 0..n with no hole (the primary key rules out duplicates). */
export async function streamsWithGaps(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ stream_id: string; lo: number; hi: number; n: number }>`
    SELECT stream_id, min(stream_version) AS lo, max(stream_version) AS hi, count(*)::int AS n
    FROM events GROUP BY stream_id
    HAVING min(stream_version) <> 0 OR max(stream_version) <> count(*) - 1`.execute(db);
  return rows.map((r) => `${r.stream_id}: versions ${r.lo}..${r.hi}, ${r.n} events`);
}

export async function countEvents(
  db: Kysely<Database>,
): Promise<{ events: number; streams: number }> {
  const { rows } = await sql<{ events: number; streams: number }>`
    SELECT count(*)::int AS events, count(DISTINCT stream_id)::int AS streams FROM events`.execute(
    db,
  );
  return rows[0]!;
}

/**
 * Polls until the projections have applied the whole log, the sync queue is
 * empty and the end state holds, twice in a row; on the deadline, fails with
 * what still does not hold. The deadline only turns a hang into a failure.
 */
export async function untilSettled(
  db: Kysely<Database>,
  client: GraphqlClient,
  check: () => Promise<string[]>,
  timeoutMs = 120_000,
): Promise<{ waitedMs: number }> {
  const started = Date.now();
  let last: string[] = ['never checked'];
  let holds = 0;
  while (Date.now() - started < timeoutMs) {
    const lag = await projectionLag(client);
    const queued = await syncQueueLength(db);
    if (lag === 0 && queued === 0) {
      last = await check();
      holds = last.length === 0 ? holds + 1 : 0;
      if (holds >= 2) return { waitedMs: Date.now() - started };
    } else {
      last = [`projection lag ${lag}, sync queue ${queued}`];
      holds = 0;
    }
    await delay(200);
  }
  throw new Error(
    `did not settle within ${timeoutMs} ms; still:\n${last.slice(0, 30).join('\n')}${last.length > 30 ? `\n... and ${last.length - 30} more` : ''}`,
  );
}

/** Polls until a condition holds; the generous deadline only turns a hang into a clear failure. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await delay(everyMs);
  }
  return Date.now() - started;
}

/** Milliseconds from OrderSyncRequested to OrderSynced, per synced order, from the log's recordedAt. */
export async function requestedToSyncedMs(db: Kysely<Database>): Promise<number[]> {
  const { rows } = await sql<{ ms: number }>`
    SELECT extract(epoch FROM s.recorded_at - r.recorded_at)::float * 1000 AS ms
    FROM events s JOIN LATERAL (
      SELECT max(recorded_at) AS recorded_at FROM events
      WHERE stream_id = s.stream_id AND type = 'OrderSyncRequested' AND stream_version < s.stream_version
    ) r ON true
    WHERE s.type = 'OrderSynced' ORDER BY 1`.execute(db);
  return rows.map((r) => r.ms);
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
