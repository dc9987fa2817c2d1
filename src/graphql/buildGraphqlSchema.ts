import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
// In the contract's order: the printed schema lists fields in the order their decorators ran.
import { StoreQueries } from './resolvers/StoreQueries';
import { OrderQueries } from './resolvers/OrderQueries';
import { EventQueries } from './resolvers/EventQueries';
import { StoreFields } from './resolvers/StoreFields';
import { OrderFields } from './resolvers/OrderFields';
import { StoreMutations } from './resolvers/StoreMutations';
import { OrderMutations } from './resolvers/OrderMutations';
import { OrderSubscriptions } from './resolvers/OrderSubscriptions';

let built: GraphQLSchema | undefined;

/**
 * The public schema, built once per process from the decorated classes (the
 * contract in contract/schema.graphql, printed to schema.graphql). Building
 * walks every decorator, so it is never done per request.
 */
export function buildGraphqlSchema(): GraphQLSchema {
  built ??= buildSchemaSync({
    resolvers: [
      StoreQueries,
      OrderQueries,
      EventQueries,
      StoreFields,
      OrderFields,
      StoreMutations,
      OrderMutations,
      OrderSubscriptions,
    ],
    validate: false,
    emitSchemaFile: false,
    // Required by type-graphql once a Subscription exists; unused: orderChanged
    // brings its own source (the order change feed), not topics.
    pubSub: {
      publish() {
        throw new Error('fbt-sync publishes no topics');
      },
      subscribe() {
        throw new Error('fbt-sync subscribes to no topics');
      },
    },
  });
  return built;
}
