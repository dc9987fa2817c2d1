import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import { StoresArgs } from '../args/fieldArgs';
import { canAccessStore } from '../../auth/viewer';
import type { GraphqlContext } from '../context';
import { storeConnection } from '../connections/storeConnection';
import { MAX_ID_LENGTH } from '../edge/inputChecks';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination/pageSize';
import { Store } from '../types/Store';
import { StoreConnection } from '../types/StoreConnection';

@Resolver()
export class StoreQueries {
  @Query(() => StoreConnection, {
    description: `Stores the caller may see; a store token sees only its own store. Oldest first. \`first\` is at most ${MAX_PAGE_SIZE}.`,
  })
  stores(
    @Args(() => StoresArgs) { first, after }: StoresArgs,
    @Ctx() context: GraphqlContext,
  ): Promise<StoreConnection> {
    return storeConnection(context, { first: first ?? DEFAULT_PAGE_SIZE, after });
  }

  @Query(() => Store, {
    nullable: true,
    description: 'A store by id; null when there is none, or the caller may not see it.',
  })
  async store(
    @Arg('id', () => ID, { description: 'The store id.' }) id: string,
    @Ctx() { viewer, loaders }: GraphqlContext,
  ): Promise<Store | null> {
    if (id.length > MAX_ID_LENGTH || !canAccessStore(viewer, id)) return null;
    const row = await loaders.store.load(id);
    return row && new Store(row);
  }
}
