import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import { type OrderFilter, orderFilterConditions } from './orderFilter';
import { ORDER_VIEW_COLUMNS, type OrderView } from './orderView';

/** Where a page starts: after the order with this (placed_at, id), newest first. */
export interface OrderKey {
  placedAt: Date;
  id: string;
}

export interface OrderPageQuery {
  filter: OrderFilter;
  /** Rows to read per store (the caller asks one more than it shows, to know there is a next page). */
  limit: number;
  after?: OrderKey;
}

/**
 * A page of each store's orders, newest first by (placed_at desc, id desc),
 * in one statement: a LATERAL join runs the keyset scan of the
 * (store_id, placed_at desc, id desc) indexes once per store and stops after
 * `limit` rows, so the cost follows the page size, not the store's size.
 */
export async function readOrderPages(
  db: Kysely<Database>,
  storeIds: readonly string[],
  { filter, limit, after }: OrderPageQuery,
): Promise<Map<string, OrderView[]>> {
  const pages = new Map<string, OrderView[]>(storeIds.map((id) => [id, []]));
  if (storeIds.length === 0 || limit === 0) return pages;
  const rows = await db
    .selectFrom(
      sql<{ store_id: string }>`(SELECT unnest(${[...storeIds]}::text[]) AS store_id)`.as('s'),
    )
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('orders')
          .select(ORDER_VIEW_COLUMNS)
          .where((w) =>
            w.and([
              w('orders.store_id', '=', sql.ref<string>('s.store_id')),
              ...orderFilterConditions(w, filter),
              ...(after === undefined
                ? []
                : [
                    w(
                      w.refTuple('orders.placed_at', 'orders.id'),
                      '<',
                      w.tuple(after.placedAt, after.id),
                    ),
                  ]),
            ]),
          )
          .orderBy('orders.placed_at', 'desc')
          .orderBy('orders.id', 'desc')
          .limit(limit)
          .as('o'),
      (join) => join.onTrue(),
    )
    .selectAll('o')
    .execute();
  for (const row of rows) pages.get(row.store_id)?.push(row);
  return pages;
}
