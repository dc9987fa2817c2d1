import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import { OrderByTikTokIdArgs } from '../args/fieldArgs';
import { canAccessStore } from '../../auth/viewer';
import { orderIdFor } from '../../commands/ids';
import type { GraphqlContext } from '../context';
import { MAX_ID_LENGTH } from '../edge/inputChecks';
import { Order } from '../types/Order';

@Resolver()
export class OrderQueries {
  @Query(() => Order, {
    nullable: true,
    description: 'An order by id; null when there is none, or the caller may not see it.',
  })
  async order(
    @Arg('id', () => ID, { description: 'The order id.' }) id: string,
    @Ctx() { viewer, loaders }: GraphqlContext,
  ): Promise<Order | null> {
    if (id.length > MAX_ID_LENGTH) return null;
    const row = await loaders.order.load(id);
    return row && canAccessStore(viewer, row.store_id) ? new Order(row) : null;
  }

  @Query(() => Order, {
    nullable: true,
    description:
      'An order by its store and TikTok Shop order id; null when there is none, or the caller may not see it.',
  })
  async orderByTikTokId(
    @Args(() => OrderByTikTokIdArgs) { storeId, tiktokOrderId }: OrderByTikTokIdArgs,
    @Ctx() { viewer, loaders }: GraphqlContext,
  ): Promise<Order | null> {
    if (storeId.length > MAX_ID_LENGTH || tiktokOrderId.length > MAX_ID_LENGTH) return null;
    if (!canAccessStore(viewer, storeId)) return null;
    // An order's id follows from its store and TikTok order id: a primary-key read.
    const row = await loaders.order.load(orderIdFor(storeId, tiktokOrderId));
    return row && row.store_id === storeId ? new Order(row) : null;
  }
}
