import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { OrdersArgs } from '../args/fieldArgs';
import type { GraphqlContext } from '../context';
import { orderConnection } from '../connections/orderConnection';
import { badUserInput } from '../errors';
import { MAX_ID_LENGTH } from '../edge/inputChecks';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination/pageSize';
import { InventoryDeduction } from '../types/InventoryDeduction';
import { OrderConnection } from '../types/OrderConnection';
import { OrderCounts } from '../types/OrderCounts';
import { authorizePathFor } from '../../adapters/tiktok/auth/tikTokShopClients';
import { Store } from '../types/Store';
import { TikTokAuthorization } from '../types/TikTokAuthorization';

@Resolver(() => Store)
export class StoreFields {
  @FieldResolver(() => OrderConnection, {
    description: `The store's orders, newest first (placedAt descending, then id). \`first\` is at most ${MAX_PAGE_SIZE}.`,
  })
  orders(
    @Root() store: Store,
    @Args(() => OrdersArgs) { first, after, filter }: OrdersArgs,
    @Ctx() context: GraphqlContext,
  ): Promise<OrderConnection> {
    return orderConnection(context, store, { first: first ?? DEFAULT_PAGE_SIZE, after, filter });
  }

  @FieldResolver(() => OrderCounts, {
    description: "How many of the store's orders are in each sync status.",
  })
  async orderCounts(
    @Root() store: Store,
    @Ctx() { loaders }: GraphqlContext,
  ): Promise<OrderCounts> {
    const counts = await loaders.orderCounts.load(store.id);
    return {
      pending: counts.PENDING ?? 0,
      blocked: counts.BLOCKED ?? 0,
      synced: counts.SYNCED ?? 0,
      failed: counts.FAILED ?? 0,
      cancelled: counts.CANCELLED ?? 0,
    };
  }

  @FieldResolver(() => TikTokAuthorization, {
    nullable: true,
    description:
      "Whether the store's seller authorized fbt-sync on TikTok Shop, with the scopes granted and where to authorize it. No token is ever part of it.",
  })
  tiktokAuthorization(@Root() store: Store): TikTokAuthorization {
    const authorization = store.row.tiktok_authorization;
    const at = authorization === null ? null : new Date(authorization.at);
    return {
      state: authorization?.state ?? 'NOT_AUTHORIZED',
      grantedScopes: authorization?.grantedScopes ?? [],
      authorizedAt: authorization?.state === 'AUTHORIZED' ? at : null,
      deauthorizedAt: authorization?.state === 'DEAUTHORIZED' ? at : null,
      authorizeUrl: authorizePathFor(store.id),
    };
  }

  @FieldResolver(() => [InventoryDeduction], {
    description: 'Quantities deducted by synced orders, per SKU and location.',
  })
  inventoryDeductions(
    @Root() store: Store,
    @Arg('skus', () => [String], {
      nullable: true,
      description: `Only these SKUs (at most ${MAX_PAGE_SIZE}); all when omitted.`,
    })
    skus: string[] | null | undefined,
    @Ctx() { loaders }: GraphqlContext,
  ): Promise<InventoryDeduction[]> {
    if (skus != null && (skus.length > MAX_PAGE_SIZE || skus.some((s) => s.length > MAX_ID_LENGTH)))
      throw badUserInput(
        'skus',
        `skus takes at most ${MAX_PAGE_SIZE} SKUs of at most ${MAX_ID_LENGTH} characters`,
      );
    return loaders.inventoryDeductions.load({
      storeId: store.id,
      args: skus == null ? null : [...new Set(skus)].sort(),
    });
  }
}
