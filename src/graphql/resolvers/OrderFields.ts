import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphqlContext } from '../context';
import { Order } from '../types/Order';
import { RecordedEvent } from '../types/RecordedEvent';
import { Store } from '../types/Store';

@Resolver(() => Order)
export class OrderFields {
  @FieldResolver(() => Store, { description: 'The store the order was placed in.' })
  store(@Root() order: Order, @Ctx() { loaders }: GraphqlContext): Store | Promise<Store> {
    // Read as one of its store's orders: the store is at hand, and a plain value spares
    // graphql-js a promise per order.
    if (order.storeRow !== undefined) return new Store(order.storeRow);
    return loaders.store.load(order.row.store_id).then((row) => {
      if (row === null)
        throw new Error(`order ${order.id} names store ${order.row.store_id}, which has no events`);
      return new Store(row);
    });
  }

  @FieldResolver(() => [RecordedEvent], {
    description: 'Every event of this order, oldest first, read from the event store itself.',
  })
  history(@Root() order: Order, @Ctx() { loaders }: GraphqlContext): Promise<RecordedEvent[]> {
    return loaders.history.load(order.id);
  }
}
