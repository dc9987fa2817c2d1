import { describe, expect, it } from '@jest/globals';
import { describeUserErrors } from '../../../src/adapters/shopify/describeUserErrors';
import { lineItemsTotal } from '../../../src/adapters/shopify/lineItemsTotal';
import { orderCreateVariables } from '../../../src/adapters/shopify/orderCreateVariables';
import { type CreatePlatformOrder, PlatformError } from '../../../src/sync/platformPort';

const order: CreatePlatformOrder = {
  store: { storeId: 'store-1', shopDomain: 'acme.myshopify.com' },
  orderId: 'order-1',
  tiktokOrderId: '576461413038785752',
  lineItems: [
    { sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '19.99' },
    { sku: 'TEA-01', title: 'Tea', quantity: 3, unitPrice: '0.1' },
    // The same SKU at a promotion's price: its own line, the same variant.
    { sku: 'MUG-RED', title: 'Red mug', quantity: 1, unitPrice: '14.99' },
  ],
  currency: 'GBP',
  totalAmount: '60.27',
  placedAt: '2024-01-23T08:53:20Z',
  status: 'AWAITING_SHIPMENT',
  inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
  tags: ['TikTok'],
};
const variants = new Map([
  ['MUG-RED', 'gid://shopify/ProductVariant/1'],
  ['TEA-01', 'gid://shopify/ProductVariant/2'],
]);

describe('orderCreateVariables', () => {
  it('sends a paid order keyed by the TikTok order id, one line per TikTok line', () => {
    expect(orderCreateVariables(order, variants, 'tiktok_shop')).toEqual({
      order: {
        sourceIdentifier: '576461413038785752',
        sourceName: 'tiktok_shop',
        currency: 'GBP',
        processedAt: '2024-01-23T08:53:20Z',
        tags: ['TikTok'],
        financialStatus: 'PAID',
        lineItems: [
          {
            variantId: 'gid://shopify/ProductVariant/1',
            quantity: 2,
            priceSet: { shopMoney: { amount: '19.99', currencyCode: 'GBP' } },
            requiresShipping: true,
          },
          {
            variantId: 'gid://shopify/ProductVariant/2',
            quantity: 3,
            priceSet: { shopMoney: { amount: '0.1', currencyCode: 'GBP' } },
            requiresShipping: true,
          },
          {
            variantId: 'gid://shopify/ProductVariant/1',
            quantity: 1,
            priceSet: { shopMoney: { amount: '14.99', currencyCode: 'GBP' } },
            requiresShipping: true,
          },
        ],
        transactions: [
          {
            kind: 'SALE',
            status: 'SUCCESS',
            gateway: 'TikTok Shop',
            amountSet: { shopMoney: { amount: '55.27', currencyCode: 'GBP' } },
            processedAt: '2024-01-23T08:53:20Z',
          },
        ],
      },
      options: {
        inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
        sendReceipt: false,
        sendFulfillmentReceipt: false,
      },
    });
  });

  it('marks a FULFILLED order fulfilled and passes BYPASS on', () => {
    const variables = orderCreateVariables(
      { ...order, status: 'FULFILLED', inventoryBehaviour: 'BYPASS' },
      variants,
      null,
    );
    expect(variables.order.fulfillmentStatus).toBe('FULFILLED');
    expect(variables.options.inventoryBehaviour).toBe('BYPASS');
    expect(variables.order).not.toHaveProperty('sourceName');
  });

  it('records no zero payment for an order of free gifts', () => {
    const gifts = {
      ...order,
      lineItems: [{ sku: 'TEA-01', title: null, quantity: 1, unitPrice: '0.00' }],
    };
    const variables = orderCreateVariables(gifts, variants, null);
    expect(variables.order.financialStatus).toBe('PAID');
    expect(variables.order).not.toHaveProperty('transactions');
  });

  it('refuses a price that is not a decimal amount', () => {
    const odd = {
      ...order,
      lineItems: [{ sku: 'TEA-01', title: null, quantity: 1, unitPrice: '1e3' }],
    };
    expect(() => orderCreateVariables(odd, variants, null)).toThrow(PlatformError);
  });
});

describe('lineItemsTotal', () => {
  it('adds exactly, keeping the finest precision any price has', () => {
    expect(
      lineItemsTotal([
        { quantity: 3, unitPrice: '0.1' },
        { quantity: 1, unitPrice: '0.2' },
      ]),
    ).toBe('0.5');
    expect(
      lineItemsTotal([
        { quantity: 1, unitPrice: '1234567.895' },
        { quantity: 2, unitPrice: '19.99' },
      ]),
    ).toBe('1234607.875');
    expect(lineItemsTotal([{ quantity: 4, unitPrice: '25' }])).toBe('100');
    expect(lineItemsTotal([])).toBe('0');
  });

  it('gives up on anything but plain decimals and whole quantities', () => {
    expect(lineItemsTotal([{ quantity: 1, unitPrice: '-1.00' }])).toBeUndefined();
    expect(lineItemsTotal([{ quantity: 1.5, unitPrice: '1.00' }])).toBeUndefined();
  });
});

describe('describeUserErrors', () => {
  it('reads field paths without the argument name, and joins several errors', () => {
    expect(
      describeUserErrors([
        { field: ['order', 'lineItems', '0', 'quantity'], message: 'must be greater than 0' },
        { field: null, message: 'Shop is dormant' },
      ]),
    ).toBe('lineItems.0.quantity: must be greater than 0; Shop is dormant');
  });
});
