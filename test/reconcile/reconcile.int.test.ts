import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pino from 'pino';
import { Registry } from 'prom-client';
import {
  createTikTokShopClient,
  type TikTokShopClient,
} from '../../src/adapters/tiktok/createTikTokShopClient';
import { ReconcileError } from '../../src/adapters/tiktok/reconcileError';
import { createReconcileSchedule } from '../../src/adapters/tiktok/reconcileSchedule';
import { tryReconcileLock } from '../../src/adapters/tiktok/reconcileLock';
import { createReconcileMetrics } from '../../src/adapters/tiktok/reconcileMetrics';
import {
  type ReconcileDependencies,
  type ReconcileResult,
  reconcileStore,
} from '../../src/adapters/tiktok/reconcileStore';
import {
  readReconcileWatermark,
  readReconcileWatermarkLags,
} from '../../src/adapters/tiktok/reconcileWatermarks';
import { platformFromConfig } from '../../src/platformFromConfig';
import { installSync } from '../../src/sync/installSync';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  type FakeTikTokShop,
  startFakeTikTokShop,
  tikTokOrderJson,
} from '../support/fakeTikTokShop';
import {
  connectStoreTwoDaysAgo,
  expectedSyncStatus,
  putScenarioOrder,
  scenarioOrders,
  type ScenarioOrder,
} from '../support/reconcileScenario';
import { QUICK } from '../sync/syncHarness';
import {
  credentials,
  eventually,
  inboxRow,
  orderEvents,
  orderState,
  startWebhookTestService,
  statusWebhook,
  type WebhookTestService,
} from '../webhooks/webhookTestService';

let database: TestDatabase;
let fake: FakeTikTokShop;
let service: WebhookTestService;
let client: TikTokShopClient;
let registry: Registry;

beforeAll(async () => {
  database = await createTestDatabase(10);
  fake = await startFakeTikTokShop(credentials);
  service = await startWebhookTestService(database, { env: { TIKTOK_API_BASE_URL: fake.baseUrl } });
  // The sync reactor on the sandbox platform, so orders reach the sync status the table says.
  installSync(
    service.parts,
    platformFromConfig(service.parts.config, service.parts.database.db, service.parts.log),
    QUICK,
  );
  client = createTikTokShopClient({ baseUrl: fake.baseUrl, ...credentials, timeoutMs: 2000 });
  registry = new Registry();
});
afterAll(async () => {
  await service.stop();
  await fake.close();
  await database.drop();
});

function dependencies(overrides: Partial<ReconcileDependencies> = {}): ReconcileDependencies {
  return {
    db: database.db,
    url: database.url,
    eventStore: service.parts.eventStore,
    client,
    log: pino({ level: 'silent' }),
    metrics: metrics(),
    pageSize: 10,
    // Backoff in milliseconds, so the tests do not wait for it.
    backoff: { baseDelayMs: 5, maxDelayMs: 20 },
    ...overrides,
  };
}

let reconcileMetrics: ReturnType<typeof createReconcileMetrics> | undefined;
function metrics() {
  reconcileMetrics ??= createReconcileMetrics(registry, () =>
    readReconcileWatermarkLags(database.db),
  );
  return reconcileMetrics;
}

async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) =>
    Object.entries(labels).every(([key, label]) => v.labels[key] === label),
  );
  return value?.value ?? 0;
}

async function eventCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events`.execute(
    database.db,
  );
  return rows[0]!.n;
}

/** Events reconciliation appended (the sync reactor may still be appending its own meanwhile). */
async function reconcileEventCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM events WHERE metadata->>'actor' = 'tiktok-shop-reconcile'`.execute(
    database.db,
  );
  return rows[0]!.n;
}

const eventsOf = (shopId: string, order: ScenarioOrder) =>
  orderEvents(service.parts, shopId, order.tiktokOrderId);
const syncStatusOf = async (shopId: string, order: ScenarioOrder) =>
  (await orderState(service.parts, shopId, order.tiktokOrderId))?.syncStatus;

function completed(result: ReconcileResult) {
  if (result.outcome !== 'completed') throw new Error(`expected a completed run: ${result.reason}`);
  return result;
}

let shops = 0;
const ownFakes: FakeTikTokShop[] = [];
afterAll(async () => {
  for (const own of ownFakes) await own.close();
});

/**
 * A store connected two days ago, and its orders at TikTok Shop. With
 * webhooks delivered, on the fake the webhook service fetches from; without,
 * on a fake of its own (a shop's token sees only its shop's orders).
 */
async function storeWithOrders(count: number, deliver = true) {
  const shopId = `74940000000${String(++shops).padStart(8, '0')}`;
  const storeId = await connectStoreTwoDaysAgo(service.parts.eventStore, shopId);
  const orders = scenarioOrders(`5780${shops}`, count);
  const shop = deliver ? fake : await startFakeTikTokShop(credentials);
  if (!deliver) ownFakes.push(shop);
  const shopClient = deliver
    ? client
    : createTikTokShopClient({ baseUrl: shop.baseUrl, ...credentials, timeoutMs: 2000 });
  for (const order of orders) putScenarioOrder(shop, order, false);
  if (deliver) {
    // The first webhook of a third of the orders reaches us; the worker fetches and records them.
    let serial = 0;
    for (const order of orders.filter((o) => o.delivered)) {
      const notificationId = `7327${shops}${String(++serial).padStart(10, '0')}`;
      const response = await service.post(
        statusWebhook({
          notificationId,
          shopId,
          orderId: order.tiktokOrderId,
          status: order.firstStatus,
          updateTime: order.createTime,
        }),
      );
      expect(response.statusCode).toBe(200);
      await eventually(async () => {
        const row = await inboxRow(database, notificationId);
        return row?.state === 'done' ? row : undefined;
      }, `notification ${notificationId} applied`);
    }
    // Then TikTok moved some of them on, and those webhooks were lost.
    for (const order of orders.filter((o) => o.laterStatus !== undefined)) {
      putScenarioOrder(fake, order, true);
    }
  }
  return { shopId, storeId, orders, fake: shop, client: shopClient };
}

describe('reconcile', () => {
  it('records every order whose webhooks were lost, where the decision table says; a second run appends nothing', async () => {
    const { shopId, storeId, orders } = await storeWithOrders(48);
    const delivered = orders.filter((o) => o.delivered);
    const lost = orders.filter((o) => !o.delivered);
    const moved = orders.filter((o) => o.laterStatus !== undefined);
    expect(lost.length).toBe(32);
    expect(moved.length).toBeGreaterThan(0);
    for (const order of lost) expect(await eventsOf(shopId, order)).toEqual([]);
    const foundBefore = await metricValue('fbt_sync_reconcile_orders_found_total');
    const missingBefore = await metricValue('fbt_sync_reconcile_orders_missing_total');

    const first = completed(await reconcileStore(dependencies(), { storeId }));
    expect(first).toMatchObject({
      found: 48,
      recorded: lost.length,
      statusChanges: moved.length,
      pages: 5,
    });
    expect(first.watermark).toEqual(first.to);
    expect(await readReconcileWatermark(database.db, storeId)).toEqual(first.to);

    for (const order of orders) {
      const expected = expectedSyncStatus(order);
      await eventually(
        async () => (await syncStatusOf(shopId, order)) === expected,
        `order ${order.tiktokOrderId} (${order.fulfillment}, ${order.laterStatus ?? order.firstStatus}) to be ${expected}`,
      );
    }
    for (const order of orders) {
      const events = await eventsOf(shopId, order);
      const types = events.map((e) => e.type);
      // One order, synced at most once, whichever of webhook and reconcile saw it first.
      expect(types.filter((t) => t === 'OrderPlaced')).toHaveLength(1);
      expect(types.filter((t) => t === 'OrderSynced').length).toBeLessThanOrEqual(1);
      expect(types.filter((t) => t === 'InventoryDeducted').length).toBeLessThanOrEqual(1);
      const placedBy = (events[0]!.metadata as { actor: string }).actor;
      expect(placedBy).toBe(order.delivered ? 'tiktok-shop-webhook' : 'tiktok-shop-reconcile');
    }
    for (const order of delivered.filter((o) => o.laterStatus !== undefined)) {
      const change = (await eventsOf(shopId, order)).find(
        (e) =>
          (e.type === 'OrderStatusChanged' || e.type === 'FbtStatusChanged') &&
          (e.data as { to: string }).to === order.laterStatus,
      );
      expect(change?.metadata).toMatchObject({ actor: 'tiktok-shop-reconcile' });
    }
    expect((await metricValue('fbt_sync_reconcile_orders_found_total')) - foundBefore).toBe(48);
    expect((await metricValue('fbt_sync_reconcile_orders_missing_total')) - missingBefore).toBe(
      lost.length,
    );
    expect(
      await metricValue('fbt_sync_reconcile_watermark_lag_seconds', { store_id: storeId }),
    ).toBeGreaterThanOrEqual(0);

    // The sync reactor has settled (every order is where the table says): nothing moves now.
    const before = await eventCount();
    const second = completed(await reconcileStore(dependencies(), { storeId }));
    expect(second).toMatchObject({ found: 48, recorded: 0, statusChanges: 0 });
    // The second run searched from the watermark less the 16 h overlap.
    expect(first.to.getTime() - second.from.getTime()).toBe(16 * 3600 * 1000);
    expect(await eventCount()).toBe(before);

    // A lost webhook's late retry (TikTok's +12 h) after reconcile recorded its order appends nothing.
    const late = lost[0]!;
    await service.post(
      statusWebhook({
        notificationId: '7327999999999000001',
        shopId,
        orderId: late.tiktokOrderId,
        status: late.firstStatus,
        updateTime: late.createTime,
      }),
    );
    expect(await eventCount()).toBe(before);
  });

  it('retries a throttled or failing search with backoff and completes', async () => {
    const { storeId, fake, client } = await storeWithOrders(12, false);
    fake.inject({ kind: 'rateLimited', times: 2 });
    fake.inject({ kind: 'serverError', times: 1, httpStatus: 503 });
    // The second page throttled as well, after the first was served.
    fake.inject({ kind: 'apiError', after: 1, code: 36009002, message: 'Too many requests' });
    const orderSearches = () =>
      fake.requests.filter((r) => r.path === '/order/202309/orders/search');
    const searchesBefore = orderSearches().length;

    const result = completed(await reconcileStore(dependencies({ client }), { storeId }));
    expect(result).toMatchObject({ found: 12, recorded: 12, pages: 2 });
    const searches = orderSearches().slice(searchesBefore);
    expect(searches.map((r) => r.answeredStatus)).toEqual([429, 429, 503, 200, 200, 200]);
    expect(searches.map((r) => r.answeredCode)).toEqual([
      36009002,
      36009002,
      undefined,
      0,
      36009002,
      0,
    ]);
    // Every page asked with the same window, the second by the token the first gave.
    expect(new Set(searches.map((r) => r.body)).size).toBe(1);
    expect(searches.at(-1)!.query.page_token).toBeDefined();
  });

  it('stops at an auth error with a clear reason, and the watermark does not move', async () => {
    const { storeId, fake, client } = await storeWithOrders(12, false);
    const before = completed(await reconcileStore(dependencies({ client }), { storeId }));
    const eventsBefore = await reconcileEventCount();
    const failedBefore = await metricValue('fbt_sync_reconcile_runs_total', { outcome: 'failed' });
    fake.inject({
      kind: 'apiError',
      code: 105001,
      message: 'Invalid credentials. The `x-tts-access-token` header is invalid.',
      httpStatus: 401,
    });

    const failure = await reconcileStore(dependencies({ client }), { storeId }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ReconcileError);
    expect((failure as ReconcileError).code).toBe('TIKTOK_API');
    expect((failure as ReconcileError).message).toMatch(
      new RegExp(`^store ${storeId}: reconcile failed: TikTok Shop API AUTH_FAILED: .*105001`),
    );
    expect(await readReconcileWatermark(database.db, storeId)).toEqual(before.watermark);
    expect(await reconcileEventCount()).toBe(eventsBefore);
    expect(await metricValue('fbt_sync_reconcile_runs_total', { outcome: 'failed' })).toBe(
      failedBefore + 1,
    );
  });

  it('moves the watermark only after every page was applied; the run after a failure completes without doubling anything', async () => {
    const { shopId, storeId, orders, fake, client } = await storeWithOrders(30, false);
    // Page 3 of 3 fails for good (a refusal that retrying will not change).
    fake.inject({ kind: 'apiError', after: 2, code: 36009004, message: 'Invalid parameter.' });

    await expect(reconcileStore(dependencies({ client }), { storeId })).rejects.toThrow(
      ReconcileError,
    );
    expect(await readReconcileWatermark(database.db, storeId)).toBeNull();
    const recordedByFailedRun = (
      await Promise.all(orders.map(async (o) => (await eventsOf(shopId, o)).length > 0))
    ).filter(Boolean).length;
    expect(recordedByFailedRun).toBe(20);

    const again = completed(await reconcileStore(dependencies({ client }), { storeId }));
    expect(again).toMatchObject({ found: 30, recorded: 10, pages: 3 });
    expect(await readReconcileWatermark(database.db, storeId)).toEqual(again.to);
    for (const order of orders) {
      const placed = (await eventsOf(shopId, order)).filter((e) => e.type === 'OrderPlaced');
      expect(placed).toHaveLength(1);
    }
  });

  it('keeps the watermark when --since starts after it: the stretch between was not searched', async () => {
    const { storeId, client } = await storeWithOrders(3, false);
    completed(await reconcileStore(dependencies({ client }), { storeId }));
    const fiveHoursAgo = new Date(Math.floor(Date.now() / 1000 - 5 * 3600) * 1000);
    await database.db
      .updateTable('tiktok_reconcile_watermarks')
      .set({ watermark: fiveHoursAgo })
      .where('store_id', '=', storeId)
      .execute();

    const since = new Date(Date.now() - 3600 * 1000);
    const later = completed(await reconcileStore(dependencies({ client }), { storeId, since }));
    expect(later.from.getTime()).toBe(Math.floor(since.getTime() / 1000) * 1000);
    expect(later.watermark).toEqual(fiveHoursAgo);
    expect(await readReconcileWatermark(database.db, storeId)).toEqual(fiveHoursAgo);

    // From before the watermark, the window covers it: the watermark moves on.
    const earlier = new Date(fiveHoursAgo.getTime() - 3600 * 1000);
    const covering = completed(
      await reconcileStore(dependencies({ client }), { storeId, since: earlier }),
    );
    expect(await readReconcileWatermark(database.db, storeId)).toEqual(covering.to);
  });

  it('runs one reconcile of a store at a time: a second one at the same moment is skipped and writes nothing', async () => {
    const { shopId, storeId, orders, client } = await storeWithOrders(12, false);
    // The first run holds the store's lock while its search waits at a gate.
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let searching!: () => void;
    const firstSearching = new Promise<void>((resolve) => (searching = resolve));
    const gated: TikTokShopClient = {
      ...client,
      async searchOrders(input) {
        searching();
        await gate;
        return client.searchOrders(input);
      },
    };
    const first = reconcileStore(dependencies({ client: gated }), { storeId });
    await firstSearching;

    const second = await reconcileStore(dependencies({ client }), { storeId });
    expect(second).toEqual({
      outcome: 'skipped',
      storeId,
      reason: 'another process is reconciling this store (it holds the lock)',
    });
    expect(await readReconcileWatermark(database.db, storeId)).toBeNull();

    openGate();
    expect(completed(await first)).toMatchObject({ found: 12, recorded: 12 });
    for (const order of orders) {
      expect((await eventsOf(shopId, order)).filter((e) => e.type === 'OrderPlaced')).toHaveLength(
        1,
      );
    }
  });

  it('is skipped while another process holds the store lock, and runs once it is released', async () => {
    const { storeId, client } = await storeWithOrders(3, false);
    const held = await tryReconcileLock(database.url, storeId);
    expect(held).not.toBeNull();
    expect((await reconcileStore(dependencies({ client }), { storeId })).outcome).toBe('skipped');
    await held!.release();
    expect((await reconcileStore(dependencies({ client }), { storeId })).outcome).toBe('completed');
  });

  it('fails, naming the order, when TikTok returns an order of another shop; the watermark stays', async () => {
    const { storeId, fake, client } = await storeWithOrders(3, false);
    fake.addOrder({
      ...tikTokOrderJson({
        id: '578999000000000001',
        updateTime: Math.floor(Date.now() / 1000) - 3600,
        items: [{ sellerSku: 'A', salePrice: '1.00', quantity: 1 }],
      }),
      shop_id: '7494999999999999999',
    });
    await expect(reconcileStore(dependencies({ client }), { storeId })).rejects.toMatchObject({
      code: 'APPLY_FAILED',
      message: expect.stringMatching(
        /order 578999000000000001: SHOP_MISMATCH: .*7494999999999999999/,
      ),
    });
    expect(await readReconcileWatermark(database.db, storeId)).toBeNull();
  });

  it('refuses a store that does not exist', async () => {
    await expect(
      reconcileStore(dependencies(), { storeId: '00000000-0000-0000-0000-000000000000' }),
    ).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
  });
});

describe('the schedule', () => {
  it('is led by one process at a time; another takes over when the leader stops', async () => {
    const schedule = () =>
      createReconcileSchedule({
        ...dependencies(),
        // Every store on the one global token, as a one-store set-up has it.
        clients: { forStore: () => client },
        withGlobalToken: true,
        intervalMs: 60_000,
        leaderRetryMs: 50,
      });
    const a = schedule();
    const b = schedule();
    a.start();
    b.start();
    try {
      await eventually(() => Promise.resolve(a.isLeading || b.isLeading), 'a leader');
      const [leader, standby] = a.isLeading ? [a, b] : [b, a];
      // The leader's first round runs at once: every store listed, each completed or skipped.
      await eventually(() => Promise.resolve(leader.rounds >= 1), 'the first round');
      expect(standby.isLeading).toBe(false);
      await leader.stop();
      await eventually(() => Promise.resolve(standby.isLeading), 'the standby to take over');
      await eventually(() => Promise.resolve(standby.rounds >= 1), "the new leader's round");
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
