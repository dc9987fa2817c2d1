import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createSandboxPlatform } from '../../../src/adapters/sandbox/createSandboxPlatform';
import { updateSandboxSettings } from '../../../src/adapters/sandbox/sandboxSettings';
import {
  type CreatePlatformOrder,
  PlatformError,
  type PlatformStore,
} from '../../../src/sync/platformPort';
import { createTestDatabase, type TestDatabase } from '../../support/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(12);
});
afterAll(() => database.drop());
beforeEach(() =>
  updateSandboxSettings(database.db, { unavailableUntil: null, latencyMs: 0, rejectSkus: [] }),
);

let nextOrder = 1;
function anOrder(store: PlatformStore, overrides: Partial<CreatePlatformOrder> = {}) {
  const n = nextOrder++;
  return {
    store,
    orderId: `order-${n}`,
    tiktokOrderId: `5770000${n}`,
    lineItems: [
      { sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: '12.50' },
      { sku: 'CAP', title: null, quantity: 1, unitPrice: '5.00' },
      { sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: '12.50' },
    ],
    currency: 'USD',
    totalAmount: '42.50',
    placedAt: '2026-11-28T10:15:00.000Z',
    status: 'AWAITING_SHIPMENT',
    inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
    tags: [],
    ...overrides,
  } satisfies CreatePlatformOrder;
}

const storeNamed = (name: string): PlatformStore => ({
  storeId: `store-${name}`,
  shopDomain: null,
});

async function stock(storeId: string): Promise<Record<string, number>> {
  const rows = await database.db
    .selectFrom('sandbox_inventory')
    .select(['sku', 'quantity'])
    .where('store_id', '=', storeId)
    .execute();
  return Object.fromEntries(rows.map((row) => [row.sku, row.quantity]));
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

describe('the sandbox platform', () => {
  it('creates an order that findOrder then finds by its TikTok order id, in its store only', async () => {
    const platform = createSandboxPlatform(database.db);
    const store = storeNamed('find');
    const order = anOrder(store, {
      status: 'FULFILLED',
      tags: ['FBT'],
      inventoryBehaviour: 'BYPASS',
    });
    expect(await platform.findOrder(store, order.tiktokOrderId)).toBeNull();

    const created = await platform.createOrder(order);
    expect(created).toEqual({
      platformOrderId: expect.stringMatching(/^gid:\/\/fbt-sync\/SandboxOrder\/\d+$/),
      status: 'FULFILLED',
      tags: ['FBT'],
    });
    expect(await platform.findOrder(store, order.tiktokOrderId)).toEqual(created);
    expect(await platform.findOrder(storeNamed('other'), order.tiktokOrderId)).toBeNull();

    const row = await database.db
      .selectFrom('sandbox_orders')
      .selectAll()
      .where('source_identifier', '=', order.tiktokOrderId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      store_id: store.storeId,
      order_id: order.orderId,
      status: 'FULFILLED',
      currency: 'USD',
      total_amount: '42.50',
      inventory_behaviour: 'BYPASS',
      line_items: order.lineItems,
    });
    expect(row.placed_at.toISOString()).toBe(order.placedAt);
  });

  it('deducts the quantities per SKU with DECREMENT_OBEYING_POLICY, from 0 for an SKU never seen, and not with BYPASS', async () => {
    const platform = createSandboxPlatform(database.db);
    const store = storeNamed('stock');
    await database.db
      .insertInto('sandbox_inventory')
      .values({ store_id: store.storeId, sku: 'MUG', quantity: 10 })
      .execute();

    await platform.createOrder(anOrder(store));
    // MUG 2 + 1 from 10; CAP never seen: 0 - 1.
    expect(await stock(store.storeId)).toEqual({ MUG: 7, CAP: -1 });

    await platform.createOrder(anOrder(store, { inventoryBehaviour: 'BYPASS' }));
    expect(await stock(store.storeId)).toEqual({ MUG: 7, CAP: -1 });
  });

  it('holds one order per store and TikTok order id, deducted once, however many creates race', async () => {
    const platform = createSandboxPlatform(database.db);
    const store = storeNamed('race');
    const order = anOrder(store);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => platform.createOrder(order)),
    );
    expect(new Set(answers.map((a) => a.platformOrderId)).size).toBe(1);
    const rows = await database.db
      .selectFrom('sandbox_orders')
      .select('id')
      .where('store_id', '=', store.storeId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(await stock(store.storeId)).toEqual({ MUG: -3, CAP: -1 });

    // The same TikTok order id in another store is another order.
    const elsewhere = await platform.createOrder({ ...order, store: storeNamed('race-2') });
    expect(elsewhere.platformOrderId).not.toBe(answers[0]!.platformOrderId);
  });

  it('refuses an order without line items, or with an SKU named in reject_skus, and writes nothing', async () => {
    const platform = createSandboxPlatform(database.db);
    const store = storeNamed('refuse');
    const empty = await failure(platform.createOrder(anOrder(store, { lineItems: [] })));
    expect(empty.kind).toBe('REJECTED');
    expect(empty.retryable).toBe(false);

    await updateSandboxSettings(database.db, { rejectSkus: ['CAP', 'HAT'] });
    const refused = await failure(platform.createOrder(anOrder(store)));
    expect(refused.kind).toBe('REJECTED');
    expect(refused.message).toBe(
      'The sandbox platform has no product with SKU "CAP" (sandbox_settings.reject_skus)',
    );
    expect(
      await database.db
        .selectFrom('sandbox_orders')
        .select('id')
        .where('store_id', '=', store.storeId)
        .execute(),
    ).toEqual([]);
    expect(await stock(store.storeId)).toEqual({});
  });

  it('answers UNAVAILABLE until unavailable_until, then works again', async () => {
    const platform = createSandboxPlatform(database.db);
    const store = storeNamed('outage');
    const order = anOrder(store);
    await updateSandboxSettings(database.db, {
      unavailableUntil: new Date(Date.now() + 3_600_000),
    });
    const down = await failure(platform.createOrder(order));
    expect(down.kind).toBe('UNAVAILABLE');
    expect(down.retryable).toBe(true);
    expect(down.message).toMatch(
      /^The sandbox platform is unavailable until \d{4}-.*Z \(sandbox_settings\.unavailable_until\)$/,
    );
    expect((await failure(platform.findOrder(store, order.tiktokOrderId))).kind).toBe(
      'UNAVAILABLE',
    );

    await updateSandboxSettings(database.db, { unavailableUntil: new Date(Date.now() - 1000) });
    expect(await platform.findOrder(store, order.tiktokOrderId)).toBeNull();
    await platform.createOrder(order);
  });

  it('answers latency_ms late, and past its timeout says TIMEOUT with the order created all the same', async () => {
    const slept: number[] = [];
    const platform = createSandboxPlatform(database.db, {
      timeoutMs: 1000,
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
    });
    const store = storeNamed('slow');
    const order = anOrder(store);
    await updateSandboxSettings(database.db, { latencyMs: 250 });
    expect(await platform.findOrder(store, order.tiktokOrderId)).toBeNull();
    expect(slept).toEqual([250]);

    await updateSandboxSettings(database.db, { latencyMs: 1000 });
    const late = await failure(platform.createOrder(order));
    expect(late.kind).toBe('TIMEOUT');
    expect(late.retryable).toBe(true);
    expect(slept).toEqual([250, 1000]);

    // The answer was lost, not the order: a look-up finds it.
    await updateSandboxSettings(database.db, { latencyMs: 0 });
    expect(await platform.findOrder(store, order.tiktokOrderId)).not.toBeNull();
  });
});
