import type { Logger } from 'pino';
import { createDomainEventStore } from '../commands/domainEventStore';
import type { Config } from '../config';
import { migrateToLatest } from '../db/migrate';
import { openDatabase, type OpenedDatabase } from '../db/openDatabase';
import type { EventStore } from '../eventstore/createEventStore';

export interface CommandDatabase {
  database: OpenedDatabase;
  eventStore: EventStore;
}

/** Opens the database (migrated) for one command and closes it after, whatever happens. */
export async function withDatabase<T>(
  config: Config,
  log: Logger,
  run: (open: CommandDatabase) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config, log, 4);
  try {
    await migrateToLatest(database.db);
    return await run({
      database,
      eventStore: createDomainEventStore(database.db, undefined, database.pool),
    });
  } finally {
    await database.close();
  }
}
