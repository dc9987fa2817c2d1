import { readTikTokId, readTikTokSeconds } from './tikTokScalars';
import {
  normalizeTikTokShopOrderStatus,
  type TikTokShopOrderStatus,
} from './tikTokShopOrderStatus';

export const ORDER_STATUS_CHANGE_TYPE = 1;

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

/** Any other type, known or not: acknowledged with 200 and otherwise ignored. */
export interface IgnoredTikTokNotification {
  kind: 'ignored';
  notificationId: string;
  /** Null when an unknown type comes without one: refusing it would make TikTok redeliver forever. */
  shopId: string | null;
  type: number;
}

export type TikTokShopNotification = TikTokOrderStatusChange | IgnoredTikTokNotification;

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
