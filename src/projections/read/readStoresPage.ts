import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { StoreRow } from '../storeRow';

/** Where a page of stores starts: after the store with this (created_at, id). */
export interface StoreKey {
  createdAt: Date;
  id: string;
}

export interface StorePageQuery {
  limit: number;
  after?: StoreKey;
  /** Only this store (a store token's view). */
  onlyStoreId?: string;
}

/** Stores oldest first by (created_at, id), a keyset page on stores_by_created. */
export async function readStoresPage(
  db: Kysely<Database>,
  { limit, after, onlyStoreId }: StorePageQuery,
): Promise<StoreRow[]> {
  if (limit === 0) return [];
  let query = db.selectFrom('stores').selectAll();
  if (onlyStoreId !== undefined) query = query.where('id', '=', onlyStoreId);
  if (after !== undefined)
    query = query.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)),
    );
  return query.orderBy('created_at').orderBy('id').limit(limit).execute();
}

/** How many stores there are (or whether the one store exists). */
export async function countStores(
  db: Kysely<Database>,
  { onlyStoreId }: Pick<StorePageQuery, 'onlyStoreId'> = {},
): Promise<number> {
  let query = db.selectFrom('stores').select((eb) => eb.fn.countAll<string>().as('count'));
  if (onlyStoreId !== undefined) query = query.where('id', '=', onlyStoreId);
  const { count } = await query.executeTakeFirstOrThrow();
  return Number(count);
}
