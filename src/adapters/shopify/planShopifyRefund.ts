import { PlatformError, type RefundPlatformLines } from '../../sync/platformPort';
import { fromMicros, toMicros } from '../decimalAmount';
import type { RefundInputVariables } from './documents';
import type { OrderRefunds } from './readOrderRefunds';
import { refundNote } from './refundNote';

type ShopifyRestockType = RefundInputVariables['input']['refundLineItems'][number]['restockType'];

const rejected = (message: string) => new PlatformError('REJECTED', message);

/**
 * Shopify's RefundLineItemInput for the port's lines. A line's SKU may span
 * several Shopify lines (one TikTok SKU at two prices): units are taken line
 * by line, never more than a line has left to refund.
 *
 * Shopify's restock type must match each unit's state: CANCEL restocks a unit
 * that never shipped, RETURN one that shipped. The port's type says why a
 * unit goes back to stock; so a CANCEL takes unshipped units first and
 * records any shipped ones as RETURN, and a RETURN the other way round.
 * Either restocks exactly the units asked, no more.
 */
function refundLineItems(
  refund: RefundPlatformLines,
  order: OrderRefunds,
): RefundInputVariables['input']['refundLineItems'] {
  const left = new Map(
    order.lineItems.map((line) => [
      line.id,
      { unfulfilled: line.unfulfilled, fulfilled: line.refundable - line.unfulfilled },
    ]),
  );
  const taken = new Map<
    string,
    { lineItemId: string; quantity: number; restockType: ShopifyRestockType }
  >();
  const take = (lineItemId: string, quantity: number, restockType: ShopifyRestockType) => {
    if (quantity <= 0) return;
    const key = `${lineItemId} ${restockType}`;
    const entry = taken.get(key) ?? { lineItemId, quantity: 0, restockType };
    entry.quantity += quantity;
    taken.set(key, entry);
  };

  for (const line of refund.lines) {
    if (!Number.isInteger(line.quantity) || line.quantity < 1) {
      throw rejected(
        `SKU ${JSON.stringify(line.sku)} has refund quantity ${line.quantity}; it must be at least 1`,
      );
    }
    const candidates = order.lineItems.filter((item) => item.sku === line.sku);
    if (candidates.length === 0) {
      throw rejected(
        `Shopify order ${order.orderId} has no line with SKU ${JSON.stringify(line.sku)}`,
      );
    }
    let wanted = line.quantity;
    for (const item of candidates) {
      const state = left.get(item.id)!;
      const takeFrom = (part: 'unfulfilled' | 'fulfilled', restockType: ShopifyRestockType) => {
        const quantity = Math.min(wanted, state[part]);
        state[part] -= quantity;
        wanted -= quantity;
        take(item.id, quantity, restockType);
      };
      if (line.restockType === 'RETURN') {
        takeFrom('fulfilled', 'RETURN');
        takeFrom('unfulfilled', 'CANCEL');
      } else if (line.restockType === 'CANCEL') {
        takeFrom('unfulfilled', 'CANCEL');
        takeFrom('fulfilled', 'RETURN');
      } else {
        takeFrom('unfulfilled', 'NO_RESTOCK');
        takeFrom('fulfilled', 'NO_RESTOCK');
      }
    }
    if (wanted > 0) {
      const available = candidates.reduce((sum, item) => sum + item.refundable, 0);
      throw rejected(
        `Shopify order ${order.orderId} has ${available} unit(s) of SKU ${JSON.stringify(line.sku)} left to refund; ${line.quantity} asked`,
      );
    }
  }
  return [...taken.values()];
}

/**
 * The refund's money, as REFUND transactions against the payments Shopify
 * recorded (each never past what is left of it). Nothing when Shopify
 * received nothing: an order still held with its payment pending has only
 * its lines refunded, and orderMarkAsPaid later records what is left to pay.
 */
function refundTransactions(
  amount: bigint,
  order: OrderRefunds,
): RefundInputVariables['input']['transactions'] {
  if (amount === 0n || order.received === 0n) return [];
  const held = order.received - order.refunded;
  if (amount > held) {
    throw rejected(
      `Shopify holds ${fromMicros(held)} ${order.currency} of order ${order.orderId}; a refund of ${fromMicros(amount)} would exceed it`,
    );
  }
  const refundedFrom = new Map<string, bigint>();
  for (const transaction of order.transactions) {
    if (transaction.kind === 'REFUND' && transaction.status === 'SUCCESS' && transaction.parentId) {
      refundedFrom.set(
        transaction.parentId,
        (refundedFrom.get(transaction.parentId) ?? 0n) + transaction.amount,
      );
    }
  }
  const transactions: RefundInputVariables['input']['transactions'] = [];
  let wanted = amount;
  for (const payment of order.transactions) {
    if (wanted === 0n) break;
    if ((payment.kind !== 'SALE' && payment.kind !== 'CAPTURE') || payment.status !== 'SUCCESS')
      continue;
    const share = payment.amount - (refundedFrom.get(payment.id) ?? 0n);
    const part = share < wanted ? share : wanted;
    if (part <= 0n) continue;
    transactions.push({
      orderId: order.orderId,
      parentId: payment.id,
      gateway: payment.gateway ?? 'manual',
      kind: 'REFUND',
      amount: fromMicros(part),
    });
    wanted -= part;
  }
  if (wanted > 0n) {
    throw rejected(
      `Shopify order ${order.orderId} has no payment left to refund ${fromMicros(wanted)} ${order.currency} against`,
    );
  }
  return transactions;
}

/** refundCreate's input for one refund, or REJECTED when it would break a rule. */
export function planShopifyRefund(
  refund: RefundPlatformLines,
  order: OrderRefunds,
): { input: RefundInputVariables['input']; amountRecorded: string } {
  const amount = toMicros(refund.amount);
  if (amount === undefined) {
    throw rejected(`The refund amount ${JSON.stringify(refund.amount)} is not a decimal amount`);
  }
  if (refund.currency !== order.currency) {
    throw rejected(
      `The refund is in ${refund.currency}; Shopify order ${order.orderId} is in ${order.currency}`,
    );
  }
  if (refund.lines.length === 0 && amount === 0n) {
    throw rejected('The refund has neither lines nor an amount');
  }
  // Never more than the order's total, counting what was refunded before.
  if (order.refunded + amount > order.total) {
    throw rejected(
      `A refund of ${fromMicros(amount)} ${order.currency} would take Shopify order ${order.orderId} past its total of ${fromMicros(order.total)} (${fromMicros(order.refunded)} refunded already)`,
    );
  }
  const transactions = refundTransactions(amount, order);
  const recorded = transactions.reduce(
    (sum, transaction) => sum + toMicros(transaction.amount)!,
    0n,
  );
  return {
    input: {
      orderId: order.orderId,
      note: refundNote(refund.note, refund.key),
      notify: false,
      currency: order.currency,
      refundLineItems: refundLineItems(refund, order),
      transactions,
    },
    amountRecorded: fromMicros(recorded),
  };
}
