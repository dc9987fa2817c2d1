import { PlatformError, type PlatformOrderRef } from '../../sync/platformPort';
import { describeUserErrors } from './describeUserErrors';
import { isJsonObject, type JsonObject, unexpectedAnswer } from './jsonObject';

/** A mutation's payload: `data[field]`, which Shopify always sends for a mutation it ran. */
export function mutationPayload(data: JsonObject, field: string): JsonObject {
  const payload = data[field];
  if (!isJsonObject(payload)) throw unexpectedAnswer(`${field} without a payload`);
  return payload;
}

/** The payload's list of user errors (`userErrors`, or orderCancel's `orderCancelUserErrors`). */
export function userErrorsOf(payload: JsonObject, list = 'userErrors'): unknown[] {
  const errors = payload[list];
  return Array.isArray(errors) ? errors : [];
}

/** The codes of those user errors, where the payload's error type has codes. */
export function userErrorCodes(userErrors: unknown[]): string[] {
  return userErrors
    .map((error) => (isJsonObject(error) ? error.code : undefined))
    .filter((code): code is string => typeof code === 'string');
}

/** A refusal that will not change by retrying: Shopify's own words, after ours. */
export function refusedBy(what: string, userErrors: unknown[], argument?: string): PlatformError {
  return new PlatformError(
    'REJECTED',
    `Shopify refused ${what}: ${describeUserErrors(userErrors, argument)}`,
  );
}

/** `order(id:)`'s node, or null when the shop has no such order (deleted, or never ours). */
export function orderNode(data: JsonObject): JsonObject | null {
  if (data.order === null) return null;
  if (!isJsonObject(data.order) || typeof data.order.id !== 'string') {
    throw unexpectedAnswer('an order without an id');
  }
  return data.order;
}

export function noSuchOrder(order: PlatformOrderRef): PlatformError {
  return new PlatformError(
    'REJECTED',
    `Shopify has no order ${order.platformOrderId} in ${order.store.shopDomain ?? order.store.storeId}`,
  );
}

/** `cancelledAt` of an order node: the instant, or null while it is not cancelled. */
export function cancelledAtOf(order: JsonObject): string | null {
  const { cancelledAt } = order;
  if (cancelledAt === null || cancelledAt === undefined) return null;
  if (typeof cancelledAt !== 'string') throw unexpectedAnswer('cancelledAt that is not a date');
  return cancelledAt;
}
