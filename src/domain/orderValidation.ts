import { type Problems } from './domainError';
import { currencyExponent, normalizeAmount, orderTotal } from './money';
import { FULFILLMENT_TYPES, type FulfillmentType, type LineItem } from './orderVocabulary';
import { isTikTokOrderStatus, TIKTOK_ORDER_STATUSES, type TikTokOrderStatus } from './tiktokStatus';

export const MAX_LINE_ITEMS = 250;
export const MAX_QUANTITY = 10_000;
export const MAX_SKU_LENGTH = 100;
export const MAX_TITLE_LENGTH = 255;

const tiktokOrderIdShape = /^[A-Za-z0-9_-]{1,64}$/;
/** Instants reach the domain normalized to UTC by the edge: 2026-11-28T10:15:00.000Z. */
const instantShape = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function checkTikTokOrderId(id: string, problems: Problems): void {
  if (!tiktokOrderIdShape.test(id)) {
    problems.invalid(
      ['tiktokOrderId'],
      'tiktokOrderId must be 1 to 64 letters, digits, dashes or underscores',
    );
  }
}

export function checkStatus(status: TikTokOrderStatus, problems: Problems): void {
  if (!isTikTokOrderStatus(status)) {
    problems.invalid(['status'], `status must be one of ${TIKTOK_ORDER_STATUSES.join(', ')}`);
  }
}

/** A real day and time of day (no 30 February, no 24:00), for text of instantShape. */
function onTheCalendar(instant: string): boolean {
  const [year, month, day, hour, minute, second] = [0, 5, 8, 11, 14, 17].map((at, i) =>
    Number(instant.slice(at, at + (i === 0 ? 4 : 2))),
  ) as [number, number, number, number, number, number];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days && hour < 24 && minute < 60 && second < 60;
}

export function checkInstant(field: string, value: string, problems: Problems): void {
  // The shape, and a real instant in it (no 30 February, no 24:00): the text
  // is stored as it is and read back by PostgreSQL and by Date alike.
  if (!instantShape.test(value) || !onTheCalendar(value))
    problems.invalid([field], `${field} must be an ISO-8601 instant in UTC`);
}

export interface ValidOrderFacts {
  lineItems: LineItem[];
  currency: string;
  totalAmount: string;
}

/** Line items, currency and total, checked and normalized; problems name the exact field. */
export function checkOrderFacts(
  input: { fulfillmentType: FulfillmentType; lineItems: LineItem[]; currency: string },
  problems: Problems,
): ValidOrderFacts {
  if (!(FULFILLMENT_TYPES as readonly string[]).includes(input.fulfillmentType)) {
    problems.invalid(
      ['fulfillmentType'],
      `fulfillmentType must be one of ${FULFILLMENT_TYPES.join(', ')}`,
    );
  }
  const exponent = currencyExponent(input.currency);
  if (exponent === undefined) {
    problems.invalid(
      ['currency'],
      `currency must be an ISO 4217 code such as USD, got ${JSON.stringify(input.currency)}`,
    );
  }
  const { lineItems } = input;
  if (lineItems.length === 0 || lineItems.length > MAX_LINE_ITEMS) {
    problems.invalid(
      ['lineItems'],
      `an order has 1 to ${MAX_LINE_ITEMS} line items, got ${lineItems.length}`,
    );
  }
  const normalized = lineItems.slice(0, MAX_LINE_ITEMS).map((item, index): LineItem => {
    const at = (name: string) => ['lineItems', String(index), name];
    const sku = item.sku.trim();
    if (sku.length === 0 || sku.length > MAX_SKU_LENGTH || /[\p{Cc}\p{Cs}]/u.test(sku)) {
      problems.invalid(at('sku'), `sku must be 1 to ${MAX_SKU_LENGTH} printable characters`);
    }
    const title = item.title === null ? null : item.title.trim();
    if (title !== null && (title.length > MAX_TITLE_LENGTH || /[\p{Cc}\p{Cs}]/u.test(title))) {
      problems.invalid(
        at('title'),
        `title must be at most ${MAX_TITLE_LENGTH} printable characters`,
      );
    }
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_QUANTITY) {
      problems.invalid(
        at('quantity'),
        `quantity must be a whole number from 1 to ${MAX_QUANTITY.toLocaleString('en-US')}`,
      );
    }
    const unitPrice =
      exponent === undefined ? undefined : normalizeAmount(item.unitPrice, exponent);
    if (exponent !== undefined && unitPrice === undefined) {
      problems.invalid(
        at('unitPrice'),
        `unitPrice must be a non-negative decimal with at most ${exponent} decimal places for ${input.currency}, got ${JSON.stringify(item.unitPrice)}`,
      );
    }
    return {
      sku,
      title: title === '' ? null : title,
      quantity: item.quantity,
      unitPrice: unitPrice ?? item.unitPrice,
    };
  });
  return {
    lineItems: normalized,
    currency: input.currency,
    totalAmount: exponent === undefined ? '0' : orderTotal(normalized, exponent),
  };
}
