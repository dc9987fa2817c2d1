import { describe, expect, it } from '@jest/globals';
import { getOperationAST, getVariableValues, parse, validate } from 'graphql';
import { CREATE_ORDER, SHOPIFY_OPERATIONS } from '../../../src/adapters/shopify/documents';
import { orderCreateVariables } from '../../../src/adapters/shopify/orderCreateVariables';
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
});
