import { describe, expect, it } from '@jest/globals';
import { getOperationAST, getVariableValues, parse, validate } from 'graphql';
import {
  CANCEL_ORDER,
  CREATE_ORDER,
  CREATE_REFUND,
  HOLD_FULFILLMENT_ORDER,
  MARK_ORDER_PAID,
  RELEASE_FULFILLMENT_HOLD,
  SHOPIFY_OPERATIONS,
  type ShopifyOperation,
} from '../../../src/adapters/shopify/documents';
import { orderCreateVariables } from '../../../src/adapters/shopify/orderCreateVariables';
import { planShopifyRefund } from '../../../src/adapters/shopify/planShopifyRefund';
import type { CreatePlatformOrder } from '../../../src/sync/platformPort';
import { loadShopifyAdminSchema } from '../../support/fakeShopify';

const schema = loadShopifyAdminSchema();

const order: CreatePlatformOrder = {
  store: { storeId: 'store-1', shopDomain: 'acme.myshopify.com' },
  orderId: 'order-1',
  tiktokOrderId: '576461413038785752',
  lineItems: [{ sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '19.99' }],
  currency: 'GBP',
  totalAmount: '42.97',
  placedAt: '2024-01-23T08:53:20Z',
  status: 'FULFILLED',
  inventoryBehaviour: 'BYPASS',
  tags: ['TikTok', 'FBT'],
};

describe('the documents the adapter sends', () => {
  it.each(SHOPIFY_OPERATIONS.map((operation) => [operation.name, operation] as const))(
    '%s validates against the Admin API 2025-01 schema',
    (name, operation) => {
      const document = parse(operation.document);
      expect(validate(schema, document)).toEqual([]);
      // The name we send as operationName must be the document's.
      expect(getOperationAST(document, name)?.name?.value).toBe(name);
    },
  );

  it.each([
    ['FULFILLED', 'BYPASS'],
    ['AWAITING_SHIPMENT', 'DECREMENT_OBEYING_POLICY'],
  ] as const)(
    'orderCreate variables for a %s order (%s) coerce to the schema',
    (status, inventoryBehaviour) => {
      const operation = getOperationAST(parse(CREATE_ORDER.document), CREATE_ORDER.name)!;
      const variables = orderCreateVariables(
        { ...order, status, inventoryBehaviour },
        new Map([['MUG-RED', 'gid://shopify/ProductVariant/1']]),
        'tiktok_shop',
      );
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], {
        ...variables,
      });
      expect(coerced.errors).toBeUndefined();
    },
  );

  it('orderCreate variables for an order on hold ask for a pending payment and carry no transaction', () => {
    const variables = orderCreateVariables(
      { ...order, status: 'AWAITING_SHIPMENT', onHold: true },
      new Map([['MUG-RED', 'gid://shopify/ProductVariant/1']]),
      'tiktok_shop',
    );
    expect(variables.order.financialStatus).toBe('PENDING');
    expect(variables.order).not.toHaveProperty('transactions');
    expect(coercionErrors(CREATE_ORDER, variables)).toBeUndefined();
  });

  it('the variables of the mutations after sync coerce to the schema', () => {
    const planned = planShopifyRefund(
      {
        store: order.store,
        platformOrderId: 'gid://shopify/Order/1',
        key: 'return:4035000001',
        note: 'TikTok Shop return 4035000001',
        lines: [{ sku: 'MUG-RED', quantity: 1, restockType: 'RETURN' }],
        amount: '19.99',
        currency: 'GBP',
      },
      {
        orderId: 'gid://shopify/Order/1',
        currency: 'GBP',
        total: 39_980_000n,
        received: 39_980_000n,
        refunded: 0n,
        refunds: [],
        lineItems: [
          { id: 'gid://shopify/LineItem/2', sku: 'MUG-RED', refundable: 2, unfulfilled: 0 },
        ],
        transactions: [
          {
            id: 'gid://shopify/OrderTransaction/3',
            kind: 'SALE',
            status: 'SUCCESS',
            gateway: 'TikTok Shop',
            amount: 39_980_000n,
            parentId: null,
          },
        ],
        incomplete: null,
      },
    );
    expect(coercionErrors(CREATE_REFUND, { input: planned.input })).toBeUndefined();
    expect(
      coercionErrors(CANCEL_ORDER, {
        orderId: 'gid://shopify/Order/1',
        reason: 'CUSTOMER',
        restock: true,
        refund: false,
        notifyCustomer: false,
        staffNote: 'Cancelled on TikTok Shop',
      }),
    ).toBeUndefined();
    expect(
      coercionErrors(HOLD_FULFILLMENT_ORDER, {
        id: 'gid://shopify/FulfillmentOrder/1',
        fulfillmentHold: {
          reason: 'AWAITING_PAYMENT',
          reasonNotes: 'TikTok Shop ON_HOLD',
          notifyMerchant: false,
          handle: 'fbt-sync-tiktok-on-hold',
        },
      }),
    ).toBeUndefined();
    expect(
      coercionErrors(RELEASE_FULFILLMENT_HOLD, {
        id: 'gid://shopify/FulfillmentOrder/1',
        holdIds: ['gid://shopify/FulfillmentHold/1'],
      }),
    ).toBeUndefined();
    expect(
      coercionErrors(MARK_ORDER_PAID, { input: { id: 'gid://shopify/Order/1' } }),
    ).toBeUndefined();
    // And a wrong enum value does not: the check can fail.
    expect(
      coercionErrors(CANCEL_ORDER, {
        orderId: 'x',
        reason: 'BUYER',
        restock: true,
        refund: false,
      }),
    ).toBeDefined();
  });

  it.each(SHOPIFY_OPERATIONS.map((operation) => [operation.name, operation] as const))(
    "%s's first cost estimate stays under Shopify's limit of 1000 for one query",
    (_name, operation) => {
      const estimate = (operation as ShopifyOperation<{ first: number }>).estimateCost({
        first: 250,
      });
      expect(estimate).toBeGreaterThan(0);
      expect(estimate).toBeLessThanOrEqual(1000);
    },
  );
});

/** Variables checked as the fake Shopify checks them; typed loosely, so a wrong one can be tried. */
function coercionErrors(operation: { name: string; document: string }, variables: object) {
  const ast = getOperationAST(parse(operation.document), operation.name)!;
  return getVariableValues(
    schema,
    ast.variableDefinitions ?? [],
    variables as Record<string, unknown>,
  ).errors;
}
