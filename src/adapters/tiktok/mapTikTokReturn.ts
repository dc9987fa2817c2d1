import { TikTokApiError } from './TikTokApiError';
import { readTikTokId, readTikTokSeconds } from './tikTokScalars';

/** One return or refund of a Search Returns answer (202309), as TikTok states it. */
export interface TikTokShopReturn {
  returnId: string;
  orderId: string;
  /** return_status as TikTok spells it, e.g. RETURN_OR_REFUND_REQUEST_COMPLETE. */
  status: string;
  /** return_type: REFUND, RETURN_AND_REFUND or REPLACEMENT. */
  returnType: string;
  /** refund_amount.refund_total, a decimal string; "0" when TikTok sent none. */
  refundTotal: string;
  currency: string | null;
  /** order_line_item_id of each returned unit. */
  unitIds: string[];
  /** ISO-8601, from update_time (create_time when absent). */
  updatedAt: string;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** A return_orders[] entry; anything we cannot read exactly throws UNEXPECTED_RESPONSE. */
export function mapTikTokReturn(raw: unknown): TikTokShopReturn {
  const unexpected = (what: string) =>
    new TikTokApiError('UNEXPECTED_RESPONSE', `TikTok return ${what}`);
  if (!isObject(raw)) throw unexpected('is not an object');
  const returnId = readTikTokId(raw.return_id);
  if (!returnId.ok) throw unexpected(`return_id ${returnId.problem}`);
  const about = (what: string) => unexpected(`${returnId.value}: ${what}`);
  const orderId = readTikTokId(raw.order_id);
  if (!orderId.ok) throw about(`order_id ${orderId.problem}`);
  const status = nonEmpty(raw.return_status);
  if (status === undefined) throw about('has no return_status');
  const returnType = nonEmpty(raw.return_type);
  if (returnType === undefined) throw about('has no return_type');
  const time = readTikTokSeconds(raw.update_time ?? raw.create_time);
  if (!time.ok) throw about(`update_time ${time.problem}`);

  const amount = isObject(raw.refund_amount) ? raw.refund_amount : {};
  const total = amount.refund_total ?? '0';
  if (typeof total !== 'string' || !/^\d+(\.\d+)?$/.test(total))
    throw about('refund_amount.refund_total is not a decimal string');

  const items = Array.isArray(raw.return_line_items) ? raw.return_line_items : [];
  const unitIds = items.map((item: unknown, index) => {
    const id = isObject(item) ? readTikTokId(item.order_line_item_id) : undefined;
    if (id === undefined || !id.ok)
      throw about(`return_line_items[${index}].order_line_item_id is not an id`);
    return id.value;
  });
  return {
    returnId: returnId.value,
    orderId: orderId.value,
    status: status.toUpperCase(),
    returnType: returnType.toUpperCase(),
    refundTotal: total,
    currency: nonEmpty(amount.currency) ?? null,
    unitIds,
    updatedAt: time.value,
  };
}
