import { TikTokApiError } from './TikTokApiError';
import { readTikTokId, readTikTokSeconds } from './tikTokScalars';
import {
  normalizeTikTokShopOrderStatus,
  type TikTokShopOrderStatus,
} from './tikTokShopOrderStatus';

export type TikTokFulfillmentType = 'FULFILLED_BY_TIKTOK' | 'FULFILLED_BY_SELLER';

export interface TikTokShopOrderLine {
  /** The seller's SKU, or TikTok's sku_id when the seller set none. */
  sku: string;
  title: string | null;
  quantity: number;
  /** Decimal string exactly as TikTok sent it, e.g. "19.99"; never a float. */
  unitPrice: string;
}

/** One unit of a TikTok line item, named by TikTok's id, and the line of ours it belongs to. */
export interface TikTokShopOrderUnit {
  /** TikTok's line item id (a return names units by it: order_line_item_id). */
  unitId: string;
  /** Its line's index in lineItems. */
  line: number;
  /** TikTok's display_status of the unit (CANCELLED when this unit was cancelled); null when absent. */
  displayStatus: string | null;
}

export interface TikTokShopOrder {
  orderId: string;
  shopId?: string;
  status: TikTokShopOrderStatus;
  fulfillmentType: TikTokFulfillmentType;
  lineItems: TikTokShopOrderLine[];
  currency: string;
  /** Decimal string, when TikTok sent one. */
  totalAmount?: string;
  /** ISO-8601, from create_time. */
  placedAt: string;
  /** ISO-8601, from update_time. */
  updatedAt: string;
  /** Every unit, in TikTok's order. */
  units: TikTokShopOrderUnit[];
  /**
   * cancel_reason, when TikTok cancelled the order or some of its units.
   * cancel_reason and cancellation_initiator sit on the order, beside
   * line_items[].display_status, in public copies of the 202309 order
   * list's response sample (e.g. "cancellation_initiator": "SELLER",
   * "cancel_reason": "Pricing error").
   */
  cancelReason: string | null;
  /** cancellation_initiator (BUYER, SELLER, SYSTEM, ...), as TikTok sent it. */
  cancellationInitiator: string | null;
}

const FULFILLMENT_TYPES: Readonly<Record<string, TikTokFulfillmentType>> = {
  FULFILLMENT_BY_TIKTOK: 'FULFILLED_BY_TIKTOK',
  FULFILLMENT_BY_SELLER: 'FULFILLED_BY_SELLER',
};

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && /^\d+(\.\d+)?$/.test(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * One order of a Get Order Detail answer (202309) as our TikTokShopOrder.
 * Anything we cannot map exactly throws UNEXPECTED_RESPONSE rather than being
 * skipped or guessed: a wrong quantity or price would be synced for real.
 */
export function mapTikTokOrder(raw: unknown): TikTokShopOrder {
  const unexpected = (what: string): TikTokApiError =>
    new TikTokApiError('UNEXPECTED_RESPONSE', `TikTok order ${what}`);
  if (!isObject(raw)) throw unexpected('is not an object');

  const orderId = readTikTokId(raw.id);
  if (!orderId.ok) throw unexpected(`id ${orderId.problem}`);
  const about = (what: string): TikTokApiError => unexpected(`${orderId.value}: ${what}`);

  const status = normalizeTikTokShopOrderStatus(raw.status);
  if (status === undefined) throw about(`status ${JSON.stringify(raw.status)} is unknown`);

  const fulfillmentType =
    typeof raw.fulfillment_type === 'string' ? FULFILLMENT_TYPES[raw.fulfillment_type] : undefined;
  if (fulfillmentType === undefined) {
    throw about(`fulfillment_type ${JSON.stringify(raw.fulfillment_type)} is unknown`);
  }

  const placedAt = readTikTokSeconds(raw.create_time);
  if (!placedAt.ok) throw about(`create_time ${placedAt.problem}`);
  const updatedAt = readTikTokSeconds(raw.update_time);
  if (!updatedAt.ok) throw about(`update_time ${updatedAt.problem}`);

  if (!Array.isArray(raw.line_items) || raw.line_items.length === 0) {
    throw about('has no line_items');
  }
  const { lineItems, units } = groupUnitsIntoLines(raw.line_items, about);

  const payment = isObject(raw.payment) ? raw.payment : {};
  const firstItem: unknown = raw.line_items[0];
  const currency =
    nonEmptyString(payment.currency) ??
    (isObject(firstItem) ? nonEmptyString(firstItem.currency) : undefined);
  if (currency === undefined) throw about('has no currency');

  const order: TikTokShopOrder = {
    orderId: orderId.value,
    status,
    fulfillmentType,
    lineItems,
    currency,
    placedAt: placedAt.value,
    updatedAt: updatedAt.value,
    units,
    cancelReason: nonEmptyString(raw.cancel_reason) ?? null,
    cancellationInitiator: nonEmptyString(raw.cancellation_initiator) ?? null,
  };
  if (payment.total_amount !== undefined) {
    if (!isDecimalString(payment.total_amount))
      throw about('payment.total_amount is not a decimal string');
    order.totalAmount = payment.total_amount;
  }
  if (raw.shop_id !== undefined) {
    const shopId = readTikTokId(raw.shop_id);
    if (!shopId.ok) throw about(`shop_id ${shopId.problem}`);
    order.shopId = shopId.value;
  }
  return order;
}

/**
 * TikTok lists every unit as its own line item. Units of one SKU at one sale
 * price become one line with a quantity; the same SKU at two prices (a
 * promotion that ran out mid-order) stays two lines, because averaging would
 * invent a price nobody paid. Lines keep the order of their first unit.
 */
function groupUnitsIntoLines(
  rawUnits: unknown[],
  about: (what: string) => TikTokApiError,
): { lineItems: TikTokShopOrderLine[]; units: TikTokShopOrderUnit[] } {
  const lines = new Map<string, TikTokShopOrderLine>();
  const indexes = new Map<string, number>();
  const units: TikTokShopOrderUnit[] = [];
  rawUnits.forEach((unit, index) => {
    if (!isObject(unit)) throw about(`line_items[${index}] is not an object`);
    // seller_sku comes back as "" when the seller never set one.
    const sku = nonEmptyString(unit.seller_sku) ?? readTikTokIdOrUndefined(unit.sku_id);
    if (sku === undefined) throw about(`line_items[${index}] has neither seller_sku nor sku_id`);
    if (!isDecimalString(unit.sale_price)) {
      throw about(`line_items[${index}].sale_price is not a decimal string`);
    }
    const key = JSON.stringify([sku, unit.sale_price]);
    const line = lines.get(key);
    if (line === undefined) {
      const title = typeof unit.product_name === 'string' ? unit.product_name : null;
      indexes.set(key, lines.size);
      lines.set(key, { sku, title, quantity: 1, unitPrice: unit.sale_price });
    } else {
      line.quantity += 1;
    }
    units.push({
      unitId: readTikTokIdOrUndefined(unit.id) ?? `#${index}`,
      line: indexes.get(key)!,
      displayStatus: nonEmptyString(unit.display_status)?.toUpperCase() ?? null,
    });
  });
  return { lineItems: [...lines.values()], units };
}

function readTikTokIdOrUndefined(value: unknown): string | undefined {
  const id = readTikTokId(value);
  return id.ok ? id.value : undefined;
}
