import { readTikTokId, readTikTokSeconds } from './tikTokScalars';
import {
  normalizeTikTokShopOrderStatus,
  type TikTokShopOrderStatus,
} from './tikTokShopOrderStatus';

export const ORDER_STATUS_CHANGE_TYPE = 1;
/** Cancellation status change: a whole-order or line cancellation (data.order_id, cancel_id, ...). */
export const CANCELLATION_CHANGE_TYPE = 11;
/** Return status change: a return or refund of an order (data.order_id, return_id, return_status, ...). */
export const RETURN_CHANGE_TYPE = 12;
/**
 * Seller deauthorization: the seller took the app away from the shop. Its
 * body, as a public copy of TikTok's webhook page shows it (search corpus
 * "code", seller/6-seller-deauthorization.md): type 6, tts_notification_id,
 * shop_id, timestamp (seconds) and data.message ("Shop_id {xxx} is
 * deauthorized from your APP by merchant.").
 */
export const SELLER_DEAUTHORIZATION_TYPE = 6;

export interface TikTokOrderStatusChange {
  kind: 'orderStatusChange';
  /** Deliveries repeat: dedupe on this. */
  notificationId: string;
  shopId: string;
  orderId: string;
  status: TikTokShopOrderStatus;
  /** ISO-8601, from the notification's `update_time` (seconds). */
  updateTime: string;
  /** In the buyer's one-hour remorse window: buyer data hidden, free cancellation. */
  isOnHold: boolean;
}

/**
 * A cancellation (type 11) or return (type 12) of an order changed. The
 * webhook only names it: the intake reads the facts from Get Order Detail or
 * Search Returns, so that every delivery, in any order, records the same.
 */
export interface TikTokOrderFactChange {
  kind: 'orderFactChange';
  type: typeof CANCELLATION_CHANGE_TYPE | typeof RETURN_CHANGE_TYPE;
  notificationId: string;
  shopId: string;
  orderId: string;
  /** The cancellation's or return's status as the webhook says it, for operators; '' when absent. */
  factStatus: string;
  /** ISO-8601, from `update_time` (or the notification's timestamp). */
  updateTime: string;
}

/** The seller revoked the app for a shop: its tokens go, and the store records it once. */
export interface TikTokSellerDeauthorization {
  kind: 'sellerDeauthorization';
  notificationId: string;
  shopId: string;
  /** TikTok's data.message, for the record ("Shop_id … is deauthorized from your APP by merchant."); '' when absent. */
  message: string;
  /**
   * ISO-8601, from the notification's `timestamp`: a revocation older than a
   * later authorization is stale. Undefined when TikTok left it out.
   */
  notifiedAt: string | undefined;
}

/** Any other type, known or not: acknowledged with 200 and otherwise ignored. */
export interface IgnoredTikTokNotification {
  kind: 'ignored';
  notificationId: string;
  /** Null when an unknown type comes without one: refusing it would make TikTok redeliver forever. */
  shopId: string | null;
  type: number;
}

export type TikTokShopNotification =
  | TikTokOrderStatusChange
  | TikTokOrderFactChange
  | TikTokSellerDeauthorization
  | IgnoredTikTokNotification;

export type TikTokWebhookRejectionCode =
  'NOT_AN_OBJECT' | 'MISSING_FIELD' | 'INVALID_FIELD' | 'UNKNOWN_ORDER_STATUS';

/** Why a body is not a notification we can act on; the route answers 400 with it. */
export interface TikTokWebhookRejection {
  code: TikTokWebhookRejectionCode;
  /** The JSON path of the offending field, null when the body itself is wrong. */
  field: string | null;
  reason: string;
}

export type ParsedTikTokWebhook =
  | { ok: true; notification: TikTokShopNotification }
  | { ok: false; rejection: TikTokWebhookRejection };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function reject(
  code: TikTokWebhookRejectionCode,
  field: string | null,
  reason: string,
): ParsedTikTokWebhook {
  return { ok: false, rejection: { code, field, reason } };
}

function fieldProblem(field: string, value: unknown, problem: string): ParsedTikTokWebhook {
  return reject(
    value === undefined ? 'MISSING_FIELD' : 'INVALID_FIELD',
    field,
    `${field} ${problem}`,
  );
}

/**
 * A webhook body, already JSON-parsed (with parseJsonKeepingBigIntegers, so
 * that ids sent as bare numbers keep every digit), as a typed notification
 * or a rejection saying which field is wrong. Verify the signature first.
 */
export function parseWebhook(body: unknown): ParsedTikTokWebhook {
  if (!isObject(body)) return reject('NOT_AN_OBJECT', null, 'the body is not a JSON object');

  const type =
    typeof body.type === 'string' && body.type.trim() !== '' ? Number(body.type) : body.type;
  if (typeof type !== 'number' || !Number.isSafeInteger(type)) {
    return fieldProblem('type', body.type, 'is not an integer');
  }
  const notificationId = readTikTokId(body.tts_notification_id);
  if (!notificationId.ok) {
    return fieldProblem('tts_notification_id', body.tts_notification_id, notificationId.problem);
  }

  if (type === CANCELLATION_CHANGE_TYPE || type === RETURN_CHANGE_TYPE) {
    return parseFactChange(body, notificationId.value, type);
  }
  if (type === SELLER_DEAUTHORIZATION_TYPE) return parseDeauthorization(body, notificationId.value);
  if (type !== ORDER_STATUS_CHANGE_TYPE) {
    if (body.shop_id === undefined || body.shop_id === null) {
      return ignored(notificationId.value, null, type);
    }
    const shopId = readTikTokId(body.shop_id);
    if (!shopId.ok) return fieldProblem('shop_id', body.shop_id, shopId.problem);
    return ignored(notificationId.value, shopId.value, type);
  }

  const shopId = readTikTokId(body.shop_id);
  if (!shopId.ok) return fieldProblem('shop_id', body.shop_id, shopId.problem);
  const data = body.data;
  if (!isObject(data)) {
    return fieldProblem('data', data, 'is not an object');
  }
  const orderId = readTikTokId(data.order_id);
  if (!orderId.ok) return fieldProblem('data.order_id', data.order_id, orderId.problem);

  if (data.order_status === undefined) {
    return fieldProblem('data.order_status', undefined, 'is missing');
  }
  const status = normalizeTikTokShopOrderStatus(data.order_status);
  if (status === undefined) {
    return reject(
      'UNKNOWN_ORDER_STATUS',
      'data.order_status',
      `data.order_status ${JSON.stringify(data.order_status)} is not a known TikTok Shop order status`,
    );
  }

  // The notification's own timestamp stands in when update_time is absent:
  // the public copies of the documentation disagree on whether it is always sent.
  const updateField = data.update_time === undefined ? 'timestamp' : 'data.update_time';
  const updateValue = data.update_time === undefined ? body.timestamp : data.update_time;
  const updateTime = readTikTokSeconds(updateValue);
  if (!updateTime.ok) return fieldProblem(updateField, updateValue, updateTime.problem);

  const onHold = data.is_on_hold_order;
  if (onHold !== undefined && onHold !== null && typeof onHold !== 'boolean') {
    return fieldProblem('data.is_on_hold_order', onHold, 'is not a boolean');
  }

  return {
    ok: true,
    notification: {
      kind: 'orderStatusChange',
      notificationId: notificationId.value,
      shopId: shopId.value,
      orderId: orderId.value,
      status,
      updateTime: updateTime.value,
      isOnHold: typeof onHold === 'boolean' ? onHold : status === 'ON_HOLD',
    },
  };
}

function ignored(notificationId: string, shopId: string | null, type: number): ParsedTikTokWebhook {
  return { ok: true, notification: { kind: 'ignored', notificationId, shopId, type } };
}

function parseFactChange(
  body: JsonObject,
  notificationId: string,
  type: typeof CANCELLATION_CHANGE_TYPE | typeof RETURN_CHANGE_TYPE,
): ParsedTikTokWebhook {
  const shopId = readTikTokId(body.shop_id);
  if (!shopId.ok) return fieldProblem('shop_id', body.shop_id, shopId.problem);
  const data = body.data;
  if (!isObject(data)) return fieldProblem('data', data, 'is not an object');
  const orderId = readTikTokId(data.order_id);
  if (!orderId.ok) return fieldProblem('data.order_id', data.order_id, orderId.problem);
  const updateField = data.update_time === undefined ? 'timestamp' : 'data.update_time';
  const updateValue = data.update_time === undefined ? body.timestamp : data.update_time;
  const updateTime = readTikTokSeconds(updateValue);
  if (!updateTime.ok) return fieldProblem(updateField, updateValue, updateTime.problem);
  const status = type === RETURN_CHANGE_TYPE ? data.return_status : data.cancellation_status;
  return {
    ok: true,
    notification: {
      kind: 'orderFactChange',
      type,
      notificationId,
      shopId: shopId.value,
      orderId: orderId.value,
      factStatus: typeof status === 'string' ? status.slice(0, 100) : '',
      updateTime: updateTime.value,
    },
  };
}

function parseDeauthorization(body: JsonObject, notificationId: string): ParsedTikTokWebhook {
  // Without a shop there is nothing to revoke; refusing would only make TikTok redeliver.
  if (body.shop_id === undefined || body.shop_id === null) {
    return ignored(notificationId, null, SELLER_DEAUTHORIZATION_TYPE);
  }
  const shopId = readTikTokId(body.shop_id);
  if (!shopId.ok) return fieldProblem('shop_id', body.shop_id, shopId.problem);
  const sent = body.timestamp === undefined ? undefined : readTikTokSeconds(body.timestamp);
  if (sent !== undefined && !sent.ok)
    return fieldProblem('timestamp', body.timestamp, sent.problem);
  const message = isObject(body.data) ? body.data.message : undefined;
  return {
    ok: true,
    notification: {
      kind: 'sellerDeauthorization',
      notificationId,
      shopId: shopId.value,
      message: typeof message === 'string' ? message.slice(0, 300) : '',
      notifiedAt: sent?.value,
    },
  };
}
