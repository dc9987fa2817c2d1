import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { canAccessStore } from '../../auth/viewer';
import type { OrderView } from '../../projections/read/orderView';
import type { GraphqlContext } from '../context';
import { badUserInput, forbidden } from '../errors';
import { MAX_ID_LENGTH } from '../edge/inputChecks';
import { createLoaders } from '../loaders';
import { Order } from '../types/Order';

@Resolver()
export class OrderSubscriptions {
  @Subscription(() => Order, {
    description:
      "The store's orders as they change, from now on: each time the read models take in a change to an order of this store (its status, sync, history), the order as the Orders view now shows it. Over graphql-ws on /graphql; a store token subscribes only to its own store (FORBIDDEN otherwise).",
    subscribe: ({ args, context }) => {
      const { storeId } = args as { storeId: string };
      const { viewer, services } = context as GraphqlContext;
      if (storeId.length > MAX_ID_LENGTH)
        throw badUserInput('storeId', `storeId is at most ${MAX_ID_LENGTH} characters`);
      if (!canAccessStore(viewer, storeId))
        throw forbidden('a store token subscribes only to its own store');
      if (services.orderChanges === undefined)
        throw new Error('orderChanged needs the order change feed');
      return services.orderChanges.subscribe(storeId);
    },
  })
  orderChanged(
    @Arg('storeId', () => ID, { description: 'The store whose orders to follow.' })
    _storeId: string,
    @Root() row: OrderView,
    @Ctx() context: GraphqlContext,
  ): Order {
    // One subscription runs many times on one context: each change reads its
    // store and history afresh, not from the loaders of the one before.
    context.loaders = createLoaders(context.services);
    return new Order(row);
  }
}
