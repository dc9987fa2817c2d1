import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { EventStore } from '../eventstore/createEventStore';
import type { OrderChangeFeed } from './subscriptions/orderChangeFeed';

// Its own file: the loaders take these and the context builds the loaders,
// so a type that lived in context.ts made the two import each other.

/** What the API reads from and writes to, shared by every request. */
export interface GraphqlServices {
  db: Kysely<Database>;
  eventStore: EventStore;
  now(): Date;
  /** What feeds `orderChanged` (subscriptions over graphql-ws); absent where nothing subscribes. */
  orderChanges?: OrderChangeFeed;
}
