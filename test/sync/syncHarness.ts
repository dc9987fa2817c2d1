import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import { createSandboxPlatform } from '../../src/adapters/sandbox/createSandboxPlatform';
import { createShopifyPlatform } from '../../src/adapters/shopify/createShopifyPlatform';
import type { CommandContext } from '../../src/commands/commandContext';
import { createDomainEventStore } from '../../src/commands/domainEventStore';
import { orderIdFor } from '../../src/commands/ids';
import { recordTikTokOrder } from '../../src/commands/orderCommands';
import { connectStore, updateFbtSyncRules } from '../../src/commands/storeCommands';
import { createDatabase, type DatabaseHandle } from '../../src/db/database';
import { orderStreamId } from '../../src/domain/eventCatalog';
import type { OrderEvent } from '../../src/domain/orderEvents';
import { evolveOrder, initialOrderState, type Order } from '../../src/domain/orderState';
import type { FulfillmentType, LineItem } from '../../src/domain/orderVocabulary';
import type { FbtSyncMode, Plan } from '../../src/domain/storeVocabulary';
import type { TikTokOrderStatus } from '../../src/domain/tiktokStatus';
import { compareCheckpoints } from '../../src/eventstore/checkpoint';
import { loadCheckpoint } from '../../src/eventstore/checkpoints';
import type { EventStore } from '../../src/eventstore/createEventStore';
import type { RecordedEvent } from '../../src/eventstore/types';
import { createWakeups, type Wakeups } from '../../src/eventstore/wakeups';
import type { PlatformPort } from '../../src/sync/platformPort';
import {
  type SyncReactor,
  type SyncReactorOptions,
  startSyncReactor,
} from '../../src/sync/startSyncReactor';
import { SYNC_REACTOR } from '../../src/sync/subscribeSyncQueue';
import type { FakeShopify, FakeVariant } from '../support/fakeShopify';

/** Waits for a condition, polling; the generous deadline only turns a hang into a clear failure. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Short delays so retries happen within a test. */
export const QUICK: Partial<SyncReactorOptions> = {
  retry: { baseDelayMs: 20, maxDelayMs: 200 },
  leaderRetryMs: 50,
  safetyPollMs: 1_000,
  queuePollIntervalMs: 200,
  stopTimeoutMs: 2_000,
};

/** What a process of the service has of its own: a pool, wake-ups, its event store. */
export interface Process {
  handle: DatabaseHandle;
  wakeups: Wakeups;
  eventStore: EventStore;
  context: CommandContext;
  log: Logger;
  /** Every log line, parsed. */
  logLines: Array<Record<string, unknown>>;
  registry: Registry;
  startReactor(platform: PlatformPort, options?: Partial<SyncReactorOptions>): SyncReactor;
  close(): Promise<void>;
}

export function startProcess(url: string, poolSize = 8): Process {
  const handle = createDatabase(url, { poolSize });
  const wakeups = createWakeups({ url });
  const eventStore = createDomainEventStore(handle.db, wakeups);
  const logLines: Array<Record<string, unknown>> = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  const registry = new Registry();
  const reactors: SyncReactor[] = [];
  return {
    handle,
    wakeups,
    eventStore,
    context: {
      eventStore,
      now: () => new Date(),
      metadata: { correlationId: 'test-correlation', actor: 'test' },
    },
    log,
    logLines,
    registry,
    startReactor(platform, options = {}) {
      const reactor = startSyncReactor({
        ...QUICK,
        ...options,
        db: handle.db,
        databaseUrl: url,
        eventStore,
        platform,
        log,
        registry: options.registry ?? registry,
      });
      reactors.push(reactor);
      return reactor;
    },
    async close() {
      for (const reactor of reactors) await reactor.stop();
      await wakeups.close();
      await handle.close();
    },
  };
}

let shops = 0;

export interface TestStore {
  storeId: string;
  shopDomain: string;
}

/** A Shopify store of its own (every test gets a fresh shop), with the rules asked for. */
export async function connectTestStore(
  context: CommandContext,
  {
    plan = 'PRO',
    mode,
    orderTag = null,
  }: { plan?: Plan; mode?: FbtSyncMode; orderTag?: string | null } = {},
): Promise<TestStore> {
  const n = ++shops;
  const shopDomain = `shop-${process.pid}-${n}.myshopify.com`;
  const { state } = await connectStore(context, {
    name: `Shop ${n}`,
    tiktokShopId: `shop-${process.pid}-${n}`,
    platform: 'SHOPIFY',
    plan,
    shopDomain,
  });
  const storeId = state!.storeId;
  if (mode !== undefined || orderTag !== null) {
    await updateFbtSyncRules(context, {
      storeId,
      mode: mode ?? 'SYNC_AND_DEDUCT_INVENTORY',
      orderTag,
    });
  }
  return { storeId, shopDomain };
}

let tiktokOrders = 0;

export const LINE_ITEMS: LineItem[] = [
  { sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '12.50' },
  { sku: 'CAP-BLUE', title: 'Blue cap', quantity: 1, unitPrice: '9.90' },
];

/** Records a new TikTok Shop order; answers its order id. */
export async function placeOrder(
  context: CommandContext,
  store: TestStore,
  {
    fulfillmentType = 'FULFILLED_BY_TIKTOK',
    status = 'AWAITING_SHIPMENT',
    lineItems = LINE_ITEMS,
  }: { fulfillmentType?: FulfillmentType; status?: TikTokOrderStatus; lineItems?: LineItem[] } = {},
): Promise<{ orderId: string; tiktokOrderId: string }> {
  const tiktokOrderId = `57${process.pid}${String(++tiktokOrders).padStart(6, '0')}`;
  await recordTikTokOrder(context, {
    storeId: store.storeId,
    tiktokOrderId,
    fulfillmentType,
    status,
    lineItems,
    currency: 'USD',
    // A second ago: Shopify refuses a processedAt in the future.
    placedAt: new Date(Date.now() - 1000).toISOString(),
  });
  return { orderId: orderIdFor(store.storeId, tiktokOrderId), tiktokOrderId };
}

export async function orderEvents(
  eventStore: EventStore,
  orderId: string,
): Promise<RecordedEvent[]> {
  return (await eventStore.readStream(orderStreamId(orderId))).events;
}

export async function orderOf(eventStore: EventStore, orderId: string): Promise<Order> {
  let state = initialOrderState();
  for (const event of await orderEvents(eventStore, orderId)) {
    state = evolveOrder(state, event as unknown as OrderEvent);
  }
  if (state === null) throw new Error(`no order ${orderId}`);
  return state;
}

export async function untilOrder(
  eventStore: EventStore,
  orderId: string,
  condition: (order: Order) => boolean,
  what: string,
): Promise<Order> {
  let order: Order | undefined;
  await until(async () => condition((order = await orderOf(eventStore, orderId))), what);
  return order!;
}

export const untilSynced = (eventStore: EventStore, orderId: string) =>
  untilOrder(eventStore, orderId, (o) => o.syncStatus === 'SYNCED', `order ${orderId} SYNCED`);

/**
 * Waits until the reactor's queue has read every event of the order so far;
 * from then on, an order without a queue row can never reach the platform.
 */
export async function untilQueueHasRead(
  process: Process,
  orderId: string,
): Promise<{ queued: boolean }> {
  const last = (await orderEvents(process.eventStore, orderId)).at(-1)!.checkpoint;
  await until(
    async () =>
      compareCheckpoints(await loadCheckpoint(process.handle.db, SYNC_REACTOR), last) >= 0,
    `the sync queue to read order ${orderId}`,
  );
  const row = await process.handle.db
    .selectFrom('sync_queue')
    .select('order_id')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return { queued: row !== undefined };
}

/** What a test needs of the platform under test, sandbox or fake Shopify, the same way. */
export interface PlatformUnderTest {
  name: string;
  platform: PlatformPort;
  /** The SKUs exist, with 10 in stock. */
  stock(store: TestStore, skus: string[]): Promise<void>;
  stockOf(store: TestStore, sku: string): Promise<number>;
  ordersOf(store: TestStore): Promise<
    Array<{
      sourceIdentifier: string;
      status: 'AWAITING_SHIPMENT' | 'FULFILLED';
      tags: string[];
      inventoryBehaviour: string;
    }>
  >;
}

export function sandboxUnderTest(process: Process): PlatformUnderTest {
  const { db } = process.handle;
  return {
    name: 'the sandbox',
    platform: createSandboxPlatform(db),
    async stock(store, skus) {
      await db
        .insertInto('sandbox_inventory')
        .values(skus.map((sku) => ({ store_id: store.storeId, sku, quantity: 10 })))
        .execute();
    },
    async stockOf(store, sku) {
      const row = await db
        .selectFrom('sandbox_inventory')
        .select('quantity')
        .where('store_id', '=', store.storeId)
        .where('sku', '=', sku)
        .executeTakeFirst();
      return row?.quantity ?? 0;
    },
    async ordersOf(store) {
      const rows = await db
        .selectFrom('sandbox_orders')
        .select(['source_identifier', 'status', 'tags', 'inventory_behaviour'])
        .where('store_id', '=', store.storeId)
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        sourceIdentifier: row.source_identifier,
        status: row.status,
        tags: row.tags,
        inventoryBehaviour: row.inventory_behaviour,
      }));
    },
  };
}

export function shopifyUnderTest(
  fake: FakeShopify,
  options: { timeoutMs?: number } = {},
): PlatformUnderTest {
  // The fake changes a variant's stock in place.
  const variants = new Map<string, FakeVariant>();
  return {
    name: 'the fake Shopify',
    platform: createShopifyPlatform({
      adminApiUrl: fake.url,
      accessToken: fake.accessToken,
      timeoutMs: options.timeoutMs ?? 10_000,
    }),
    stock(store, skus) {
      for (const sku of skus) {
        variants.set(
          `${store.shopDomain} ${sku}`,
          fake.addVariant(store.shopDomain, sku, { inventoryQuantity: 10 }),
        );
      }
      return Promise.resolve();
    },
    stockOf(store, sku) {
      return Promise.resolve(variants.get(`${store.shopDomain} ${sku}`)?.inventoryQuantity ?? 0);
    },
    ordersOf(store) {
      return Promise.resolve(
        fake.ordersOf(store.shopDomain).map((order) => ({
          sourceIdentifier: order.sourceIdentifier ?? '',
          status:
            order.displayFulfillmentStatus === 'FULFILLED' ? 'FULFILLED' : 'AWAITING_SHIPMENT',
          tags: order.tags,
          inventoryBehaviour: order.inventoryBehaviour,
        })),
      );
    },
  };
}
