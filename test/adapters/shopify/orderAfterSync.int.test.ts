import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  createShopifyPlatform,
  type ShopifyPlatformOptions,
} from '../../../src/adapters/shopify/createShopifyPlatform';
import { TIKTOK_ON_HOLD_HANDLE } from '../../../src/adapters/shopify/shopifyFulfillmentHolds';
import {
  type CancelPlatformOrder,
  type CreatePlatformOrder,
  PlatformError,
  type PlatformStore,
  type RefundPlatformLines,
} from '../../../src/sync/platformPort';
import {
  type FakeOrder,
  type FakeShopify,
  type FakeShopifyOptions,
  type FakeVariant,
  startFakeShopify,
} from '../../support/fakeShopify';

// The platform port's calls on an order after its sync, against the fake
// Shopify: each effect at most once, however often it is asked for and
// whichever answer is lost.

const SHOP = 'acme.myshopify.com';
const store: PlatformStore = { storeId: 'store-acme', shopDomain: SHOP };

const fakes: FakeShopify[] = [];
async function startFake(options?: FakeShopifyOptions): Promise<FakeShopify> {
  const fake = await startFakeShopify(options);
  fakes.push(fake);
  return fake;
}
afterAll(() => Promise.all(fakes.map((fake) => fake.close())));

const platformOn = (fake: FakeShopify, overrides: Partial<ShopifyPlatformOptions> = {}) =>
  createShopifyPlatform({
    adminApiUrl: fake.url,
    accessToken: fake.accessToken,
    cancelConfirmWaitsMs: [0, 20, 50],
    ...overrides,
  });

let nextTikTokOrder = 1;
function tikTokOrder(overrides: Partial<CreatePlatformOrder> = {}): CreatePlatformOrder {
  const n = nextTikTokOrder++;
  return {
    store,
    orderId: `order-acme-${n}`,
    tiktokOrderId: `5764614130387857${String(n).padStart(2, '0')}`,
    lineItems: [
      { sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '19.99' },
      { sku: 'TEA-01', title: 'Tea', quantity: 1, unitPrice: '5.00' },
    ],
    currency: 'USD',
    totalAmount: '44.98',
    placedAt: '2024-01-23T08:53:20Z',
    status: 'AWAITING_SHIPMENT',
    inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
    tags: ['TikTok Shop'],
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error('expected a PlatformError');
}

const operations = (fake: FakeShopify) => fake.requests.map((request) => request.operationName);

let fake: FakeShopify;
let mug: FakeVariant;
let tea: FakeVariant;
beforeEach(async () => {
  fake = await startFake();
  mug = fake.addVariant(SHOP, 'MUG-RED', { inventoryQuantity: 10 });
  tea = fake.addVariant(SHOP, 'TEA-01', { inventoryQuantity: 10 });
});

/** An order synced the way the reactor syncs it, and the fake's record of it. */
async function synced(overrides: Partial<CreatePlatformOrder> = {}) {
  const created = await platformOn(fake).createOrder(tikTokOrder(overrides));
  const order = fake.orders.find((candidate) => candidate.id === created.platformOrderId)!;
  fake.requests.length = 0;
  return { ref: { store, platformOrderId: created.platformOrderId }, order };
}

const cancellation = (
  ref: { store: PlatformStore; platformOrderId: string },
  overrides: Partial<CancelPlatformOrder> = {},
): CancelPlatformOrder => ({
  ...ref,
  reason: 'CUSTOMER',
  reasonText: 'Buyer changed their mind',
  restock: true,
  ...overrides,
});

const refundOf = (
  ref: { store: PlatformStore; platformOrderId: string },
  overrides: Partial<RefundPlatformLines> = {},
): RefundPlatformLines => ({
  ...ref,
  key: 'return:4035000001',
  note: 'TikTok Shop return 4035000001',
  lines: [{ sku: 'MUG-RED', quantity: 1, restockType: 'CANCEL' }],
  amount: '19.99',
  currency: 'USD',
  ...overrides,
});

const lineState = (order: FakeOrder) =>
  order.lineItems.map(({ sku, quantity, refundedUnfulfilled, refundedFulfilled }) => ({
    sku,
    quantity,
    refunded: refundedUnfulfilled + refundedFulfilled,
  }));

describe('cancelOrder', () => {
  it('cancels the order once, restocking it, refunding nothing and telling the buyer nothing', async () => {
    const { ref, order } = await synced();
    expect([mug.inventoryQuantity, tea.inventoryQuantity]).toEqual([8, 9]);

    const outcome = await platformOn(fake).cancelOrder(cancellation(ref));

    expect(outcome).toEqual({ kind: 'cancelled', cancelledAt: order.cancelledAt });
    expect(order.cancellation).toEqual({
      reason: 'CUSTOMER',
      restock: true,
      refund: false,
      notifyCustomer: false,
      staffNote: 'Cancelled on TikTok Shop: Buyer changed their mind',
    });
    expect([mug.inventoryQuantity, tea.inventoryQuantity]).toEqual([10, 10]);
    expect(order.displayFinancialStatus).toBe('PAID');
    // The look-up, the job, the look-up that confirms it ran.
    expect(operations(fake)).toEqual(['FindOrderState', 'CancelOrder', 'FindOrderState']);
    expect(fake.requests[1]?.variables).toEqual({
      orderId: ref.platformOrderId,
      reason: 'CUSTOMER',
      restock: true,
      refund: false,
      notifyCustomer: false,
      staffNote: 'Cancelled on TikTok Shop: Buyer changed their mind',
    });
  });

  it('answers alreadyCancelled the second time, sending no second orderCancel', async () => {
    const { ref } = await synced();
    const platform = platformOn(fake);
    const first = await platform.cancelOrder(cancellation(ref));
    const second = await platform.cancelOrder(cancellation(ref));
    expect(second).toEqual({ kind: 'alreadyCancelled', cancelledAt: first.cancelledAt });
    expect(operations(fake).filter((name) => name === 'CancelOrder')).toHaveLength(1);
    expect(mug.inventoryQuantity).toBe(10);
  });

  it('leaves stock alone with restock false (an order created under BYPASS)', async () => {
    const { ref, order } = await synced({ status: 'FULFILLED', inventoryBehaviour: 'BYPASS' });
    expect(mug.inventoryQuantity).toBe(10);
    await platformOn(fake).cancelOrder(cancellation(ref, { restock: false }));
    expect(order.cancelledAt).not.toBeNull();
    expect(order.cancellation?.restock).toBe(false);
    expect([mug.inventoryQuantity, tea.inventoryQuantity]).toEqual([10, 10]);
  });

  it('restocks only what partial refunds left of the order', async () => {
    const { ref } = await synced();
    const platform = platformOn(fake);
    await platform.refundLines(
      refundOf(ref, { lines: [{ sku: 'MUG-RED', quantity: 1, restockType: 'NO_RESTOCK' }] }),
    );
    await platform.cancelOrder(cancellation(ref));
    // 10 - 2 deducted; 1 refunded without restock; the other 1 back at the cancellation.
    expect(mug.inventoryQuantity).toBe(9);
  });

  it('cancels once when the answer to orderCancel was lost', async () => {
    const { ref, order } = await synced();
    fake.inject({ kind: 'applyThenHang' }, { operation: 'CancelOrder' });
    const platform = platformOn(fake, { timeoutMs: 300 });

    const lost = await failure(platform.cancelOrder(cancellation(ref)));
    expect(lost.kind).toBe('TIMEOUT');
    expect(lost.retryable).toBe(true);

    const retried = await platform.cancelOrder(cancellation(ref));
    expect(retried).toEqual({ kind: 'alreadyCancelled', cancelledAt: order.cancelledAt });
    expect(operations(fake).filter((name) => name === 'CancelOrder')).toHaveLength(1);
    expect(mug.inventoryQuantity).toBe(10);
  });

  it('fails as retryable while the job has not run, and the next call finds it done', async () => {
    let now = Date.parse('2025-01-20T10:00:00Z');
    const sleep = (ms: number) => {
      now += ms;
      return Promise.resolve();
    };
    fake = await startFake({ now: () => now, cancelJobDelayMs: 5_000 });
    fake.addVariant(SHOP, 'MUG-RED');
    fake.addVariant(SHOP, 'TEA-01');
    const platform = platformOn(fake, { now: () => now, sleep, cancelConfirmWaitsMs: [500, 1000] });
    const created = await platform.createOrder(tikTokOrder({ placedAt: '2025-01-20T09:00:00Z' }));
    const ref = { store, platformOrderId: created.platformOrderId };

    const pending = await failure(platform.cancelOrder(cancellation(ref)));
    expect(pending.kind).toBe('UNAVAILABLE');
    expect(pending.retryable).toBe(true);
    expect(pending.message).toMatch(/accepted the cancellation .* not applied it after 1500 ms/);

    now += 5_000;
    await expect(platform.cancelOrder(cancellation(ref))).resolves.toMatchObject({
      kind: 'alreadyCancelled',
    });
    expect(operations(fake).filter((name) => name === 'CancelOrder')).toHaveLength(1);
  });

  it("a retry while the first call's job is still queued waits for that job instead of failing", async () => {
    let now = Date.parse('2025-01-20T10:00:00Z');
    const sleep = (ms: number) => {
      now += ms;
      return Promise.resolve();
    };
    fake = await startFake({ now: () => now, cancelJobDelayMs: 5_000 });
    fake.addVariant(SHOP, 'MUG-RED');
    fake.addVariant(SHOP, 'TEA-01');
    const first = platformOn(fake, { now: () => now, sleep, cancelConfirmWaitsMs: [500, 1000] });
    const created = await first.createOrder(tikTokOrder({ placedAt: '2025-01-20T09:00:00Z' }));
    const ref = { store, platformOrderId: created.platformOrderId };
    expect((await failure(first.cancelOrder(cancellation(ref)))).kind).toBe('UNAVAILABLE');

    // Shopify refuses a second orderCancel while the first job is queued.
    const retry = platformOn(fake, { now: () => now, sleep, cancelConfirmWaitsMs: [2000, 2000] });
    await expect(retry.cancelOrder(cancellation(ref))).resolves.toMatchObject({
      kind: 'alreadyCancelled',
    });
    const answers = fake.requests
      .filter((request) => request.operationName === 'CancelOrder')
      .map((request) => JSON.stringify(request.answer));
    expect(answers).toHaveLength(2);
    expect(answers[1]).toContain('Order is already being cancelled');
    expect(fake.orders[0]?.refunds).toHaveLength(1);
  });

  it("turns Shopify's refusal into a REJECTED naming its reason", async () => {
    fake = await startFake({ refuseCancellingFulfilled: true });
    fake.addVariant(SHOP, 'MUG-RED');
    fake.addVariant(SHOP, 'TEA-01');
    const created = await platformOn(fake).createOrder(
      tikTokOrder({ status: 'FULFILLED', inventoryBehaviour: 'BYPASS' }),
    );
    const error = await failure(
      platformOn(fake).cancelOrder(
        cancellation({ store, platformOrderId: created.platformOrderId }, { restock: false }),
      ),
    );
    expect(error.kind).toBe('REJECTED');
    expect(error.message).toBe(
      `Shopify refused to cancel order ${created.platformOrderId}: orderId: Cannot cancel an order that has fulfillments`,
    );
  });

  it('refuses an order Shopify does not have', async () => {
    const error = await failure(
      platformOn(fake).cancelOrder(
        cancellation({ store, platformOrderId: 'gid://shopify/Order/999999' }),
      ),
    );
    expect(error.kind).toBe('REJECTED');
    expect(error.message).toBe(`Shopify has no order gid://shopify/Order/999999 in ${SHOP}`);
  });
});

describe('refundLines', () => {
  it('records the lines with their restock type, the amount against the payment, and the key in the note', async () => {
    const { ref, order } = await synced();
    const outcome = await platformOn(fake).refundLines(refundOf(ref));

    expect(order.refunds).toHaveLength(1);
    const [refund] = order.refunds;
    expect(outcome).toEqual({
      kind: 'refunded',
      platformRefundId: refund?.id,
      amountRecorded: '19.99',
    });
    expect(refund?.note).toBe('TikTok Shop return 4035000001 [fbt-sync:return:4035000001]');
    expect(refund?.lines).toEqual([
      { lineItemId: order.lineItems[0]?.id, quantity: 1, restockType: 'CANCEL', restocked: true },
    ]);
    const sale = order.transactions[0]!;
    expect(refund?.transactions).toEqual([
      expect.objectContaining({
        kind: 'REFUND',
        amount: '19.99',
        parentId: sale.id,
        gateway: 'TikTok Shop',
      }),
    ]);
    expect(mug.inventoryQuantity).toBe(9);
    expect(order.displayFinancialStatus).toBe('PARTIALLY_REFUNDED');
    expect(fake.requests[1]?.variables).toMatchObject({
      input: { notify: false, currency: 'USD' },
    });
    expect(operations(fake)).toEqual(['FindOrderRefunds', 'CreateRefund']);
  });

  it('answers alreadyRefunded for a key already refunded, sending no second refundCreate', async () => {
    const { ref, order } = await synced();
    const platform = platformOn(fake);
    const first = await platform.refundLines(refundOf(ref));
    const second = await platform.refundLines(refundOf(ref));
    expect(second).toEqual({ ...first, kind: 'alreadyRefunded' });
    expect(order.refunds).toHaveLength(1);
    expect(mug.inventoryQuantity).toBe(9);
    // Another key is another refund.
    await platform.refundLines(refundOf(ref, { key: 'return:4035000002', amount: '0' }));
    expect(order.refunds).toHaveLength(2);
  });

  it('refunds once when the answer to refundCreate was lost', async () => {
    const { ref, order } = await synced();
    fake.inject({ kind: 'applyThenHang' }, { operation: 'CreateRefund' });
    const platform = platformOn(fake, { timeoutMs: 300 });

    expect((await failure(platform.refundLines(refundOf(ref)))).kind).toBe('TIMEOUT');
    const retried = await platform.refundLines(refundOf(ref));

    expect(retried).toEqual({
      kind: 'alreadyRefunded',
      platformRefundId: order.refunds[0]?.id,
      amountRecorded: '19.99',
    });
    expect(order.refunds).toHaveLength(1);
    expect(order.transactions.filter((t) => t.kind === 'REFUND')).toHaveLength(1);
    expect(mug.inventoryQuantity).toBe(9);
  });

  it('does not restock NO_RESTOCK lines (an FBT order Shopify never deducted)', async () => {
    const { ref, order } = await synced({ status: 'FULFILLED', inventoryBehaviour: 'BYPASS' });
    await platformOn(fake).refundLines(
      refundOf(ref, {
        lines: [
          { sku: 'MUG-RED', quantity: 2, restockType: 'NO_RESTOCK' },
          { sku: 'TEA-01', quantity: 1, restockType: 'NO_RESTOCK' },
        ],
        amount: '44.98',
      }),
    );
    expect([mug.inventoryQuantity, tea.inventoryQuantity]).toEqual([10, 10]);
    expect(order.refunds[0]?.lines.map((line) => line.restockType)).toEqual([
      'NO_RESTOCK',
      'NO_RESTOCK',
    ]);
    expect(order.displayFinancialStatus).toBe('REFUNDED');
  });

  it('restocks a returned unit that shipped as RETURN, and one that never shipped as CANCEL', async () => {
    const shipped = await synced({ status: 'FULFILLED' });
    expect(mug.inventoryQuantity).toBe(8);
    await platformOn(fake).refundLines(
      refundOf(shipped.ref, { lines: [{ sku: 'MUG-RED', quantity: 1, restockType: 'RETURN' }] }),
    );
    expect(shipped.order.refunds[0]?.lines[0]?.restockType).toBe('RETURN');
    expect(mug.inventoryQuantity).toBe(9);

    // Shopify would refuse RETURN for units it still counts unfulfilled.
    const unshipped = await synced();
    await platformOn(fake).refundLines(
      refundOf(unshipped.ref, { lines: [{ sku: 'MUG-RED', quantity: 2, restockType: 'RETURN' }] }),
    );
    expect(unshipped.order.refunds[0]?.lines).toEqual([
      expect.objectContaining({ quantity: 2, restockType: 'CANCEL', restocked: true }),
    ]);
    expect(mug.inventoryQuantity).toBe(9);
    expect(fake.validationFailures).toEqual([]);
  });

  it('spreads a SKU over the lines that carry it, never past what each has left', async () => {
    const { ref, order } = await synced({
      lineItems: [
        { sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '19.99' },
        { sku: 'TEA-01', title: 'Tea', quantity: 1, unitPrice: '5.00' },
        { sku: 'MUG-RED', title: 'Red mug', quantity: 1, unitPrice: '14.99' },
      ],
    });
    await platformOn(fake).refundLines(
      refundOf(ref, {
        lines: [{ sku: 'MUG-RED', quantity: 3, restockType: 'CANCEL' }],
        amount: '54.97',
      }),
    );
    expect(lineState(order)).toEqual([
      { sku: 'MUG-RED', quantity: 2, refunded: 2 },
      { sku: 'TEA-01', quantity: 1, refunded: 0 },
      { sku: 'MUG-RED', quantity: 1, refunded: 1 },
    ]);
    expect(mug.inventoryQuantity).toBe(10);
  });

  it('refuses more units than are left to refund, sending nothing', async () => {
    const { ref, order } = await synced();
    const platform = platformOn(fake);
    await platform.refundLines(refundOf(ref));
    const error = await failure(
      platform.refundLines(
        refundOf(ref, {
          key: 'return:4035000002',
          lines: [{ sku: 'MUG-RED', quantity: 2, restockType: 'CANCEL' }],
        }),
      ),
    );
    expect(error.kind).toBe('REJECTED');
    expect(error.message).toBe(
      `Shopify order ${ref.platformOrderId} has 1 unit(s) of SKU "MUG-RED" left to refund; 2 asked`,
    );
    expect(order.refunds).toHaveLength(1);
    expect(mug.inventoryQuantity).toBe(9);
    expect(operations(fake).filter((name) => name === 'CreateRefund')).toHaveLength(1);
  });

  it("refuses a refund past the order's total, counting what was refunded before", async () => {
    const { ref, order } = await synced();
    const platform = platformOn(fake);
    const over = await failure(platform.refundLines(refundOf(ref, { amount: '44.99' })));
    expect(over.kind).toBe('REJECTED');
    expect(over.message).toBe(
      `A refund of 44.99 USD would take Shopify order ${ref.platformOrderId} past its total of 44.98 (0.00 refunded already)`,
    );
    await platform.refundLines(refundOf(ref, { amount: '40.00' }));
    const again = await failure(
      platform.refundLines(refundOf(ref, { key: 'refund:2', lines: [], amount: '5.00' })),
    );
    expect(again.message).toContain('(40.00 refunded already)');
    expect(order.refunds).toHaveLength(1);
    expect(operations(fake).filter((name) => name === 'CreateRefund')).toHaveLength(1);
  });

  it('refuses an unknown SKU, another currency, and a key it could not look up', async () => {
    const { ref } = await synced();
    const platform = platformOn(fake);
    const sku = await failure(
      platform.refundLines(
        refundOf(ref, { lines: [{ sku: 'HAT', quantity: 1, restockType: 'CANCEL' }] }),
      ),
    );
    expect(sku.message).toBe(`Shopify order ${ref.platformOrderId} has no line with SKU "HAT"`);
    const currency = await failure(platform.refundLines(refundOf(ref, { currency: 'EUR' })));
    expect(currency.message).toBe(
      `The refund is in EUR; Shopify order ${ref.platformOrderId} is in USD`,
    );
    const key = await failure(platform.refundLines(refundOf(ref, { key: 'return 1]' })));
    expect(key.kind).toBe('REJECTED');
    expect(operations(fake).filter((name) => name === 'CreateRefund')).toHaveLength(0);
  });

  it("ignores refunds without our key: the merchant's or a cancellation's", async () => {
    const { ref, order } = await synced();
    const platform = platformOn(fake);
    await platform.refundLines(
      refundOf(ref, { key: 'return:4035000001-2', note: 'first', amount: '1.00' }),
    );
    const outcome = await platform.refundLines(refundOf(ref));
    expect(outcome.kind).toBe('refunded');
    expect(order.refunds).toHaveLength(2);
  });
});

describe('ON_HOLD: created held, released, marked paid', () => {
  it('creates the order with its payment pending and its fulfilment order held under our handle', async () => {
    const created = await platformOn(fake).createOrder(tikTokOrder({ onHold: true }));
    const order = fake.orders.find((candidate) => candidate.id === created.platformOrderId)!;
    expect(order.displayFinancialStatus).toBe('PENDING');
    expect(order.transactions).toEqual([]);
    expect(order.input?.financialStatus).toBe('PENDING');
    expect(order.fulfillmentOrders).toEqual([
      expect.objectContaining({
        status: 'ON_HOLD',
        holds: [
          expect.objectContaining({ handle: TIKTOK_ON_HOLD_HANDLE, reason: 'AWAITING_PAYMENT' }),
        ],
      }),
    ]);
    // Stock is claimed at once: that is what syncing in the window is for.
    expect(mug.inventoryQuantity).toBe(8);
    expect(operations(fake)).toEqual([
      'FindVariantsBySku',
      'CreateOrder',
      'FindFulfillmentHolds',
      'HoldFulfillmentOrder',
    ]);
  });

  it('refuses to create a FULFILLED order on hold, sending nothing', async () => {
    const error = await failure(
      platformOn(fake).createOrder(tikTokOrder({ onHold: true, status: 'FULFILLED' })),
    );
    expect(error.kind).toBe('REJECTED');
    expect(fake.requests).toHaveLength(0);
  });

  it('holds once: a second holdFulfillment finds the hold and sends nothing', async () => {
    const { ref, order } = await synced({ onHold: true });
    await expect(platformOn(fake).holdFulfillment(ref)).resolves.toEqual({ kind: 'alreadyHeld' });
    expect(operations(fake)).toEqual(['FindFulfillmentHolds']);
    expect(order.fulfillmentOrders[0]?.holds).toHaveLength(1);
  });

  it('places the hold later when the create path lost it (a failure between orderCreate and the hold)', async () => {
    fake.inject({ kind: 'status', status: 502 }, { operation: 'HoldFulfillmentOrder' });
    const platform = platformOn(fake);
    const order = tikTokOrder({ onHold: true });
    expect((await failure(platform.createOrder(order))).kind).toBe('UNAVAILABLE');

    // The reactor's retry: the order is found, then held.
    const found = await platform.findOrder(store, order.tiktokOrderId);
    expect(found).not.toBeNull();
    const ref = { store, platformOrderId: found!.platformOrderId };
    await expect(platform.holdFulfillment(ref)).resolves.toEqual({ kind: 'held' });
    await expect(platform.holdFulfillment(ref)).resolves.toEqual({ kind: 'alreadyHeld' });
    expect(fake.ordersOf(SHOP)).toHaveLength(1);
    expect(fake.ordersOf(SHOP)[0]?.fulfillmentOrders[0]?.holds).toHaveLength(1);
  });

  it('holds once when the answer to fulfillmentOrderHold was lost', async () => {
    const { ref, order } = await synced();
    fake.inject({ kind: 'applyThenHang' }, { operation: 'HoldFulfillmentOrder' });
    const platform = platformOn(fake, { timeoutMs: 300 });
    expect((await failure(platform.holdFulfillment(ref))).kind).toBe('TIMEOUT');
    await expect(platform.holdFulfillment(ref)).resolves.toEqual({ kind: 'alreadyHeld' });
    expect(order.fulfillmentOrders[0]?.holds).toHaveLength(1);
  });

  it("releases our hold once, leaving the merchant's", async () => {
    const { ref, order } = await synced({ onHold: true });
    const merchants = fake.addFulfillmentHold(order, { handle: 'fraud-check' });
    const platform = platformOn(fake);

    await expect(platform.releaseHold(ref)).resolves.toEqual({ kind: 'released' });
    expect(order.fulfillmentOrders[0]?.holds).toEqual([merchants]);
    expect(order.fulfillmentOrders[0]?.status).toBe('ON_HOLD');
    await expect(platform.releaseHold(ref)).resolves.toEqual({ kind: 'alreadyReleased' });
    expect(operations(fake).filter((name) => name === 'ReleaseFulfillmentHold')).toHaveLength(1);
  });

  it('releases to OPEN when ours was the only hold', async () => {
    const { ref, order } = await synced({ onHold: true });
    await platformOn(fake).releaseHold(ref);
    expect(order.fulfillmentOrders[0]).toMatchObject({ status: 'OPEN', holds: [] });
  });

  it('marks the order paid once, for what it totals', async () => {
    const { ref, order } = await synced({ onHold: true });
    const platform = platformOn(fake);
    await expect(platform.markPaid(ref)).resolves.toEqual({ kind: 'markedPaid' });
    await expect(platform.markPaid(ref)).resolves.toEqual({ kind: 'alreadyPaid' });
    expect(order.displayFinancialStatus).toBe('PAID');
    expect(order.transactions).toEqual([
      expect.objectContaining({ kind: 'SALE', status: 'SUCCESS', amount: '44.98' }),
    ]);
    expect(operations(fake)).toEqual(['FindOrderState', 'MarkOrderPaid', 'FindOrderState']);
  });

  it('marks paid once when the answer to orderMarkAsPaid was lost', async () => {
    const { ref, order } = await synced({ onHold: true });
    fake.inject({ kind: 'applyThenHang' }, { operation: 'MarkOrderPaid' });
    const platform = platformOn(fake, { timeoutMs: 300 });
    expect((await failure(platform.markPaid(ref))).kind).toBe('TIMEOUT');
    await expect(platform.markPaid(ref)).resolves.toEqual({ kind: 'alreadyPaid' });
    expect(order.transactions).toHaveLength(1);
  });

  it('answers alreadyPaid for an order created paid', async () => {
    const { ref } = await synced();
    await expect(platformOn(fake).markPaid(ref)).resolves.toEqual({ kind: 'alreadyPaid' });
    expect(operations(fake)).toEqual(['FindOrderState']);
  });

  it('a partial cancellation inside the window refunds lines but no money, and what is left gets paid', async () => {
    const { ref, order } = await synced({ onHold: true });
    const platform = platformOn(fake);
    const refunded = await platform.refundLines(refundOf(ref, { key: 'cancel:1' }));
    expect(refunded).toMatchObject({ kind: 'refunded', amountRecorded: '0.00' });
    expect(order.refunds[0]?.transactions).toEqual([]);
    expect(mug.inventoryQuantity).toBe(9);

    await platform.releaseHold(ref);
    await platform.markPaid(ref);
    expect(order.transactions).toEqual([
      expect.objectContaining({ kind: 'SALE', amount: '24.99' }),
    ]);
  });

  it('a cancellation inside the window: cancelled and restocked, never marked paid', async () => {
    const { ref, order } = await synced({ onHold: true });
    const platform = platformOn(fake);
    await platform.cancelOrder(cancellation(ref));
    expect([mug.inventoryQuantity, tea.inventoryQuantity]).toEqual([10, 10]);
    const error = await failure(platform.markPaid(ref));
    expect(error.kind).toBe('REJECTED');
    expect(error.message).toBe(
      `Shopify order ${ref.platformOrderId} is cancelled: it is not marked paid`,
    );
    expect(order.transactions).toEqual([]);
    const hold = await failure(platform.holdFulfillment(ref));
    expect(hold.kind).toBe('REJECTED');
  });
});

// Last, so that it sees every request the tests above made the adapter send.
it('sent Shopify only documents and variables the Admin API 2025-01 schema accepts', () => {
  const answered = fakes
    .flatMap((started) => started.requests)
    .filter((request) => request.outcome === 'ok');
  expect(new Set(answered.map((request) => request.operationName))).toEqual(
    new Set([
      'FindVariantsBySku',
      'CreateOrder',
      'FindOrderBySourceIdentifier',
      'FindOrderState',
      'CancelOrder',
      'FindOrderRefunds',
      'CreateRefund',
      'FindFulfillmentHolds',
      'HoldFulfillmentOrder',
      'ReleaseFulfillmentHold',
      'MarkOrderPaid',
    ]),
  );
  expect(fakes.flatMap((started) => started.validationFailures)).toEqual([]);
});
