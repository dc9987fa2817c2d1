import { countStores, readStoresPage } from '../../projections/read/readStoresPage';
import type { GraphqlContext } from '../context';
import { parseStoreCursor, storeCursor } from '../pagination/cursors';
import { pageOf } from '../pagination/pageOf';
import { checkFirst } from '../pagination/pageSize';
import { Store } from '../types/Store';
import { StoreConnection } from '../types/StoreConnection';

/** A page of the stores the caller may see (a store token: its own), oldest first. */
export async function storeConnection(
  context: GraphqlContext,
  args: { first: number; after?: string | null },
): Promise<StoreConnection> {
  const first = checkFirst(args.first);
  const after = args.after == null ? undefined : parseStoreCursor(args.after);
  const { viewer, services } = context;
  const onlyStoreId = viewer.role === 'store' ? viewer.storeId : undefined;
  const rows = await readStoresPage(services.db, { limit: first + 1, after, onlyStoreId });
  for (const row of rows) context.loaders.store.prime(row.id, row);
  const { edges, pageInfo } = pageOf(rows, first, args.after, storeCursor);
  return new StoreConnection(
    edges.map(({ cursor, row }) => ({ cursor, node: new Store(row) })),
    pageInfo,
    () => countStores(services.db, { onlyStoreId }),
  );
}
