import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from '../db/schema';
import { schemaVersionOf } from '../domain/eventCatalog';
import { upcast } from '../domain/upcast';
import { createEventStore, type EventStore } from '../eventstore/createEventStore';
import type { Wakeups } from '../eventstore/wakeups';

/**
 * The event store as the product uses it: current schema versions stamped,
 * older ones upcast on read. Pass the pool behind db for faster reads.
 */
export function createDomainEventStore(
  db: Kysely<Database>,
  wakeups?: Wakeups,
  pool?: pg.Pool,
): EventStore {
  return createEventStore({ db, pool, wakeups, upcast, schemaVersionOf });
}
