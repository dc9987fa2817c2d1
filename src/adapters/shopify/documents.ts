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

// After sync. The 2025-01 schema has no idempotency directive (`@idempotent`
// arrives in 2026-01), so each effect is made idempotent by reading the order
// first: the reads below are the look-ups, the mutations the effects.

export interface OrderIdVariables {
  id: string;
}

/** Whether the order is cancelled and paid: the look-up before orderCancel and orderMarkAsPaid. */
export const FIND_ORDER_STATE: ShopifyOperation<OrderIdVariables> = {
  name: 'FindOrderState',
  document: /* GraphQL */ `
    query FindOrderState($id: ID!) {
      order(id: $id) {
        id
        cancelledAt
        displayFinancialStatus
        fullyPaid
        canMarkAsPaid
      }
    }
  `,
  estimateCost: () => 1,
};

export interface CancelOrderVariables {
  orderId: string;
  reason: 'CUSTOMER' | 'DECLINED' | 'FRAUD' | 'INVENTORY' | 'STAFF' | 'OTHER';
  restock: boolean;
  /** Always false: TikTok Shop refunds the buyer itself. */
  refund: false;
  /** Always false: the buyer is TikTok's customer. */
  notifyCustomer: false;
  staffNote: string | null;
}

/** Asynchronous in 2025-01: it answers a job, and the order shows cancelledAt once the job ran. */
export const CANCEL_ORDER: ShopifyOperation<CancelOrderVariables> = {
  name: 'CancelOrder',
  document: /* GraphQL */ `
    mutation CancelOrder(
      $orderId: ID!
      $reason: OrderCancelReason!
      $restock: Boolean!
      $refund: Boolean!
      $notifyCustomer: Boolean
      $staffNote: String
    ) {
      orderCancel(
        orderId: $orderId
        reason: $reason
        restock: $restock
        refund: $refund
        notifyCustomer: $notifyCustomer
        staffNote: $staffNote
      ) {
        job {
          id
          done
        }
        orderCancelUserErrors {
          field
          message
          code
        }
      }
    }
  `,
  estimateCost: () => 11,
};

/** How many refunds and transactions FIND_ORDER_REFUNDS reads; an order with more is refused rather than guessed at. */
export const REFUNDS_READ = 30;
export const LINE_ITEMS_READ = 100;

/**
 * Everything refundCreate needs and must not exceed: the refunds already
 * there (their notes carry our key), the lines with what is left of them,
 * the money received and refunded, and the transactions to refund against.
 */
export const FIND_ORDER_REFUNDS: ShopifyOperation<OrderIdVariables> = {
  name: 'FindOrderRefunds',
  document: /* GraphQL */ `
    query FindOrderRefunds($id: ID!) {
      order(id: $id) {
        id
        presentmentCurrencyCode
        totalPriceSet {
          presentmentMoney {
            amount
          }
        }
        totalReceivedSet {
          presentmentMoney {
            amount
          }
        }
        totalRefundedSet {
          presentmentMoney {
            amount
          }
        }
        refunds(first: ${REFUNDS_READ}) {
          id
          note
          totalRefundedSet {
            presentmentMoney {
              amount
            }
          }
        }
        lineItems(first: ${LINE_ITEMS_READ}) {
          nodes {
            id
            sku
            refundableQuantity
            unfulfilledQuantity
          }
          pageInfo {
            hasNextPage
          }
        }
        transactions(first: ${REFUNDS_READ}) {
          id
          kind
          status
          gateway
          amountSet {
            presentmentMoney {
              amount
            }
          }
          parentTransaction {
            id
          }
        }
      }
    }
  `,
  // The order and its three amounts, each refund with its amount, the line
  // connection, each transaction with its amount and parent.
  estimateCost: () => 1 + 6 + REFUNDS_READ * 3 + (2 + LINE_ITEMS_READ) + REFUNDS_READ * 4,
};

/** The subset of RefundInput we send. */
export interface RefundInputVariables {
  input: {
    orderId: string;
    note: string;
    notify: false;
    currency: string;
    refundLineItems: {
      lineItemId: string;
      quantity: number;
      restockType: 'CANCEL' | 'RETURN' | 'NO_RESTOCK';
    }[];
    transactions: {
      orderId: string;
      parentId: string;
      gateway: string;
      kind: 'REFUND';
      amount: string;
    }[];
  };
}

export const CREATE_REFUND: ShopifyOperation<RefundInputVariables> = {
  name: 'CreateRefund',
  document: /* GraphQL */ `
    mutation CreateRefund($input: RefundInput!) {
      refundCreate(input: $input) {
        refund {
          id
          note
          totalRefundedSet {
            presentmentMoney {
              amount
            }
          }
        }
        userErrors {
          field
          message
        }
      }
    }
  `,
  estimateCost: () => 13,
};

export const FULFILLMENT_ORDERS_READ = 20;

/** The order's fulfilment orders and their holds: the look-up before holding or releasing. */
export const FIND_FULFILLMENT_HOLDS: ShopifyOperation<OrderIdVariables> = {
  name: 'FindFulfillmentHolds',
  document: /* GraphQL */ `
    query FindFulfillmentHolds($id: ID!) {
      order(id: $id) {
        id
        cancelledAt
        fulfillmentOrders(first: ${FULFILLMENT_ORDERS_READ}) {
          nodes {
            id
            status
            fulfillmentHolds {
              id
              handle
              heldByRequestingApp
            }
          }
          pageInfo {
            hasNextPage
          }
        }
      }
    }
  `,
  estimateCost: () => 1 + 2 + FULFILLMENT_ORDERS_READ * 3,
};

export interface HoldFulfillmentOrderVariables {
  id: string;
  fulfillmentHold: {
    reason: 'AWAITING_PAYMENT';
    reasonNotes: string;
    notifyMerchant: false;
    /** Ours, so that the look-up and the release know our hold from the merchant's or another app's. */
    handle: string;
  };
}

export const HOLD_FULFILLMENT_ORDER: ShopifyOperation<HoldFulfillmentOrderVariables> = {
  name: 'HoldFulfillmentOrder',
  document: /* GraphQL */ `
    mutation HoldFulfillmentOrder($id: ID!, $fulfillmentHold: FulfillmentOrderHoldInput!) {
      fulfillmentOrderHold(id: $id, fulfillmentHold: $fulfillmentHold) {
        fulfillmentHold {
          id
          handle
        }
        fulfillmentOrder {
          id
          status
        }
        userErrors {
          field
          message
          code
        }
      }
    }
  `,
  estimateCost: () => 12,
};

export interface ReleaseFulfillmentHoldVariables {
  id: string;
  /** Only ours: a hold the merchant or another app placed stays. */
  holdIds: string[];
}

export const RELEASE_FULFILLMENT_HOLD: ShopifyOperation<ReleaseFulfillmentHoldVariables> = {
  name: 'ReleaseFulfillmentHold',
  document: /* GraphQL */ `
    mutation ReleaseFulfillmentHold($id: ID!, $holdIds: [ID!]) {
      fulfillmentOrderReleaseHold(id: $id, holdIds: $holdIds) {
        fulfillmentOrder {
          id
          status
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

export interface MarkOrderPaidVariables {
  input: { id: string };
}

export const MARK_ORDER_PAID: ShopifyOperation<MarkOrderPaidVariables> = {
  name: 'MarkOrderPaid',
  document: /* GraphQL */ `
    mutation MarkOrderPaid($input: OrderMarkAsPaidInput!) {
      orderMarkAsPaid(input: $input) {
        order {
          id
          displayFinancialStatus
          fullyPaid
        }
        userErrors {
          field
          message
        }
      }
    }
  `,
  estimateCost: () => 11,
};

export const SHOPIFY_OPERATIONS = [
  FIND_ORDER,
  FIND_VARIANTS_BY_SKU,
  CREATE_ORDER,
  FIND_ORDER_STATE,
  CANCEL_ORDER,
  FIND_ORDER_REFUNDS,
  CREATE_REFUND,
  FIND_FULFILLMENT_HOLDS,
  HOLD_FULFILLMENT_ORDER,
  RELEASE_FULFILLMENT_HOLD,
  MARK_ORDER_PAID,
] as const;
