import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createSandboxPlatform } from '../../../src/adapters/sandbox/createSandboxPlatform';
import { updateSandboxSettings } from '../../../src/adapters/sandbox/sandboxSettings';
import {
  type CancelPlatformOrder,
  type CreatePlatformOrder,
  PlatformError,
  type PlatformOrderRef,
  type PlatformStore,
  type RefundPlatformLines,
} from '../../../src/sync/platformPort';
import { createTestDatabase, type TestDatabase } from '../../support/database';

// The sandbox platform after sync: the same effects as on Shopify, each at
// most once, under concurrent calls and lost answers too.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(12);
});
afterAll(() => database.drop());
beforeEach(() =>
  updateSandboxSettings(database.db, { unavailableUntil: null, latencyMs: 0, rejectSkus: [] }),
);

let nextOrder = 1;
const platform = () => createSandboxPlatform(database.db);

/** A store of its own with 10 MUG and 10 CAP, and one order of 3 MUG (at two prices) and 1 CAP synced into it. */
async function synced(overrides: Partial<CreatePlatformOrder> = {}) {
  const n = nextOrder++;
  const store: PlatformStore = { storeId: `store-after-${n}`, shopDomain: null };
  await database.db
    .insertInto('sandbox_inventory')
    .values([
      { store_id: store.storeId, sku: 'MUG', quantity: 10 },
      { store_id: store.storeId, sku: 'CAP', quantity: 10 },
    ])
    .execute();
  const created = await platform().createOrder({
    store,
    orderId: `order-after-${n}`,
    tiktokOrderId: `5771000${n}`,
    lineItems: [
      { sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: '12.50' },
      { sku: 'CAP', title: null, quantity: 1, unitPrice: '5.00' },
      { sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: '10.00' },
    ],
    currency: 'USD',
    totalAmount: '44.90',
    placedAt: '2026-11-28T10:15:00.000Z',
    status: 'AWAITING_SHIPMENT',
    inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
    tags: [],
    ...overrides,
  });
  const ref: PlatformOrderRef = { store, platformOrderId: created.platformOrderId };
  return { store, ref };
}

async function stock(store: PlatformStore): Promise<Record<string, number>> {
  const rows = await database.db
    .selectFrom('sandbox_inventory')
    .select(['sku', 'quantity'])
    .where('store_id', '=', store.storeId)
    .execute();
  return Object.fromEntries(rows.map((row) => [row.sku, row.quantity]));
}

const orderRow = (ref: PlatformOrderRef) =>
  database.db
    .selectFrom('sandbox_orders')
    .selectAll()
    .where('id', '=', ref.platformOrderId.split('/').at(-1)!)
    .executeTakeFirstOrThrow();

const refundRows = (ref: PlatformOrderRef) =>
  database.db
    .selectFrom('sandbox_refunds')
    .selectAll()
    .where('sandbox_order_id', '=', ref.platformOrderId.split('/').at(-1)!)
    .orderBy('id')
    .execute();

const cancellation = (
  ref: PlatformOrderRef,
  overrides: Partial<CancelPlatformOrder> = {},
): CancelPlatformOrder => ({
  ...ref,
  reason: 'CUSTOMER',
  reasonText: 'Buyer changed their mind',
  restock: true,
  ...overrides,
});

const refundOf = (
  ref: PlatformOrderRef,
  overrides: Partial<RefundPlatformLines> = {},
): RefundPlatformLines => ({
  ...ref,
  key: 'return:4035000001',
  note: 'TikTok Shop return 4035000001',
  lines: [{ sku: 'MUG', quantity: 1, restockType: 'RETURN' }],
  amount: '12.50',
  currency: 'USD',
  ...overrides,
});

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

describe('cancelOrder on the sandbox', () => {
  it('cancels once, restocking what was deducted, and answers alreadyCancelled after', async () => {
    const { store, ref } = await synced();
    expect(await stock(store)).toEqual({ MUG: 7, CAP: 9 });

    const first = await platform().cancelOrder(cancellation(ref));
    expect(first).toEqual({ kind: 'cancelled', cancelledAt: expect.any(String) });
    const second = await platform().cancelOrder(cancellation(ref));
    expect(second).toEqual({ kind: 'alreadyCancelled', cancelledAt: first.cancelledAt });

    expect(await stock(store)).toEqual({ MUG: 10, CAP: 10 });
    expect(await orderRow(ref)).toMatchObject({
      cancel_reason: 'CUSTOMER',
      cancel_note: 'Buyer changed their mind',
      restocked_on_cancel: { MUG: 3, CAP: 1 },
    });
  });

  it('cancels once however many calls race', async () => {
    const { store, ref } = await synced();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => platform().cancelOrder(cancellation(ref))),
    );
    expect(outcomes.filter((outcome) => outcome.kind === 'cancelled')).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => outcome.cancelledAt)).size).toBe(1);
    expect(await stock(store)).toEqual({ MUG: 10, CAP: 10 });
  });

  it('cancels an order created under BYPASS without restocking, and refuses to restock it', async () => {
    const { store, ref } = await synced({ status: 'FULFILLED', inventoryBehaviour: 'BYPASS' });
    const refused = await failure(platform().cancelOrder(cancellation(ref)));
    expect(refused.kind).toBe('REJECTED');
    expect(refused.message).toContain('never deducted');
    expect((await orderRow(ref)).cancelled_at).toBeNull();

    await platform().cancelOrder(cancellation(ref, { restock: false }));
    expect(await stock(store)).toEqual({ MUG: 10, CAP: 10 });
    expect((await orderRow(ref)).restocked_on_cancel).toBeNull();
  });

  it('restocks only what refunds left of the order', async () => {
    const { store, ref } = await synced();
    await platform().refundLines(
      refundOf(ref, { lines: [{ sku: 'MUG', quantity: 2, restockType: 'NO_RESTOCK' }] }),
    );
    await platform().cancelOrder(cancellation(ref));
    expect(await stock(store)).toEqual({ MUG: 8, CAP: 10 });
    expect((await orderRow(ref)).restocked_on_cancel).toEqual({ MUG: 1, CAP: 1 });
  });

  it('cancels once when the answer was lost (latency past the timeout)', async () => {
    const { store, ref } = await synced();
    const slow = createSandboxPlatform(database.db, {
      timeoutMs: 100,
      sleep: () => Promise.resolve(),
    });
    await updateSandboxSettings(database.db, { latencyMs: 100 });
    expect((await failure(slow.cancelOrder(cancellation(ref)))).kind).toBe('TIMEOUT');
    await updateSandboxSettings(database.db, { latencyMs: 0 });
    await expect(slow.cancelOrder(cancellation(ref))).resolves.toMatchObject({
      kind: 'alreadyCancelled',
    });
    expect(await stock(store)).toEqual({ MUG: 10, CAP: 10 });
  });

  it('refuses an order of another store, or an id that is not a sandbox one', async () => {
    const { ref } = await synced();
    const elsewhere = await failure(
      platform().cancelOrder(
        cancellation({ ...ref, store: { storeId: 'store-other', shopDomain: null } }),
      ),
    );
    expect(elsewhere.message).toBe(
      `The sandbox platform has no order ${ref.platformOrderId} in store store-other`,
    );
    const bad = await failure(
      platform().cancelOrder(cancellation({ ...ref, platformOrderId: 'gid://shopify/Order/1' })),
    );
    expect(bad.kind).toBe('REJECTED');
  });
});

describe('refundLines on the sandbox', () => {
  it('records a refund once per key, restocking CANCEL and RETURN lines and not NO_RESTOCK', async () => {
    const { store, ref } = await synced();
    const first = await platform().refundLines(
      refundOf(ref, {
        lines: [
          { sku: 'MUG', quantity: 1, restockType: 'RETURN' },
          { sku: 'MUG', quantity: 1, restockType: 'NO_RESTOCK' },
          { sku: 'CAP', quantity: 1, restockType: 'CANCEL' },
        ],
        amount: '30.00',
      }),
    );
    expect(first).toEqual({
      kind: 'refunded',
      platformRefundId: expect.stringMatching(/^gid:\/\/fbt-sync\/SandboxRefund\/\d+$/),
      amountRecorded: '30.00',
    });
    expect(await stock(store)).toEqual({ MUG: 8, CAP: 10 });

    const again = await platform().refundLines(refundOf(ref));
    expect(again).toEqual({ ...first, kind: 'alreadyRefunded' });
    expect(await refundRows(ref)).toHaveLength(1);
    expect(await stock(store)).toEqual({ MUG: 8, CAP: 10 });
  });

  it('refunds once however many calls with one key race', async () => {
    const { store, ref } = await synced();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => platform().refundLines(refundOf(ref))),
    );
    expect(outcomes.filter((outcome) => outcome.kind === 'refunded')).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => outcome.platformRefundId)).size).toBe(1);
    expect(await refundRows(ref)).toHaveLength(1);
    expect(await stock(store)).toEqual({ MUG: 8, CAP: 9 });
  });

  it('refunds once when the answer was lost', async () => {
    const { store, ref } = await synced();
    const slow = createSandboxPlatform(database.db, {
      timeoutMs: 100,
      sleep: () => Promise.resolve(),
    });
    await updateSandboxSettings(database.db, { latencyMs: 500 });
    expect((await failure(slow.refundLines(refundOf(ref)))).kind).toBe('TIMEOUT');
    await updateSandboxSettings(database.db, { latencyMs: 0 });
    await expect(slow.refundLines(refundOf(ref))).resolves.toMatchObject({
      kind: 'alreadyRefunded',
    });
    expect(await refundRows(ref)).toHaveLength(1);
    expect(await stock(store)).toEqual({ MUG: 8, CAP: 9 });
  });

  it('refuses more units than are left, naming the SKU, and writes nothing', async () => {
    const { store, ref } = await synced();
    await platform().refundLines(
      refundOf(ref, { lines: [{ sku: 'MUG', quantity: 2, restockType: 'RETURN' }] }),
    );
    const error = await failure(
      platform().refundLines(
        refundOf(ref, {
          key: 'return:2',
          lines: [{ sku: 'MUG', quantity: 2, restockType: 'RETURN' }],
        }),
      ),
    );
    expect(error.message).toBe(
      `Sandbox order ${ref.platformOrderId} has 1 unit(s) of SKU "MUG" left to refund; 2 asked`,
    );
    expect(await refundRows(ref)).toHaveLength(1);
    expect(await stock(store)).toEqual({ MUG: 9, CAP: 9 });
  });

  it("refuses money past the order's total, counting refunds before", async () => {
    const { ref } = await synced();
    await platform().refundLines(refundOf(ref, { amount: '40.00' }));
    const error = await failure(
      platform().refundLines(refundOf(ref, { key: 'refund:2', lines: [], amount: '4.91' })),
    );
    expect(error.message).toBe(
      `A refund of 4.91 USD would take sandbox order ${ref.platformOrderId} past its total of 44.90 (40.00 refunded already)`,
    );
    await platform().refundLines(refundOf(ref, { key: 'refund:3', lines: [], amount: '4.90' }));
  });

  it('refuses to restock an order created under BYPASS, an unknown SKU, another currency, lines of a cancelled order', async () => {
    const bypass = await synced({ status: 'FULFILLED', inventoryBehaviour: 'BYPASS' });
    expect((await failure(platform().refundLines(refundOf(bypass.ref)))).message).toContain(
      'never deducted',
    );
    await platform().refundLines(
      refundOf(bypass.ref, { lines: [{ sku: 'MUG', quantity: 1, restockType: 'NO_RESTOCK' }] }),
    );
    expect(await stock(bypass.store)).toEqual({ MUG: 10, CAP: 10 });

    const { ref } = await synced();
    expect(
      (
        await failure(
          platform().refundLines(
            refundOf(ref, { lines: [{ sku: 'HAT', quantity: 1, restockType: 'RETURN' }] }),
          ),
        )
      ).message,
    ).toBe(`Sandbox order ${ref.platformOrderId} has no line with SKU "HAT"`);
    expect((await failure(platform().refundLines(refundOf(ref, { currency: 'EUR' })))).kind).toBe(
      'REJECTED',
    );
    await platform().cancelOrder(cancellation(ref));
    expect((await failure(platform().refundLines(refundOf(ref)))).message).toContain(
      'is cancelled',
    );
    // Money alone may still follow a cancellation.
    await platform().refundLines(refundOf(ref, { lines: [], amount: '44.90' }));
  });
});

describe('ON_HOLD on the sandbox', () => {
  it('creates the order pending and held; hold, release and mark paid each happen once', async () => {
    const { store, ref } = await synced({ onHold: true });
    expect(await orderRow(ref)).toMatchObject({
      financial_status: 'PENDING',
      fulfillment_held: true,
    });
    expect(await stock(store)).toEqual({ MUG: 7, CAP: 9 });

    await expect(platform().holdFulfillment(ref)).resolves.toEqual({ kind: 'alreadyHeld' });
    await expect(platform().releaseHold(ref)).resolves.toEqual({ kind: 'released' });
    await expect(platform().releaseHold(ref)).resolves.toEqual({ kind: 'alreadyReleased' });
    await expect(platform().markPaid(ref)).resolves.toEqual({ kind: 'markedPaid' });
    await expect(platform().markPaid(ref)).resolves.toEqual({ kind: 'alreadyPaid' });
    expect(await orderRow(ref)).toMatchObject({
      financial_status: 'PAID',
      fulfillment_held: false,
    });

    await expect(platform().holdFulfillment(ref)).resolves.toEqual({ kind: 'held' });
  });

  it('orders created otherwise are paid and not held', async () => {
    const { ref } = await synced();
    expect(await orderRow(ref)).toMatchObject({
      financial_status: 'PAID',
      fulfillment_held: false,
    });
    await expect(platform().markPaid(ref)).resolves.toEqual({ kind: 'alreadyPaid' });
  });

  it('a refund inside the window records no money; a cancelled order is neither held nor paid', async () => {
    const { ref } = await synced({ onHold: true });
    await expect(platform().refundLines(refundOf(ref, { key: 'cancel:1' }))).resolves.toMatchObject(
      { kind: 'refunded', amountRecorded: '0.00' },
    );
    await platform().cancelOrder(cancellation(ref));
    expect((await failure(platform().markPaid(ref))).message).toContain('is cancelled');
    await platform().releaseHold(ref);
    expect((await failure(platform().holdFulfillment(ref))).message).toContain('is cancelled');
  });

  it('refuses a FULFILLED order on hold', async () => {
    const error = await failure(synced({ onHold: true, status: 'FULFILLED' }));
    expect(error.kind).toBe('REJECTED');
  });

  it('answers UNAVAILABLE in an outage, changing nothing', async () => {
    const { ref } = await synced({ onHold: true });
    await updateSandboxSettings(database.db, { unavailableUntil: new Date(Date.now() + 60_000) });
    expect((await failure(platform().markPaid(ref))).kind).toBe('UNAVAILABLE');
    expect((await failure(platform().cancelOrder(cancellation(ref)))).kind).toBe('UNAVAILABLE');
    await updateSandboxSettings(database.db, { unavailableUntil: null });
    expect(await orderRow(ref)).toMatchObject({ financial_status: 'PENDING', cancelled_at: null });
  });
});
