import { toMicros } from '../decimalAmount';
import { LINE_ITEMS_READ, REFUNDS_READ } from './documents';
import { isJsonObject, type JsonObject, unexpectedAnswer } from './jsonObject';

/** An order as refundCreate sees it (FIND_ORDER_REFUNDS), amounts in millionths of its currency. */
export interface OrderRefunds {
  orderId: string;
  currency: string;
  total: bigint;
  received: bigint;
  refunded: bigint;
  refunds: { id: string; note: string | null; amount: bigint }[];
  lineItems: { id: string; sku: string | null; refundable: number; unfulfilled: number }[];
  transactions: {
    id: string;
    kind: string;
    status: string;
    gateway: string | null;
    amount: bigint;
    parentId: string | null;
  }[];
  /** More refunds, lines or transactions than one read holds: the look-up could not be complete. */
  incomplete: string | null;
}

function amountOf(bag: unknown, what: string): bigint {
  const money = isJsonObject(bag) ? bag.presentmentMoney : undefined;
  const amount =
    isJsonObject(money) && typeof money.amount === 'string' ? toMicros(money.amount) : undefined;
  if (amount === undefined) throw unexpectedAnswer(`${what} without an amount`);
  return amount;
}

function list(value: unknown, what: string): JsonObject[] {
  if (!Array.isArray(value) || !value.every(isJsonObject))
    throw unexpectedAnswer(`${what} that is not a list`);
  return value;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const count = (value: unknown, what: string): number => {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw unexpectedAnswer(`${what} that is not a count`);
  return value;
};

export function readOrderRefunds(order: JsonObject): OrderRefunds {
  const currency = text(order.presentmentCurrencyCode);
  if (currency === null) throw unexpectedAnswer('an order without its currency');
  const refunds = list(order.refunds, 'refunds').map((refund) => {
    const id = text(refund.id);
    if (id === null) throw unexpectedAnswer('a refund without an id');
    return { id, note: text(refund.note), amount: amountOf(refund.totalRefundedSet, 'a refund') };
  });
  const lines = isJsonObject(order.lineItems) ? order.lineItems : {};
  const lineItems = list(lines.nodes, 'lineItems').map((line) => {
    const id = text(line.id);
    if (id === null) throw unexpectedAnswer('a line item without an id');
    const refundable = count(line.refundableQuantity, 'refundableQuantity');
    return {
      id,
      sku: text(line.sku),
      refundable,
      // Refunded units are not waiting to ship; whatever Shopify counts, never more than is left.
      unfulfilled: Math.min(refundable, count(line.unfulfilledQuantity, 'unfulfilledQuantity')),
    };
  });
  const transactions = list(order.transactions, 'transactions').map((transaction) => {
    const id = text(transaction.id);
    if (id === null) throw unexpectedAnswer('a transaction without an id');
    const parent = transaction.parentTransaction;
    return {
      id,
      kind: text(transaction.kind) ?? '',
      status: text(transaction.status) ?? '',
      gateway: text(transaction.gateway),
      amount: amountOf(transaction.amountSet, 'a transaction'),
      parentId: isJsonObject(parent) ? text(parent.id) : null,
    };
  });
  const pageInfo = isJsonObject(lines.pageInfo) ? lines.pageInfo : {};
  const incomplete =
    refunds.length >= REFUNDS_READ
      ? `${REFUNDS_READ} refunds or more`
      : transactions.length >= REFUNDS_READ
        ? `${REFUNDS_READ} transactions or more`
        : pageInfo.hasNextPage === true
          ? `more than ${LINE_ITEMS_READ} line items`
          : null;
  return {
    orderId: text(order.id)!,
    currency,
    total: amountOf(order.totalPriceSet, 'totalPriceSet'),
    received: amountOf(order.totalReceivedSet, 'totalReceivedSet'),
    refunded: amountOf(order.totalRefundedSet, 'totalRefundedSet'),
    refunds,
    lineItems,
    transactions,
    incomplete,
  };
}
