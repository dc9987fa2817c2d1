import {
  type CreatePlatformOrder,
  type InventoryBehaviour,
  PlatformError,
} from '../../sync/platformPort';
import { lineItemsTotal } from './lineItemsTotal';

// The subset of the 2025-01 input types we send (OrderCreateOrderInput and friends).

interface MoneyBagInput {
  shopMoney: { amount: string; currencyCode: string };
}

export interface OrderCreateLineItemInput {
  variantId: string;
  quantity: number;
  priceSet: MoneyBagInput;
  requiresShipping: boolean;
}

export interface OrderCreateOrderTransactionInput {
  kind: 'SALE';
  status: 'SUCCESS';
  gateway: string;
  amountSet: MoneyBagInput;
  processedAt: string;
}

export interface OrderCreateOrderInput {
  sourceIdentifier: string;
  sourceName?: string;
  currency: string;
  processedAt: string;
  tags: string[];
  lineItems: OrderCreateLineItemInput[];
  financialStatus: 'PAID' | 'PENDING';
  fulfillmentStatus?: 'FULFILLED';
  transactions?: OrderCreateOrderTransactionInput[];
}

export interface OrderCreateOptionsInput {
  inventoryBehaviour: InventoryBehaviour;
  sendReceipt: boolean;
  sendFulfillmentReceipt: boolean;
}

export interface OrderCreateVariables {
  order: OrderCreateOrderInput;
  options: OrderCreateOptionsInput;
}

/** The gateway shown on the order's payment: the buyer paid TikTok Shop. */
export const TIKTOK_SHOP_GATEWAY = 'TikTok Shop';

/**
 * The orderCreate variables for one TikTok order whose SKUs are all in
 * `variantIdBySku`.
 */
export function orderCreateVariables(
  order: CreatePlatformOrder,
  variantIdBySku: ReadonlyMap<string, string>,
  sourceName: string | null,
): OrderCreateVariables {
  const money = (amount: string): MoneyBagInput => ({
    shopMoney: { amount, currencyCode: order.currency },
  });
  const lineItems = order.lineItems.map((line): OrderCreateLineItemInput => {
    const variantId = variantIdBySku.get(line.sku);
    if (variantId === undefined) {
      throw new PlatformError(
        'REJECTED',
        `Shopify has no product variant with SKU ${JSON.stringify(line.sku)}`,
      );
    }
    return {
      variantId,
      quantity: line.quantity,
      priceSet: money(line.unitPrice),
      // Physical goods: they ship, whether TikTok or the seller ships them.
      requiresShipping: true,
    };
  });

  // The payment covers what the Shopify order totals, the lines: we send no
  // shipping or tax lines, so TikTok's totalAmount would leave it overpaid.
  const paid = lineItemsTotal(order.lineItems);
  if (paid === undefined) {
    const prices = order.lineItems.map((line) => line.unitPrice).join(', ');
    throw new PlatformError(
      'REJECTED',
      `The order has a price that is not a decimal amount: ${prices}`,
    );
  }

  const onHold = order.onHold === true;
  const input: OrderCreateOrderInput = {
    sourceIdentifier: order.tiktokOrderId,
    currency: order.currency,
    processedAt: order.placedAt,
    tags: order.tags,
    lineItems,
    // TikTok Shop only passes on orders the buyer has paid; an order still in
    // its ON_HOLD window is paid but may yet be cancelled for free, so its
    // payment shows pending until TikTok releases it (orderMarkAsPaid).
    financialStatus: onHold ? 'PENDING' : 'PAID',
  };
  if (sourceName !== null) input.sourceName = sourceName;
  if (order.status === 'FULFILLED') input.fulfillmentStatus = 'FULFILLED';
  // A transaction keeps the order paid if Shopify later recomputes its
  // status from transactions; one of zero (free gifts only) would be refused.
  // A pending order has none: orderMarkAsPaid records the payment.
  if (!onHold && !/^0*(\.0*)?$/.test(paid)) {
    input.transactions = [
      {
        kind: 'SALE',
        status: 'SUCCESS',
        gateway: TIKTOK_SHOP_GATEWAY,
        amountSet: money(paid),
        processedAt: order.placedAt,
      },
    ];
  }
  return {
    order: input,
    options: {
      inventoryBehaviour: order.inventoryBehaviour,
      // The buyer is TikTok's customer: Shopify must not email them.
      sendReceipt: false,
      sendFulfillmentReceipt: false,
    },
  };
}
