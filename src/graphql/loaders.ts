import DataLoader from 'dataloader';
import { orderStreamId } from '../domain/eventCatalog';
import type { RecordedEvent } from '../eventstore/types';
import { countOrders } from '../projections/read/countOrders';
import { countableFromOrderCounts, type OrderFilter } from '../projections/read/orderFilter';
import type { OrderView } from '../projections/read/orderView';
import {
  type InventoryDeductionView,
  readInventoryDeductions,
} from '../projections/read/readInventoryDeductions';
import { type OrderCountsByStatus, readOrderCounts } from '../projections/read/readOrderCounts';
import { type OrderPageQuery, readOrderPages } from '../projections/read/readOrderPages';
import { readOrdersByIds } from '../projections/read/readOrdersByIds';
import { readStoresByIds } from '../projections/read/readStoresByIds';
import { readStoresFromStreams } from '../projections/read/readStoresFromStreams';
import type { StoreRow } from '../projections/storeRow';
import type { GraphqlServices } from './graphqlServices';

/** A key of a per-store read that also depends on the field's arguments. */
interface PerStore<Args> {
  storeId: string;
  args: Args;
}

const perStoreKey = <Args>({ storeId, args }: PerStore<Args>) =>
  `${storeId} ${JSON.stringify(args)}`;

/**
 * A loader of per-store reads that take arguments: the keys of one tick are
 * grouped by their arguments, and each group is one statement for all its
 * stores (e.g. the first page of orders of every store in a page of stores).
 */
function perStoreLoader<Args, Value>(
  read: (storeIds: string[], args: Args) => Promise<Map<string, Value>>,
  missing: Value,
): DataLoader<PerStore<Args>, Value, string> {
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, { args: Args; storeIds: string[] }>();
      for (const key of keys) {
        const argsKey = JSON.stringify(key.args);
        const group = groups.get(argsKey) ?? { args: key.args, storeIds: [] };
        group.storeIds.push(key.storeId);
        groups.set(argsKey, group);
      }
      const results = new Map<string, Value>();
      await Promise.all(
        [...groups.values()].map(async ({ args, storeIds }) => {
          for (const [storeId, value] of await read(storeIds, args))
            results.set(perStoreKey({ storeId, args }), value);
        }),
      );
      return keys.map((key) => results.get(perStoreKey(key)) ?? missing);
    },
    { cacheKeyFn: perStoreKey },
  );
}

/**
 * The request's DataLoaders: every field that would read once per parent
 * (an order's store, a store's counts, an order's history, ...) reads once
 * per request tick instead, in one statement for all parents.
 */
export function createLoaders({ db, eventStore }: GraphqlServices) {
  const orderCounts = new DataLoader<string, OrderCountsByStatus>(async (storeIds) => {
    const counts = await readOrderCounts(db, storeIds);
    return storeIds.map((id) => counts.get(id) ?? {});
  });

  return {
    /**
     * Stores by id, from the read model. A store the stores projection has not
     * caught up with yet (just connected) is folded from its stream instead, so
     * an order's store is never missing.
     */
    store: new DataLoader<string, StoreRow | null>(async (ids) => {
      const rows = await readStoresByIds(db, ids);
      const missing = ids.filter((id) => !rows.has(id));
      const folded = await readStoresFromStreams(eventStore, missing);
      return ids.map((id) => rows.get(id) ?? folded.get(id) ?? null);
    }),

    order: new DataLoader<string, OrderView | null>(async (ids) => {
      const rows = await readOrdersByIds(db, ids);
      return ids.map((id) => rows.get(id) ?? null);
    }),

    orderCounts,

    /** Each order's events, oldest first, from the event store. */
    history: new DataLoader<string, RecordedEvent[]>(async (orderIds) => {
      const streams = await eventStore.readStreams(orderIds.map(orderStreamId));
      return orderIds.map((id) => streams.get(orderStreamId(id)) ?? []);
    }),

    orderPages: perStoreLoader<OrderPageQuery, OrderView[]>(
      (storeIds, query) => readOrderPages(db, storeIds, query),
      [],
    ),

    /** How many orders match a filter: from order_counts when it can say, else counted. */
    orderTotals: perStoreLoader<OrderFilter, number>(async (storeIds, filter) => {
      if (!countableFromOrderCounts(filter)) return countOrders(db, storeIds, filter);
      const counts = await orderCounts.loadMany(storeIds);
      return new Map(
        storeIds.map((storeId, i) => {
          const byStatus = counts[i];
          if (byStatus instanceof Error) throw byStatus;
          const statuses = filter.syncStatus ?? Object.keys(byStatus!);
          return [storeId, statuses.reduce((sum, status) => sum + (byStatus![status] ?? 0), 0)];
        }),
      );
    }, 0),

    inventoryDeductions: perStoreLoader<readonly string[] | null, InventoryDeductionView[]>(
      (storeIds, skus) => readInventoryDeductions(db, storeIds, skus ?? undefined),
      [],
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
