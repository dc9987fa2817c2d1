import type { OrderCreateVariables } from './orderCreateVariables';

/**
 * The GraphQL documents the Shopify adapter sends, written against the Admin
 * API 2025-01 schema (test/fixtures/shopify). Every one is validated against
 * that schema by the fake Shopify server on each test request.
 */

/** One document and what we expect it to cost before Shopify has told us. */
export interface ShopifyOperation<Variables> {
  name: string;
  document: string;
  /**
   * Shopify's calculated cost: an object field costs 1, a connection 2 plus
   * one per node it may return, a mutation 10. Only a first guess: the
   * client prefers the requestedQueryCost Shopify last reported.
   */
  estimateCost(variables: Variables): number;
}

export interface FindOrderVariables {
  query: string;
}

export const FIND_ORDER: ShopifyOperation<FindOrderVariables> = {
  name: 'FindOrderBySourceIdentifier',
  document: /* GraphQL */ `
    query FindOrderBySourceIdentifier($query: String!) {
      orders(first: 1, query: $query) {
        nodes {
          id
          tags
          displayFulfillmentStatus
        }
      }
    }
  `,
  estimateCost: () => 3,
};

export interface FindVariantsVariables {
  first: number;
  query: string;
  after: string | null;
}

export const FIND_VARIANTS_BY_SKU: ShopifyOperation<FindVariantsVariables> = {
  name: 'FindVariantsBySku',
  document: /* GraphQL */ `
    query FindVariantsBySku($first: Int!, $query: String!, $after: String) {
      productVariants(first: $first, query: $query, after: $after) {
        nodes {
          id
          sku
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `,
  estimateCost: ({ first }) => 2 + first,
};

export const CREATE_ORDER: ShopifyOperation<OrderCreateVariables> = {
  name: 'CreateOrder',
  document: /* GraphQL */ `
    mutation CreateOrder($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
      orderCreate(order: $order, options: $options) {
        order {
          id
          tags
          displayFulfillmentStatus
        }
        userErrors {
          field
          message
          code
        }
      }
    }
  `,
  estimateCost: () => 11,
};

export const SHOPIFY_OPERATIONS = [FIND_ORDER, FIND_VARIANTS_BY_SKU, CREATE_ORDER] as const;
