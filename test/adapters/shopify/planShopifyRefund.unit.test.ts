import { describe, expect, it } from '@jest/globals';
import { fromMicros, toMicros } from '../../../src/adapters/decimalAmount';
import { planShopifyRefund } from '../../../src/adapters/shopify/planShopifyRefund';
import type { OrderRefunds } from '../../../src/adapters/shopify/readOrderRefunds';
import { refundKeyOf, refundNote } from '../../../src/adapters/shopify/refundNote';
import { PlatformError, type RefundPlatformLines } from '../../../src/sync/platformPort';

const $ = (amount: string) => toMicros(amount)!;

function anOrder(overrides: Partial<OrderRefunds> = {}): OrderRefunds {
  return {
    orderId: 'gid://shopify/Order/1',
    currency: 'USD',
    total: $('54.97'),
    received: $('54.97'),
    refunded: 0n,
    refunds: [],
    lineItems: [
      { id: 'line-a', sku: 'MUG', refundable: 2, unfulfilled: 2 },
      { id: 'line-b', sku: 'TEA', refundable: 1, unfulfilled: 1 },
      { id: 'line-c', sku: 'MUG', refundable: 1, unfulfilled: 0 },
    ],
    transactions: [
      {
        id: 'sale-1',
        kind: 'SALE',
        status: 'SUCCESS',
        gateway: 'TikTok Shop',
        amount: $('54.97'),
        parentId: null,
      },
    ],
    incomplete: null,
    ...overrides,
  };
}

const refund = (overrides: Partial<RefundPlatformLines> = {}): RefundPlatformLines => ({
  store: { storeId: 's', shopDomain: 'acme.myshopify.com' },
  platformOrderId: 'gid://shopify/Order/1',
  key: 'return:1',
  note: 'TikTok Shop return 1',
  lines: [],
  amount: '0',
  currency: 'USD',
  ...overrides,
});

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).kind).toBe('REJECTED');
    return (error as PlatformError).message;
  }
  throw new Error('expected a refusal');
}

describe('planShopifyRefund', () => {
  it('takes CANCEL units from what has not shipped first, and records shipped ones as RETURN', () => {
    const { input } = planShopifyRefund(
      refund({ lines: [{ sku: 'MUG', quantity: 3, restockType: 'CANCEL' }] }),
      anOrder(),
    );
    expect(input.refundLineItems).toEqual([
      { lineItemId: 'line-a', quantity: 2, restockType: 'CANCEL' },
      { lineItemId: 'line-c', quantity: 1, restockType: 'RETURN' },
    ]);
  });

  it('takes RETURN units from what shipped first, and NO_RESTOCK never restocks', () => {
    const order = anOrder({
      lineItems: [{ id: 'line-a', sku: 'MUG', refundable: 3, unfulfilled: 1 }],
    });
    expect(
      planShopifyRefund(
        refund({ lines: [{ sku: 'MUG', quantity: 3, restockType: 'RETURN' }] }),
        order,
      ).input.refundLineItems,
    ).toEqual([
      { lineItemId: 'line-a', quantity: 2, restockType: 'RETURN' },
      { lineItemId: 'line-a', quantity: 1, restockType: 'CANCEL' },
    ]);
    expect(
      planShopifyRefund(
        refund({ lines: [{ sku: 'MUG', quantity: 3, restockType: 'NO_RESTOCK' }] }),
        order,
      ).input.refundLineItems,
    ).toEqual([{ lineItemId: 'line-a', quantity: 3, restockType: 'NO_RESTOCK' }]);
  });

  it('counts one SKU listed twice against the same units', () => {
    const message = refusal(() =>
      planShopifyRefund(
        refund({
          lines: [
            { sku: 'TEA', quantity: 1, restockType: 'CANCEL' },
            { sku: 'TEA', quantity: 1, restockType: 'NO_RESTOCK' },
          ],
        }),
        anOrder(),
      ),
    );
    expect(message).toBe(
      'Shopify order gid://shopify/Order/1 has 1 unit(s) of SKU "TEA" left to refund; 1 asked',
    );
  });

  it('refunds the money against the payments, never past what is left of each', () => {
    const order = anOrder({
      refunded: $('10.00'),
      transactions: [
        {
          id: 'sale-1',
          kind: 'SALE',
          status: 'SUCCESS',
          gateway: 'TikTok Shop',
          amount: $('30.00'),
          parentId: null,
        },
        {
          id: 'refund-1',
          kind: 'REFUND',
          status: 'SUCCESS',
          gateway: 'TikTok Shop',
          amount: $('10.00'),
          parentId: 'sale-1',
        },
        {
          id: 'failed',
          kind: 'SALE',
          status: 'FAILURE',
          gateway: 'manual',
          amount: $('99.00'),
          parentId: null,
        },
        {
          id: 'sale-2',
          kind: 'SALE',
          status: 'SUCCESS',
          gateway: 'manual',
          amount: $('24.97'),
          parentId: null,
        },
      ],
    });
    const planned = planShopifyRefund(refund({ amount: '25.5' }), order);
    expect(planned.input.transactions).toEqual([
      {
        orderId: order.orderId,
        parentId: 'sale-1',
        gateway: 'TikTok Shop',
        kind: 'REFUND',
        amount: '20.00',
      },
      {
        orderId: order.orderId,
        parentId: 'sale-2',
        gateway: 'manual',
        kind: 'REFUND',
        amount: '5.50',
      },
    ]);
    expect(planned.amountRecorded).toBe('25.50');
  });

  it('records no money on an order Shopify received none for (payment pending)', () => {
    const planned = planShopifyRefund(
      refund({ lines: [{ sku: 'TEA', quantity: 1, restockType: 'CANCEL' }], amount: '5.00' }),
      anOrder({ received: 0n, transactions: [] }),
    );
    expect(planned.input.transactions).toEqual([]);
    expect(planned.amountRecorded).toBe('0.00');
  });

  it('refuses past the total, past what Shopify holds, another currency, or nothing at all', () => {
    expect(refusal(() => planShopifyRefund(refund({ amount: '54.98' }), anOrder()))).toContain(
      'past its total of 54.97',
    );
    expect(
      refusal(() =>
        planShopifyRefund(refund({ amount: '30.00' }), anOrder({ received: $('20.00') })),
      ),
    ).toContain('Shopify holds 20.00 USD');
    expect(
      refusal(() => planShopifyRefund(refund({ amount: '1', currency: 'GBP' }), anOrder())),
    ).toContain('is in USD');
    expect(refusal(() => planShopifyRefund(refund(), anOrder()))).toBe(
      'The refund has neither lines nor an amount',
    );
    expect(refusal(() => planShopifyRefund(refund({ amount: '-1' }), anOrder()))).toContain(
      'not a decimal amount',
    );
  });

  it('puts the key in the note, where refundKeyOf finds exactly it', () => {
    const { input } = planShopifyRefund(refund({ amount: '1.00' }), anOrder());
    expect(input.note).toBe('TikTok Shop return 1 [fbt-sync:return:1]');
    expect(refundKeyOf(input.note)).toBe('return:1');
    expect(refundKeyOf(refundNote('x', 'return:10'))).not.toBe('return:1');
    expect(refundKeyOf('Refunded by hand [fbt-sync:return:1] twice')).toBeNull();
    expect(refundKeyOf(null)).toBeNull();
  });
});

describe('decimal amounts', () => {
  it.each([
    ['10', 10_000_000n, '10.00'],
    ['10.0', 10_000_000n, '10.00'],
    ['0.1', 100_000n, '0.10'],
    ['19.999', 19_999_000n, '19.999'],
  ])('%s', (text, micros, back) => {
    expect(toMicros(text)).toBe(micros);
    expect(fromMicros(micros)).toBe(back);
  });

  it.each(['', '1e3', '-1', '1.2345678', 'abc'])('refuses %j', (text) => {
    expect(toMicros(text)).toBeUndefined();
  });
});
