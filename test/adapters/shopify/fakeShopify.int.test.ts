import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeShopify, startFakeShopify } from '../../support/fakeShopify';

// The adapter's tests trust this fake to refuse what Shopify would refuse;
// these prove it does, so their "no validation failures" can fail.

const SHOP = 'acme.myshopify.com';
let fake: FakeShopify;

beforeEach(async () => {
  fake = await startFakeShopify({ maximumAvailable: 100, restoreRate: 1 });
});
afterEach(() => fake.close());

async function post(
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(fake.url.replace('{shop}', SHOP), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-access-token': fake.accessToken,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const ORDERS_QUERY = 'query Find($q: String!) { orders(first: 1, query: $q) { nodes { id } } }';

describe('the fake Shopify', () => {
  it('answers a valid query with data and the cost of it', async () => {
    const { status, json } = await post({
      query: ORDERS_QUERY,
      variables: { q: 'source_identifier:"1"' },
    });
    expect(status).toBe(200);
    expect(json).toEqual({
      data: { orders: { nodes: [] } },
      extensions: {
        cost: {
          requestedQueryCost: 2,
          actualQueryCost: 2,
          throttleStatus: { maximumAvailable: 100, currentlyAvailable: 98, restoreRate: 1 },
        },
      },
    });
    expect(fake.validationFailures).toEqual([]);
  });

  it('refuses a document the 2025-01 schema does not validate, as Shopify does, and records it', async () => {
    const { status, json } = await post({
      query: 'query { orders(first: 1) { nodes { id trackingNumber } } }',
    });
    expect(status).toBe(200);
    expect(json).not.toHaveProperty('data');
    expect(json.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('trackingNumber') as unknown }),
    ]);
    expect(fake.validationFailures.map((failure) => failure.stage)).toEqual(['document']);
  });

  it('refuses a document that does not parse', async () => {
    await post({ query: 'query { orders(first: 1) { nodes { id }' });
    expect(fake.validationFailures.map((failure) => failure.stage)).toEqual(['document']);
  });

  it('refuses variables that do not coerce to their types', async () => {
    const { json } = await post({
      query:
        'mutation Create($order: OrderCreateOrderInput!) { orderCreate(order: $order) { userErrors { message } } }',
      variables: { order: { lineItems: [{ quantity: 'two' }], fulfillmentStatus: 'SHIPPED' } },
    });
    expect(json).not.toHaveProperty('data');
    expect(fake.validationFailures.map((failure) => failure.stage)).toEqual(['variables']);
    expect(fake.orders).toHaveLength(0);
  });

  it('refuses another Content-Type, and records it', async () => {
    const { status } = await post({ query: ORDERS_QUERY }, { 'content-type': 'text/plain' });
    expect(status).toBe(415);
    expect(fake.validationFailures.map((failure) => failure.stage)).toEqual(['headers']);
  });

  it('answers 401 to a wrong access token', async () => {
    const { status, json } = await post(
      { query: ORDERS_QUERY },
      { 'x-shopify-access-token': 'nope' },
    );
    expect(status).toBe(401);
    expect(json.errors).toContain('Invalid API key or access token');
  });

  it('records a search it cannot read rather than guessing', async () => {
    await post({ query: ORDERS_QUERY, variables: { q: 'source_identifier:1 OR (name:x)' } });
    expect(fake.validationFailures.map((failure) => failure.stage)).toEqual(['search']);
  });

  it('answers THROTTLED with no data when the bucket is short of the cost', async () => {
    fake.setAvailable(SHOP, 1);
    const { status, json } = await post({ query: ORDERS_QUERY, variables: { q: '' } });
    expect(status).toBe(200);
    expect(json).toEqual({
      errors: [
        expect.objectContaining({
          message: 'Throttled',
          extensions: expect.objectContaining({ code: 'THROTTLED' }) as unknown,
        }),
      ],
      extensions: {
        cost: {
          requestedQueryCost: 2,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 100, currentlyAvailable: 1, restoreRate: 1 },
        },
      },
    });
    expect(fake.requests[0]?.outcome).toBe('throttled');
  });

  it('applies a fault to as many requests of the chosen type as asked', async () => {
    fake.inject({ kind: 'status', status: 503 }, { times: 2, only: 'mutation' });
    expect((await post({ query: ORDERS_QUERY, variables: { q: '' } })).status).toBe(200);
    const mutation = {
      query: 'mutation { orderCreate(order: { lineItems: [] }) { userErrors { message } } }',
    };
    expect((await post(mutation)).status).toBe(503);
    expect((await post(mutation)).status).toBe(503);
    expect((await post(mutation)).status).toBe(200);
  });
});

describe("the fake Shopify's orders after creation", () => {
  // An order of 2 mugs at 10.00 paid by a SALE of 20.00, created as Shopify's
  // orderCreate creates it; its line item and fulfilment order ids.
  async function paidOrder(fulfilled = false) {
    const mug = fake.addVariant(SHOP, 'MUG', { inventoryQuantity: 5 });
    const { json } = await post({
      query: `mutation Create($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
        orderCreate(order: $order, options: $options) { order { id } userErrors { message } } }`,
      variables: {
        order: {
          currency: 'USD',
          lineItems: [
            {
              variantId: mug.id,
              quantity: 2,
              priceSet: { shopMoney: { amount: '10.00', currencyCode: 'USD' } },
            },
          ],
          transactions: [
            {
              kind: 'SALE',
              status: 'SUCCESS',
              gateway: 'TikTok Shop',
              amountSet: { shopMoney: { amount: '20.00', currencyCode: 'USD' } },
            },
          ],
          ...(fulfilled && { fulfillmentStatus: 'FULFILLED' }),
        },
        options: { inventoryBehaviour: 'DECREMENT_OBEYING_POLICY' },
      },
    });
    expect(json).not.toHaveProperty('errors');
    const order = fake.orders.at(-1)!;
    return {
      mug,
      order,
      lineItemId: order.lineItems[0]!.id,
      saleId: order.transactions[0]!.id,
      fulfillmentOrderId: order.fulfillmentOrders[0]!.id,
    };
  }

  const CANCEL = `mutation Cancel($id: ID!) {
    orderCancel(orderId: $id, reason: CUSTOMER, restock: true, refund: false, notifyCustomer: false) {
      job { id done } orderCancelUserErrors { field message code } } }`;
  const REFUND = `mutation Refund($input: RefundInput!) {
    refundCreate(input: $input) { refund { id } userErrors { field message } } }`;
  const HOLD = `mutation Hold($id: ID!, $handle: String) {
    fulfillmentOrderHold(id: $id, fulfillmentHold: { reason: AWAITING_PAYMENT, handle: $handle }) {
      fulfillmentHold { id } userErrors { field message code } } }`;
  const RELEASE = `mutation Release($id: ID!, $holdIds: [ID!]) {
    fulfillmentOrderReleaseHold(id: $id, holdIds: $holdIds) { fulfillmentOrder { status } userErrors { message code } } }`;
  const MARK_PAID = `mutation Paid($id: ID!) {
    orderMarkAsPaid(input: { id: $id }) { order { id } userErrors { message } } }`;
  const data = (json: Record<string, unknown>, field: string) =>
    (json.data as Record<string, Record<string, unknown>>)[field]!;

  it('cancels by a job that runs at the next request, restocking; a second orderCancel is a userError', async () => {
    const { mug, order } = await paidOrder();
    const first = data(
      (await post({ query: CANCEL, variables: { id: order.id } })).json,
      'orderCancel',
    );
    expect(first).toEqual({
      job: { id: expect.stringMatching(/^gid:\/\/shopify\/Job\//) as unknown, done: false },
      orderCancelUserErrors: [],
    });
    expect(order.cancelledAt).toBeNull();

    const again = data(
      (await post({ query: CANCEL, variables: { id: order.id } })).json,
      'orderCancel',
    );
    expect(order.cancelledAt).not.toBeNull();
    expect(mug.inventoryQuantity).toBe(5);
    expect(again).toEqual({
      job: null,
      orderCancelUserErrors: [
        { field: ['orderId'], message: 'Order has already been cancelled', code: 'INVALID' },
      ],
    });
    const job = await post({
      query: 'query Job($id: ID!) { job(id: $id) { done } }',
      variables: { id: (first.job as { id: string }).id },
    });
    expect(job.json.data).toEqual({ job: { done: true } });
  });

  it('refuses an orderCancel without reason, restock or refund as an invalid document', async () => {
    const { order } = await paidOrder();
    await post({
      query: 'mutation C($id: ID!) { orderCancel(orderId: $id, restock: true) { job { id } } }',
      variables: { id: order.id },
    });
    expect(fake.validationFailures.map((failure) => failure.stage)).toEqual(['document']);
    expect(order.pendingCancelJob).toBeNull();
  });

  it('refuses refund lines past what is left, CANCEL of shipped units, LEGACY_RESTOCK, and money past what was paid', async () => {
    const unshipped = await paidOrder();
    const refund = async (input: Record<string, unknown>) =>
      data((await post({ query: REFUND, variables: { input } })).json, 'refundCreate');
    const line = (quantity: number, restockType: string) => ({
      orderId: unshipped.order.id,
      refundLineItems: [{ lineItemId: unshipped.lineItemId, quantity, restockType }],
    });
    expect((await refund(line(3, 'NO_RESTOCK'))).userErrors).toEqual([
      { field: ['refundLineItems'], message: 'Line 0: cannot refund 3, only 2 left to refund' },
    ]);
    expect((await refund(line(1, 'RETURN'))).userErrors).toEqual([
      { field: ['refundLineItems'], message: 'Line 0: cannot return 1, only 0 fulfilled' },
    ]);
    expect((await refund(line(1, 'LEGACY_RESTOCK'))).userErrors).toEqual([
      expect.objectContaining({ field: ['refundLineItems', '0', 'restockType'] }),
    ]);
    const money = (amount: string, gateway = 'TikTok Shop') => ({
      orderId: unshipped.order.id,
      transactions: [
        {
          orderId: unshipped.order.id,
          parentId: unshipped.saleId,
          gateway,
          kind: 'REFUND',
          amount,
        },
      ],
    });
    expect((await refund(money('20.01'))).userErrors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: ['transactions'] })]),
    );
    expect((await refund(money('1.00', 'manual'))).userErrors).toEqual([
      expect.objectContaining({ field: ['transactions', '0', 'gateway'] }),
    ]);
    expect(unshipped.order.refunds).toEqual([]);

    const shipped = await paidOrder(true);
    const cancelShipped = await refund({
      orderId: shipped.order.id,
      refundLineItems: [{ lineItemId: shipped.lineItemId, quantity: 1, restockType: 'CANCEL' }],
    });
    expect(cancelShipped.userErrors).toEqual([
      { field: ['refundLineItems'], message: 'Line 0: cannot cancel 1, only 0 unfulfilled' },
    ]);
    // What is allowed is applied: a CANCEL of an unshipped unit goes back to stock.
    expect((await refund(line(1, 'CANCEL'))).userErrors).toEqual([]);
    expect(unshipped.mug.inventoryQuantity).toBe(4);
    expect((await refund(line(2, 'CANCEL'))).userErrors).toEqual([
      { field: ['refundLineItems'], message: 'Line 0: cannot refund 2, only 1 left to refund' },
    ]);
  });

  it('refuses a second hold with one handle, releasing a hold it did not place, and releasing what is not held', async () => {
    const { order, fulfillmentOrderId } = await paidOrder();
    const hold = async () =>
      data(
        (await post({ query: HOLD, variables: { id: fulfillmentOrderId, handle: 'ours' } })).json,
        'fulfillmentOrderHold',
      );
    expect((await hold()).userErrors).toEqual([]);
    expect((await hold()).userErrors).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_FULFILLMENT_HOLD_HANDLE' }),
    ]);
    const merchants = fake.addFulfillmentHold(order, { handle: 'merchant' });
    const release = async (holdIds: string[] | null) =>
      data(
        (await post({ query: RELEASE, variables: { id: fulfillmentOrderId, holdIds } })).json,
        'fulfillmentOrderReleaseHold',
      );
    expect((await release([merchants.id])).userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_ACCESS' }),
    ]);
    const ours = order.fulfillmentOrders[0]!.holds.find((h) => h.handle === 'ours')!;
    expect(await release([ours.id])).toEqual({
      fulfillmentOrder: { status: 'ON_HOLD' },
      userErrors: [],
    });
    order.fulfillmentOrders[0]!.holds = [];
    expect((await release(null)).userErrors).toEqual([
      { message: 'The fulfillment order is not on hold', code: null },
    ]);
  });

  it('refuses to mark a paid order paid', async () => {
    const { order } = await paidOrder();
    const { json } = await post({ query: MARK_PAID, variables: { id: order.id } });
    expect(data(json, 'orderMarkAsPaid')).toEqual({
      order: null,
      userErrors: [{ message: 'Order cannot be marked as paid.' }],
    });
    expect(order.transactions).toHaveLength(1);
  });
});
