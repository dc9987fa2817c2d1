import type { GraphqlContext } from '../context';
import type { OrderFilterInput } from '../inputs/OrderFilterInput';
import { orderCursor, parseOrderCursor } from '../pagination/cursors';
import { pageOf } from '../pagination/pageOf';
import { checkFirst } from '../pagination/pageSize';
import { Order } from '../types/Order';
import { OrderConnection } from '../types/OrderConnection';
import type { Store } from '../types/Store';
import { orderFilterOf } from './orderFilterOf';

/** A page of a store's orders, newest first; totalCount is read only when it is asked for. */
export async function orderConnection(
  context: GraphqlContext,
  store: Store,
  args: { first: number; after?: string | null; filter?: OrderFilterInput | null },
): Promise<OrderConnection> {
  const first = checkFirst(args.first);
  const filter = orderFilterOf(args.filter);
  const after = args.after == null ? undefined : parseOrderCursor(args.after);
  const storeId = store.id;
  const rows = await context.loaders.orderPages.load({
    storeId,
    args: { filter, limit: first + 1, after },
  });
  const { edges, pageInfo } = pageOf(rows, first, args.after, orderCursor);
  return new OrderConnection(
    edges.map(({ cursor, row }) => ({ cursor, node: new Order(row, store.row) })),
    pageInfo,
    () => context.loaders.orderTotals.load({ storeId, args: filter }),
  );
}
