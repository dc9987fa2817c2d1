import type { OrderFilter } from '../../projections/read/orderFilter';
import { parseInstant } from '../edge/parseInstant';
import { MAX_ID_LENGTH } from '../edge/inputChecks';
import { badUserInput } from '../errors';
import type { OrderFilterInput } from '../inputs/OrderFilterInput';

/** Sorted and without repeats: the same filter is the same loader key, and counts are not doubled. */
const distinct = <Value extends string>(values: readonly Value[]): Value[] =>
  [...new Set(values)].sort();

function instant(name: string, value: string): Date {
  const parsed = parseInstant(value);
  if (parsed === undefined)
    throw badUserInput(
      'filter',
      `filter.${name} must be an ISO-8601 instant with a time zone, e.g. 2026-11-28T10:15:00.000Z`,
    );
  return new Date(parsed);
}

/** The filter argument as the read model takes it; BAD_USER_INPUT when a value cannot be one. */
export function orderFilterOf(input: OrderFilterInput | null | undefined): OrderFilter {
  const filter: OrderFilter = {};
  if (!input) return filter;
  if (input.syncStatus != null) filter.syncStatus = distinct(input.syncStatus);
  if (input.tiktokStatus != null) filter.tiktokStatus = distinct(input.tiktokStatus);
  if (input.fulfillmentType != null) filter.fulfillmentType = input.fulfillmentType;
  if (input.mirroring != null) filter.mirroring = distinct(input.mirroring);
  if (input.tiktokOrderId != null) {
    if (input.tiktokOrderId.length > MAX_ID_LENGTH)
      throw badUserInput(
        'filter',
        `filter.tiktokOrderId must be at most ${MAX_ID_LENGTH} characters`,
      );
    filter.tiktokOrderId = input.tiktokOrderId;
  }
  if (input.placedAfter != null) filter.placedAfter = instant('placedAfter', input.placedAfter);
  if (input.placedBefore != null) filter.placedBefore = instant('placedBefore', input.placedBefore);
  return filter;
}
